"""Where the project's folders are: inside the wheel, or at the root of a source checkout.

A wheel carries the built bundle (dist/), the snippet's sources (snippet/) and the demo site
(demo_site/) under analytics_web/shipped/ (hatch_build.py puts them there); a checkout has them
at its root.
"""

from __future__ import annotations

from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
SOURCE_ROOT = PACKAGE_DIR.parent
BROWSER_DIR = PACKAGE_DIR / "browser"
SHIPPED_DIR = PACKAGE_DIR / "shipped"
SHIPPED = ("dist", "snippet", "demo_site")


def shipped(folder: str) -> Path:
    """``folder`` (one of SHIPPED) as the wheel ships it, or as the checkout has it."""
    packaged = SHIPPED_DIR / folder
    return packaged if packaged.is_dir() else SOURCE_ROOT / folder


def dist_dir() -> Path:
    return shipped("dist")


def snippet_dir() -> Path:
    return shipped("snippet")


def demo_site_dir() -> Path:
    return shipped("demo_site")
