"""Template context for the supervision workflow: the unread count shown next to 消息 in the nav."""

from __future__ import annotations

from functools import cached_property


class _UnreadCount:
    """Counted only when a template actually shows it, and at most once per request."""

    def __init__(self, user):
        self._user = user

    @cached_property
    def value(self) -> int:
        from kesu.progress.selectors import unread_count

        return unread_count(self._user)


def inbox_badge(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"inbox_badge": _UnreadCount(user)}
