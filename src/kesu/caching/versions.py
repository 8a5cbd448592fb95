"""Version tokens: what a cached page part is keyed on, so that it is never served after the data it
was computed from changed — in any server process.

A token is replaced (a fresh random value, never a counter: a model instance loaded before a bump and
saved after it writes its old token back, and a counter would then repeat a value that other
processes already cached different data under) whenever a row it covers is written:

* ``Plan.data_version``: everything a plan's pages are computed from — the plan, its sections,
  tasks, assignments, targets, periods, reports, figures, review events, score weights and
  adjustments, and the units working on it. Read with the plan, so a plan page knows its version without a query of its own.
  This package sits below kesu.planning, so the plan model and its token field are registered by
  kesu.planning's AppConfig.ready() through :func:`register_plan_token`.
* :class:`~kesu.caching.models.DataVersion` rows for whole kinds of data (:data:`REGIONS`,
  :data:`INDICATORS`, :data:`SURVEYS`): read in one query by :func:`tokens`.

Tokens are replaced inside the writing transaction, so readers in other transactions see the new
token exactly when they can see the new data (a reader that reads the old token and then already the
new data caches new data under the old key, which is harmless: nobody reads that key after the
commit). Models connect their ``post_save``/``post_delete`` through :func:`connect_plan_models` and
:func:`connect_scope`; writes that bypass signals (``QuerySet.update``, ``bulk_create``, raw SQL)
must call :func:`bump_plans` / :func:`bump` themselves.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable

from django.db.models.signals import post_delete, post_save, pre_delete

REGIONS = "regions"
INDICATORS = "indicators"
SURVEYS = "surveys"
# The token of a scope nobody has written yet.
INITIAL = "0"


def new_token() -> str:
    return uuid.uuid4().hex


def bump(*scopes: str) -> None:
    """Replace the tokens of these scopes (creating their rows the first time)."""
    from kesu.caching.models import DataVersion

    DataVersion.objects.bulk_create(
        [DataVersion(scope=scope, token=new_token()) for scope in sorted(set(scopes))],
        update_conflicts=True, unique_fields=["scope"], update_fields=["token"],
    )


_plan_token: tuple[type, str] | None = None


def register_plan_token(model: type, field: str) -> None:
    """Name the model whose rows carry a plan's token and the field that holds it."""
    global _plan_token
    _plan_token = (model, field)


def _registered_plan_token() -> tuple[type, str]:
    if _plan_token is None:
        raise RuntimeError("no plan token registered: kesu.planning must be installed (its ready() registers it)")
    return _plan_token


def bump_plans(plan_ids: Iterable[int | None]) -> None:
    """Replace the tokens of these plans; a ``None`` among them (a row whose plan cannot be told)
    replaces every plan's token."""
    ids = set(plan_ids)
    if not ids:
        return
    model, field = _registered_plan_token()
    plans = model._default_manager.all() if None in ids else model._default_manager.filter(pk__in=ids)
    # One token for all of them is fine: a key always names the plan as well as its token.
    plans.update(**{field: new_token()})


def tokens(*scopes: str) -> tuple[str, ...]:
    """The current tokens of these scopes, in the order asked, in one query."""
    from kesu.caching.models import DataVersion

    found = dict(DataVersion.objects.filter(scope__in=scopes).values_list("scope", "token"))
    return tuple(found.get(scope, INITIAL) for scope in scopes)


def plan_tokens(plans) -> tuple[tuple[int, str], ...]:
    """(id, token) of each plan of a queryset, sorted, in one query: the version of a page that shows
    several plans (a city's review queue, a region dashboard)."""
    _, field = _registered_plan_token()
    return tuple(plans.order_by("pk").values_list("pk", field))


def connect_plan_models(models: Iterable[type], plan_id_of: Callable[[object], int | None]) -> None:
    """Replace the token of the plan of every saved or deleted row of these models. Deletions are
    caught before they happen: in a cascade (a plan, a report with its figures) the parent rows are
    gone by ``post_delete``, the plan could no longer be told and every plan's token would go."""

    def on_change(sender, instance, **kwargs):
        bump_plans([plan_id_of(instance)])

    for model in models:
        for signal, kind in ((post_save, "save"), (pre_delete, "delete")):
            signal.connect(on_change, sender=model, weak=False,
                           dispatch_uid=f"kesu-version-plan-{kind}-{model._meta.label}")


def connect_scope(scope: str, models: Iterable[type]) -> None:
    """Replace the token of ``scope`` on every saved or deleted row of these models."""

    def on_change(sender, instance, **kwargs):
        bump(scope)

    for model in models:
        for signal, kind in ((post_save, "save"), (post_delete, "delete")):
            signal.connect(on_change, sender=model, weak=False,
                           dispatch_uid=f"kesu-version-{scope}-{kind}-{model._meta.label}")
