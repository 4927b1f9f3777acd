"""Segment's own snippet (@segment/snippet, an npm dev dependency), rendered as Segment renders
it, for tests of pages written for Segment."""

from __future__ import annotations

import json
import subprocess
from functools import cache
from typing import Any

from analytics_web.paths import SOURCE_ROOT


@cache
def segment_snippet(write_key: str, *, host: str, load_options: str = "{}") -> str:
    """The snippet's JavaScript (no <script> element) with its CDN host changed to ``host``;
    ``load_options``: the load options, as JSON."""
    options: dict[str, Any] = json.loads(load_options)
    script = (
        "const s = require('@segment/snippet');"
        f"process.stdout.write(s.min({{apiKey: {json.dumps(write_key)}, host: {json.dumps(host)},"
        f" page: true, load: {json.dumps(options)}}}))"
    )
    return subprocess.run(
        ["node", "-e", script], cwd=SOURCE_ROOT, capture_output=True, text=True, check=True
    ).stdout
