"""Where the built bundle and the project's source tree are."""

from __future__ import annotations

from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
SOURCE_ROOT = PACKAGE_DIR.parent
BROWSER_DIR = PACKAGE_DIR / "browser"


def dist_dir() -> Path:
    """The built bundle: shipped inside the wheel, or ``dist/`` of a source checkout."""
    packaged = PACKAGE_DIR / "dist"
    if (packaged / "manifest.json").is_file():
        return packaged
    return SOURCE_ROOT / "dist"
