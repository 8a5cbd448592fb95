"""The timeline of an emergency event: every service that acts during an event adds its line here,
so the event page and the after-action report tell one story in order."""

from __future__ import annotations

import datetime

from kesu.audit.context import current_actor
from kesu.content import clock
from kesu.content.models import EmergencyEvent, TimelineEntry


def note(
    event: EmergencyEvent | None, kind: str, text: str, *, item=None, region=None, at: datetime.datetime | None = None
) -> TimelineEntry | None:
    """Add a line to `event`'s timeline (nothing when `event` is None: work outside an emergency)."""
    if event is None:
        return None
    actor = current_actor()
    return TimelineEntry.objects.create(
        event=event, at=at or clock.now(), kind=kind, text=text[:300], item=item, region=region,
        actor_name=str(actor) if actor is not None else "系统",
    )
