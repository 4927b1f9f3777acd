__pragma__("jsiter")
__pragma__("noalias", "name")
__pragma__("noalias", "isNaN")
__pragma__("noalias", "split")
__pragma__("noalias", "replace")
__pragma__("noalias", "pop")
__pragma__("noalias", "keys")
__pragma__("noalias", "type")

# The page going away (pagehide), or hidden (it may never be shown again): every event the
# Segment.io destination has not yet had acknowledged, and that no request which outlives the
# page carries, goes now, in keepalive requests or beacons; gzipped in the background while the
# page lives, so the bodies fit the browser's keepalive budget when that is what it takes.
# What none of them takes stays in the outbox for the next page.

from analytics_web.browser.listeners import Listeners
from analytics_web.browser.packing import Packer
from analytics_web.browser.transport import (
    KEEPALIVE_BUDGET,
    as_blob,
    beacon,
    fits_keepalive,
    post,
    request_headers,
)
from analytics_web.browser.wire import body_end, body_text, chunks, total_bytes


class ExitPath:
    """The exit of ``destination`` (a SegmentDestination): its url, headers, outbox, waiting
    events and how it settles calls and reads answers."""

    def __init__(self, destination):
        self.destination = destination
        self.packer = (
            Packer() if destination.compress != False and window.CompressionStream else None
        )
        self.packing = False
        self.riding = __new__(Set())  # in a keepalive request or a beacon: sent if the page goes
        self.leaving = False
        self.listeners = Listeners()
        self.listeners.listen(window, "pagehide", lambda event: self.leave(True))
        self.listeners.listen(document, "visibilitychange", self.on_visibility)
        self.listeners.listen(window, "pageshow", self.on_pageshow)

    def unload(self):
        self.listeners.unload()

    def pack_soon(self):
        """Compress, in the background, what is not yet safe, for an exit that may come: once a
        task, so a burst of calls is one gzip stream (faster, and smaller, than many)."""
        if self.packer and not self.packing:
            self.packing = True

            def pack():
                self.packing = False
                self.packer.pack(self.unsafe())

            queueMicrotask(pack)

    def forget(self, items):
        """Acknowledged or refused: nothing to pack them for any more."""
        if self.packer:
            self.packer.forget(items)

    def unsafe(self):
        """Events not yet acknowledged whose delivery would not survive the page going."""
        return self.destination.outbox.items.filter(lambda item: not self.riding.has(item))

    def leave(self, closing):
        """pagehide (closing: the page may never come back) or the page hidden."""
        destination = self.destination
        if closing:
            self.leaving = True
        if destination.timer is not None:
            clearTimeout(destination.timer)
            destination.timer = None
        items = self.unsafe()
        destination.waiting = []
        if len(items) and navigator.onLine:
            self.send(items)
        else:
            destination.waiting = items
        destination.outbox.persist(closing)

    def on_visibility(self, event):
        if document.visibilityState == "hidden":
            self.leave(False)

    def on_pageshow(self, event):
        if event.persisted:  # back from the back/forward cache: business as usual
            self.leaving = False
            self.destination.outbox.reopen()
            self.destination.send_waiting()

    def send(self, items):
        """Everything not yet safe goes now, in requests that outlive the page: as it is when
        it fits the keepalive budget, gzipped from the packer's members when that is what fits,
        then by beacon (which Firefox does not count against the budget). What none of them
        takes stays in the outbox for the next page."""
        destination = self.destination
        rest = items
        if self.packer and not fits_keepalive(total_bytes(items)):
            rest = []

            def launch(body):
                nonlocal rest
                if not fits_keepalive(body["size"]) or not self.post(
                    body["items"], as_blob(body["parts"]), True
                ):
                    rest = rest.concat(body["items"])

            self.packer.bodies(items, lambda group: body_end(group, destination.write_key)).forEach(
                launch
            )

        def plain(group):
            body = as_blob([body_text(group, destination.write_key)])
            if fits_keepalive(body.size) and self.post(group, body, False):
                return
            # A beacon carries no headers: with headers of its own the site's API may need
            # them, so those events wait in the outbox for the next page instead.
            if not destination.headers and beacon(destination.url, body):
                group.forEach(lambda item: self.riding.add(item))  # the browser has it now
                destination.release(
                    group,
                    "sent by beacon as the page went; kept until a later page sees it acknowledged",
                )
            else:
                destination.waiting = destination.waiting.concat(group)

        chunks(rest, KEEPALIVE_BUDGET).forEach(plain)

    def post(self, items, body, gzip):
        """A keepalive request as the page goes; False when the browser refused it."""
        destination = self.destination
        request = post(destination.url, body, request_headers(gzip, destination.headers), True)
        if request is None:
            return False
        items.forEach(lambda item: self.riding.add(item))
        destination.release(items, "sent as the page went; not acknowledged yet")

        def answered(answer):
            items.forEach(lambda item: self.riding.delete(item))
            return destination.read_answer(items, answer)

        request.then(answered)
        return True
