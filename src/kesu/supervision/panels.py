"""Panels a higher app adds to the plan dashboard, and header tabs it shows only for some plans.

kesu.supervision sits below the apps that fill these registries (e.g. kesu.cascade's roll-up), so it
cannot import them: they register in their ``AppConfig.ready()``.

- A **tab flag** is a function of the plan whose inputs change with the rows of a version scope the
  registering app names (:mod:`kesu.caching.versions`) or with the plan list: the flag is kept in
  :mod:`kesu.caching.fragments` under those tokens, which the plan header reads in its one token
  query, so a warm page pays no query for it.
- A **panel** is rendered per request, outside the dashboard's cached body: it may depend on the
  viewer (its scoping) and on rows whose writes do not replace the plan's version token. A panel
  registered ``when`` a tab flag is skipped, without a call, for plans where that flag is false.
"""

from __future__ import annotations

from collections.abc import Callable

from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe

from kesu.caching import fragments

# (plan, user) -> (template name, context), or None to show nothing.
Panel = Callable[[object, object], "tuple[str, dict] | None"]

_panels: dict[str, tuple[Panel, str | None]] = {}
_tabs: dict[str, tuple[Callable[[object], bool], str]] = {}


def register_panel(name: str, panel: Panel, *, when: str | None = None) -> None:
    """Add (or replace, on a second ``ready()``) a dashboard panel; panels show in registration order."""
    _panels[name] = (panel, when)


def register_tab(name: str, shown: Callable[[object], bool], *, scope: str) -> None:
    """Whether the header tab ``name`` shows for a plan; ``scope``: the version scope of its inputs."""
    _tabs[name] = (shown, scope)


def tab_scopes() -> tuple[str, ...]:
    return tuple(sorted({scope for _, scope in _tabs.values()}))


def tab_flags(plan, scope_tokens: dict[str, str], plan_list: str) -> dict[str, bool]:
    """Every registered tab's flag for ``plan``, given the current tokens of :func:`tab_scopes`."""
    return {name: fragments.get_or_compute(
        ("supervision:tab", name, plan.pk, plan_list, scope_tokens.get(scope)), lambda shown=shown: bool(shown(plan)),
        cost=lambda value: 64) for name, (shown, scope) in sorted(_tabs.items())}


def render_panels(plan, user, flags: dict[str, bool]) -> SafeString:
    parts = []
    for panel, when in _panels.values():
        if when is not None and not flags.get(when):
            continue
        result = panel(plan, user)
        if result is not None:
            template_name, context = result
            parts.append(render_to_string(template_name, context))
    return mark_safe("".join(parts))
