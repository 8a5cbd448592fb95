"""Who is acting right now, for the audit log: set per request by the middleware and by the CLI; and,
when a loader writes a history that happened earlier (the demo's backdated reports), when."""

from __future__ import annotations

import datetime
from contextlib import contextmanager
from contextvars import ContextVar

_actor: ContextVar = ContextVar("kesu_audit_actor", default=None)
_reason: ContextVar = ContextVar("kesu_audit_reason", default="")
_stamp: ContextVar = ContextVar("kesu_audit_stamp", default=None)


def current_actor():
    return _actor.get()


def current_reason() -> str:
    return _reason.get()


def current_stamp() -> datetime.datetime | None:
    return _stamp.get()


@contextmanager
def acting_as(user, reason: str = ""):
    actor_token = _actor.set(user)
    reason_token = _reason.set(reason)
    try:
        yield
    finally:
        _actor.reset(actor_token)
        _reason.reset(reason_token)


@contextmanager
def stamped(at: datetime.datetime):
    """Audit entries written inside carry `at` instead of the moment of writing, so that a history
    loaded after the fact (the demo builds years of reports in one run) reads in the log as it reads on
    the pages. Never for live requests: their entries must say when they really happened."""
    if at.tzinfo is None:
        raise ValueError("stamped() needs an aware datetime")
    token = _stamp.set(at)
    try:
        yield
    finally:
        _stamp.reset(token)
