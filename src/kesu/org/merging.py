"""Who takes part in merging one unit into another (`kesu.org.services.merge_units`).

A merge re-points rows of apps that sit above org (task assignments, progress reports, reminders,
scorecard adjustments, statistics). Org may not import them, so an app whose rows need a rule of
their own registers a participant from its AppConfig.ready():

- ``check(source, target)`` returns why the merge must be refused (a Chinese message shown as is),
  or None. Every participant's check runs before anything is written;
- ``move(source, target)`` re-points the rows of the participant's ``models`` itself and returns how
  many it moved under each label (shown to the office, e.g. {"任务分工": 3}).

Both run inside merge_units's transaction: a refusal, or an error in any participant, leaves nothing
changed. The rows of every other model with a foreign key to Unit are re-pointed by merge_units one
by one, including foreign keys without a reverse accessor (related_name="+"): an app that needs no
rule registers nothing, and its rows neither block the deletion of the merged unit nor cascade away
with it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.db import models

from kesu.org.models import Unit

Check = Callable[[Unit, Unit], "str | None"]
Move = Callable[[Unit, Unit], "dict[str, int]"]


@dataclass(frozen=True)
class Participant:
    name: str
    check: Check | None = None
    move: Move | None = None
    models: tuple[type[models.Model], ...] = ()


_participants: dict[str, Participant] = {}


def register(
    name: str, *, check: Check | None = None, move: Move | None = None,
    models: tuple[type[models.Model], ...] = (),
) -> None:
    """Add the participant ``name``; registering a name again replaces it (ready() may run twice).
    ``models`` are the ones ``move`` re-points itself, which the generic pass must then leave alone."""
    if move is None and models:
        raise ValueError("a participant that claims models must move their rows")
    _participants[name] = Participant(name, check, move, tuple(models))


def unregister(name: str) -> None:
    _participants.pop(name, None)


def participants() -> list[Participant]:
    """In registration order, which is the order of INSTALLED_APPS."""
    return list(_participants.values())


def claimed_models() -> set[type[models.Model]]:
    return {model for participant in _participants.values() for model in participant.models}


def unit_foreign_keys() -> list[models.ForeignKey]:
    """Every concrete foreign key to Unit, in Django's order of Unit's related objects, hidden ones
    (related_name="+") last."""
    return [
        relation.field for relation in Unit._meta.get_fields(include_hidden=True)
        if relation.auto_created and not relation.concrete and not relation.many_to_many
        and relation.field.concrete
    ]
