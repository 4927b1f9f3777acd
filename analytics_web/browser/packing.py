__pragma__("jsiter")
__pragma__("noalias", "name")
__pragma__("noalias", "isNaN")
__pragma__("noalias", "split")
__pragma__("noalias", "replace")
__pragma__("noalias", "pop")
__pragma__("noalias", "keys")
__pragma__("noalias", "type")

# Bodies for the page's last moment. A page being left may send only 64 KB in Chromium (its
# keepalive budget, beacons included), far less than a burst of events or a long batch. Events
# compress well (the same context in each), so the packer gzips the events that are not yet safe
# while the page is still there, and the exit makes its bodies at once from those members plus
# stored members for whatever came since.

from analytics_web.browser.gzip import gzipped, stored_member
from analytics_web.browser.wire import BODY_OVERHEAD, MAX_REQUEST_BYTES, event_json, total_bytes

# Below this, what is not yet safe goes uncompressed at exit anyway: not worth a compression.
PACK_FROM_BYTES = 16 * 1024


class Packer:
    def __init__(self):
        self.members = []  # {items, data (a gzip member of the items' JSON, comma-joined), bytes}
        self.packed = __new__(Set())  # items in a member, or being compressed into one

    def pack(self, unsafe):
        """Compress the items no member holds yet, once there are enough of them."""
        fresh = unsafe.filter(lambda item: not self.packed.has(item))
        if total_bytes(fresh) < PACK_FROM_BYTES:
            return
        fresh.forEach(lambda item: self.packed.add(item))

        def keep(data):
            # Items acknowledged while their gzip was being made were forgotten then: a member
            # holding them would never be forgotten again, and would keep them all in memory.
            if data and fresh.every(lambda item: self.packed.has(item)):
                self.members.push({"items": fresh, "data": data, "bytes": total_bytes(fresh)})
            else:
                fresh.forEach(lambda item: self.packed.delete(item))

        gzipped(fresh.map(event_json).join(",")).then(keep)

    def forget(self, items):
        """Items acknowledged or dropped: a member holding any of them is of no more use."""
        gone = __new__(Set(items))

        def alive(member):
            if member["items"].some(lambda item: gone.has(item)):
                member["items"].forEach(lambda item: self.packed.delete(item))
                return False
            return True

        self.members = self.members.filter(alive)
        items.forEach(lambda item: self.packed.delete(item))

    def bodies(self, unsafe, suffix):
        """Gzip bodies carrying every item of ``unsafe``, each under the API's request limit:
        members whose items are all still unsafe, stored members for the rest.
        ``suffix(items)`` closes a body's JSON after its batch array."""
        waiting = __new__(Set(unsafe))
        pieces = self.members.filter(
            lambda member: member["items"].every(lambda item: waiting.has(item))
        )
        pieces.forEach(lambda member: member["items"].forEach(lambda item: waiting.delete(item)))
        unsafe.forEach(
            lambda item: (
                waiting.has(item) and pieces.push({"items": [item], "bytes": item["bytes"] + 1})
            )
        )
        made = []
        body = None
        text = ""

        def finish():
            body["parts"].push(stored_member(text + "]" + suffix(body["items"])))
            body["size"] = body["parts"].reduce(lambda size, part: size + len(part), 0)
            made.push(body)

        for_each_piece = pieces  # pieces in order: members first, then single items
        index = 0
        while index < len(for_each_piece):
            piece = for_each_piece[index]
            index += 1
            if body is not None and body["bytes"] + piece["bytes"] <= MAX_REQUEST_BYTES:
                text += ","
            else:
                if body is not None:
                    finish()
                body = {"items": [], "parts": [], "bytes": BODY_OVERHEAD}
                text = '{"batch":['
            if piece["data"]:
                body["parts"].push(stored_member(text))
                body["parts"].push(piece["data"])
                text = ""
            else:
                text += event_json(piece["items"][0])
            body["items"] = body["items"].concat(piece["items"])
            body["bytes"] += piece["bytes"]
        if body is not None:
            finish()
        return made
