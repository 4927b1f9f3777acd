"""Django's own template engine: ``{% load analytics_web %}`` then
``{% analytics_snippet "WRITE_KEY" api_host="/t/v1" nonce=request.csp_nonce %}``, with the same
arguments as :func:`analytics_web.snippet.render`. Needs ``"analytics_web"`` in
``INSTALLED_APPS``."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.safestring import SafeString, mark_safe

from analytics_web.snippet import render

register = template.Library()


@register.simple_tag
def analytics_snippet(write_key: str, **arguments: Any) -> SafeString:
    """The snippet, already escaped for its <script> context by render()."""
    return mark_safe(str(render(write_key, **arguments)))
