"""The snippet from Django's own template engine, as most Django sites render pages."""

from __future__ import annotations

import pytest
from django.template import Context, Template, TemplateSyntaxError

from analytics_web.snippet import render

pytestmark = pytest.mark.usefixtures("django_configured")


def rendered(source: str, **context: object) -> str:
    return Template("{% load analytics_web %}" + source).render(Context(context))


def test_the_tag_renders_what_render_does():
    html = rendered('{% analytics_snippet "KEY" %}')
    assert html == str(render("KEY"))


def test_the_tag_takes_render_arguments_from_the_template_and_its_context():
    html = rendered(
        '{% analytics_snippet key api_host="/t/v1" nonce=nonce page=False load_options=options %}',
        key="KEY",
        nonce="n0nce",
        options={"integrations": {"All": False}},
    )
    assert html == str(
        render(
            "KEY",
            api_host="/t/v1",
            nonce="n0nce",
            page=False,
            load_options={"integrations": {"All": False}},
        )
    )


def test_django_autoescaping_does_not_touch_the_snippet():
    html = rendered('{% analytics_snippet "KEY" src="/static/a.js?v=1&x=2" %}')
    assert "&amp;" not in html and "<script" in html


def test_a_bad_argument_says_which_one():
    with pytest.raises(ValueError, match="nonce"):
        rendered('{% analytics_snippet "KEY" nonce="not a nonce" %}')


def test_a_tag_without_a_write_key_is_a_template_error():
    with pytest.raises(TemplateSyntaxError):
        rendered("{% analytics_snippet %}")
