"""The files the proxy serves: the bundles and the feature files beside them, read from dist/
once, with the feature files of earlier releases kept for pages still running those."""

from __future__ import annotations

import gzip
import hashlib
import json
import logging
import re
import time
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from analytics_web import feature_urls

log = logging.getLogger(__name__)

# Long enough for a visitor's pages to share one download, short enough that a new release
# reaches everyone within the hour; the ETag makes each revalidation a 304. A page running the
# last release's core meanwhile still gets its feature files (EarlierReleases).
BUNDLE_CACHE_CONTROL = "public, max-age=3600"
# A feature file asked for by its version (?v=, analytics_web/feature_urls.py) is that file for
# as long as the URL exists: each release's core asks for its own.
VERSIONED_CACHE_CONTROL = "public, max-age=31536000, immutable"
# The bundles and the feature files they fetch on first use (analytics.consent.min.js ...), with
# their source maps: whatever dist/ holds by these names.
BUNDLE_FILES = re.compile(r"analytics(?:\.[a-z]+)*\.js(?:\.map)?")
# Segment's snippet, its host set to the proxy, loads the bundle from Segment's path. Served
# there, the bundle's first line marks its own <script> (the mark analytics_web/browser/
# standalone.py reads), so it sends back through the proxy's /v1: it cannot otherwise tell the
# proxy from a static copy of itself on a CDN at that path, which must send to Segment.
SEGMENT_PATH_BUNDLE = "analytics.min.js"
SEGMENT_PATH_FEATURE = re.compile(r"analytics\.(?!full\.)[a-z]+\.min\.js")  # not the single file
PROXY_MARK = (
    b'document.currentScript&&document.currentScript.setAttribute("data-analytics-web-proxy","");\n'
)
# An earlier release's feature files stay this long after it was last the current one: a page
# still running its core (a tab left open across deploys) asks for them by its version.
KEEP_EARLIER_RELEASES_DAYS = 30


@dataclass(frozen=True)
class Bundle:
    body: bytes
    gzipped: bytes
    etag: str
    content_type: str
    version: str  # as a core names it in a feature file's URL

    @classmethod
    def of(cls, body: bytes, *, source_map: bool) -> Bundle:
        etag = f'"{hashlib.sha256(body).hexdigest()[:32]}"'
        kind = "application/json" if source_map else "text/javascript"
        return cls(
            body,
            gzip.compress(body, 9, mtime=0),
            etag,
            f"{kind}; charset=utf-8",
            feature_urls.version(feature_urls.integrity(body)),
        )

    @classmethod
    def read(cls, path: Path) -> Bundle:
        return cls.of(path.read_bytes(), source_map=path.suffix == ".map")


def segment_path_bundles(folder: Path, bundles: dict[str, Bundle]) -> dict[str, Bundle]:
    """What Segment's path serves: the bundle, marked (PROXY_MARK), its source map moved a line
    down to match, and the feature files it fetches from beside itself, as they are."""
    bundle = folder / SEGMENT_PATH_BUNDLE
    served = {
        name: found
        for name, found in bundles.items()
        if SEGMENT_PATH_FEATURE.fullmatch(name) and name != SEGMENT_PATH_BUNDLE
    }
    served[SEGMENT_PATH_BUNDLE] = Bundle.of(PROXY_MARK + bundle.read_bytes(), source_map=False)
    source_map = folder / f"{SEGMENT_PATH_BUNDLE}.map"
    if source_map.is_file():
        document = json.loads(source_map.read_text())
        document["mappings"] = ";" + document["mappings"]  # one more line, mapping nothing
        served[source_map.name] = Bundle.of(json.dumps(document).encode(), source_map=True)
    return served


def read_bundles(folder: Path) -> dict[str, Bundle]:
    found = {
        path.name: Bundle.read(path)
        for path in sorted(folder.glob("analytics*"))
        if BUNDLE_FILES.fullmatch(path.name) and path.is_file()
    }
    if "analytics.min.js" not in found:
        raise FileNotFoundError(
            f"no built bundle in {folder}: run `analytics-web build` (or install the wheel)"
        )
    return found


class EarlierReleases:
    """The feature files of the releases served before this one, by name and version.

    A page still running an earlier release's core asks for its feature files by that
    release's version (analytics_web/feature_urls.py): this release's file would fail its hash
    check, and with it every call that needs the file. Each feature file served is kept in
    ``folder`` (beside the spool), named by its content, for KEEP_EARLIER_RELEASES_DAYS after
    the last start that served it."""

    def __init__(self, folder: Path | None, current: dict[str, Bundle]) -> None:
        self.files: dict[tuple[str, str], Bundle] = {}
        if folder is None:
            return
        folder.mkdir(parents=True, exist_ok=True)
        for name, served in current.items():
            if SEGMENT_PATH_FEATURE.fullmatch(name):
                content = served.etag.strip('"')  # the file's hash
                (folder / f"{content}.{name}").write_bytes(served.body)
        oldest = time.time() - KEEP_EARLIER_RELEASES_DAYS * 86400
        for path in sorted(folder.glob("*.analytics.*.min.js")):
            if path.stat().st_mtime < oldest:
                path.unlink()
                continue
            kept = Bundle.read(path)
            self.files[(path.name.split(".", 1)[1], kept.version)] = kept
        log.info("feature files kept for earlier releases' pages: %d", len(self.files))

    def find(self, name: str, versions: Iterable[str]) -> Bundle | None:
        return next((self.files[(name, v)] for v in versions if (name, v) in self.files), None)
