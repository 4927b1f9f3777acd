"""Identity cookies set by the site's server, so a visitor stays the same visitor.

Safari (ITP) caps cookies written by scripts at 7 days: a weekly visitor would be a new
anonymous user every week. A cookie set by the site's own server in an HTTP response is not
capped that way. The library reads these cookies first and adopts their ids, and never writes
an id cookie that already holds the same value, so the server-set cookie is the one that stays.

Use it on page responses with any framework (docs/proxy.md has it for Flask, Django and Starlette)::

    identity = server_identity(request.cookies, secure=request.is_secure)
    for cookie in identity.cookies:
        response.set_cookie(**cookie.set_cookie_args())

The first page of a first visit then already carries the id its events will use.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import quote, unquote

ANONYMOUS_ID_COOKIE = "ajs_anonymous_id"
USER_ID_COOKIE = "ajs_user_id"
# As long as Analytics.js keeps its own: a yearly visitor is still recognised.
ONE_YEAR_S = 365 * 24 * 3600
MAX_ID_LENGTH = 200


@dataclass(frozen=True)
class IdentityCookie:
    """One cookie as the library writes it: the raw id (percent-encoded where it must be), one
    year, the whole site, Lax, readable by scripts (the library reads it)."""

    name: str
    value: str
    secure: bool
    domain: str | None = None

    def header(self) -> str:
        """The ``Set-Cookie`` header value."""
        parts = [
            f"{self.name}={quote(self.value, safe='')}",
            f"Max-Age={ONE_YEAR_S}",
            "Path=/",
            "SameSite=Lax",
        ]
        if self.domain:
            parts.append(f"Domain={self.domain}")
        if self.secure:
            parts.append("Secure")
        return "; ".join(parts)

    def set_cookie_args(self) -> dict[str, object]:
        """Arguments for ``response.set_cookie(**...)`` in Flask, Django and Starlette alike."""
        return {
            "key": self.name,
            "value": quote(self.value, safe=""),
            "max_age": ONE_YEAR_S,
            "path": "/",
            "domain": self.domain,
            "secure": self.secure,
            "httponly": False,
            "samesite": "Lax",
        }


@dataclass(frozen=True)
class ServerIdentity:
    anonymous_id: str
    user_id: str | None
    cookies: list[IdentityCookie]


def usable_id(value: object) -> str | None:
    """An id worth keeping in a cookie: a non-empty string of at most MAX_ID_LENGTH."""
    return value if isinstance(value, str) and 0 < len(value) <= MAX_ID_LENGTH else None


def read_id(cookies: Mapping[str, str], name: str) -> str | None:
    """An id cookie in any form Analytics.js wrote it: raw, percent-encoded or JSON-quoted."""
    raw = cookies.get(name)
    if not raw:
        return None
    try:
        value = unquote(raw, errors="strict")
    except UnicodeDecodeError:  # not percent-encoded by whoever wrote it: as the browser reads it
        value = raw
    if value.startswith('"'):
        try:
            return usable_id(json.loads(value))
        except ValueError:
            return None
    return usable_id(value)


def identity_cookies(
    anonymous_id: str, user_id: str | None, *, secure: bool, domain: str | None
) -> list[IdentityCookie]:
    """The cookies that keep these ids for a year from now."""
    kept = [IdentityCookie(ANONYMOUS_ID_COOKIE, anonymous_id, secure, domain)]
    if user_id is not None:
        kept.append(IdentityCookie(USER_ID_COOKIE, user_id, secure, domain))
    return kept


def server_identity(
    cookies: Mapping[str, str], *, secure: bool, domain: str | None = None
) -> ServerIdentity:
    """The visitor's ids, a new anonymous id when there is none, and the cookies that keep
    them for a year from now (set on every response: each visit pushes the expiry back)."""
    anonymous_id = read_id(cookies, ANONYMOUS_ID_COOKIE) or str(uuid.uuid4())
    user_id = read_id(cookies, USER_ID_COOKIE)
    cookies_kept = identity_cookies(anonymous_id, user_id, secure=secure, domain=domain)
    return ServerIdentity(anonymous_id, user_id, cookies_kept)


def identity_of_events(
    messages: list[dict[str, object]], *, secure: bool, domain: str | None = None
) -> list[IdentityCookie]:
    """The cookies a Tracking API response sets: the ids of the newest message that has them."""
    for message in reversed(messages):
        anonymous_id = usable_id(message.get("anonymousId"))
        if anonymous_id is not None:
            user_id = usable_id(message.get("userId"))
            return identity_cookies(anonymous_id, user_id, secure=secure, domain=domain)
    return []
