"""Snippet bytes, ours beside Segment's (@segment/snippet, from npm), rendered with the same
write key and both with the automatic page() call.

    .venv/bin/python -m benchmarks.snippet_size

Compares the JavaScript inside the <script> element (Segment's package renders only that).
"""

from __future__ import annotations

import gzip
import json
import re
import subprocess
from datetime import date

from analytics_web.paths import SOURCE_ROOT
from analytics_web.snippet import render
from benchmarks.results import record

WRITE_KEY = "0123456789abcdefABCDEF0123456789"


def segment_snippet() -> tuple[str, str]:
    script = (
        "const s = require('@segment/snippet');"
        "console.log(JSON.stringify({version: require('@segment/snippet/package.json').version,"
        f" js: s.min({{apiKey: {json.dumps(WRITE_KEY)}, page: true}})}}))"
    )
    result = subprocess.run(
        ["node", "-e", script], cwd=SOURCE_ROOT, capture_output=True, text=True, check=True
    )
    answer = json.loads(result.stdout)
    return answer["version"], answer["js"]


def ours() -> str:
    html = render(WRITE_KEY)
    return re.sub(r"^<script[^>]*>|</script>$", "", html).strip()


def sizes(js: str) -> tuple[int, int]:
    data = js.encode()
    return len(data), len(gzip.compress(data, 9, mtime=0))


def main() -> None:
    version, theirs = segment_snippet()
    ours_raw, ours_gzip = sizes(ours())
    theirs_raw, theirs_gzip = sizes(theirs)
    report = "\n".join(
        [
            f"## The snippet beside Segment's, {date.today()}",
            "",
            f"`python -m benchmarks.snippet_size`: the JavaScript inside the <script> element, same"
            f" write key ({len(WRITE_KEY)} chars), both with page().",
            "",
            f"| | analytics-web | @segment/snippet {version} | ours/theirs |",
            "| --- | ---: | ---: | ---: |",
            f"| raw bytes | {ours_raw:,} | {theirs_raw:,} | {ours_raw / theirs_raw:.2f} |",
            f"| gzip -9 bytes | {ours_gzip:,} | {theirs_gzip:,} | {ours_gzip / theirs_gzip:.2f} |",
        ]
    )
    print(report)
    record("snippet", report)


if __name__ == "__main__":
    main()
