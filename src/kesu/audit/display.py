"""The audit log in words, for the history shown on pages: each changed field by its label, with
values as a reader knows them — a unit, period, task or user by its name (not `period： → 55`), yes/no
(not `False`), lists joined with “、”, choices by their label and timestamps in local time.

Names are looked up once per related model for all the entries shown together, never one query per
entry. The stored entries are unchanged: they keep the raw snapshot (ids, ISO timestamps in UTC).
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.apps import apps
from django.db import models
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime

from kesu.audit.models import AuditEntry

# Bookkeeping fields that change on every save and say nothing to a reader.
UNINTERESTING_FIELDS = frozenset({"id", "updated_at", "revision"})

# Labels for fields declared without a verbose name (Django would show "reviewed by").
FIELD_LABELS = {
    "reviewed_by": "审核人", "reviewed_at": "审核时间", "submitted_by": "报送人", "submitted_at": "报送时间",
    "entered_by": "填报人", "decided_by": "确认人", "decided_at": "确认时间", "created_by": "创建人",
    "created_at": "创建时间", "uploaded_by": "上传人", "uploaded_at": "上传时间", "sent_by": "发送人",
    "sent_at": "发送时间", "imported_by": "导入人", "imported_at": "导入时间", "actor": "操作人",
    "owner": "定义地区", "parent": "上级", "period": "报送期", "task": "任务", "plan": "实施方案",
    "unit": "单位", "region": "区划", "user": "用户", "report": "进展报告", "target": "目标",
    "section": "章节", "element": "数据项", "option": "分类项", "indicator": "指标", "data_set": "报表",
    "category": "分类", "status": "状态", "value": "数值", "source": "来源", "comment": "意见",
}

TIME_FORMAT = "%Y-%m-%d %H:%M"


@dataclass
class HistoryRow:
    """An audit entry with its changed fields in words: (field label, before, after)."""

    entry: AuditEntry
    changes: list[tuple[str, str, str]]

    @property
    def at(self) -> str:
        """When, in local time (settings.TIME_ZONE)."""
        return local_time(self.entry.at)


def local_time(moment: datetime.datetime | None) -> str:
    if moment is None:
        return ""
    if timezone.is_aware(moment):
        moment = timezone.localtime(moment)
    return moment.strftime(TIME_FORMAT)


def field_label(field: models.Field) -> str:
    label = str(field.verbose_name)
    if label != field.name.replace("_", " "):
        return label
    if field.name in FIELD_LABELS:
        return FIELD_LABELS[field.name]
    if field.is_relation and field.related_model is not None:
        return str(field.related_model._meta.verbose_name)
    return label


def _fields(model_label: str) -> dict[str, models.Field]:
    try:
        model = apps.get_model(model_label)
    except (LookupError, ValueError):
        return {}
    return {f.attname: f for f in model._meta.concrete_fields}


def _is_reference(field: models.Field | None) -> bool:
    return field is not None and field.is_relation and (field.many_to_one or field.one_to_one)


def _names(wanted: dict[type[models.Model], set]) -> dict[type[models.Model], dict[str, str]]:
    """Each wanted object's name, one query per model; an object gone since is left out."""
    names = {}
    for model, ids in wanted.items():
        # Names such as a report's "unit · task · period" read the rows they point at: fetch them along.
        along = [f.name for f in model._meta.concrete_fields if f.many_to_one and not f.null]
        rows = model._default_manager.filter(pk__in=ids).select_related(*along)
        names[model] = {str(row.pk): str(row) for row in rows}
    return names


def _number(value: float) -> str:
    if float(value).is_integer():
        return str(int(value))
    return f"{value:.6f}".rstrip("0").rstrip(".")


def _text(value, field: models.Field | None, names: dict) -> str:
    if value is None or value == "":
        return ""
    if _is_reference(field):
        name = names.get(field.related_model, {}).get(str(value))
        return name if name is not None else f"#{value}（已删除）"
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, list | tuple):
        return "、".join(_text(item, field, names) for item in value)
    if isinstance(value, dict):
        return "；".join(f"{key}：{_text(item, None, names)}" for key, item in value.items())
    if field is not None and field.choices:
        choices = {str(key): str(label) for key, label in field.flatchoices}
        return choices.get(str(value), str(value))
    if isinstance(value, str):
        if isinstance(field, models.DateTimeField):
            moment = parse_datetime(value)
            return local_time(moment) if moment is not None else value
        if isinstance(field, models.DateField):
            day = parse_date(value)
            return day.isoformat() if day is not None else value
        return value
    if isinstance(value, float):
        return _number(value)
    return str(value)


def history_rows(entries: Iterable[AuditEntry]) -> list[HistoryRow]:
    entries = list(entries)
    fields_by_model: dict[str, dict[str, models.Field]] = {}
    changed = []
    wanted: dict[type[models.Model], set] = defaultdict(set)
    for entry in entries:
        fields = fields_by_model.setdefault(entry.model, _fields(entry.model))
        changes = [(name, before, after) for name, before, after in entry.changed_fields()
                   if name not in UNINTERESTING_FIELDS]
        for name, before, after in changes:
            field = fields.get(name)
            if _is_reference(field):
                wanted[field.related_model].update(v for v in (before, after) if v not in (None, ""))
        changed.append((entry, fields, changes))
    names = _names(wanted)
    rows = []
    for entry, fields, changes in changed:
        words = []
        for name, before, after in changes:
            field = fields.get(name)
            label = field_label(field) if field is not None else FIELD_LABELS.get(name, name)
            words.append((label, _text(before, field, names), _text(after, field, names)))
        rows.append(HistoryRow(entry, words))
    return rows
