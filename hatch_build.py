"""Ship the built bundle, the snippet's sources and the demo site inside the wheel, so
`pip install analytics-web` users need no Node and `analytics-web demo` works from a wheel.

Editable installs skip this: they find the folders in the checkout (analytics_web.paths).
"""

from pathlib import Path
from typing import Any

from hatchling.builders.hooks.plugin.interface import BuildHookInterface

SHIPPED = ("dist", "snippet", "demo_site")  # analytics_web.paths.SHIPPED


class BundleHook(BuildHookInterface):
    def initialize(self, version: str, build_data: dict[str, Any]) -> None:
        if version == "editable":
            return
        root = Path(self.root)
        if not (root / "dist" / "manifest.json").is_file():
            raise RuntimeError("dist/ is not built: run `python build.py` before building a wheel")
        for folder in SHIPPED:
            build_data["force_include"][str(root / folder)] = f"analytics_web/shipped/{folder}"
