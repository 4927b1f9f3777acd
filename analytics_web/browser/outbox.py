__pragma__("jsiter")
__pragma__("noalias", "name")
__pragma__("noalias", "isNaN")
__pragma__("noalias", "split")
__pragma__("noalias", "replace")
__pragma__("noalias", "pop")
__pragma__("noalias", "keys")
__pragma__("noalias", "type")

# The outbox: every event accepted but not yet acknowledged by the API, mirrored to
# localStorage under keys of this tab's own, so a crash, a closed tab or a dead network loses
# nothing. The next page load in this tab takes its own queue back; another tab of the site
# adopts a queue whose tab is gone (adoption.py).
#
# A tab's keys, all under aw_queue:<writeKey>:<tab>: the queue itself ({open, beat}, written
# first on every write), its events in parts (:p0, :p1 ...; each takes events until it holds
# PART_BYTES, so a task writes the part its events went to, not every event waiting), its
# heartbeat (:beat) and the lease of a tab adopting it (:lock).

from analytics_web.browser.util import make_uuid
from analytics_web.browser.webstorage import (
    read_json,
    read_text,
    remove_key,
    stored_keys,
    write_json,
    write_text,
)
from analytics_web.browser.wire import event_json

QUEUE_PREFIX = "aw_queue:"
TAB_ID_KEY = "aw_tab"
HEARTBEAT_MS = 2000
SETTLED_WRITE_MS = 1000  # acknowledged events leave the stored queue within this
STALE_AFTER_MS = 6000  # three missed heartbeats: the tab is gone
CLOSED_GRACE_MS = 1000  # a tab that is navigating takes its own queue back first
LEASE_MS = 100
LOCK = ":lock"
BEAT = ":beat"  # a number of its own, so that beating rewrites that, not every waiting event
PART = ":p"
# With 3,000 events waiting (2 MB), writing them all cost each task with a call 37 ms in
# Chromium; writing one part of 64 KB, a few ms at most.
PART_BYTES = 64 * 1024


def stored_part(items):
    """A part's JSON, in the shape earlier versions stored a whole queue in, so that a tab
    still running one adopts it as a closed tab's queue: {"open": false, "beat", "items":
    [{"event", "attempts", "bytes"}]}. Only those fields of an item (the rest is this page's),
    each event as its text, the pieces joined once (a string grown piece by piece costs Firefox
    more to store than JSON.stringify does)."""
    pieces = ['{"open":false,"beat":' + Date.now() + ',"items":[']
    index = 0
    while index < len(items):
        item = items[index]
        pieces.push(
            ("," if index else "")
            + '{"event":'
            + event_json(item)
            + ',"attempts":'
            + (item["attempts"] or 0)
            + ',"bytes":'
            + (item["bytes"] or 0)
            + "}"
        )
        index += 1
    pieces.push("]}")
    return pieces.join("")


def suffix_of(key, prefix):
    """What follows the tab's id in one of its keys under ``prefix``: "" for the queue itself,
    ":beat", ":lock", ":p3"; None for a key that is not one of these tabs' keys at all."""
    if key is None or key.indexOf(prefix) != 0:
        return None
    rest = key.slice(len(prefix))
    at = rest.indexOf(":")
    return "" if at < 0 else rest.slice(at)


def is_queue_key(key, prefix):
    """A tab's queue under ``prefix`` (not one of its parts, its lease or its heartbeat)."""
    return suffix_of(key, prefix) == ""


def part_number(part, key):
    return Number(part.slice(len(key + PART)))


def stored_parts(key):
    """The keys of the parts stored for the queue ``key``, in order."""
    found = stored_keys("localStorage").filter(lambda name: name.indexOf(key + PART) == 0)
    return found["sort"](lambda a, b: part_number(a, key) - part_number(b, key))


def items_in(stored):
    """The events of a stored queue or part (a read that failed or held something else: none)."""
    return stored["items"] if stored is not None and Array.isArray(stored["items"]) else []


def stored_items(key, parts):
    """Every event stored for the queue ``key``: in its ``parts`` (stored_parts(key)), and in
    the queue itself, where an earlier version kept them all."""
    items = items_in(read_json("localStorage", key))
    parts.forEach(lambda part: items.push.apply(items, items_in(read_json("localStorage", part))))
    return items


def remove_queue(key, parts):
    """A queue and everything stored beside it (``parts``: stored_parts(key))."""
    parts.forEach(lambda part: remove_key("localStorage", part))
    remove_key("localStorage", key)
    remove_key("localStorage", key + BEAT)


def alive(key, queue, now):
    """The tab of this stored queue is still there: the queue is open and the tab beat lately
    (in its heartbeat key, or in the queue itself, as a page written by an earlier version)."""
    if queue is None or not queue["open"]:
        return False
    beat = Math.max(queue["beat"] or 0, read_json("localStorage", key + BEAT) or 0)
    return now - beat <= STALE_AFTER_MS


def tab_id(prefix):
    """This tab's id: kept in sessionStorage, so a reload keeps it and gets its queue back. A
    duplicated tab copies sessionStorage, so an id whose queue is still open belongs to another
    live tab and a new one is made."""
    known = read_text("sessionStorage", TAB_ID_KEY)
    if known:
        key = prefix + known
        if not alive(key, read_json("localStorage", key), Date.now()):
            return known
    made = make_uuid()
    write_text("sessionStorage", TAB_ID_KEY, made)
    return made


class Outbox:
    """Items ({event, attempts, bytes}, and on this page: text, call, queued, part) in arrival
    order; persisted soon after each change, each part that changed."""

    def __init__(self, write_key, on_unsaved, stored):
        # False (retryQueue: false, disableClientPersistence): in memory only, nothing adopted,
        # not even this tab's id kept.
        self.stored = stored
        self.prefix = QUEUE_PREFIX + write_key + ":"
        self.key = self.prefix + (tab_id(self.prefix) if stored else make_uuid())
        self.items = []
        self.bytes = 0
        self.on_unsaved = on_unsaved  # localStorage refused the queue: it lives in memory only
        self.persist_pending = False
        self.settled_write = None
        self.heartbeat = None
        self.persisted = True
        self.closed = False  # the page is going: what is written now is for the next page
        self.handed_over = False
        self.dirty = __new__(Set())  # parts to write again
        self.last_part = -1
        self.last_part_bytes = 0

    def restore(self):
        """Take back this tab's queue from an earlier page."""
        if not self.stored:
            return []
        parts = stored_parts(self.key)
        mine = stored_items(self.key, parts)
        if len(mine):
            self.take_in(mine.concat(self.items), parts)
            self.persist()  # open again, so no other tab adopts it
        return self.items.slice()

    def add(self, item):
        item["queued"] = True
        self.place(item)
        self.items.push(item)
        self.bytes += item["bytes"]
        self.persist_soon()

    def place(self, item):
        """Into the last part, or a new one once that holds PART_BYTES."""
        if self.last_part < 0 or self.last_part_bytes + item["bytes"] > PART_BYTES:
            self.last_part += 1
            self.last_part_bytes = 0
        item["part"] = self.last_part
        self.last_part_bytes += item["bytes"]
        self.dirty.add(self.last_part)

    def has(self, item):
        return item["queued"] == True

    def changed(self, items):
        """These items changed (their attempts): their parts are written again."""
        items.forEach(lambda item: self.dirty.add(item["part"]))
        self.persist_soon()

    def remove(self, done):
        """Acknowledged events leave. The stored copy catches up within a second: one still on
        disk costs at most a re-send the API dedupes, while writing again on every one of
        thousands of answers would cost the page dearly."""

        def leave(item):
            item["queued"] = False
            self.dirty.add(item["part"])

        done.forEach(leave)
        self.set_items(self.items.filter(self.has))
        if self.settled_write is None:
            self.settled_write = setTimeout(self.persist, SETTLED_WRITE_MS)

    def take_in(self, items, parts):
        """Items from storage (this tab's earlier page, a gone tab's queue), with ours: placed
        in parts afresh, in this order. ``parts``: this tab's stored parts
        (stored_parts(self.key)), each written again or removed."""
        parts.forEach(lambda part: self.dirty.add(part_number(part, self.key)))
        self.last_part = -1
        self.last_part_bytes = 0

        def join(item):
            item["queued"] = True
            self.place(item)

        items.forEach(join)
        self.set_items(items)
        self.persist_soon()

    def set_items(self, items):
        self.items = items
        self.bytes = items.reduce(lambda total, item: total + item["bytes"], 0)

    def persist_soon(self):
        """Write once per task, however many events the task queued (10,000 track calls in a
        loop cost one write, not 10,000)."""
        if not self.persist_pending:
            self.persist_pending = True
            queueMicrotask(self.persist)

    def persist(self, closing):
        """Write the queue, then the parts whose events changed. ``closing`` (on pagehide)
        marks the queue as no longer this page's, and it stays so: a request the navigation
        aborts fails after pagehide, and writing the queue as open then would make the next
        page in this tab take it for another live tab's and leave it for 6 s."""
        self.persist_pending = False
        if self.handed_over or not self.stored:
            return  # another instance in this tab owns the stored queue now, or none is kept
        if closing:
            self.closed = True
        if self.settled_write is not None:
            clearTimeout(self.settled_write)
            self.settled_write = None
        if not len(self.items):
            # Every stored part is dirty once its events have left, so this removes them all,
            # then the queue: no look through all of localStorage each time the queue empties.
            self.write_parts()
            remove_key("localStorage", self.key)
            self.stop_heartbeat()
            return
        # The queue first: no part is ever stored without it.
        persisted = write_json(
            "localStorage", self.key, {"open": not self.closed, "beat": Date.now(), "items": []}
        )
        persisted = self.write_parts() and persisted
        if self.persisted and not persisted:
            self.on_unsaved(len(self.items))
        self.persisted = persisted
        if self.closed:
            self.stop_heartbeat()
        elif self.heartbeat is None:
            self.heartbeat = setInterval(self.beat, HEARTBEAT_MS)

    def write_parts(self):
        """Each changed part written again, or removed once it holds nothing; false when
        localStorage refused one, which is then tried again with the next write."""
        changed = {}

        def empty(number):
            changed[number] = []

        def sort(item):
            if changed[item["part"]]:
                changed[item["part"]].push(item)

        self.dirty.forEach(empty)
        self.items.forEach(sort)
        refused = []

        def write(number):
            part = self.key + PART + number
            if not len(changed[number]):
                remove_key("localStorage", part)
            elif not write_text("localStorage", part, stored_part(changed[number])):
                refused.push(number)

        self.dirty.forEach(write)
        self.dirty = __new__(Set(refused))
        return not len(refused)

    def beat(self):
        write_json("localStorage", self.key + BEAT, Date.now())

    def reopen(self):
        """Back from the back/forward cache: the queue is this page's again."""
        self.closed = False
        self.persist()

    def hand_over(self):
        """Stored one last time for whoever takes this queue next (the next page, or a newer
        instance in this page), then never written again and no more timers."""
        self.persist(True)
        self.handed_over = True
        self.stop_heartbeat()
        clearTimeout(self.settled_write)

    def stop_heartbeat(self):
        if self.heartbeat is not None:
            clearInterval(self.heartbeat)
            self.heartbeat = None
            remove_key("localStorage", self.key + BEAT)
