"""Who may use a server's own endpoints: the collector's event reading and fault injection,
the proxy's stats.

The Tracking API takes events from pages on any origin. The rest is for the server's own pages
(the demo's debugger), for tools on the same machine, and for whoever holds the token printed
at start: a page on another site must not read a developer's events or make real clients see
503s, and a DNS-rebinding name pointed at 127.0.0.1 must not pass for the server's own origin.
"""

from __future__ import annotations

import ipaddress
import secrets
import socket
from dataclasses import dataclass, field

from aiohttp import web

LOOPBACK_NAMES = frozenset({"localhost", "127.0.0.1", "::1"})
WILDCARDS = frozenset({"", "0.0.0.0", "::"})


@dataclass(frozen=True)
class Access:
    """``bind_host`` is what the server listens on: the Host header must name it (or, for a
    loopback or wildcard address, another name of this machine)."""

    bind_host: str = "127.0.0.1"
    token: str = field(default_factory=lambda: secrets.token_urlsafe(18))

    def allows(self, request: web.Request) -> bool:
        if self._has_token(request):
            return True
        return self._host_is_ours(request.host) and not _cross_origin(request)

    def _has_token(self, request: web.Request) -> bool:
        scheme, _, given = request.headers.get("Authorization", "").partition(" ")
        if scheme.lower() != "bearer":
            given = request.query.get("token", "")
        return bool(given) and secrets.compare_digest(given.encode(), self.token.encode())

    def _host_is_ours(self, host_header: str) -> bool:
        name = _hostname(host_header)
        bound = self.bind_host.strip("[]").lower()
        if name == bound:
            return True
        if bound in WILDCARDS:
            return name in LOOPBACK_NAMES or _is_ip(name) or name == socket.gethostname().lower()
        return _is_loopback(bound) and name in LOOPBACK_NAMES


def _cross_origin(request: web.Request) -> bool:
    """A browser says where a request comes from (Sec-Fetch-Site, or Origin in older ones);
    tools such as curl say nothing and are judged by the Host header alone."""
    site = request.headers.get("Sec-Fetch-Site")
    if site is not None and site not in ("same-origin", "none"):
        return True
    origin = request.headers.get("Origin")
    return origin is not None and origin != f"{request.scheme}://{request.host}"


def _hostname(host_header: str) -> str:
    """``[::1]:8765`` -> ``::1``, ``Example.com:80`` -> ``example.com``."""
    host = host_header.strip().lower()
    if host.startswith("["):
        return host[1:].partition("]")[0]
    return host.rpartition(":")[0] if host.count(":") == 1 else host


def _is_ip(name: str) -> bool:
    try:
        ipaddress.ip_address(name)
    except ValueError:
        return False
    return True


def _is_loopback(name: str) -> bool:
    return name in LOOPBACK_NAMES or (_is_ip(name) and ipaddress.ip_address(name).is_loopback)
