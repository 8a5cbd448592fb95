"""Writes: loading the national set, defining elements and indicators, entering values, submission
and review (accept / return). Every write is `verb(*, actor, …)`: the permission check, row locks
and audit attribution are inside, so pages, the CLI and the demo loader take the same path. `actor`
None is the system itself (`kesu indicators …` run by the server's operator): it may load the
national set and enter values, never define or review."""

from __future__ import annotations

import functools
import math
import re
from dataclasses import dataclass
from importlib import resources

import yaml
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from kesu.audit.context import acting_as, current_reason
from kesu.audit.registry import record, snapshot
from kesu.caching import versions
from kesu.indicators import feeds, formulas
from kesu.indicators.models import (
    LOCKED_STATUSES,
    BlankKind,
    BlankReason,
    Category,
    CategoryOption,
    DataElement,
    DataSet,
    DataValue,
    Indicator,
    Submission,
    ValidationRule,
    ValueStatus,
    ValueType,
)
from kesu.indicators.permissions import (
    NATIONAL_READ_ONLY,
    can_edit_definition,
    can_manage_definitions,
    require_enter_values,
    require_review,
)
from kesu.indicators.selectors import Catalogue, Completeness, Finding, completeness, entry_rows, validate
from kesu.org.models import Region, Unit, User


class IndicatorError(ValueError):
    """A refused write, with a Chinese message fit to show as is."""


class SubmissionBlocked(IndicatorError):
    def __init__(self, findings: list[Finding]):
        self.findings = findings
        super().__init__("存在未通过的校验规则，不能报送：" + "；".join(str(f) for f in findings))


class IncompleteSubmission(IndicatorError):
    def __init__(self, check: Completeness):
        self.completeness = check
        super().__init__("不能报送：" + check.refusal())


def _service(function):
    """One transaction per call, with audit entries attributed to the actor; the reason a caller
    (the CLI, the demo loader) gave stays on them."""

    @functools.wraps(function)
    def wrapper(*, actor, **kwargs):
        with acting_as(actor, reason=current_reason()), transaction.atomic():
            return function(actor=actor, **kwargs)

    return wrapper


# --- national set ----------------------------------------------------------------------------


def load_national_definition() -> dict:
    text = resources.files("kesu.indicators").joinpath("data/national.yaml").read_text(encoding="utf-8")
    return yaml.safe_load(text)


@_service
def seed_national_set(*, actor: User | None) -> dict[str, int]:
    """Create or update the national categories, elements, indicators, data sets and rules by code
    (idempotent: running it twice changes nothing the second time). Only the system loads it: the
    set is shared by every region and read-only to each office."""
    if actor is not None:
        raise PermissionDenied(NATIONAL_READ_ONLY)
    spec = load_national_definition()
    for category_spec in spec["categories"]:
        category, _ = Category.objects.update_or_create(
            code=category_spec["code"], defaults={"name": category_spec["name"]}
        )
        for order, option in enumerate(category_spec["options"]):
            CategoryOption.objects.update_or_create(
                category=category, code=option["code"], defaults={"name": option["name"], "order": order}
            )
    categories = {c.code: c for c in Category.objects.all()}
    for order, item in enumerate(spec["elements"]):
        defaults = {
            "name": item["name"], "definition": item.get("definition", ""), "group": item["group"],
            "unit": item["unit"], "value_type": item.get("value_type", ValueType.NUMBER),
            "aggregation": item["aggregation"], "order": order,
            "category": categories[item["category"]] if item.get("category") else None,
        }
        _update_or_create_audited(DataElement, item["code"], defaults)
    catalogue = Catalogue.load()
    for order, item in enumerate(spec["indicators"]):
        check = formulas.check_indicator(
            item["numerator"], item.get("denominator", ""), float(item.get("factor", 1)), item["unit"],
            catalogue.formula_elements(),
        )
        if not check.ok:
            raise IndicatorError(f"指标 {item['code']}：" + "；".join(check.errors))
        defaults = {
            "name": item["name"], "definition": item.get("definition", ""), "group": item["group"],
            "numerator": item["numerator"], "denominator": item.get("denominator", ""),
            "factor": float(item.get("factor", 1)), "unit": item["unit"], "decimals": item.get("decimals", 1),
            "keywords": item.get("keywords", ""), "order": order,
        }
        _update_or_create_audited(Indicator, item["code"], defaults)
    for item in spec["data_sets"]:
        data_set, _ = DataSet.objects.update_or_create(
            code=item["code"], defaults={"name": item["name"], "quarterly": item.get("quarterly", False)}
        )
        codes = [e["code"] for e in spec["elements"]] if item["elements"] == "all" else item["elements"]
        data_set.elements.add(*DataElement.objects.filter(code__in=codes))
    data_sets = {d.code: d for d in DataSet.objects.all()}
    for item in spec["validation_rules"]:
        # Fail loudly on a malformed rule in the shipped file rather than at the first validation.
        formulas.parse(item["left"])
        if item["operator"] == "jump":
            float(item["right"])
        else:
            formulas.parse(item["right"])
        ValidationRule.objects.update_or_create(
            code=item["code"],
            defaults={
                "name": item["name"], "left": item["left"], "operator": item["operator"], "right": item["right"],
                "importance": item["importance"], "message": item["message"], "data_set": data_sets[item["data_set"]],
            },
        )
    return {
        "elements": DataElement.objects.count(), "indicators": Indicator.objects.count(),
        "data_sets": DataSet.objects.count(), "rules": ValidationRule.objects.count(),
    }


def _update_or_create_audited(model, code: str, defaults: dict):
    # save() rather than update_or_create so that the audit log sees a change only when there is one.
    instance = model.objects.filter(code=code).first() or model(code=code)
    changed = instance.pk is None or any(getattr(instance, k) != v for k, v in defaults.items())
    if changed:
        for key, value in defaults.items():
            setattr(instance, key, value)
        instance.save()
    return instance


# --- definitions -----------------------------------------------------------------------------

_CODE = re.compile(r"^[a-z][a-z0-9_]{1,39}$")


def _check_code(code: str) -> None:
    if not _CODE.match(code or ""):
        raise IndicatorError("代码只能由小写英文字母、数字和下划线组成，以字母开头，2—40个字符")


def _check_definer(actor: User | None) -> Region:
    """The region whose definition the actor's new element or indicator becomes."""
    if actor is None or not can_manage_definitions(actor):
        raise PermissionDenied("仅纲要办管理员可以定义指标和数据项")
    return actor.region


def _check_editable(actor: User | None, definition) -> None:
    if definition.owner_id is None:
        raise IndicatorError(NATIONAL_READ_ONLY)
    if actor is None or not can_edit_definition(actor, definition):
        raise PermissionDenied("仅定义该项的纲要办（或其上级）可以修改")


@_service
def create_element(*, actor: User, code: str, name: str, unit: str, aggregation: str, value_type: str = "number",
                   group: str = "activities", definition: str = "", category=None, data_set=None) -> DataElement:
    owner = _check_definer(actor)
    _check_code(code)
    if DataElement.objects.filter(code=code).exists():
        raise IndicatorError(f"数据项代码“{code}”已存在")
    element = DataElement.objects.create(
        code=code, name=name, unit=unit, aggregation=aggregation, value_type=value_type, group=group,
        definition=definition, category=category, owner=owner, order=DataElement.objects.count(),
    )
    if data_set is not None:
        data_set.elements.add(element)
    return element


@_service
def save_indicator(*, actor: User, code: str, name: str, numerator: str, denominator: str, factor: float,
                   unit: str, decimals: int = 1, definition: str = "", group: str = "activities",
                   keywords: str = "", instance: Indicator | None = None) -> Indicator:
    """Create (`instance` None, owned by the actor's region) or edit an indicator; refused with the
    position of the first error in a formula."""
    if instance is None:
        indicator = Indicator(owner=_check_definer(actor), order=Indicator.objects.count())
    else:
        indicator = Indicator.objects.select_for_update(of=("self",)).select_related("owner").get(pk=instance.pk)
        _check_editable(actor, indicator)
    _check_code(code)
    if Indicator.objects.filter(code=code).exclude(pk=indicator.pk).exists():
        raise IndicatorError(f"指标代码“{code}”已存在")
    check = formulas.check_indicator(numerator, denominator, factor, unit, Catalogue.load().formula_elements())
    if not check.ok:
        raise IndicatorError("；".join(check.errors))
    for key, value in dict(code=code, name=name, numerator=numerator, denominator=denominator or "",
                           factor=factor, unit=unit, decimals=decimals, definition=definition, group=group,
                           keywords=keywords).items():
        setattr(indicator, key, value)
    indicator.save()
    return indicator


# Fixed once an element has values. Refused rather than confirmed, because no confirmation makes the
# stored values right: they were checked against the old value type (integer, percentage ≤ 100); the
# aggregation rule decides every past total, accepted ones already reported upward included; and
# values are stored per option of the old category, which a new category's total no longer adds up.
# An office whose definition really changed defines a new element and deactivates this one.
FIXED_ONCE_COLLECTED = {"value_type": "数值类型", "aggregation": "汇总方式", "category_id": "分类"}


@_service
def update_element(*, actor: User, element: DataElement, name: str, unit: str, aggregation: str,
                   value_type: str, group: str, definition: str = "", category=None) -> DataElement:
    """Edit an office's element (its code stays: formulas, rules and templates refer to it)."""
    element = DataElement.objects.select_for_update(of=("self",)).select_related("owner").get(pk=element.pk)
    _check_editable(actor, element)
    fields = dict(name=name, unit=unit, aggregation=aggregation, value_type=value_type, group=group,
                  definition=definition, category_id=category.pk if category else None)
    fixed = [label for field, label in FIXED_ONCE_COLLECTED.items() if getattr(element, field) != fields[field]]
    if fixed:
        count = DataValue.objects.filter(element=element).count()
        if count:
            raise IndicatorError(
                f"“{element.name}”已有 {count} 个填报数值，不能再修改{'、'.join(fixed)}（已有数值和已审核的汇总会随之失真）；"
                "如口径确需改变，请新增数据项并停用本项"
            )
    for key, value in fields.items():
        setattr(element, key, value)
    element.save()
    return element


@_service
def set_element_active(*, actor: User, element: DataElement, active: bool) -> DataElement:
    """Stop (or resume) collecting an element; its values and the indicators over them stay."""
    element = DataElement.objects.select_for_update(of=("self",)).select_related("owner").get(pk=element.pk)
    _check_editable(actor, element)
    if element.active != active:
        element.active = active
        element.save()
    return element


# --- values ----------------------------------------------------------------------------------

_NUMBER_TEXT = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")


def parse_number(raw, element: DataElement) -> float | None:
    """The value typed for `element` (text or a number from a spreadsheet); None for an empty cell.
    Raises IndicatorError with a message that says what is wrong with it."""
    if raw is None:
        return None
    if isinstance(raw, bool):
        raise IndicatorError(f"“{raw}”不是数字")
    if isinstance(raw, int | float):
        value = float(raw)
    else:
        text = str(raw).strip().replace(",", "").replace("，", "")
        if text == "":
            return None
        if element.value_type == ValueType.PERCENTAGE and text.endswith("%"):
            text = text[:-1]
        if not _NUMBER_TEXT.match(text):
            raise IndicatorError(f"“{raw}”不是数字")
        value = float(text)
    if not math.isfinite(value):
        raise IndicatorError(f"“{raw}”不是有限的数字")
    if value < 0:
        raise IndicatorError(f"{element.name}不能为负数（{raw}）")
    if element.value_type == ValueType.INTEGER and value != int(value):
        raise IndicatorError(f"{element.name}应为整数（{raw}）")
    if element.value_type == ValueType.PERCENTAGE and value > 100:
        raise IndicatorError(f"{element.name}为百分比，不能超过100（{raw}）")
    return value


@dataclass(frozen=True)
class CellWrite:
    element: DataElement
    option: CategoryOption | None
    region: object
    unit: object
    value: float | None  # None clears the cell


def locked_cells(region_ids, year: int, quarter: int) -> set[tuple[int, int | None]]:
    """(region_id, unit_id) pairs whose data are submitted or accepted for the period; `region_ids`
    None means every region."""
    rows = Submission.objects.filter(year=year, quarter=quarter, status__in=LOCKED_STATUSES)
    if region_ids is not None:
        rows = rows.filter(region_id__in=region_ids)
    return set(rows.values_list("region_id", "unit_id"))


def fed_refusal(element: DataElement) -> str | None:
    """Why `element` may not be entered by hand: its values are summed from a registry."""
    feed = feeds.feed_for(element.code)
    return f"“{element.name}”由{feed.source}自动汇总，不能手工填报" if feed else None


@_service
def write_values(*, actor: User | None, writes: list[CellWrite], year: int, quarter: int = 0) -> int:
    """Store the given cells (each through save()/delete(), so the audit log has before/after);
    refused as a whole if any cell may not be written. Returns the number of cells changed."""
    # Every writer of indicator data locks the scope's token row when it replaces the token; taking it
    # before the value rows keeps the lock order of submit/accept and avoids deadlocking with them.
    versions.bump(versions.INDICATORS)
    locked = locked_cells({w.region.pk for w in writes}, year, quarter)
    for write in writes:
        require_enter_values(actor, write.region, write.unit)
        if (write.region.pk, write.unit.pk if write.unit else None) in locked:
            raise IndicatorError(f"{write.region.name}{year}年的数据已报送或已审核通过，已锁定，不能修改")
        if write.element.category_id and write.option is None:
            raise IndicatorError(f"{write.element.name}按分类填报，请填写各分类项")
        if not write.element.active:
            raise IndicatorError(f"数据项“{write.element.name}”已停用，不再填报")
        if refusal := fed_refusal(write.element):
            raise IndicatorError(refusal)
    changed = 0
    for write in writes:
        existing = (
            DataValue.objects.select_for_update()
            .filter(element=write.element, option=write.option, region=write.region, unit=write.unit,
                    year=year, quarter=quarter)
            .first()
        )
        if write.value is None:
            if existing is not None:
                existing.delete()
                changed += 1
            continue
        # A number answers the question a blank's reason answered.
        for reason in _reasons(write.element, write.option, write.region, write.unit, year, quarter):
            reason.delete()
        if existing is None:
            DataValue.objects.create(
                element=write.element, option=write.option, region=write.region, unit=write.unit, year=year,
                quarter=quarter, value=write.value, entered_by=actor if actor and actor.pk else None,
            )
            changed += 1
        elif existing.value != write.value:
            existing.value = write.value
            existing.entered_by = actor if actor and actor.pk else None
            if existing.status == ValueStatus.RETURNED:
                existing.status = ValueStatus.DRAFT
            existing.save()
            changed += 1
    return changed


def enter_value(*, actor: User | None, element: DataElement, option: CategoryOption | None, region: Region,
                unit: Unit | None, year: int, quarter: int, raw) -> float | None:
    """One cell as typed on the entry page: parsed for the element, then stored (an empty cell
    clears it). Returns the stored number."""
    value = parse_number(raw, element)
    write_values(actor=actor, writes=[CellWrite(element, option, region, unit, value)], year=year, quarter=quarter)
    return value


# --- blank cells -----------------------------------------------------------------------------


def _reasons(element, option, region, unit, year: int, quarter: int):
    return BlankReason.objects.select_for_update().filter(
        element=element, option=option, region=region, unit=unit, year=year, quarter=quarter
    )


def _check_reason(kind: str, note: str) -> str:
    note = (note or "").strip()
    if kind not in BlankKind.values:
        raise IndicatorError("请选择空项原因：数据暂缺、不适用或其他")
    if kind == BlankKind.OTHER and not note:
        raise IndicatorError("选择“其他”时请写明空项原因")
    if len(note) > 200:
        raise IndicatorError("空项原因的说明不能超过200字")
    return note


def _check_blank_writable(actor, element: DataElement, region: Region, unit: Unit | None, year: int,
                          quarter: int) -> None:
    require_enter_values(actor, region, unit)
    if (region.pk, unit.pk if unit else None) in locked_cells({region.pk}, year, quarter):
        raise IndicatorError(f"{region.name}{year}年的数据已报送或已审核通过，已锁定，不能修改")
    if refusal := fed_refusal(element):
        raise IndicatorError(refusal)


@_service
def explain_blank(*, actor: User | None, element: DataElement, option: CategoryOption | None, region: Region,
                  unit: Unit | None, year: int, quarter: int = 0, kind: str, note: str = "") -> BlankReason | None:
    """Say why a cell is left blank (`kind` "" withdraws the reason). A cell holding a number,
    0 included, needs none: clear the number first."""
    _check_blank_writable(actor, element, region, unit, year, quarter)
    versions.bump(versions.INDICATORS)
    existing = _reasons(element, option, region, unit, year, quarter).first()
    if not kind:
        if existing is not None:
            existing.delete()
        return None
    note = _check_reason(kind, note)
    if DataValue.objects.filter(element=element, option=option, region=region, unit=unit, year=year,
                                quarter=quarter).exists():
        raise IndicatorError(f"“{element.name}”已填写数值，无需说明空项原因（数值为 0 请直接填 0）")
    entered_by = actor if actor and actor.pk else None
    if existing is None:
        return BlankReason.objects.create(element=element, option=option, region=region, unit=unit, year=year,
                                          quarter=quarter, kind=kind, note=note, entered_by=entered_by)
    if (existing.kind, existing.note) != (kind, note):
        existing.kind, existing.note, existing.entered_by = kind, note, entered_by
        existing.save()
    return existing


@_service
def explain_remaining_blanks(*, actor: User | None, data_set: DataSet, region: Region, year: int, quarter: int = 0,
                             unit: Unit | None = None, kind: str, note: str = "") -> int:
    """Give every blank cell still without a reason the same one (e.g. all 数据暂缺); returns how
    many cells got it. Cells already explained keep their own reason."""
    require_enter_values(actor, region, unit)
    if (region.pk, unit.pk if unit else None) in locked_cells({region.pk}, year, quarter):
        raise IndicatorError(f"{region.name}{year}年的数据已报送或已审核通过，已锁定，不能修改")
    note = _check_reason(kind, note)
    versions.bump(versions.INDICATORS)
    # Missing cells hold no value, no reason and are not fed: each gets a new, audited reason.
    missing = completeness(entry_rows(data_set, region, year, quarter, unit)).missing
    entered_by = actor if actor and actor.pk else None
    for row in missing:
        BlankReason.objects.create(element=row.element, option=row.option, region=region, unit=unit, year=year,
                                   quarter=quarter, kind=kind, note=note, entered_by=entered_by)
    return len(missing)


def data_set_completeness(data_set: DataSet, region: Region, year: int, quarter: int = 0,
                          unit: Unit | None = None) -> Completeness:
    return completeness(entry_rows(data_set, region, year, quarter, unit))


# --- review ----------------------------------------------------------------------------------


def _submission(data_set, region, year, quarter, unit, *, lock: bool = True) -> Submission:
    submission, _ = Submission.objects.get_or_create(
        data_set=data_set, region=region, year=year, quarter=quarter, unit=unit
    )
    return Submission.objects.select_for_update().get(pk=submission.pk) if lock else submission


def _set_value_status(submission: Submission, status: str) -> None:
    # Bulk update for speed; since update() skips signals, each row's change is logged and the version
    # token replaced explicitly.
    rows = DataValue.objects.filter(
        region=submission.region, unit=submission.unit, year=submission.year, quarter=submission.quarter,
        element__in=submission.data_set.elements.all(),
    ).exclude(status=status)
    for value in rows:
        before = snapshot(value)
        value.status = status
        record("update", value, before, snapshot(value))
    rows.update(status=status, updated_at=timezone.now())
    versions.bump(versions.INDICATORS)


@_service
def submit(*, actor: User | None, data_set: DataSet, region: Region, year: int, quarter: int = 0,
           unit: Unit | None = None) -> list[Finding]:
    """Send the period's values up for review; validation errors block, warnings are returned."""
    require_enter_values(actor, region, unit)
    submission = _submission(data_set, region, year, quarter, unit)
    if submission.status in LOCKED_STATUSES:
        raise IndicatorError(f"该报表已是“{submission.get_status_display()}”状态，不能重复报送")
    if not DataValue.objects.filter(region=region, unit=unit, year=year, quarter=quarter,
                                    element__in=data_set.elements.all()).exists():
        raise IndicatorError("尚未填报任何数据，不能报送")
    findings = validate(data_set, region, year, quarter, unit)
    errors = [f for f in findings if f.is_error]
    if errors:
        raise SubmissionBlocked(errors)
    # A blank is not a zero: every cell holds a number or says why it has none.
    check = data_set_completeness(data_set, region, year, quarter, unit)
    if not check.complete:
        raise IncompleteSubmission(check)
    submission.status = ValueStatus.SUBMITTED
    submission.submitted_by = actor if actor and actor.pk else None
    submission.submitted_at = timezone.now()
    submission.save()
    _set_value_status(submission, ValueStatus.SUBMITTED)
    return findings


@_service
def accept_submission(*, actor: User, submission: Submission) -> Submission:
    require_review(actor, submission.region)
    submission = Submission.objects.select_for_update().get(pk=submission.pk)
    if submission.status != ValueStatus.SUBMITTED:
        raise IndicatorError("只有已报送的报表可以审核通过")
    submission.status = ValueStatus.ACCEPTED
    submission.reviewed_by = actor
    submission.reviewed_at = timezone.now()
    submission.save()
    _set_value_status(submission, ValueStatus.ACCEPTED)
    return submission


@_service
def return_submission(*, actor: User, submission: Submission, comment: str) -> Submission:
    """Send a submitted data set back, or unlock an accepted one; either way a comment is required."""
    require_review(actor, submission.region)
    submission = Submission.objects.select_for_update().get(pk=submission.pk)
    if submission.status not in LOCKED_STATUSES:
        raise IndicatorError("只有已报送或已审核通过的报表可以退回（解锁）")
    if not (comment or "").strip():
        raise IndicatorError("退回或解锁时请填写意见")
    submission.status = ValueStatus.RETURNED
    submission.reviewed_by = actor
    submission.reviewed_at = timezone.now()
    submission.comment = comment.strip()
    submission.save()
    _set_value_status(submission, ValueStatus.RETURNED)
    return submission
