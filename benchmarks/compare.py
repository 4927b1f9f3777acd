"""analytics-web beside @segment/analytics-next 1.84.3, in the same browser run, alternating.

    ./dev bench [--browser chromium --browser firefox --browser webkit] [--rounds 5]
    .venv/bin/python -m benchmarks.compare ...    (the same, once set up)

Both libraries load the same way (a Segment-style stub, then the bundle as a script), from the
same local server, against the same local collector. analytics-next's CDN (settings, lazy
chunks) is the benchmark server itself (the stub sets ``analytics._cdn``), its settings
pointing it at the collector. Chromium and Firefox are driven by Playwright, WebKit (WebKitGTK)
by WebDriver, through the same small tab adapter as the engine-shared tests. Prints a markdown
table per browser with the ratio ours/theirs and writes it to benchmarks/results.md. These are
measurements, not tests: nothing here passes or fails.
"""

from __future__ import annotations

import argparse
import gzip
import json
import statistics
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from aiohttp import web
from playwright.sync_api import Playwright, sync_playwright

from analytics_web.build import build
from analytics_web.collector import CollectorServer
from analytics_web.serving import ThreadedServer
from analytics_web.snippet import FEATURES, SINGLE_FILE
from benchmarks.results import record
from tests.support import webkit
from tests.support.browsers import launch_args
from tests.support.person import as_a_person
from tests.support.polling import wait_until
from tests.support.site import REFERENCE, segment_cdn_settings
from tests.support.tabs import PlaywrightTab, Tab
from tests.support.workloads import QUEUE_PRODUCT_LISTS

ROOT = Path(__file__).resolve().parent.parent

DIST = ROOT / "dist"
OURS = DIST / "analytics.min.js"  # the core: what a plain snippet page downloads
BATCHING = {"strategy": "batching", "config": {"size": 10, "timeout": 5000}}
# Leaving the site with events queued: batches large and slow enough that none goes before.
EXIT_BATCHING = {"strategy": "batching", "config": {"size": 500, "timeout": 60000}}
EXIT_WAIT_S = 5
CALLS = 10_000
AFTERMATH_S = 3
# The CPU rounds queue 10,000 events in one task, more than the default outbox bound (1 MB).
CPU_ROUND_OPTIONS = {"queue": {"maxEvents": 100_000, "maxBytes": 64 * 1024 * 1024}}

# The same Segment-style stub for both libraries: it records calls, names the write key and
# load options, and marks when the library's script starts loading and when it is ready.
PAGE = """<!doctype html>
<html><head><meta charset="utf-8"><title>benchmark</title>
<link rel="icon" href="data:,">
<script>
(function () {
  var a = window.analytics = [];
  ['track', 'page', 'identify', 'group', 'alias', 'screen', 'reset', 'ready', 'debug', 'on',
   'off', 'once'].forEach(function (m) {
    a[m] = function () { var c = [].slice.call(arguments); c.unshift(m); a.push(c); return a; };
  });
  a._writeKey = %(key)s;
  a._loadOptions = %(options)s;
  a._cdn = location.origin + '/cdn';  // analytics-next's settings and chunks: this server
  a.ready(function () { window.benchReady = performance.now(); });
  window.benchStart = performance.now();
  var s = document.createElement('script');
  s.src = %(src)s;
  document.head.appendChild(s);
})();
</script></head><body>benchmark</body></html>
"""

TRACK_LOOP = """async (n) => {
  const start = performance.now();
  for (let i = 0; i < n; i++) analytics.track('Benchmark Event', {index: i, plan: 'pro'});
  const returned = performance.now();
  await new Promise((done) => setTimeout(done, 0));  // and the microtasks the calls queued
  return [returned - start, performance.now() - start];
}"""

PACED_TRACKS = """async ([n, gap]) => {
  for (let i = 0; i < n; i++) {
    analytics.track('Paced Event', {index: i});
    await new Promise((done) => setTimeout(done, gap));
  }
}"""


@dataclass(frozen=True)
class Library:
    name: str
    script: str  # URL path of its bundle on the benchmark server

    def options(
        self, extra: dict[str, Any] | None = None, *, batching: bool = False
    ) -> dict[str, Any]:
        """Load options for the stub. analytics-next takes delivery settings from its CDN
        settings instead (see BenchSite.add_run)."""
        if self.name != "analytics-web":
            return {}
        options: dict[str, Any] = dict(extra or {})
        if batching:
            options["deliveryStrategy"] = BATCHING
        return options


OUR_LIBRARY = Library("analytics-web", "/dist/analytics.min.js")
THEIR_LIBRARY = Library("analytics-next", "/vendor/analytics-next/standalone.js")


class BenchSite:
    """The benchmark page for each run, and a Tracking API that accepts and forgets.

    A run's write key, bundle and load options are kept here, not in the page URL: both
    libraries put the URL in every event, so it must be the same length for both. The CPU
    rounds send to the sink, so 10,000 events a round do not slow the collector down for the
    other measurements."""

    def __init__(self) -> None:
        self.runs: dict[str, dict[str, Any]] = {}
        self.cdn_settings: dict[str, dict[str, Any]] = {}

    def add_run(
        self,
        key: str,
        library: Library,
        options: dict[str, Any],
        *,
        api_host: str,
        strategy: dict[str, Any] | None,
    ) -> str:
        run = uuid.uuid4().hex[:8]
        self.runs[run] = {"key": key, "src": library.script, "options": options}
        self.cdn_settings[key] = segment_cdn_settings(key, api_host, strategy)
        return f"/page.html?run={run}"

    def app(self) -> web.Application:
        app = web.Application(client_max_size=64 * 1024 * 1024)
        app.router.add_get("/page.html", self.page)
        app.router.add_get("/elsewhere.html", self.elsewhere)
        app.router.add_static("/dist", ROOT / "dist")
        app.router.add_static("/vendor/analytics-next", REFERENCE)
        app.router.add_get("/cdn/v1/projects/{key}/settings", self.settings)
        app.router.add_static("/cdn/analytics-next/bundles", REFERENCE)
        app.router.add_post("/sink/{path:.*}", self.receive)
        app.router.add_route("OPTIONS", "/sink/{path:.*}", self.preflight)
        return app

    async def page(self, request: web.Request) -> web.Response:
        run = self.runs[request.query["run"]]
        # A person's events are what is measured: the benchmark's automated browsers look like
        # one (tests/support/person.py), so the bot filter passes them, as it would a visitor.
        html = as_a_person(PAGE % {name: json.dumps(value) for name, value in run.items()})
        return web.Response(text=html, content_type="text/html")

    async def settings(self, request: web.Request) -> web.Response:
        return web.json_response(self.cdn_settings[request.match_info["key"]])

    async def elsewhere(self, request: web.Request) -> web.Response:
        return web.Response(
            text="<!doctype html><title>elsewhere</title>", content_type="text/html"
        )

    async def receive(self, request: web.Request) -> web.Response:
        await request.read()
        return web.json_response({"success": True}, headers={"Access-Control-Allow-Origin": "*"})

    async def preflight(self, request: web.Request) -> web.Response:
        return web.Response(
            status=204,
            headers={
                "Access-Control-Allow-Origin": "*",
                "Access-Control-Allow-Headers": "Authorization, Content-Type, Content-Encoding, X-Retry-Count",
                "Access-Control-Max-Age": "86400",
            },
        )


@dataclass
class Bench:
    playwright: Playwright
    browser_name: str
    collector: CollectorServer
    server: ThreadedServer
    site: BenchSite
    display: str | None = None  # WebKit's X display
    results: dict[str, dict[str, list[float]]] = field(default_factory=dict)
    loaded_files: dict[str, set[str]] = field(default_factory=dict)
    browser_version: str = ""

    def note(self, library: Library, metric: str, value: float) -> None:
        self.results.setdefault(metric, {}).setdefault(library.name, []).append(value)

    @contextmanager
    def fresh_tab(self) -> Iterator[Tab]:
        """A tab in a browser of its own (no cache, no storage), closed afterwards."""
        if self.browser_name == "webkit":
            assert self.display is not None
            with webkit.webkit_tab(self.display) as tab:
                self.browser_version = tab.driver.capabilities.get("browserVersion", "")
                yield tab
            return
        browser_type = getattr(self.playwright, self.browser_name)
        browser = browser_type.launch(**launch_args(browser_type))
        self.browser_version = browser.version
        context = browser.new_context()
        try:
            yield PlaywrightTab(context.new_page(), self.browser_name)
        finally:
            context.close()
            browser.close()

    @contextmanager
    def loaded(
        self,
        library: Library,
        key: str,
        options: dict[str, Any],
        *,
        api_host: str,
        strategy: dict[str, Any] | None = None,
    ) -> Iterator[tuple[Tab, list[str]]]:
        """The library loaded on a fresh page; yields the tab and the requests it made before
        it was ready (besides the page and the library's own script), as the page saw them."""
        path = self.site.add_run(key, library, options, api_host=api_host, strategy=strategy)
        with self.fresh_tab() as tab:
            tab.goto(self.server.url + path)
            tab.wait_for_function("window.benchReady !== undefined", timeout=30)
            requests: list[str] = tab.evaluate(
                """performance.getEntriesByType('resource')
                    .filter(entry => entry.startTime <= window.benchReady)
                    .map(entry => entry.name)"""
            )
            self.loaded_files.setdefault(library.name, set()).update(
                Path(url).name for url in requests if url.endswith(".js")
            )
            yield tab, [url for url in requests if not url.endswith(library.script)]

    # -- the measurements --------------------------------------------------------------------

    def load_and_cpu(self, library: Library) -> None:
        """Requests before ready, time to ready, track() cost over 10,000 calls, heap."""
        key = f"bench-cpu-{uuid.uuid4().hex[:8]}"
        sink_host = f"{self.server.host}:{self.server.port}/sink"
        options = library.options(
            CPU_ROUND_OPTIONS | {"apiHost": sink_host, "protocol": "http"}, batching=True
        )
        with self.loaded(library, key, options, api_host=sink_host, strategy=BATCHING) as (
            tab,
            before_ready,
        ):
            self.note(library, "requests before ready", len(before_ready))
            self.note(
                library,
                "script start to ready, ms",
                tab.evaluate("window.benchReady - window.benchStart"),
            )
            cdp = None
            if self.browser_name == "chromium" and isinstance(tab, PlaywrightTab):
                cdp = tab.page.context.new_cdp_session(tab.page)
                cdp.send("Performance.enable")
                self.note(library, "JS heap after load, KB", heap_kb(cdp))
                busy_before = task_seconds(cdp)
            returned, settled = tab.evaluate(TRACK_LOOP, CALLS)
            self.note(library, "track() returns, µs per call", returned * 1000 / CALLS)
            self.note(library, "track() + its microtasks, µs per call", settled * 1000 / CALLS)
            # What the calls leave for later tasks (serialising, persisting, sending) counts
            # too: main-thread time over the calls and the AFTERMATH_S seconds after them.
            time.sleep(AFTERMATH_S)
            if cdp:
                busy = task_seconds(cdp) - busy_before
                self.note(
                    library,
                    f"main-thread time, calls + {AFTERMATH_S} s after, µs per call",
                    busy * 1e6 / CALLS,
                )
                self.note(library, "JS heap after 10,000 events, KB", heap_kb(cdp))

    def requests_per_thousand(
        self, library: Library, *, batching: bool, compress: bool = False
    ) -> None:
        key = f"bench-wire-{uuid.uuid4().hex[:8]}"
        label = ("batching" if batching else "default") + (", gzip" if compress else "")
        extra: dict[str, Any] = {"apiHost": self.collector.api_host, "protocol": "http"}
        if compress:
            extra["compress"] = True
        options = library.options(extra, batching=batching)
        strategy = BATCHING if batching else None
        with self.loaded(
            library, key, options, api_host=self.collector.api_host, strategy=strategy
        ) as (tab, _):
            tab.evaluate(
                "(n) => { for (let i = 0; i < n; i++) analytics.track('Wire Event', {index: i}); }",
                1000,
            )
            arrived(lambda: self.collector.store.stats(write_key=key)["events"] >= 1000, 300)
            stats = self.collector.store.stats(write_key=key)
        self.note(library, f"requests per 1,000 events ({label})", stats["requests"])
        self.note(library, f"request KB per 1,000 events ({label})", stats["bytes"] / 1024)

    def exit_delivery(
        self, library: Library, count: int, *, close: bool, pause_ms: int = 0
    ) -> None:
        """Events queued (~3 KB product lists), then, ``pause_ms`` later, the visitor goes to
        another site (where nothing can resend them) or closes the tab: how many arrive."""
        key = f"bench-exit-{uuid.uuid4().hex[:8]}"
        options = {
            "apiHost": self.collector.api_host,
            "protocol": "http",
            "deliveryStrategy": EXIT_BATCHING,
        }
        with self.loaded(
            library,
            key,
            options if library is OUR_LIBRARY else {},
            api_host=self.collector.api_host,
            strategy=EXIT_BATCHING,
        ) as (tab, _):
            tab.evaluate(QUEUE_PRODUCT_LISTS, count)
            if pause_ms:
                time.sleep(pause_ms / 1000)
            if close:
                tab.close()
            else:
                tab.goto(self.server.url.replace("127.0.0.1", "localhost") + "/elsewhere.html")
            wait_until(
                lambda: self.collector.store.stats(write_key=key)["events"] >= count, EXIT_WAIT_S
            )
        how = "close the tab" if close else "leave for another site"
        when = f" {pause_ms} ms after the last call" if pause_ms else " at once"
        self.note(
            library,
            f"exit: {how}{when}, {count} x 3 KB queued, events delivered",
            self.collector.store.stats(write_key=key)["events"],
        )

    def latency(self, library: Library) -> None:
        """track() to stored, with batching: 200 events, one every 20 ms."""
        key = f"bench-latency-{uuid.uuid4().hex[:8]}"
        options = library.options(
            {"apiHost": self.collector.api_host, "protocol": "http"}, batching=True
        )
        with self.loaded(
            library, key, options, api_host=self.collector.api_host, strategy=BATCHING
        ) as (tab, _):
            tab.evaluate(PACED_TRACKS, [200, 20])
            arrived(lambda: self.collector.store.stats(write_key=key)["events"] >= 200, 60)
        delays = [
            (_parse_time(record["receivedAt"]) - _parse_time(record["event"]["timestamp"])) * 1000
            for record in self.collector.store.events(write_key=key)
        ]
        quantiles = statistics.quantiles(delays, n=20)
        self.note(library, "track() to stored, p50 ms (batching)", statistics.median(delays))
        self.note(library, "track() to stored, p95 ms (batching)", quantiles[18])


def heap_kb(cdp: Any) -> float:
    cdp.send("HeapProfiler.collectGarbage")
    return cdp.send("Runtime.getHeapUsage")["usedSize"] / 1024


def task_seconds(cdp: Any) -> float:
    metrics = cdp.send("Performance.getMetrics")["metrics"]
    return next(metric["value"] for metric in metrics if metric["name"] == "TaskDuration")


def arrived(condition: Callable[[], bool], timeout: float) -> None:
    if not wait_until(condition, timeout):
        raise TimeoutError(f"events did not arrive within {timeout} s")


def _parse_time(text: str) -> float:
    return datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp()


def compressed_sizes(paths: list[Path]) -> tuple[int, int, int]:
    """Raw, gzip -9 and brotli (quality 11, via Node's zlib) bytes of files taken together."""
    raw = sum(path.stat().st_size for path in paths)
    gz = sum(len(gzip.compress(path.read_bytes(), 9, mtime=0)) for path in paths)
    script = (
        "const z=require('zlib'),fs=require('fs');let n=0;for(const f of process.argv.slice(1))"
        "n+=z.brotliCompressSync(fs.readFileSync(f),{params:{[z.constants.BROTLI_PARAM_QUALITY]:11}}).length;"
        "console.log(n)"
    )
    brotli = int(
        subprocess.run(
            ["node", "-e", script, *map(str, paths)], capture_output=True, text=True, check=True
        ).stdout
    )
    return raw, gz, brotli


def run_browser(
    playwright: Playwright,
    browser_name: str,
    rounds: int,
    collector: CollectorServer,
    server: ThreadedServer,
    site: BenchSite,
    display: str | None,
) -> Bench:
    bench = Bench(playwright, browser_name, collector, server, site, display)
    libraries = [OUR_LIBRARY, THEIR_LIBRARY]
    for round_number in range(rounds):
        # Alternate which library goes first, so neither always gets a warmer machine.
        for library in libraries if round_number % 2 == 0 else libraries[::-1]:
            bench.load_and_cpu(library)
    for library in libraries:
        bench.requests_per_thousand(library, batching=False)
        bench.requests_per_thousand(library, batching=True)
        bench.latency(library)
        for count, close, pause_ms in [
            (25, False, 0),
            (100, False, 0),
            (100, True, 250),
            (100, True, 0),
        ]:
            bench.exit_delivery(library, count, close=close, pause_ms=pause_ms)
    bench.requests_per_thousand(OUR_LIBRARY, batching=True, compress=True)
    return bench


def format_table(bench: Bench) -> str:
    lines = [
        f"### {bench.browser_name} {bench.browser_version}",
        "",
        "| measurement | analytics-web | analytics-next 1.84.3 | ours/theirs |",
        "| --- | ---: | ---: | ---: |",
    ]
    ours_files = [OURS]
    theirs_files = sorted(REFERENCE / name for name in bench.loaded_files.get("analytics-next", ()))
    ours_sizes, theirs_sizes = compressed_sizes(ours_files), compressed_sizes(theirs_files)
    for label, index in [
        ("bundle bytes, raw", 0),
        ("bundle bytes, gzip -9", 1),
        ("bundle bytes, brotli", 2),
    ]:
        lines.append(_row(label, ours_sizes[index], theirs_sizes[index]))
    # What a page that uses more downloads: each feature file on first use, or the single file.
    # analytics-next's own lazy chunks are not the same cut, so those rows have no reference.
    features = [DIST / f"analytics.{name}.min.js" for name in FEATURES]
    for path in features:
        lines.append(_row(f"+ {path.name}, gzip -9", compressed_sizes([path])[1], None))
    every = compressed_sizes([OURS, *features])[1]
    lines.append(_row("core + every feature file, gzip -9", every, theirs_sizes[1]))
    single = compressed_sizes([DIST / SINGLE_FILE])[1]
    lines.append(_row(f"single file ({SINGLE_FILE}), gzip -9", single, theirs_sizes[1]))
    for metric, values in bench.results.items():
        ours = values.get("analytics-web")
        theirs = values.get("analytics-next")
        lines.append(
            _row(
                metric,
                statistics.median(ours) if ours else None,
                statistics.median(theirs) if theirs else None,
            )
        )
    lines += ["", f"analytics-next files loaded: {', '.join(path.name for path in theirs_files)}"]
    return "\n".join(lines)


def _row(label: str, ours: float | None, theirs: float | None) -> str:
    def cell(value: float | None) -> str:
        if value is None:
            return "n/a"
        return f"{value:,.0f}" if value >= 100 or value == int(value) else f"{value:,.2f}"

    ratio = f"{ours / theirs:.2f}" if ours is not None and theirs else "n/a"
    return f"| {label} | {cell(ours)} | {cell(theirs)} | {ratio} |"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--browser", action="append", choices=["chromium", "firefox", "webkit"])
    parser.add_argument("--rounds", type=int, default=5, help="CPU rounds per library (median)")
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "results.md")
    args = parser.parse_args()
    browsers = args.browser or ["chromium", "firefox", "webkit"]
    if "webkit" in browsers and webkit.missing():
        sys.exit(f"{webkit.missing()}; or leave WebKit out: --browser chromium --browser firefox")
    build()
    sections = []
    with ExitStack() as stack:
        collector, server, site = stack.enter_context(_servers())
        playwright = stack.enter_context(sync_playwright())
        display = stack.enter_context(webkit.virtual_display()) if "webkit" in browsers else None
        for browser_name in browsers:
            print(f"measuring in {browser_name} ...", file=sys.stderr, flush=True)
            bench = run_browser(
                playwright, browser_name, args.rounds, collector, server, site, display
            )
            sections.append(format_table(bench))
    report = (
        "\n\n".join(
            [
                f"## analytics-web beside analytics-next, {date.today()}",
                f"`./dev bench` (benchmarks/compare.py; {args.rounds} CPU rounds per library and "
                f"browser, medians; {CALLS:,} track() calls a round, batching size 10 / 5 s, sent to a "
                "sink that only answers; the other rows against the local collector). Ratios below 1 favour "
                "analytics-web. See benchmarks/README.md for what each row means.",
                *sections,
            ]
        )
        + "\n"
    )
    print(report)
    record("compare", report, args.out)
    print(f"wrote its section of {args.out}", file=sys.stderr)


@contextmanager
def _servers() -> Iterator[tuple[CollectorServer, ThreadedServer, BenchSite]]:
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        collector = CollectorServer(Path(folder) / "events.sqlite3")
        collector.start()
        site = BenchSite()
        server = ThreadedServer(site.app())
        server.start()
        try:
            yield collector, server, site
        finally:
            server.stop()
            collector.stop()


if __name__ == "__main__":
    main()
