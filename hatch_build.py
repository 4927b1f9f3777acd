"""Ship the built bundle inside the wheel, so `pip install analytics-web` needs no Node.

Editable installs skip this: they find dist/ in the checkout (analytics_web.paths.dist_dir).
"""

from pathlib import Path
from typing import Any

from hatchling.builders.hooks.plugin.interface import BuildHookInterface


class BundleHook(BuildHookInterface):
    def initialize(self, version: str, build_data: dict[str, Any]) -> None:
        if version == "editable":
            return
        dist = Path(self.root) / "dist"
        if not (dist / "manifest.json").is_file():
            raise RuntimeError("dist/ is not built: run `python build.py` before building a wheel")
        build_data["force_include"][str(dist)] = "analytics_web/dist"
