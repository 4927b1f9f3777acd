"""The ``analytics-web`` command: build the bundle, print the snippet, run the collector or the demo."""

from __future__ import annotations

import argparse
import logging
import sqlite3
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from analytics_web.snippet import FEATURES, SINGLE_FILE


def port_number(text: str) -> int:
    try:
        port = int(text)
    except ValueError:
        port = -1
    if not 0 <= port <= 65535:
        raise argparse.ArgumentTypeError(f"{text!r} is not a port (0 to 65535; 0 picks a free one)")
    return port


def database_file(text: str) -> Path:
    path = Path(text)
    if path.is_dir():
        raise argparse.ArgumentTypeError(
            f"{text!r} is a directory; give a file in it, e.g. {path / 'events.sqlite3'}"
        )
    return path


class SettingsError(ValueError):
    """A command's options that cannot work together, said in one line."""


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="analytics-web", description=__doc__)
    parser.add_argument("-v", "--verbose", action="store_true", help="log what is going on")
    commands = parser.add_subparsers(dest="command", required=True)

    build = commands.add_parser("build", help="transpile and bundle the browser code into dist/")
    build.add_argument("--force", action="store_true", help="rebuild even if nothing changed")
    build.set_defaults(run=run_build)

    collector = commands.add_parser("collector", help="run the local Segment-compatible collector")
    collector.add_argument("--host", default="127.0.0.1")
    collector.add_argument("--port", type=port_number, default=8765)
    collector.add_argument(
        "--db", type=database_file, default=Path("events.sqlite3"), help="SQLite file"
    )
    collector.add_argument(
        "--write-key",
        action="append",
        default=[],
        help="accept only this write key (repeatable; default: any key)",
    )
    collector.set_defaults(run=run_collector)

    proxy = commands.add_parser(
        "proxy",
        help="serve the Tracking API and the bundle first-party, forwarding to an upstream API",
    )
    proxy.add_argument(
        "--upstream",
        required=True,
        help="Tracking API base to forward to, e.g. https://api.segment.io/v1",
    )
    proxy.add_argument("--host", default="127.0.0.1")
    proxy.add_argument("--port", type=port_number, default=8788)
    proxy.add_argument(
        "--spool",
        type=database_file,
        default=Path("proxy-spool.sqlite3"),
        help="SQLite file holding events until the upstream has them (earlier releases'"
        " feature files are kept beside it, in <spool>.releases/)",
    )
    proxy.add_argument(
        "--write-key",
        action="append",
        default=[],
        required=True,
        help="a write key to relay (repeatable; any other is refused)",
    )
    proxy.add_argument("--cookie-domain", help="Domain= of the id cookies, e.g. example.com")
    proxy.add_argument(
        "--trust-forwarded",
        action="store_true",
        help="behind a reverse proxy: the visitor is the last X-Forwarded-For address",
    )
    proxy.set_defaults(run=run_proxy, db=None)

    snippet = commands.add_parser("snippet", help="print the async snippet to paste in <head>")
    snippet.add_argument("--write-key", required=True)
    snippet.add_argument(
        "--src", help="where the bundle is served (default /dist/analytics.min.js)"
    )
    snippet.add_argument("--api-host", help="host/path of the Tracking API, e.g. api.segment.io/v1")
    snippet.add_argument("--protocol", choices=["https", "http"])
    snippet.add_argument("--no-page", action="store_true", help="leave out the automatic page()")
    snippet.add_argument(
        "--no-load", action="store_true", help="leave load() to the page (a consent wrapper, say)"
    )
    snippet.add_argument("--nonce", help="CSP nonce for the inline script and the bundle")
    snippet.add_argument(
        "--integrity", action="store_true", help="add the built bundle's SRI hash (self-hosted)"
    )
    snippet.add_argument(
        "--feature",
        action="append",
        default=[],
        choices=FEATURES,
        help="a feature the page uses, preloaded beside the bundle (repeat for more)",
    )
    snippet.add_argument(
        "--single-file",
        action="store_true",
        help=f"load {SINGLE_FILE} (every feature, one request) from beside --src",
    )
    snippet.set_defaults(run=run_snippet)

    demo = commands.add_parser("demo", help="serve the demo site with a collector on one port")
    demo.add_argument("--host", default="127.0.0.1")
    demo.add_argument("--port", type=port_number, default=8000)
    demo.add_argument(
        "--db", type=database_file, default=Path("demo-events.sqlite3"), help="SQLite file"
    )
    demo.add_argument("--open", action="store_true", help="open the site in a browser")
    demo.set_defaults(run=run_demo)

    args = parser.parse_args(argv)
    logging.basicConfig(
        level=logging.INFO if args.verbose else logging.WARNING,
        format="%(levelname)s %(name)s: %(message)s",
    )
    run: Callable[[argparse.Namespace], int] = args.run
    return run(args)


def run_build(args: argparse.Namespace) -> int:
    from analytics_web.build import BuildError, build, format_table

    try:
        facts = build(force=args.force)
    except BuildError as error:
        print(f"build failed: {error}", file=sys.stderr)
        return 1
    print(format_table(facts))
    return 0


def run_snippet(args: argparse.Namespace) -> int:
    from analytics_web.snippet import DEFAULT_SRC, bundle_integrity, render

    bundle = SINGLE_FILE if args.single_file else "analytics.min.js"
    try:
        html = render(
            args.write_key,
            src=args.src or DEFAULT_SRC,
            api_host=args.api_host,
            protocol=args.protocol,
            page=not args.no_page,
            load=not args.no_load,
            nonce=args.nonce,
            integrity=bundle_integrity(bundle) if args.integrity else None,
            features=args.feature,
            single_file=args.single_file,
        )
    except (ValueError, OSError) as error:
        print(f"cannot render the snippet: {error}", file=sys.stderr)
        return 1
    print(html)
    return 0


def run_collector(args: argparse.Namespace) -> int:
    def start() -> None:
        from analytics_web.collector import serve

        serve(args.db, host=args.host, port=args.port, write_keys=args.write_key)

    return _serve(start, args)


def run_proxy(args: argparse.Namespace) -> int:
    args.db = args.spool  # named in _serve's errors

    def start() -> None:
        from analytics_web.proxy import ProxySettings, serve

        try:
            settings = ProxySettings(
                upstream=args.upstream,
                write_keys=frozenset(args.write_key),
                cookie_domain=args.cookie_domain,
                trust_forwarded=args.trust_forwarded,
            )
        except ValueError as error:
            raise SettingsError(str(error)) from None
        serve(settings, args.spool, host=args.host, port=args.port)

    return _serve(start, args)


def run_demo(args: argparse.Namespace) -> int:
    def start() -> None:
        from analytics_web.demo import run_demo

        run_demo(host=args.host, port=args.port, db=args.db, open_browser=args.open)

    return _serve(start, args)


def _serve(start: Callable[[], None], args: argparse.Namespace) -> int:
    """Run a server until Ctrl-C, turning the usual failures into one clear line."""
    try:
        start()
    except ImportError as error:
        print(
            f"this needs aiohttp ({error}): pip install 'analytics-web[collector]'", file=sys.stderr
        )
        return 1
    except KeyboardInterrupt:
        pass
    except SettingsError as error:
        print(error, file=sys.stderr)
        return 2
    except FileNotFoundError as error:
        print(error, file=sys.stderr)
        return 1
    except sqlite3.Error as error:
        print(f"cannot use the event database {args.db}: {error}", file=sys.stderr)
        return 1
    except OSError as error:
        print(f"cannot listen on {args.host} port {args.port}: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
