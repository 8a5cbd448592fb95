"""Who is acting right now, for the audit log: set per request by the middleware and by the CLI."""

from __future__ import annotations

from contextlib import contextmanager
from contextvars import ContextVar

_actor: ContextVar = ContextVar("kesu_audit_actor", default=None)
_reason: ContextVar = ContextVar("kesu_audit_reason", default="")


def current_actor():
    return _actor.get()


def current_reason() -> str:
    return _reason.get()


@contextmanager
def acting_as(user, reason: str = ""):
    actor_token = _actor.set(user)
    reason_token = _reason.set(reason)
    try:
        yield
    finally:
        _actor.reset(actor_token)
        _reason.reset(reason_token)
