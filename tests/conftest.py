"""Fixtures: the bundle built once, the collector and the test site on free localhost ports,
and browsers: Playwright's own when installed, otherwise Debian's Chromium (its headless shell,
the full browser where a test needs it) and firefox-esr.

The suite runs in parallel workers (pytest-xdist, ``-n`` in pyproject.toml): every session
fixture here is a worker's own (its browsers, collector, test site, WebKit display and bus),
and what workers share is guarded: the build by a lock, the delivery figures sent back to the
controller with each test's report."""

from __future__ import annotations

import fcntl
import ssl
import subprocess
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, cast

import pytest
from playwright.sync_api import Browser, BrowserContext, BrowserType, Page, Playwright

from analytics_web.build import build
from analytics_web.collector import CollectorServer
from analytics_web.paths import SOURCE_ROOT
from analytics_web.serving import ThreadedServer
from tests.support import webkit
from tests.support.browsers import NoBrowser, playwright_launch_options
from tests.support.collector_client import wait_for_events
from tests.support.person import PERSON_SCRIPT
from tests.support.site import TestSite
from tests.support.tabs import PlaywrightTab, Tab


def pytest_configure(config: pytest.Config) -> None:
    """Browser tests run in Chromium and Firefox unless --browser picks otherwise."""
    if not config.option.browser:
        config.option.browser = ["chromium", "firefox"]


def machine_launch_options(browser_type: BrowserType, asked: dict[str, Any]) -> dict[str, Any]:
    """``asked`` (pytest-playwright's launch arguments: --headed, --slowmo...) with this
    machine's browser; the run stops, naming what to install, if it has none."""
    try:
        return playwright_launch_options(browser_type, asked)
    except NoBrowser as error:
        pytest.exit(str(error), returncode=3)


@pytest.fixture(scope="session")
def launch_browser(
    launch_browser: Callable[..., Browser],
    browser_type: BrowserType,
    browser_type_launch_args: dict[str, Any],
) -> Callable[..., Browser]:
    """pytest-playwright's, launching this machine's browser."""
    options = machine_launch_options(browser_type, browser_type_launch_args)
    return lambda **more: launch_browser(**{**options, **more})


# -- the engine-shared tests: each runs in Chromium, Firefox and WebKit (tests/support/tabs.py) --


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--no-webkit",
        action="store_true",
        help="leave WebKit out of the engine-shared tests (a quicker local run; CI runs it)",
    )


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "engine" in metafunc.fixturenames:
        engines = list(metafunc.config.option.browser)
        if not metafunc.config.option.no_webkit:
            engines.append("webkit")
        metafunc.parametrize("engine", engines)


@pytest.fixture(scope="session")
def playwright_browsers(playwright: Playwright) -> Iterator[dict[str, Browser]]:
    """Chromium and Firefox, each launched once for the session when a test first needs it."""
    launched: dict[str, Browser] = {}
    yield launched
    for browser in launched.values():
        browser.close()


@pytest.fixture(scope="session")
def full_chromium(
    playwright: Playwright, browser_type_launch_args: dict[str, Any]
) -> Iterator[Browser]:
    """The full Chromium, as visitors run it, for tests of what the headless shell that runs
    the rest of the suite lacks (the back/forward cache)."""
    options = playwright_launch_options(
        playwright.chromium, browser_type_launch_args, headless_shell=False
    )
    browser = playwright.chromium.launch(**options)
    yield browser
    browser.close()


@pytest.fixture
def bfcache_page(browser_name: str, request: pytest.FixtureRequest) -> Iterator[Page]:
    """A page in a browser that keeps the pages a visitor left in a back/forward cache, as
    visitors' browsers do: for Chromium the full browser, for Firefox the suite's own."""
    if browser_name != "chromium":
        yield request.getfixturevalue("page")
        return
    context = request.getfixturevalue("full_chromium").new_context()
    context.add_init_script(script=PERSON_SCRIPT)
    try:
        yield context.new_page()
    finally:
        context.close()


@pytest.fixture(scope="session")
def webkit_display() -> Iterator[str]:
    problem = webkit.missing()
    if problem:
        pytest.exit(f"{problem} (or run with --no-webkit)", returncode=3)
    with webkit.virtual_display() as display:
        yield display


@pytest.fixture(scope="session")
def webkit_portal() -> Iterator[tuple[webkit.DesktopPortal, dict[str, str]]]:
    """The stand-in desktop portal every WebKit tab of the session asks whether it is online."""
    with webkit.desktop_portal() as portal:
        yield portal


@pytest.fixture
def context(context: BrowserContext) -> BrowserContext:
    """pytest-playwright's context, whose pages (the demo's too) look like a person's browser
    (tests/support/person.py)."""
    context.add_init_script(script=PERSON_SCRIPT)
    return context


@pytest.fixture
def tab(
    engine: str,
    request: pytest.FixtureRequest,
    playwright: Playwright,
    playwright_browsers: dict[str, Browser],
    browser_type_launch_args: dict[str, Any],
) -> Iterator[Tab]:
    """A fresh tab (its own cookies and storage) in the engine this run of the test is for."""
    if engine == "webkit":
        portal = request.getfixturevalue("webkit_portal")
        portal[0].set_available(True)  # whatever a test before left
        with webkit.webkit_tab(request.getfixturevalue("webkit_display"), portal) as webkit_tab:
            yield webkit_tab
        return
    if engine not in playwright_browsers:
        browser_type = getattr(playwright, engine)
        playwright_browsers[engine] = browser_type.launch(
            **machine_launch_options(browser_type, browser_type_launch_args)
        )
    context = playwright_browsers[engine].new_context()
    try:
        yield PlaywrightTab(context.new_page(), engine)
    finally:
        context.close()


@pytest.fixture(scope="session")
def dist() -> Path:
    """dist/, built if stale: by one worker at a time, the others finding it done."""
    (SOURCE_ROOT / ".build").mkdir(exist_ok=True)
    with open(SOURCE_ROOT / ".build" / "build.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        build()
    return SOURCE_ROOT / "dist"


@pytest.fixture(scope="session")
def collector(tmp_path_factory: pytest.TempPathFactory) -> Iterator[CollectorServer]:
    server = CollectorServer(tmp_path_factory.mktemp("collector") / "events.sqlite3")
    server.start()
    yield server
    server.stop()


@pytest.fixture
def server(tmp_path: Path) -> Iterator[CollectorServer]:
    """A collector of this test's own, on a fresh database (the session's ``collector`` is
    shared by every browser test)."""
    with CollectorServer(tmp_path / "events.sqlite3") as fresh:
        yield fresh


@pytest.fixture
def upstream(tmp_path: Path) -> Iterator[CollectorServer]:
    """A collector of this test's own that a proxy forwards to."""
    with CollectorServer(tmp_path / "upstream.sqlite3") as fresh:
        yield fresh


@pytest.fixture(scope="session")
def site(dist: Path, collector: CollectorServer) -> Iterator[TestSite]:
    test_site = TestSite(dist, collector.api_host)
    server = ThreadedServer(test_site.app())
    server.start()
    test_site.url = server.url  # type: ignore[attr-defined]
    yield test_site
    server.stop()


def esbuild(entry: Path, outfile: Path, *options: str) -> None:
    """Bundle an npm package or a test app as a site's build would, for a page to import."""
    subprocess.run(
        [
            str(SOURCE_ROOT / "node_modules" / ".bin" / "esbuild"),
            str(entry),
            "--bundle",
            "--format=esm",
            # As --outfile=, but code splitting (which needs a folder) may put chunks beside it.
            f"--outdir={outfile.parent}",
            f"--entry-names={outfile.stem}",
            "--log-level=warning",
            *options,
        ],
        check=True,
        capture_output=True,
        cwd=SOURCE_ROOT,
    )


@pytest.fixture(scope="session")
def vendor(site: TestSite, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The folder the test site serves at /vendor/: what the tests bundle for pages."""
    folder = tmp_path_factory.mktemp("vendor")
    site.vendor_dir = folder
    return folder


@pytest.fixture(scope="session")
def npm_app(vendor: Path, dist: Path) -> Path:
    """tests/apps/npm_app.js bundled as an app's build bundles it: esbuild with code splitting,
    so each feature the module imports on first use is a chunk of its own. In the folder
    served at /vendor/: npm-app.js and its chunks, npm-app-<name>-<hash>.js."""
    esbuild(
        SOURCE_ROOT / "tests" / "apps" / "npm_app.js",
        vendor / "npm-app.js",
        f"--alias:analytics-web={dist / 'analytics.esm.js'}",
        "--splitting",
        "--chunk-names=npm-app-[name]-[hash]",
    )
    return vendor


@pytest.fixture(scope="session")
def consent_tools(vendor: Path) -> str:
    """Segment's consent wrapper (@segment/analytics-consent-tools, an npm dev dependency),
    bundled by esbuild as a page would import it; returns its URL path on the test site."""
    package = SOURCE_ROOT / "node_modules" / "@segment" / "analytics-consent-tools"
    esbuild(package / "dist" / "esm" / "index.js", vendor / "consent-tools.js")
    return "/vendor/consent-tools.js"


@pytest.fixture(scope="session")
def router_apps(vendor: Path, dist: Path) -> None:
    """The React Router and Vue Router apps of tests/apps (their packages are npm dev
    dependencies), bundled with analytics-web's ES module as an SPA's build bundles it."""
    apps = SOURCE_ROOT / "tests" / "apps"
    module = f"--alias:analytics-web={dist / 'analytics.esm.js'}"
    production = "--define:process.env.NODE_ENV='production'"
    esbuild(apps / "react_router.jsx", vendor / "react.js", module, production, "--jsx=automatic")
    vue_flags = [
        f"--define:{flag}={value}"
        for flag, value in {
            "__VUE_OPTIONS_API__": "true",
            "__VUE_PROD_DEVTOOLS__": "false",
            "__VUE_PROD_HYDRATION_MISMATCH_DETAILS__": "false",
        }.items()
    ]
    esbuild(apps / "vue_router.js", vendor / "vue.js", module, production, *vue_flags)


@pytest.fixture(scope="session")
def tls_context(tmp_path_factory: pytest.TempPathFactory) -> ssl.SSLContext:
    """A server TLS context with a throwaway self-signed certificate for 127.0.0.1 (browser
    contexts that visit its servers set ignore_https_errors)."""
    folder = tmp_path_factory.mktemp("tls")
    key, cert = folder / "key.pem", folder / "cert.pem"
    subprocess.run(
        [
            "openssl",
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "1",
            "-subj",
            "/CN=127.0.0.1",
            "-keyout",
            str(key),
            "-out",
            str(cert),
        ],
        check=True,
        capture_output=True,
    )
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    return context


@pytest.fixture(scope="session")
def https_site(site: TestSite, tls_context: ssl.SSLContext) -> Iterator[str]:
    """The test site again over https. Yields its URL."""
    server = ThreadedServer(site.app(), ssl_context=tls_context)
    server.start()
    yield server.url
    server.stop()


@pytest.fixture
def slow_bundle(site: TestSite) -> Iterator[None]:
    """The bundle arrives a second late, as from a slow CDN, so inline calls hit the stub."""
    site.delay_bundle = 1.0
    yield
    site.delay_bundle = 0.0


@pytest.fixture
def slow_app(site: TestSite) -> Iterator[None]:
    """The app's own code runs well after the bundle has, as on a busy device."""
    site.delay_vendor = 1.5
    yield
    site.delay_vendor = 0.0


@pytest.fixture(scope="session")
def django_configured() -> None:
    """Django's settings, the least a template engine and a request need, configured once."""
    import django
    from django.conf import settings

    if not settings.configured:
        settings.configure(
            INSTALLED_APPS=["analytics_web"],
            TEMPLATES=[{"BACKEND": "django.template.backends.django.DjangoTemplates"}],
        )
        django.setup()


@pytest.fixture
def write_key() -> str:
    """A write key of this test's own: the collector keeps each key's events apart."""
    return f"wk-{uuid.uuid4().hex[:12]}"


@pytest.fixture
def received(collector: CollectorServer, write_key: str):
    """received(n): wait until the collector has stored n events of this test, return them."""

    def wait(count: int, timeout: float = 10.0) -> list[dict[str, Any]]:
        return wait_for_events(collector, write_key, count, timeout)

    return wait


# The delivery figures of the run, gathered where the terminal summary is printed (the
# controller, when workers run the tests) from the reports of the tests that noted some.
DELIVERY_FIGURES = "delivery figures"
REPORT: list[dict[str, Any]] = []


@pytest.fixture
def report_delivery(request: pytest.FixtureRequest, collector: CollectorServer, write_key: str):
    """report_delivery(what, sent): note this test's figures, the events stored and the
    requests as the collector counted them, for the table printed at the end of the run."""
    shared = "engine" in request.fixturenames  # an engine-shared test, or a Playwright one
    browser_name = request.getfixturevalue("engine" if shared else "browser_name")

    def note(what: str, sent: int) -> None:
        stats = collector.store.stats(write_key=write_key)
        row = {
            "browser": browser_name,
            "scenario": what,
            "sent": sent,
            "stored": stats["events"],
            "requests": stats["requests"],
            "duplicate deliveries": stats["duplicates"],
            "rejected requests": stats["rejected"],
        }
        request.node.user_properties.append((DELIVERY_FIGURES, row))

    return note


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    if report.when == "call":
        REPORT.extend(
            cast(dict[str, Any], row)
            for name, row in report.user_properties
            if name == DELIVERY_FIGURES
        )


def pytest_terminal_summary(terminalreporter: Any) -> None:
    if not REPORT:
        return
    columns = list(REPORT[0])
    terminalreporter.section("delivery figures (per browser, from the collector)")
    terminalreporter.write_line(" | ".join(columns))
    for row in sorted(REPORT, key=lambda row: (row["scenario"], row["browser"])):
        terminalreporter.write_line(" | ".join(str(row[column]) for column in columns))
