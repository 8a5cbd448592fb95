"""Creating, checking and revoking API tokens (services and the one selector the auth needs)."""

from __future__ import annotations

import datetime
import hashlib
import secrets

from django.db import transaction
from django.utils import timezone

from kesu.api.models import ApiToken
from kesu.audit.models import AuditAction
from kesu.audit.registry import record

TOKEN_PREFIX = "kesu_"
# Writing last_used_at on every request would turn every read into a write; a minute's resolution is
# enough to tell a live token from a forgotten one.
LAST_USED_RESOLUTION = datetime.timedelta(minutes=1)


def hash_token(raw_token: str) -> str:
    return hashlib.sha256(raw_token.encode("utf-8")).hexdigest()


def _audit_view(token: ApiToken) -> dict:
    """What the audit log keeps of a token: never the hash."""
    return {
        "user_id": token.user_id,
        "name": token.name,
        "prefix": token.prefix,
        "revoked_at": token.revoked_at.isoformat() if token.revoked_at else None,
    }


@transaction.atomic
def create_token(*, user, name: str) -> tuple[ApiToken, str]:
    """Create a token for `user`; returns the row and the clear-text token, which is shown only once."""
    name = name.strip()
    if not name:
        raise ValueError("令牌名称不能为空 / the token needs a name")
    if not user.is_active:
        raise ValueError(f"用户 {user.username} 已停用 / user is inactive")
    raw_token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user, name=name[:64], prefix=raw_token[: len(TOKEN_PREFIX) + 6], key_hash=hash_token(raw_token)
    )
    record(AuditAction.CREATE, token, None, _audit_view(token))
    return token, raw_token


@transaction.atomic
def revoke_token(*, token: ApiToken) -> ApiToken:
    if token.revoked_at is not None:
        return token
    before = _audit_view(token)
    token.revoked_at = timezone.now()
    token.save(update_fields=["revoked_at"])
    record(AuditAction.UPDATE, token, before, _audit_view(token))
    return token


def user_for_token(raw_token: str):
    """The active user a presented token belongs to, or None; stamps the token's last use."""
    if not raw_token or not raw_token.startswith(TOKEN_PREFIX):
        return None
    token = (
        ApiToken.objects.select_related("user", "user__region", "user__unit", "user__unit__region")
        .filter(key_hash=hash_token(raw_token), revoked_at__isnull=True)
        .first()
    )
    if token is None or not token.user.is_active:
        return None
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at >= LAST_USED_RESOLUTION:
        # update() rather than save(): no audit entry per request, and no race with a revocation.
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user


def tokens_of(user):
    return ApiToken.objects.filter(user=user).order_by("-created_at")
