"""Template tags of the page shell (base.html), which every page pays for on every request."""

from __future__ import annotations

from django import template
from django.template.loader import render_to_string

from kesu.caching import fragments

register = template.Library()

NAV_TEMPLATE = "includes/main_nav.html"


def nav_variant(user) -> tuple:
    """Everything the top bar shows depends on: the links differ by role and point at the user's own
    region and unit."""
    return (user.role, user.region_id, user.region.code if user.region_id else None, user.unit_id)


@register.simple_tag(takes_context=True)
def main_nav(context):
    """The top bar's links. Its dozen or so {% url %} reversals and includes cost about a millisecond,
    so it is rendered once per viewer variant and cached; the unread count next to 消息 belongs to one
    unit, so a viewer with unread messages gets a top bar of their own."""
    user = context["user"]
    badge = context.get("inbox_badge")
    nav_context = {"user": user, "inbox_badge": badge}
    if badge is not None and badge.value:
        return render_to_string(NAV_TEMPLATE, nav_context)
    return fragments.get_or_compute(
        ("main-nav", *nav_variant(user)), lambda: render_to_string(NAV_TEMPLATE, nav_context)
    )
