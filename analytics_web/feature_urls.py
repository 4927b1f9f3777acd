"""Where the core fetches a feature file, as the browser code does it
(analytics_web/browser/features.py): render()'s preload hints must name exactly that URL (or the
browser downloads the file twice), and the proxy caches a file by the version in it.

A feature file's URL is the bundle's with the file's own name, the bundle's query kept, and the
start of the file's SRI hash as ``v``: ``/t/analytics.plugins.min.js?v=Lry%2BWXa5nm50``. A
release's core therefore never meets another release's file in a cache (which its hash check
would refuse, failing every call that needs the file), and the file can be cached for good.
"""

from __future__ import annotations

import base64
import hashlib
import re
import urllib.parse

# The bundle's file name in its URL, and its query.
FILE_NAME = re.compile(r"[^/?#]*([?#].*)?$")
# The SRI hash's base64 past "sha256-", its first 12 characters (72 bits).
VERSION_CHARACTERS = slice(len("sha256-"), len("sha256-") + 12)


def integrity(data: bytes) -> str:
    """The SRI hash the core carries for a feature file (and render()'s preload hint gives):
    SHA-256, whose hash is shorter than SHA-384's in a file every visitor downloads."""
    return "sha256-" + base64.b64encode(hashlib.sha256(data).digest()).decode()


def version(file_integrity: str) -> str:
    return file_integrity[VERSION_CHARACTERS]


def beside(src: str, file: str) -> str:
    """The URL of ``file`` in the bundle's folder, with the bundle's query."""
    return FILE_NAME.sub(file + r"\1", src, count=1)


def feature_url(src: str, feature: str, file_integrity: str) -> str:
    url = beside(src, f"analytics.{feature}.min.js")
    # Percent-encoded as encodeURIComponent() does it ("+" and "/" of base64).
    encoded = urllib.parse.quote(version(file_integrity), safe="")
    return f"{url}{'&' if '?' in url else '?'}v={encoded}"
