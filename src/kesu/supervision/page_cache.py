"""Rendered bodies of the supervision pages (dashboard, matrix, review queue), kept per process in
:mod:`kesu.caching.fragments` so that a warm request only reads the version tokens and renders the
small per-request shell (base.html, the plan header) around the cached HTML.

A body is rendered without the request: no context processor runs, so it cannot contain the viewer's
name, messages or CSRF token, which would be served to the next viewer of the same key. Everything
else a body shows must be named by its key: the version tokens of its data, today's date and the
status thresholds when it shows statuses, the query-string filters, and the viewer's scope.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Hashable
from dataclasses import astuple

from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe

from kesu.caching import fragments
from kesu.supervision.status import thresholds_from_settings


def render_body(key: Hashable, template_name: str, build_context: Callable[[], dict]) -> SafeString:
    """``template_name`` rendered with ``build_context()``, once per ``key`` in this process."""
    html = fragments.get_or_compute(key, lambda: render_to_string(template_name, build_context()))
    return mark_safe(html)


def plan_status_key(plan, today: datetime.date) -> tuple:
    """What the statuses shown on a plan's pages are computed from: the plan's data (its version token,
    read with the plan), the day (overdue depends on it) and the thresholds."""
    return (plan.pk, plan.data_version, today.isoformat(), astuple(thresholds_from_settings()))

