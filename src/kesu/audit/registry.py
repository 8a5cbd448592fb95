"""Audited models: every save and delete of these writes an AuditEntry with before/after snapshots.

Signals rather than explicit calls in services, so that edits made through the Django admin or a
shell are logged too. bulk_create/update bypass signals: services that use them must call
`record()` themselves.
"""

from __future__ import annotations

import datetime
import decimal
import uuid

from django.db import models
from django.db.models.signals import post_delete, post_save, pre_save

from kesu.audit.context import current_actor, current_reason, current_stamp
from kesu.audit.models import AuditAction, AuditEntry

_AUDITED: set[type[models.Model]] = set()
# data_version is a cache token (kesu.caching.versions), replaced by every write: not history.
_SKIPPED_FIELDS = {"password", "last_login", "data_version"}


def _json_value(value):
    if isinstance(value, (datetime.datetime, datetime.date, datetime.time)):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, models.fields.files.FieldFile):
        return value.name or None
    return value


def snapshot(instance: models.Model) -> dict:
    data = {}
    for field in instance._meta.concrete_fields:
        if field.name in _SKIPPED_FIELDS:
            continue
        data[field.attname] = _json_value(getattr(instance, field.attname))
    return data


def record(action: str, instance: models.Model, before: dict | None, after: dict | None, reason: str = "") -> AuditEntry:
    actor = current_actor()
    entry = AuditEntry.objects.create(
        actor=actor if actor is not None and actor.pk else None,
        actor_name=str(actor) if actor is not None else "系统",
        action=action,
        model=instance._meta.label,
        object_id=str(instance.pk),
        object_repr=str(instance)[:255],
        before=before,
        after=after,
        reason=reason or current_reason(),
    )
    stamp = current_stamp()
    if stamp is not None:
        # `at` is auto_now_add, which overrides any value given on create.
        AuditEntry.objects.filter(pk=entry.pk).update(at=stamp)
        entry.at = stamp
    return entry


def _before_save(sender, instance, **kwargs):
    if instance.pk is None or kwargs.get("raw"):
        instance._audit_before = None
        return
    previous = sender._default_manager.filter(pk=instance.pk).first()
    instance._audit_before = snapshot(previous) if previous is not None else None


def _after_save(sender, instance, created, **kwargs):
    if kwargs.get("raw"):
        return
    before = getattr(instance, "_audit_before", None)
    after = snapshot(instance)
    if created or before is None:
        record(AuditAction.CREATE, instance, None, after)
    elif before != after:
        record(AuditAction.UPDATE, instance, before, after)


def _after_delete(sender, instance, **kwargs):
    record(AuditAction.DELETE, instance, snapshot(instance), None)


def audited(model: type[models.Model]) -> type[models.Model]:
    """Class decorator: log every create, update and delete of this model."""
    if model not in _AUDITED:
        _AUDITED.add(model)
        uid = f"kesu-audit-{model._meta.label}"
        pre_save.connect(_before_save, sender=model, dispatch_uid=uid + "-pre")
        post_save.connect(_after_save, sender=model, dispatch_uid=uid + "-post")
        post_delete.connect(_after_delete, sender=model, dispatch_uid=uid + "-delete")
    return model


def is_audited(model: type[models.Model]) -> bool:
    return model in _AUDITED


def history_for(instance: models.Model):
    return AuditEntry.objects.filter(model=instance._meta.label, object_id=str(instance.pk))
