"""The build: dist/ holds what the manifest says, and a second build with no change is a no-op."""

from __future__ import annotations

import base64
import gzip
import hashlib
import json
from pathlib import Path

from analytics_web.build import OUTPUTS, build


def test_manifest_matches_the_files(dist: Path):
    manifest = json.loads((dist / "manifest.json").read_text())
    assert set(manifest["files"]) == {output.file for output in OUTPUTS}
    for name, facts in manifest["files"].items():
        data = (dist / name).read_bytes()
        assert facts["bytes"] == len(data)
        assert facts["gzip_bytes"] == len(gzip.compress(data, 9, mtime=0))
        digest = base64.b64encode(hashlib.sha384(data).digest()).decode()
        assert facts["integrity"] == f"sha384-{digest}"
        assert (dist / f"{name}.map").is_file()


def test_a_second_build_without_changes_writes_nothing(dist: Path):
    before = {path.name: path.stat().st_mtime_ns for path in dist.iterdir()}
    build()
    after = {path.name: path.stat().st_mtime_ns for path in dist.iterdir()}
    assert after == before


def test_bundles_define_the_public_entry_points(dist: Path):
    assert "window.analytics" in (dist / "analytics.js").read_text()
    esm = (dist / "analytics.esm.js").read_text()
    assert "as AnalyticsBrowser" in esm
