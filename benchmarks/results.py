"""benchmarks/results.md, the one place dated figures live: a section per benchmark script,
each rewritten by its script when it runs, the others kept as they were."""

from __future__ import annotations

import re
from pathlib import Path

from analytics_web.paths import SOURCE_ROOT

RESULTS = SOURCE_ROOT / "benchmarks" / "results.md"
TITLE = (
    "# Benchmark results\n\n"
    "The latest figures of each benchmark, written by the script named in its section (see"
    " benchmarks/README.md for what each measures). Ratios are ours/theirs: below 1 favours"
    " analytics-web."
)
ORDER = ("compare", "snippet", "collector", "proxy")
SECTION = re.compile(r"<!-- section: (\w+) -->\n(.*?)\n<!-- end: \1 -->", re.S)


def record(name: str, text: str, path: Path = RESULTS) -> None:
    """Make ``text`` (Markdown starting with its own ``##`` heading, which should say when it
    was measured) the section ``name`` of ``path``, keeping the other sections."""
    sections = dict(SECTION.findall(path.read_text())) if path.is_file() else {}
    sections[name] = text.strip()
    names = [known for known in ORDER if known in sections]
    names += sorted(set(sections) - set(ORDER))
    parts = [TITLE] + [f"<!-- section: {n} -->\n{sections[n]}\n<!-- end: {n} -->" for n in names]
    path.write_text("\n\n".join(parts) + "\n")
