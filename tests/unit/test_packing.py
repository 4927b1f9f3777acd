"""What the exit path keeps compressed in advance, and that it lets go of it: a long-lived page
must not hold every event it ever sent."""

from __future__ import annotations

# Forty events of ~1 KB: over the 16 KB from which waiting events are compressed in advance.
PACK_AND_WAIT = """async ({Packer}) => {
    const packer = Packer();
    const items = Array.from({length: 40}, (_, i) => ({event: {i, blob: 'x'.repeat(1000)}, bytes: 1020}));
    packer.pack(items);
    %s
    await new Promise((resolve) => setTimeout(resolve, 100));
    return packer.members.length;
}"""


def test_waiting_events_are_compressed_in_advance(node):
    assert node.run("packing", PACK_AND_WAIT % "") == 1


def test_events_acknowledged_while_their_gzip_is_made_are_not_kept(node):
    """The API answers before the background gzip is ready: the member made from those events
    is of no use and must not stay (it held 13 MB after 10,000 events, for good)."""
    assert node.run("packing", PACK_AND_WAIT % "packer.forget(items);") == 0
