"""Rendering the snippet from Python: the API, the Jinja global and the CLI."""

from __future__ import annotations

import json
import urllib.parse

import jinja2
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from analytics_web.snippet import bundle_integrity, install, render


def test_render_puts_load_options_and_api_host_into_the_load_call():
    html = render(
        "KEY",
        api_host="127.0.0.1:8765/v1",
        protocol="http",
        load_options={"integrations": {"All": False}},
    )
    options = load_arguments(html)[1]
    assert options == {
        "integrations": {"All": False},
        "apiHost": "127.0.0.1:8765/v1",
        "protocol": "http",
    }
    assert html.count("a.page();") == 1


def test_page_can_be_left_out():
    assert "a.page()" not in render("KEY", page=False)


def test_nonce_and_integrity_are_placed_on_both_scripts():
    html = render("KEY", nonce="n0nce", integrity="sha384-abc")
    assert html.startswith('<script nonce="n0nce">')
    assert 's.nonce="n0nce"' in html
    assert 's.integrity="sha384-abc";s.crossOrigin="anonymous"' in html


@pytest.mark.parametrize(
    "nonce", ['"><script>alert(1)</script>', "two words", "abc===", "", "n\u00f6nce"]
)
def test_a_nonce_a_csp_could_not_match_is_refused(nonce):
    with pytest.raises(ValueError, match="nonce"):
        render("KEY", nonce=nonce)


@pytest.mark.parametrize(
    ("arguments", "error", "names"),
    [
        ({"src": None}, TypeError, "src"),
        ({"src": ""}, ValueError, "src"),
        ({"api_host": 8765}, TypeError, "api_host"),
        ({"protocol": "ftp"}, ValueError, "protocol"),
        ({"integrity": "md5-abc"}, ValueError, "integrity"),
        ({"load_options": [("a", 1)]}, TypeError, "load_options"),
        ({"load_options": {1: "one"}}, TypeError, "load_options has a key 1"),
        ({"load_options": {"a": {"b": [float("inf")]}}}, ValueError, "load_options['a']['b'][0]"),
        ({"load_options": {"when": object()}}, TypeError, "load_options['when'] is a object"),
        ({"load_options": {"a": "\ud800"}}, ValueError, "lone surrogate"),
        ({"load_options": {"\udfff": 1}}, ValueError, "lone surrogate"),
        ({"api_host": "\ud800"}, ValueError, "api_host"),
        (
            {
                "load_options": {
                    "deep": __import__("functools").reduce(lambda inner, _: [inner], range(40), 1)
                }
            },
            ValueError,
            "nested deeper",
        ),
    ],
    ids=[
        "src-none",
        "src-empty",
        "api-host-number",
        "protocol",
        "integrity",
        "options-not-dict",
        "non-string-key",
        "infinity",
        "object",
        "surrogate-value",
        "surrogate-key",
        "surrogate-api-host",
        "too-deep",
    ],
)
def test_render_names_the_argument_that_is_wrong(arguments, error, names):
    with pytest.raises(error, match=__import__("re").escape(names)):
        render("KEY", **arguments)


def test_a_write_key_with_a_lone_surrogate_is_refused():
    with pytest.raises(ValueError, match="write_key"):
        render("key\ud800")


@pytest.mark.parametrize("bad", ["", None, 42])
def test_render_refuses_a_missing_write_key(bad):
    with pytest.raises(ValueError, match="write key"):
        render(bad)


def test_jinja_global_for_flask_and_django_templates():
    environment = install(jinja2.Environment(autoescape=True))
    html = environment.from_string(
        "<head>{{ analytics_snippet('KEY', page=False) }}</head>"
    ).render()
    assert html.startswith("<head><script>") and "&lt;" not in html


def test_bundle_integrity_matches_the_manifest(dist):
    manifest = json.loads((dist / "manifest.json").read_text())
    assert bundle_integrity() == manifest["files"]["analytics.min.js"]["integrity"]


@pytest.mark.parametrize(
    ("options", "file"),
    [
        ({"consent": {"categories": ["analytics"]}}, "analytics.consent.min.js"),
        ({"webVitals": ["LCP"]}, "analytics.webvitals.min.js"),
    ],
)
def test_load_options_that_ask_for_a_feature_preload_its_file(dist, options, file):
    html = render("KEY", src="/static/analytics.min.js?site=1", load_options=options)
    name = file.split(".")[1]
    integrity = json.loads((dist / "manifest.json").read_text())["features"][name]
    # The URL the core asks for: the bundle's query, then the file's version (the start of its
    # hash, as encodeURIComponent writes it).
    version = urllib.parse.quote(integrity.removeprefix("sha256-")[:12], safe="")
    assert f'href="/static/{file}?site=1&amp;v={version}"' in html and integrity in html
    assert 'rel="preload"' in html


def test_a_single_file_page_preloads_only_what_is_not_built_into_it():
    consent = render("KEY", load_options={"consent": {"categories": ["ads"]}}, single_file=True)
    assert 'rel="preload"' not in consent
    vitals = render("KEY", load_options={"webVitals": True}, single_file=True)
    assert vitals.count('rel="preload"') == 1
    assert 'href="/dist/analytics.webvitals.min.js?v=' in vitals


text_values = st.text()
option_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | text_values,
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(text_values, children, max_size=3)
    ),
    max_leaves=15,
)


@settings(max_examples=300, deadline=None)
@given(
    write_key=text_values,
    options=st.dictionaries(text_values, option_values, max_size=4),
    src=text_values,
    nonce=st.none() | text_values,
)
@example(write_key="0", options={");": None}, src="0", nonce=None)  # found in CI
def test_any_input_renders_one_inert_script_or_names_what_is_wrong(write_key, options, src, nonce):
    try:
        html = render(write_key, load_options=options, src=src, nonce=nonce)
    except (TypeError, ValueError) as error:
        assert str(error)
        return
    # Everything from Python stays inside the one script element and the JSON literals.
    assert html.lower().count("<script") == 1 and html.lower().count("</script") == 1
    assert html.endswith("</script>")
    assert load_arguments(html) == [write_key, options]


def load_arguments(html: str) -> list:
    """The two JSON values the snippet passes to a.load(...), read as JSON (an option may hold
    any text, ");" included)."""
    decoder = json.JSONDecoder()
    rest = html.split("a.load(", 1)[1]
    write_key, end = decoder.raw_decode(rest)
    assert rest[end] == ","
    options, _ = decoder.raw_decode(rest[end + 1 :])
    return [write_key, options]
