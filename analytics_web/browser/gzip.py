__pragma__("jsiter")
__pragma__("noalias", "name")
__pragma__("noalias", "isNaN")
__pragma__("noalias", "split")
__pragma__("noalias", "replace")
__pragma__("noalias", "pop")
__pragma__("noalias", "keys")
__pragma__("noalias", "type")

# Gzip for request bodies. The browser's CompressionStream compresses, but only asynchronously;
# a body sent as the page goes must be ready at once. Gzip lets a body be several members one
# after another, so a body can be made at once from members compressed earlier plus "stored"
# (uncompressed) members built here for what came since: the API reads one stream.


def gzipped(text):
    """A Promise of text as one gzip member (Uint8Array), or of None where the browser has no
    CompressionStream or it fails."""
    if not window.CompressionStream:
        return Promise.resolve(None)
    try:
        stream = __new__(Blob([text])).stream().pipeThrough(__new__(CompressionStream("gzip")))
        return (
            __new__(Response(stream))
            .arrayBuffer()
            .then(lambda buffer: __new__(Uint8Array(buffer)), lambda error: None)
        )
    except:
        return Promise.resolve(None)


crc_table = []


def crc32(data):
    if not len(crc_table):
        n = 0
        while n < 256:
            c = n
            k = 0
            while k < 8:
                c = (0xEDB88320 ^ (c >> 1) & 0x7FFFFFFF) if c & 1 else (c >> 1) & 0x7FFFFFFF
                k += 1
            crc_table.push(c)
            n += 1
    crc = -1
    index = 0
    while index < len(data):
        crc = crc_table[(crc ^ data[index]) & 255] ^ (crc >> 8) & 0xFFFFFF
        index += 1
    return ~crc


def put_uint32(target, at, value):
    target[at] = value & 255
    target[at + 1] = (value >> 8) & 255
    target[at + 2] = (value >> 16) & 255
    target[at + 3] = (value >> 24) & 255


STORED_BLOCK = 65535  # the most a stored deflate block holds


def stored_member(text):
    """text as a gzip member without compression, made synchronously."""
    data = __new__(TextEncoder()).encode(text)
    blocks = Math.max(1, Math.ceil(len(data) / STORED_BLOCK))
    member = __new__(Uint8Array(10 + 5 * blocks + len(data) + 8))
    member.set(
        [0x1F, 0x8B, 8, 0, 0, 0, 0, 0, 0, 255]
    )  # magic, deflate, no flags or time, unknown OS
    at = 10
    offset = 0
    block = 0
    while block < blocks:
        size = Math.min(STORED_BLOCK, len(data) - offset)
        member[at] = 1 if block == blocks - 1 else 0  # BFINAL on the last, BTYPE 00: stored
        member[at + 1] = size & 255
        member[at + 2] = size >> 8
        member[at + 3] = ~size & 255
        member[at + 4] = (~size >> 8) & 255
        member.set(data.subarray(offset, offset + size), at + 5)
        at += 5 + size
        offset += size
        block += 1
    put_uint32(member, at, crc32(data))
    put_uint32(member, at + 4, len(data))
    return member
