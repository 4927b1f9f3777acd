__pragma__("jsiter")
__pragma__("noalias", "name")
__pragma__("noalias", "isNaN")
__pragma__("noalias", "split")
__pragma__("noalias", "replace")
__pragma__("noalias", "pop")
__pragma__("noalias", "keys")
__pragma__("noalias", "type")

# A tab's outbox (outbox.py) may outlive the tab: closed, crashed or killed with events not yet
# acknowledged. Another tab of the site takes such a queue in: one whose tab closed (after a
# grace period, in which a navigating tab takes its own back) or stopped beating, under a lease
# so that of two tabs racing for it only one sends it.

from analytics_web.browser.outbox import (
    CLOSED_GRACE_MS,
    HEARTBEAT_MS,
    LEASE_MS,
    LOCK,
    PART,
    STALE_AFTER_MS,
    alive,
    is_queue_key,
    remove_queue,
    stored_items,
    stored_parts,
    suffix_of,
)
from analytics_web.browser.util import make_uuid
from analytics_web.browser.webstorage import read_json, remove_key, stored_keys, write_json


class Adoption:
    """Gone tabs' queues, taken into ``outbox`` (this tab's) and handed to ``on_adopt(items)``."""

    def __init__(self, outbox, on_adopt):
        self.outbox = outbox
        self.on_adopt = on_adopt
        self.check_timer = None
        self.check_due = 0

    def stop(self):
        clearTimeout(self.check_timer)

    def look(self):
        """Claim the queues of tabs that closed or stopped beating; check again later for
        queues that were still fresh. (No localStorage here: no keys, nothing to adopt.) An
        outbox kept in memory only adopts nothing."""
        if not self.outbox.stored:
            return
        now = Date.now()
        recheck = None

        def look_at(key):
            nonlocal recheck
            suffix = suffix_of(key, self.outbox.prefix)
            if suffix is None or key.indexOf(self.outbox.key) == 0:
                return  # another site's key, or this tab's own
            if suffix != "":
                # A part whose queue is gone (an earlier version took the queue, or storage
                # refused it): taken as a closed tab's.
                queue_key = key.slice(0, len(key) - len(suffix))
                if suffix.indexOf(PART) == 0 and read_json("localStorage", queue_key) is None:
                    self.claim(queue_key)
                return
            queue = read_json("localStorage", key)
            if queue is None:
                return
            if alive(key, queue, now):
                recheck = recheck or STALE_AFTER_MS
            elif not queue["open"] and now - queue["beat"] < CLOSED_GRACE_MS:
                recheck = CLOSED_GRACE_MS
            else:
                self.claim(key)

        stored_keys("localStorage").forEach(look_at)
        if recheck:
            self.check_later(recheck)

    def check_later(self, delay):
        """One pending adoption check at a time, at the earliest time anyone asked for."""
        due = Date.now() + delay
        if self.check_timer is not None and self.check_due <= due:
            return
        if self.check_timer is not None:
            clearTimeout(self.check_timer)
        self.check_due = due

        def check():
            self.check_timer = None
            self.look()

        self.check_timer = setTimeout(check, delay)

    def noticed(self, key, value):
        """Another tab wrote its queue: a closing tab's queue is adopted after the grace
        period, a live one is looked at again once it could have gone stale."""
        if self.outbox.stored and key != self.outbox.key and is_queue_key(key, self.outbox.prefix):
            closing = value is not None and value.indexOf('"open":false') >= 0
            self.check_later(CLOSED_GRACE_MS if closing else STALE_AFTER_MS + HEARTBEAT_MS)

    def claim(self, key):
        """A lease: write a token, and take the queue only if the token is still ours a moment
        later, so two tabs racing for one queue do not both send it."""
        lock_key = key + LOCK
        lock = read_json("localStorage", lock_key)
        if lock is not None and Date.now() - lock["at"] < STALE_AFTER_MS:
            return
        token = make_uuid()
        if not write_json("localStorage", lock_key, {"token": token, "at": Date.now()}):
            return

        def take():
            held = read_json("localStorage", lock_key)
            if held is None or held["token"] != token:
                return
            parts = stored_parts(key)
            items = stored_items(key, parts)
            remove_queue(key, parts)
            remove_key("localStorage", lock_key)
            if len(items):
                outbox = self.outbox
                outbox.take_in(outbox.items.concat(items), stored_parts(outbox.key))
                self.on_adopt(items)

        setTimeout(take, LEASE_MS)
