"""The moment a content service acts: now, or the moment of the history being loaded (the demo's past
emergency is written under kesu.audit.context.stamped, so its pushes, reviews and timeline read as
they happened, not as the build ran)."""

from __future__ import annotations

import datetime

from django.utils import timezone

from kesu.audit.context import current_stamp


def now() -> datetime.datetime:
    return current_stamp() or timezone.now()


def today() -> datetime.date:
    return timezone.localdate(now())
