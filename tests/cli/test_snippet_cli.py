"""`analytics-web snippet` from the command line prints what render() renders."""

from __future__ import annotations

from analytics_web.snippet import bundle_integrity, render
from tests.support.processes import run_cli


def test_cli_prints_the_same_snippet(dist):
    result = run_cli("snippet", "--write-key", "KEY", "--no-page", "--integrity", check=True)
    assert result.stdout.strip() == render("KEY", page=False, integrity=bundle_integrity())
