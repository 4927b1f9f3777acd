"""The gzip the exit path builds at once: stored members, read by any gzip reader, alone or
after members CompressionStream made."""

from __future__ import annotations

import gzip
import zlib

from hypothesis import given, settings
from hypothesis import strategies as st

from tests.unit.conftest import as_bytes


@settings(max_examples=150, deadline=None)
@given(text=st.text(max_size=2_000))
def test_a_stored_member_is_gzip_of_the_text(node, text):
    member = as_bytes(node.call("gzip", "stored_member", text))
    assert gzip.decompress(member) == text.encode("utf-8", "surrogatepass")


def test_a_stored_member_over_64_kb_spans_several_blocks(node):
    text = "x" * 70_000 + "\u00e9" * 70_000  # 210,000 bytes: four stored blocks
    assert gzip.decompress(as_bytes(node.call("gzip", "stored_member", text))) == text.encode()


@settings(max_examples=100, deadline=None)
@given(data=st.binary(max_size=500))
def test_crc32_matches_zlib(node, data):
    assert node.call("gzip", "crc32", list(data)) & 0xFFFFFFFF == zlib.crc32(data)


def test_members_made_at_different_times_read_as_one_body(node):
    compressed = as_bytes(node.call("gzip", "gzipped", '{"batch":[{"a":1},'))
    stored = as_bytes(node.call("gzip", "stored_member", '{"b":2}],"writeKey":"k"}'))
    assert gzip.decompress(compressed + stored) == b'{"batch":[{"a":1},{"b":2}],"writeKey":"k"}'
