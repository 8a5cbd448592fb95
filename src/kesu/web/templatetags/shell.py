"""Template tags of the page shell (base.html), which every page pays for on every request."""

from __future__ import annotations

from django import template
from django.template.loader import render_to_string

from kesu.caching import fragments
from kesu.web import nav

register = template.Library()

NAV_TEMPLATE = "includes/main_nav.html"


def nav_variant(user) -> tuple:
    """Everything the top bar shows depends on: the links differ by role and point at the user's own
    region and unit."""
    return (user.role, user.region_id, user.region.code if user.region_id else None, user.unit_id)


def _here(context, bar: nav.NavBar) -> nav.Here:
    request = context.get("request")
    match = getattr(request, "resolver_match", None)
    if request is None:
        return nav.Here()
    return nav.locate(bar, request.path, match.view_name if match else None, match.namespace if match else None)


@register.simple_tag(takes_context=True)
def main_nav(context):
    """The top bar's menus (kesu.web.nav). The links and their {% url %} reversals are worked out once
    per viewer variant, and the HTML once per variant and place in the bar (which menu and link the
    page is: a bounded handful per variant); the unread count next to 消息 belongs to one unit, so a
    viewer with unread messages gets a top bar of their own."""
    user = context["user"]
    badge = context.get("inbox_badge")
    variant = nav_variant(user)
    bar = fragments.get_or_compute(("main-nav-links", *variant), lambda: nav.nav_for(user))
    here = _here(context, bar)
    nav_context = {"bar": bar, "here": here, "inbox_badge": badge}
    if badge is not None and badge.value:
        return render_to_string(NAV_TEMPLATE, nav_context)
    return fragments.get_or_compute(
        ("main-nav", *variant, here.menu, here.href), lambda: render_to_string(NAV_TEMPLATE, nav_context)
    )
