"""Rendering the snippet from Python: the API, the Jinja global and the CLI."""

from __future__ import annotations

import json
import subprocess
import sys

import jinja2
import pytest

from analytics_web.snippet import bundle_integrity, install, render


def test_render_puts_load_options_and_api_host_into_the_load_call():
    html = render("KEY", api_host="127.0.0.1:8765/v1", protocol="http",
                  load_options={"integrations": {"All": False}})
    options = json.loads(html.split('a.load("KEY",', 1)[1].split(");", 1)[0])
    assert options == {"integrations": {"All": False}, "apiHost": "127.0.0.1:8765/v1",
                       "protocol": "http"}
    assert html.count("a.page();") == 1


def test_page_can_be_left_out():
    assert "a.page()" not in render("KEY", page=False)


def test_nonce_and_integrity_are_placed_on_both_scripts():
    html = render("KEY", nonce="n0nce", integrity="sha384-abc")
    assert html.startswith('<script nonce="n0nce">')
    assert 's.nonce="n0nce"' in html
    assert 's.integrity="sha384-abc";s.crossOrigin="anonymous"' in html


def test_a_nonce_cannot_break_out_of_its_attribute():
    html = render("KEY", nonce='"><script>alert(1)</script>')
    assert "<script>alert(1)" not in html


@pytest.mark.parametrize("bad", ["", None, 42])
def test_render_refuses_a_missing_write_key(bad):
    with pytest.raises(ValueError, match="write key"):
        render(bad)  # type: ignore[arg-type]


def test_render_refuses_options_json_cannot_hold():
    with pytest.raises(ValueError, match="JSON-serialisable"):
        render("KEY", load_options={"when": object()})


def test_jinja_global_for_flask_and_django_templates():
    environment = install(jinja2.Environment(autoescape=True))
    html = environment.from_string("<head>{{ analytics_snippet('KEY', page=False) }}</head>").render()
    assert html.startswith("<head><script>") and "&lt;" not in html


def test_bundle_integrity_matches_the_manifest(dist):
    manifest = json.loads((dist / "manifest.json").read_text())
    assert bundle_integrity() == manifest["files"]["analytics.min.js"]["integrity"]


def test_cli_prints_the_same_snippet(dist):
    result = subprocess.run(
        [sys.executable, "-m", "analytics_web", "snippet", "--write-key", "KEY", "--no-page",
         "--integrity"],
        capture_output=True, text=True, check=True,
    )
    assert result.stdout.strip() == render("KEY", page=False, integrity=bundle_integrity())
