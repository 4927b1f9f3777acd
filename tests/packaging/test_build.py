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
    standalone = (dist / "analytics.js").read_text()
    assert "window[key] = analytics" in standalone and "data-global-analytics-key" in standalone
    esm = (dist / "analytics.esm.js").read_text()
    assert "as AnalyticsBrowser" in esm


def test_bundles_stay_within_their_recorded_size_limits(dist: Path):
    limits = json.loads((SOURCE_ROOT / "benchmarks" / "size_limits.json").read_text())
    for name in (name for name in limits if not name.startswith("_")):
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


BASE64 = {
    c: i for i, c in enumerate("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/")
}


def decode_vlq(segment: str) -> list[int]:
    values, shift, value = [], 0, 0
    for char in segment:
        digit = BASE64[char]
        value += (digit & 31) << shift
        if digit & 32:
            shift += 5
            continue
        values.append(-(value >> 1) if value & 1 else value >> 1)
        shift = value = 0
    return values


def original_position(source_map: dict, line: int, column: int) -> tuple[str, int]:
    """(source, 1-based line) that the generated (line, column) maps to."""
    source = source_line = 0
    found = None
    for index, mappings in enumerate(source_map["mappings"].split(";")):
        generated_column = 0
        for segment in filter(None, mappings.split(",")):
            fields = decode_vlq(segment)
            generated_column += fields[0]
            if len(fields) > 1:
                source += fields[1]
                source_line += fields[2]
            if index == line and generated_column <= column:
                found = (source_map["sources"][source], source_line + 1)
    assert found is not None
    return found


@pytest.mark.parametrize("bundle", ["analytics.min.js", "analytics.esm.js", "analytics.js"])
def test_source_maps_name_the_python_sources_and_map_back_to_them(dist: Path, bundle: str):
    source_map = json.loads((dist / f"{bundle}.map").read_text())
    files = [source for source in source_map["sources"] if not source.startswith("<")]
    assert all(source.startswith("../analytics_web/browser/") for source in files)
    for source, content in zip(source_map["sources"], source_map["sourcesContent"], strict=True):
        if not source.startswith("<"):
            assert (dist / source).read_text() == content, source
    # A message only arguments.py writes: its place in the bundle maps back to its Python line.
    text = (dist / bundle).read_text().split("\n")
    line = next(i for i, content in enumerate(text) if "needs an event name" in content)
    source, source_line = original_position(
        source_map, line, text[line].index("needs an event name")
    )
    assert source == "../analytics_web/browser/arguments.py"
    python = (dist / source).read_text().split("\n")
    assert "needs an event name" in "\n".join(python[source_line - 3 : source_line + 2])


def test_a_call_through_a_name_transcrypt_renames_stops_the_build(tmp_path: Path):
    generated_module(
        tmp_path, "export var f = function (cache, key) { return cache.py_get (key); };"
    )
    with pytest.raises(BuildError, match=r"example\.js calls \.get\(\).*obj\['get'\]"):
        _use_slim_runtime(tmp_path)
