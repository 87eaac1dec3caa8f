"""The Jinja2 environment of the workbench pages.

The pages were Django templates; under load their rendering was half of a page's server time
(docs/benchmarks.md). Jinja2 (already installed for the Word templates, docxtpl) compiles templates
to Python and renders the same pages several times faster. Django admin, DRF and the API pages keep
Django's own engine.

Filters that differ from Jinja2's behave as Django's did, so the pages read the same:
``default`` replaces any false value, ``date`` formats in Asia/Shanghai with Django's format
letters, and undefined names or attributes print nothing."""

from __future__ import annotations

from django.template import defaultfilters
from django.templatetags.static import static
from django.urls import reverse
from django.utils.html import json_script
from django.utils.timezone import template_localtime
from django_htmx.jinja import htmx_script
from jinja2 import ChainableUndefined, Environment, pass_context

from jixiao.accounts import permissions


def url(name: str, *args, **kwargs) -> str:
    return reverse(name, args=args or None, kwargs=kwargs or None)


def date(value, format_string: str) -> str:
    """Django's ``date`` filter, after converting an aware datetime to local time as Django's engine does."""
    if value in (None, ""):
        return ""
    return defaultfilters.date(template_localtime(value), format_string)


def default(value, fallback=""):
    """Django's ``default``: the fallback for any false value (None, "", 0, an empty list)."""
    return value if value else fallback


def default_if_none(value, fallback=""):
    return fallback if value is None else value


@pass_context
def may(context, action: str, kind: str) -> bool:
    """``may("create", "project")``: whether to offer an action — asked of the permissions module, as
    every view asks it (the view still checks when the action is taken)."""
    request = context.get("request")
    user = getattr(request, "user", None)
    return user is not None and permissions.may(user, permissions.Action(action), permissions.Kind(kind))


def environment(**options) -> Environment:
    options.setdefault("undefined", ChainableUndefined)
    options.setdefault("keep_trailing_newline", True)  # the same markup as the Django templates gave
    env = Environment(**options)
    env.globals.update({"url": url, "static": static, "htmx_script": htmx_script, "may": may})
    env.filters.update({"date": date, "default": default, "default_if_none": default_if_none,
                        "json_script": json_script})
    return env
