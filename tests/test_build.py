"""The build: dist/ holds what the manifest says, and a second build with no change is a no-op."""

from __future__ import annotations

import base64
import gzip
import hashlib
import json
from pathlib import Path

import pytest

from analytics_web.build import OUTPUTS, BuildError, _use_slim_runtime, build
from analytics_web.paths import SOURCE_ROOT


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


def test_bundles_stay_within_their_recorded_size_limits(dist: Path):
    limits = json.loads((SOURCE_ROOT / "benchmarks" / "size_limits.json").read_text())
    for name in ("analytics.min.js", "analytics.esm.js"):
        data = (dist / name).read_bytes()
        sizes = {"bytes": len(data), "gzip_bytes": len(gzip.compress(data, 9, mtime=0))}
        for measure, limit in limits[name].items():
            assert sizes[measure] <= limit, (
                f"{name} is {sizes[measure]} {measure}, over its limit of {limit}"
                " (benchmarks/size_limits.json)"
            )


GENERATED = """// Transcrypt'ed from Python
import {__class__, __get__, bytes, len, object, tuple, zip} from './org.transcrypt.__runtime__.js';
var __name__ = 'example';
{body}
"""


def generated_module(folder: Path, body: str) -> Path:
    module = folder / "example.js"
    module.write_text(GENERATED.replace("{body}", body))
    return module


def test_generated_modules_import_only_what_they_use_from_the_slim_runtime(tmp_path: Path):
    module = generated_module(
        tmp_path, "export var f = function (bytes) { return len (bytes) + x.zip; };"
    )
    _use_slim_runtime(tmp_path)
    text = module.read_text()
    assert "import {len} from './runtime.js';" in text
    assert "__runtime__" not in text
    assert (tmp_path / "runtime.js").is_file()


def test_a_runtime_name_the_slim_runtime_lacks_stops_the_build(tmp_path: Path):
    generated_module(tmp_path, "export var pairs = zip (a, b);")
    with pytest.raises(BuildError, match=r"example\.js uses zip"):
        _use_slim_runtime(tmp_path)
