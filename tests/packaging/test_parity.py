"""The parity tables (docs/parity.md) cover every public member of analytics-next 1.84.3, as
its published .d.ts files declare them: a member missing from a table fails here."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from analytics_web.paths import SOURCE_ROOT

TYPES = SOURCE_ROOT / "node_modules" / "@segment" / "analytics-next" / "dist" / "types"
EMITTER = (
    SOURCE_ROOT
    / "node_modules"
    / "@segment"
    / "analytics-generic-utils"
    / "dist"
    / "types"
    / "emitter"
    / "emitter.d.ts"
)
MEMBER = re.compile(
    r"^    (?:readonly |static |get |async )*([A-Za-z_$][\w$]*)\s*(?:\?|<|\(|:|=|;)"
)


def declared(path: Path, kind: str, name: str) -> set[str]:
    """The public members a class or interface declares (private ones and the rest left out)."""
    text = path.read_text()
    start = re.search(
        rf"^export declare {kind} {name}\b.*\{{$|^export {kind} {name}\b.*\{{$", text, re.M
    )
    assert start, f"{name} is not declared in {path}"
    body = text[start.end() : text.index("\n}", start.end())]
    members = set()
    for line in body.split("\n"):
        if line.startswith("    private") or line.strip().startswith(("*", "/")):
            continue
        found = MEMBER.match(line)
        if found:
            members.add(found[1])
    return members


def tabled(section: str) -> set[str]:
    """The member names in the first column of docs/parity.md's table under `## `section``."""
    readme = (SOURCE_ROOT / "docs" / "parity.md").read_text()
    heading = readme.index(f"## `{section}`")
    table = readme[heading : readme.index("\n\n", readme.index("| --- |", heading))]
    names: set[str] = set()
    for row in table.split("\n")[3:]:
        names.update(re.findall(r"`([A-Za-z_$][\w$]*)`", row.split("|")[1]))
    return names


SOURCES = {
    "Analytics": (
        declared(TYPES / "core" / "analytics" / "index.d.ts", "class", "Analytics")
        | declared(EMITTER, "class", "Emitter") - {"maxListeners"}
    ),
    "AnalyticsBrowser": (
        declared(TYPES / "core" / "buffer" / "index.d.ts", "class", "AnalyticsBuffered")
        | declared(TYPES / "browser" / "index.d.ts", "class", "AnalyticsBrowser")
    )
    - {"constructor"},
    "InitOptions": declared(TYPES / "browser" / "settings.d.ts", "interface", "InitOptions"),
    "AnalyticsBrowserSettings": declared(
        TYPES / "browser" / "settings.d.ts", "interface", "AnalyticsBrowserSettings"
    ),
}


@pytest.mark.parametrize("section", SOURCES)
def test_the_parity_table_names_every_public_member(section):
    members = SOURCES[section]
    assert len(members) > 3, f"reading {section} from the .d.ts found almost nothing: {members}"
    missing = members - tabled(section)
    assert not missing, f"docs/parity.md's table for {section} misses {sorted(missing)}"


@pytest.mark.parametrize("section", SOURCES)
def test_the_parity_table_names_nothing_analytics_next_lacks(section):
    extra = tabled(section) - SOURCES[section]
    assert not extra, f"docs/parity.md's table for {section} names {sorted(extra)}, not in 1.84.3"


def test_options_the_table_calls_not_applicable_are_named_on_the_console():
    """What the table says about options, the bundle says to a developer at load."""
    settings = (SOURCE_ROOT / "analytics_web" / "browser" / "settings.py").read_text()
    supported = set(
        re.findall(
            r'"(\w+)"',
            settings[
                settings.index("SUPPORTED_OPTIONS") : settings.index(
                    "]", settings.index("SUPPORTED_OPTIONS")
                )
            ],
        )
    )
    for option in (
        "disableAutoISOConversion",
        "plan",
        "obfuscate",
        "cdnURL",
        "classicIntegrations",
    ):
        assert option not in supported
    for option in tabled("InitOptions") - {"disableAutoISOConversion", "plan", "obfuscate"}:
        assert option in supported, option
