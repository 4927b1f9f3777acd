__pragma__("jsiter")
__pragma__("noalias", "name")
__pragma__("noalias", "isNaN")
__pragma__("noalias", "split")
__pragma__("noalias", "replace")
__pragma__("noalias", "pop")
__pragma__("noalias", "keys")
__pragma__("noalias", "type")

# The destination "Segment.io": delivery to the Tracking API, so that every event accepted is
# stored exactly once in the end. Batches by size and time, requests under the API's limits,
# retries, offline waits, and an exit flush as the page goes; the outbox keeps what is not yet
# acknowledged. A call settles once its event is safe (acknowledged, or kept after a failed
# first attempt, offline or at exit), never after more than one request.

from analytics_web.browser.adoption import Adoption
from analytics_web.browser.exit_path import ExitPath
from analytics_web.browser.gzip import gzipped
from analytics_web.browser.listeners import Listeners
from analytics_web.browser.outbox import Outbox
from analytics_web.browser.plugin_shape import for_every_call, make_plugin
from analytics_web.browser.retry import MAX_ATTEMPTS, is_retryable, retry_wait_ms
from analytics_web.browser.transport import as_blob, fits_keepalive, post, request_headers
from analytics_web.browser.util import handled, make_error, rejected
from analytics_web.browser.wire import MAX_REQUEST_BYTES, body_text, chunks, serialized

NAME = "Segment.io"
# The outbox bounds: while events wait for the API (offline, or it failing: an answer asked
# for a retry and none has acknowledged anything since), new events past them are refused, so
# those already waiting are kept. Waiting events live in localStorage, of which an origin has
# about 5 MB in all: 1 MB (some 1,400 events of 700 bytes) leaves the site the rest. Events
# that never go (an ad blocker in front of the API) would otherwise fill it, and the site's own
# setItem calls would fail. A burst made while the API takes events is not waiting: it goes out
# at once, however large, as analytics-next sends it.
MAX_QUEUED_EVENTS = 10000
MAX_QUEUED_BYTES = 1024 * 1024


class SegmentDestination:
    """``settings``: url, batchSize (1: no batching), batchTimeout (ms), compress (True: every
    request; False: never; None: only at exit, when that is what gets the events out), queue
    limits. ``report(error, events)`` hears of events refused or left for a later page,
    ``warn(message)`` of trouble that loses nothing."""

    def __init__(self, write_key, settings, report, warn):
        self.write_key = write_key
        self.url = settings["url"]
        self.batch_size = settings["batchSize"]
        self.batch_timeout = settings["batchTimeout"]
        self.compress = settings["compress"]
        self.max_events = settings["maxEvents"] or MAX_QUEUED_EVENTS
        self.max_bytes = settings["maxBytes"] or MAX_QUEUED_BYTES
        self.report = report
        self.warn = warn
        self.waiting = []  # accepted, not yet handed to a request
        self.flushes = []  # flush() calls: the items each waits for
        self.timer = None
        self.soon = False
        self.in_flight = 0  # requests sent by send(), not yet answered
        self.batch_due = False  # a batch filled up or timed out while a request was in flight
        # An answer asked for a retry and none has acknowledged anything since: events wait.
        self.api_failing = False
        self.retired = False
        self.retry_queue = settings["retryQueue"]
        self.headers = settings["headers"]
        self.outbox = Outbox(write_key, self.unsaved, settings["stored"])
        self.adoption = Adoption(self.outbox, self.resend)
        self.exit = ExitPath(self)
        self.listeners = Listeners()
        self.listeners.listen(window, "online", lambda event: self.flush())
        self.listeners.listen(
            window, "storage", lambda event: self.adoption.noticed(event.key, event.newValue)
        )
        self.resend(self.outbox.restore())
        self.adoption.look()

    def plugin(self):
        """The destination plugin the pipeline sees, a plain object as analytics-next's are."""
        return make_plugin(
            NAME,
            "destination",
            Object.assign({"unload": self.unload}, for_every_call(self.accept_call)),
        )

    def unload(self):
        """Deregistered, or its instance replaced: stop listening and sending. What is not
        acknowledged stays in the stored outbox for whoever takes it next."""
        self.retired = True
        self.listeners.unload()
        self.exit.unload()
        self.adoption.stop()
        clearTimeout(self.timer)
        self.outbox.hand_over()

    def accept_call(self, ctx, checked):
        """Accept one event. Resolves with ctx once it is safe (ctx.failedDelivery() says when
        delivery is still pending); rejects when it will never be sent. ``checked``: what
        serialized() said of this very event, when the caller has it already."""
        event = ctx.event
        if self.retired:
            return rejected(
                make_error("this instance was replaced by a newer one for the same write key")
            )
        checked = checked or serialized(event)
        if checked["problem"]:
            return rejected(make_error(checked["problem"]))
        size = checked["bytes"]
        offline = not navigator.onLine
        if (offline or self.api_failing) and (  # new events would wait rather than go at once
            len(self.outbox.items) >= self.max_events or self.outbox.bytes + size > self.max_bytes
        ):
            error = make_error(
                "the outbox is full ("
                + len(self.outbox.items)
                + " events waiting for the API); this event was not accepted"
            )
            self.report(error, [event])
            return rejected(error)
        # call: this page's call waiting for its event to be safe.
        item = {"event": event, "attempts": 0, "bytes": size, "text": checked["text"]}
        call = {"context": ctx}

        def hold(resolve, reject):
            call["resolve"] = resolve
            call["reject"] = reject

        promise = __new__(Promise(hold))
        call["promise"] = promise  # marked handled if it rejects
        item["call"] = call
        self.outbox.add(item)
        self.waiting.push(item)
        if self.exit.leaving:
            self.exit.send([item])
        elif offline:
            self.release(
                [item], "the browser is offline; kept in the outbox until it is back online"
            )
        elif self.batch_size == 1:
            self.flush_soon()
        elif len(self.waiting) >= self.batch_size:
            self.batch_ready()
        elif self.timer is None:
            self.timer = setTimeout(self.batch_ready, self.batch_timeout)
        self.exit.pack_soon()
        return promise

    # -- settling the calls --------------------------------------------------------------------

    def release(self, items, why):
        """These events are safe without an answer yet (kept in the outbox, or in a request that
        outlives the page): their calls settle now, saying delivery is pending."""
        failure = {"reason": make_error(why)}
        items.forEach(lambda item: self.settle_call(item, failure))

    def settle_call(self, item, failure):
        call = item["call"]
        if not call:
            return
        item["call"] = None
        if failure:
            call["context"].setFailedDelivery(failure)
        call["resolve"](call["context"])

    def drop_refused(self, items, error):
        """The API refused these events for good: their calls reject, everyone hears."""
        self.done(items)

        def reject(item):
            call = item["call"]
            if call:
                item["call"] = None
                handled(call["promise"])
                call["reject"](error)

        items.forEach(reject)
        self.report(error, items.map(lambda item: item["event"]))

    def done(self, items):
        """Acknowledged or refused: out of the outbox, and off every flush() waiting for them."""
        self.outbox.remove(items)
        self.exit.forget(items)
        self.give_up_waiting(items)

    def give_up_waiting(self, items):
        """flush() calls stop waiting for these items; those with nothing left resolve."""

        def check(entry):
            items.forEach(lambda item: entry["items"].delete(item))
            if not entry["items"].size:
                entry["resolve"]()
            return entry["items"].size > 0

        self.flushes = self.flushes.filter(check)

    # -- batching and sending ------------------------------------------------------------------

    def flush_soon(self):
        """Calls made in one task go in one request, sent at the end of the task."""
        if not self.soon:
            self.soon = True

            def run():
                self.soon = False
                self.send_waiting()

            queueMicrotask(run)

    def batch_ready(self):
        """A batch is full or its time is up. When batching, one request is in flight at a
        time, as in analytics-next: what arrives meanwhile goes together once it is answered,
        so a burst of calls costs a few large requests rather than many small ones."""
        if self.batch_size > 1 and self.in_flight:
            self.batch_due = True
        else:
            self.send_waiting()

    def answered(self):
        self.in_flight -= 1
        if (
            self.batch_size > 1
            and not self.in_flight
            and (self.batch_due or len(self.waiting) >= self.batch_size)
        ):
            self.batch_due = False
            self.send_waiting()

    def resend(self, items):
        """Items from an earlier page, an adopted tab or a retry: they go with the next request.
        Not once unloaded: whoever took the outbox over sends them (a retry timer outlives an
        instance replaced in the same page)."""
        if len(items) and not self.retired:
            self.waiting = self.waiting.concat(items)
            self.send_waiting()

    def flush(self):
        """Send everything queued now; resolves once the API has acknowledged all of it (or
        refused it, or retries ran out and it waits for a later page)."""
        pending = __new__(Set(self.outbox.items))

        def wait(resolve):
            if pending.size:
                self.flushes.push({"items": pending, "resolve": resolve})
            else:
                resolve()

        promise = __new__(Promise(wait))
        self.send_waiting()
        return promise

    def send_waiting(self):
        if self.timer is not None:
            clearTimeout(self.timer)
            self.timer = None
        if not len(self.waiting):
            return
        if not navigator.onLine:
            self.release(
                self.waiting, "the browser is offline; kept in the outbox until it is back online"
            )
            return  # the 'online' event sends them
        items = self.waiting
        self.waiting = []
        chunks(items, MAX_REQUEST_BYTES).forEach(self.send)

    async def send(self, items):
        """One request for these items, then what its answer means for them."""
        self.in_flight += 1
        text = body_text(items, self.write_key)
        gzip = await gzipped(text) if self.compress == True else None
        body = as_blob([gzip or text])
        keepalive = fits_keepalive(body.size)
        if keepalive:
            items.forEach(lambda item: self.exit.riding.add(item))
        try:
            headers = request_headers(gzip is not None, self.headers)
            answer = await (
                post(self.url, body, headers, keepalive) or post(self.url, body, headers, False)
            )
            items.forEach(lambda item: self.exit.riding.delete(item))
            await self.read_answer(items, answer)
        finally:
            self.answered()

    async def read_answer(self, items, answer):
        items = items.filter(lambda item: self.outbox.has(item))  # not acknowledged already
        status = answer["status"]
        if 200 <= status < 300:
            self.api_failing = False
            self.done(items)
            items.forEach(lambda item: self.settle_call(item))
            return
        if not is_retryable(status):
            text = await answer["text"]().catch(lambda error: "")
            self.drop_refused(
                items,
                make_error(
                    "the API rejected " + len(items) + " event(s) with " + status + ": " + text
                ),
            )
            return

        if not self.retry_queue:
            self.drop_refused(
                items,
                make_error(
                    "not delivered ("
                    + (status or "network error")
                    + "); retryQueue is off, so it is not retried"
                ),
            )
            return

        self.api_failing = True

        def count(item):
            item["attempts"] += 1

        items.forEach(count)
        self.outbox.changed(items)
        problem = "not delivered (" + (status or "network error") + ")"
        if items[0]["attempts"] >= MAX_ATTEMPTS:
            error = make_error(
                problem + " after " + MAX_ATTEMPTS + " attempts; kept for a later page load"
            )
            self.release(items, error.message)
            self.report(error, items.map(lambda item: item["event"]))
            self.give_up_waiting(items)
            return
        self.release(items, problem + "; kept in the outbox and retried")
        setTimeout(
            lambda: self.resend(items),
            retry_wait_ms(status, answer["retryAfter"], items[0]["attempts"]),
        )

    def unsaved(self, count):
        self.warn(
            make_error(
                "localStorage refused the outbox; "
                + count
                + " waiting events are kept in memory only"
            ).message
        )
