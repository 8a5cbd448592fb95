"""The error every refused content write raises, and the wrapper every content service runs in."""

from __future__ import annotations

import functools

from django.db import transaction

from kesu.audit.context import acting_as, current_reason


class ContentError(Exception):
    """A refused write, in words for the user; `field` names the offending field when there is one."""

    def __init__(self, message: str, field: str = ""):
        super().__init__(message)
        self.message = message
        self.field = field


def service(function):
    """Run a keyword-only service as `actor` (audit entries name them) in one transaction: a refused
    write leaves nothing behind."""

    @functools.wraps(function)
    def wrapper(*, actor, **kwargs):
        with acting_as(actor, reason=current_reason()), transaction.atomic():
            return function(actor=actor, **kwargs)

    return wrapper
