"""Writes to regions, units and users: CSV region import, unit administration (create, edit, alias,
merge), unit-name matching for plan import, and user management by the office.

Region, Unit, UnitAlias and User are not signal-audited models, so every service here records its
changes with `record()` itself.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from kesu.audit.models import AuditAction
from kesu.audit.registry import is_audited, record, snapshot
from kesu.org.models import Region, RegionLevel, Role, Unit, UnitAlias, UnitKind, User


class OrgError(ValueError):
    """A request the office made that cannot be carried out; the message is shown as is (Chinese)."""


# --------------------------------------------------------------------------------------------
# Regions

_LEVEL_WORDS = {
    "province": RegionLevel.PROVINCE, "省": RegionLevel.PROVINCE, "省级": RegionLevel.PROVINCE,
    "city": RegionLevel.CITY, "市": RegionLevel.CITY, "地市级": RegionLevel.CITY, "地级": RegionLevel.CITY,
    "county": RegionLevel.COUNTY, "县": RegionLevel.COUNTY, "区": RegionLevel.COUNTY,
    "县区级": RegionLevel.COUNTY, "县级": RegionLevel.COUNTY,
    "township": RegionLevel.TOWNSHIP, "乡镇": RegionLevel.TOWNSHIP, "乡镇街道": RegionLevel.TOWNSHIP,
    "街道": RegionLevel.TOWNSHIP,
}
_LEVEL_DEPTH = {RegionLevel.PROVINCE: 0, RegionLevel.CITY: 1, RegionLevel.COUNTY: 2, RegionLevel.TOWNSHIP: 3}
# Which parent levels each level may hang under. A county may sit directly under a province:
# 省直辖县级行政区 such as 仙桃市 (429004) and the districts of municipalities.
_ALLOWED_PARENTS = {
    RegionLevel.PROVINCE: (),
    RegionLevel.CITY: (RegionLevel.PROVINCE,),
    RegionLevel.COUNTY: (RegionLevel.CITY, RegionLevel.PROVINCE),
    RegionLevel.TOWNSHIP: (RegionLevel.COUNTY,),
}
REGION_CSV_COLUMNS = ("code", "name", "level", "parent_code")
SEED_REGIONS_CSV = Path(__file__).resolve().parent / "data" / "regions_seed.csv"


class RegionImportError(OrgError):
    """Every bad row of a region CSV, each message starting with its line number."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("行政区划导入失败，未写入任何数据：\n" + "\n".join(problems))


@dataclass
class RegionImportResult:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: int = 0


@dataclass
class _RegionRow:
    line: int
    code: str
    name: str
    level: str
    parent_code: str


def _read_region_rows(text: str) -> tuple[list[_RegionRow], list[str]]:
    problems: list[str] = []
    reader = csv.reader(io.StringIO(text.lstrip("\ufeff")))
    rows: list[_RegionRow] = []
    header = next(reader, None)
    if header is None:
        return [], ["第1行：文件为空，应有表头 code,name,level,parent_code"]
    header = [h.strip().lower() for h in header]
    if tuple(header[:4]) != REGION_CSV_COLUMNS:
        return [], [f"第1行：表头应为 code,name,level,parent_code，实际为 {','.join(header)}"]
    seen: dict[str, int] = {}
    for line_number, cells in enumerate(reader, start=2):
        if not any(c.strip() for c in cells):
            continue
        if len(cells) < 3:
            problems.append(f"第{line_number}行：列数不足，应为 code,name,level,parent_code")
            continue
        code, name, level_word = (c.strip() for c in cells[:3])
        parent_code = cells[3].strip() if len(cells) > 3 else ""
        row_problems = []
        if not re.fullmatch(r"\d{6}|\d{9}|\d{12}", code):
            row_problems.append(f"区划代码“{code}”应为6位、9位或12位数字")
        if not name:
            row_problems.append("名称为空")
        level = _LEVEL_WORDS.get(level_word.lower())
        if level is None:
            row_problems.append(f"级别“{level_word}”无效，应为 province/city/county/township（省/市/县/乡镇）")
        elif re.fullmatch(r"\d+", code):
            if level == RegionLevel.TOWNSHIP and len(code) == 6:
                row_problems.append(f"乡镇街道的代码“{code}”应为9位或12位")
            if level != RegionLevel.TOWNSHIP and len(code) != 6:
                row_problems.append(f"{RegionLevel(level).label}的代码“{code}”应为6位")
        if code in seen:
            row_problems.append(f"区划代码“{code}”重复（第{seen[code]}行已出现）")
        else:
            seen[code] = line_number
        if row_problems:
            problems.append(f"第{line_number}行：" + "；".join(row_problems))
            continue
        rows.append(_RegionRow(line_number, code, name, level, parent_code))
    return rows, problems


def _prefix_problem(code: str, level: str, parent_code: str, parent_level: str) -> str | None:
    """GB/T 2260 codes nest: a city shares its province's first two digits, a county its city's
    first four, a township starts with its county's six."""
    shared = {RegionLevel.PROVINCE: 2, RegionLevel.CITY: 4, RegionLevel.COUNTY: 6}[parent_level]
    if code[:shared] != parent_code[:shared]:
        return f"代码“{code}”与上级“{parent_code}”的前{shared}位不一致"
    return None


@transaction.atomic
def import_regions_csv(source: str | Path | bytes, *, within: Region | None = None) -> RegionImportResult:
    """Create or update regions from a CSV `code,name,level,parent_code`.

    A parent may come from the same file (any line) or already exist. All rows are checked first;
    if any is bad, `RegionImportError` lists every bad row by line number and nothing is written.
    `within` (an office admin's region) limits the file to regions below that one.
    """
    if isinstance(source, Path):
        data = source.read_bytes()
    elif isinstance(source, bytes):
        data = source
    else:
        data = source.encode("utf-8")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = data.decode("gb18030")
        except UnicodeDecodeError:
            raise RegionImportError(["第1行：无法识别文件编码，请保存为 UTF-8 的 CSV"]) from None

    rows, problems = _read_region_rows(text)
    existing = {r.code: r for r in Region.objects.filter(code__in=[r.code for r in rows] + [r.parent_code for r in rows if r.parent_code])}
    in_file = {row.code: row for row in rows}
    for row in rows:
        allowed = _ALLOWED_PARENTS[row.level]
        if not row.parent_code:
            if allowed:
                problems.append(f"第{row.line}行：{RegionLevel(row.level).label}“{row.name}”缺少上级代码 parent_code")
            continue
        if not allowed:
            problems.append(f"第{row.line}行：省级区划“{row.name}”不应有上级（parent_code 应为空）")
            continue
        parent = in_file.get(row.parent_code) or existing.get(row.parent_code)
        if parent is None:
            problems.append(f"第{row.line}行：上级代码“{row.parent_code}”不存在（文件和系统中都没有）")
            continue
        if parent.level not in allowed:
            problems.append(
                f"第{row.line}行：{RegionLevel(row.level).label}“{row.name}”的上级“{parent.name}”是"
                f"{RegionLevel(parent.level).label}，级别不一致"
            )
            continue
        mismatch = _prefix_problem(row.code, row.level, row.parent_code, parent.level)
        if mismatch:
            problems.append(f"第{row.line}行：{mismatch}")
        elif within is not None and not _lies_below(row, within, in_file, existing):
            problems.append(f"第{row.line}行：“{row.name}”不在{within.name}的下级区划中，无权导入")
    if problems:
        raise RegionImportError(problems)

    result = RegionImportResult()
    saved: dict[str, Region] = dict(existing)
    # Parents first: order by level depth so that a parent listed later in the file exists in time.
    for row in sorted(rows, key=lambda r: (_LEVEL_DEPTH[r.level], r.line)):
        parent = saved.get(row.parent_code) if row.parent_code else None
        region = saved.get(row.code)
        if region is None:
            region = Region(code=row.code, name=row.name, level=row.level, parent=parent)
            region.save()
            record(AuditAction.CREATE, region, None, snapshot(region), reason="行政区划导入")
            result.created.append(row.code)
        else:
            before = snapshot(region)
            region.name, region.level, region.parent = row.name, row.level, parent
            region.save()
            after = snapshot(region)
            if after != before:
                record(AuditAction.UPDATE, region, before, after, reason="行政区划导入")
                result.updated.append(row.code)
                _refresh_descendant_paths(region)
            else:
                result.unchanged += 1
        saved[row.code] = region
    return result


def _lies_below(row: _RegionRow, within: Region, in_file: dict, existing: dict) -> bool:
    seen = set()
    code = row.parent_code
    while code and code not in seen:
        seen.add(code)
        if code == within.code:
            return True
        if code in in_file:
            code = in_file[code].parent_code
        elif code in existing:
            return existing[code].path.startswith(within.path)
        else:
            return False
    return False


def _refresh_descendant_paths(region: Region) -> None:
    for child in region.children.all():
        child.save()
        _refresh_descendant_paths(child)


# --------------------------------------------------------------------------------------------
# Unit names: normalisation and matching

def normalise_unit_name(name: str, region_names: Iterable[str] = ()) -> str:
    """A comparison key for a unit name, from the plan parser's unit model (kesu.plans.units):
    level word + dictionary core, so 乳山市教育和体育局, 市教体局 and 市教育和体育局 share one key in
    乳山市, and 中共乳山市委宣传部 matches 市委宣传部. `region_names` are the region's own names,
    longest first (济南市天桥区, 天桥区)."""
    from kesu.plans.units import default_alias_dictionary, unit_key

    text = re.sub(r"\s+", "", unicodedata.normalize("NFKC", name or ""))
    text = text.replace("(", "（").replace(")", "）")
    key = unit_key(text, list(region_names), default_alias_dictionary())
    return f"{key.level}|{key.core}"


def region_name_forms(region: Region, ancestors: Iterable[Region] = ()) -> list[str]:
    """How a plan spells its own region in unit names, longest first: 济南市天桥区, 天桥区.
    Ancestors alone are left out: in a county plan 威海市教育局 is a city unit, not a county one."""
    chain = [r.name for r in ancestors if r.level != RegionLevel.PROVINCE]
    forms = {region.name}
    for start in range(len(chain)):
        forms.add("".join(chain[start:]) + region.name)
    return sorted(forms, key=len, reverse=True)


class UnitMatch(NamedTuple):
    unit: Unit | None
    reason: str

    @property
    def score(self) -> float:
        return _MATCH_SCORES.get(self.reason, 0.0)


_MATCH_EXACT = "名称一致"
_MATCH_ALIAS = "别名一致"
_MATCH_NORMALISED = "规范化后一致"
_MATCH_NONE = "未找到对应单位"
_MATCH_SCORES = {_MATCH_EXACT: 1.0, _MATCH_ALIAS: 0.95, _MATCH_NORMALISED: 0.85}


class UnitMatcher:
    """Matches many names against one region's units with two queries in total."""

    def __init__(self, region: Region):
        self.region = region
        units = list(Unit.objects.filter(region=region, is_active=True).prefetch_related("aliases"))
        ancestor_codes = [c for c in region.path.strip("/").split("/") if c != region.code]
        ancestors = list(Region.objects.filter(code__in=ancestor_codes).order_by("code")) if ancestor_codes else []
        self.region_names = region_name_forms(region, ancestors)
        self.by_name = {u.name: u for u in units}
        self.by_alias: dict[str, Unit] = {}
        self.by_key: dict[str, Unit] = {}
        for unit in units:
            for alias in unit.aliases.all():
                self.by_alias.setdefault(alias.alias, unit)
                self.by_key.setdefault(normalise_unit_name(alias.alias, self.region_names), unit)
        for unit in units:  # names win over aliases for the same key
            self.by_key[normalise_unit_name(unit.name, self.region_names)] = unit

    def match(self, name: str) -> UnitMatch:
        name = (name or "").strip()
        if name in self.by_name:
            return UnitMatch(self.by_name[name], _MATCH_EXACT)
        if name in self.by_alias:
            return UnitMatch(self.by_alias[name], _MATCH_ALIAS)
        key = normalise_unit_name(name, self.region_names)
        if key in self.by_key:
            return UnitMatch(self.by_key[key], _MATCH_NORMALISED)
        return UnitMatch(None, _MATCH_NONE)


def match_unit(region: Region, name: str) -> UnitMatch:
    """Find the unit of `region` a plan means by `name`: exact name, then alias, then the normalised
    form (region prefix, 中共 prefix, the parser's abbreviation dictionary). (None, reason) if none."""
    return UnitMatcher(region).match(name)


# --------------------------------------------------------------------------------------------
# Units

def _clean_name(name: str) -> str:
    cleaned = re.sub(r"\s+", "", unicodedata.normalize("NFKC", name or ""))
    if not cleaned:
        raise OrgError("单位名称不能为空")
    if len(cleaned) > 128:
        raise OrgError(f"单位名称过长（{len(cleaned)}字，最多128字）")
    return cleaned


@transaction.atomic
def create_unit(
    region: Region, name: str, *, kind: str = UnitKind.GOVERNMENT, is_office: bool = False,
    aliases: Iterable[str] = (), is_demo: bool = False,
) -> Unit:
    name = _clean_name(name)
    if kind not in UnitKind.values:
        raise OrgError(f"单位类别“{kind}”无效")
    if Unit.objects.filter(region=region, name=name).exists():
        raise OrgError(f"{region.name}已有名为“{name}”的单位")
    unit = Unit.objects.create(region=region, name=name, kind=kind, is_office=is_office, is_demo=is_demo)
    record(AuditAction.CREATE, unit, None, snapshot(unit))
    for alias in aliases:
        add_alias(unit, alias)
    return unit


@transaction.atomic
def update_unit(unit: Unit, *, name: str, kind: str, is_office: bool, is_active: bool) -> Unit:
    """Rename or reclassify a unit. A rename keeps the old name as an alias so plans still match."""
    name = _clean_name(name)
    if kind not in UnitKind.values:
        raise OrgError(f"单位类别“{kind}”无效")
    if name != unit.name and Unit.objects.filter(region_id=unit.region_id, name=name).exists():
        raise OrgError(f"本地区已有名为“{name}”的单位，如为同一单位请使用“合并”")
    before = snapshot(unit)
    old_name = unit.name
    unit.name, unit.kind, unit.is_office, unit.is_active = name, kind, is_office, is_active
    unit.save()
    after = snapshot(unit)
    if after != before:
        record(AuditAction.UPDATE, unit, before, after)
    if old_name != name:
        add_alias(unit, old_name)
    return unit


def add_alias(unit: Unit, alias: str) -> UnitAlias | None:
    """Add an alias unless it is the unit's own name or already known. Returns the new alias."""
    alias = _clean_name(alias)
    if alias == unit.name or unit.aliases.filter(alias=alias).exists():
        return None
    created = UnitAlias.objects.create(unit=unit, alias=alias)
    record(AuditAction.CREATE, created, None, snapshot(created))
    return created


@transaction.atomic
def remove_alias(alias: UnitAlias) -> None:
    before = snapshot(alias)
    record(AuditAction.DELETE, alias, before, None)
    alias.delete()


@dataclass
class MergeResult:
    target: Unit
    moved: dict[str, int]


@transaction.atomic
def merge_units(source: Unit, target: Unit) -> MergeResult:
    """Fold `source` into `target`: every task assignment, report, user, reminder and other record
    pointing at `source` is re-pointed to `target`, `source`'s name and aliases become aliases of
    `target`, and `source` is deleted. Where both units hold the same task the stronger role (lead)
    is kept. Two reports of the same task and period cannot both survive, so such a merge is refused.
    """
    from kesu.planning.models import TaskUnit, UnitRole
    from kesu.progress.models import ProgressReport

    if source.pk == target.pk:
        raise OrgError("不能把单位与自身合并")
    if source.region_id != target.region_id:
        raise OrgError("只能合并同一地区的单位")
    source_keys = set(ProgressReport.objects.filter(unit=source).values_list("task_id", "period_id"))
    target_keys = set(ProgressReport.objects.filter(unit=target).values_list("task_id", "period_id"))
    clash_keys = source_keys & target_keys
    clashes = [
        r for r in ProgressReport.objects.filter(unit=source).select_related("task", "period")
        if (r.task_id, r.period_id) in clash_keys
    ]
    if clashes:
        shown = "、".join(sorted({f"{r.task.code}（{r.period.label}）" for r in clashes}))
        raise OrgError(f"“{source.name}”和“{target.name}”对同一任务同一周期都有进度报告：{shown}，请先处理后再合并")

    moved: dict[str, int] = {}
    target_roles = dict(TaskUnit.objects.filter(unit=target).values_list("task_id", "role"))
    for assignment in TaskUnit.objects.filter(unit=source).select_related("task"):
        if assignment.task_id in target_roles:
            if assignment.role == UnitRole.LEAD and target_roles[assignment.task_id] != UnitRole.LEAD:
                kept = TaskUnit.objects.get(task_id=assignment.task_id, unit=target)
                kept.role = UnitRole.LEAD
                kept.save()  # audited by signal
            assignment.delete()  # audited by signal
        else:
            assignment.unit = target
            assignment.save()
        moved["任务分工"] = moved.get("任务分工", 0) + 1

    alias_names = [source.name, *source.aliases.values_list("alias", flat=True)]
    for relation in Unit._meta.related_objects:
        if relation.many_to_many or relation.related_model in (TaskUnit, UnitAlias):
            continue
        model, field_name = relation.related_model, relation.field.name
        for obj in model._default_manager.filter(**{field_name: source}):
            setattr(obj, field_name, target)
            try:
                with transaction.atomic():
                    obj.save(update_fields=[relation.field.attname])
            except IntegrityError as exc:
                raise OrgError(f"合并时“{model._meta.verbose_name}”记录冲突，未作任何修改：{exc}") from exc
            if not is_audited(model):
                record(AuditAction.UPDATE, obj, {relation.field.attname: source.pk}, {relation.field.attname: target.pk},
                       reason=f"单位合并：{source.name} → {target.name}")
            label = str(model._meta.verbose_name)
            moved[label] = moved.get(label, 0) + 1

    before = snapshot(source)
    source_repr_pk = source.pk
    source.aliases.all().delete()
    source.delete()
    entry_target = Unit(pk=source_repr_pk, name=before["name"], region_id=before["region_id"])
    record(AuditAction.DELETE, entry_target, before, None, reason=f"单位合并至“{target.name}”（id {target.pk}）")
    for alias in alias_names:
        add_alias(target, alias)
    record(AuditAction.UPDATE, target, None, {"merged_from": before}, reason=f"合并单位“{before['name']}”")
    return MergeResult(target, moved)


# --------------------------------------------------------------------------------------------
# Users

MANAGED_ROLES = (Role.UNIT_REPORTER, Role.LEADER, Role.STATISTICIAN, Role.OFFICE_ADMIN)


def _check_password(password: str, user: User | None = None) -> None:
    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise OrgError("密码不符合要求：" + "；".join(exc.messages)) from None


@transaction.atomic
def create_user(
    *, username: str, password: str, role: str, region: Region | None = None, unit: Unit | None = None,
    display_name: str = "", phone: str = "", is_demo_password_ok: bool = False,
) -> User:
    """Create a user. Unit reporters belong to a unit (their region is the unit's); the other roles
    act for a region. `is_demo_password_ok` skips the password rules for printed demo logins."""
    username = (username or "").strip()
    if not re.fullmatch(r"[\w.@+-]{2,150}", username):
        raise OrgError("用户名应为2–150个字母、数字或 . @ + - _ 字符")
    if role not in Role.values:
        raise OrgError(f"角色“{role}”无效，应为 {'/'.join(Role.values)}")
    if User.objects.filter(username=username).exists():
        raise OrgError(f"用户名“{username}”已被使用")
    if role == Role.UNIT_REPORTER:
        if unit is None:
            raise OrgError("单位填报员必须指定所属单位")
        region = unit.region
    else:
        if region is None:
            raise OrgError(f"{Role(role).label}必须指定所属地区")
        unit = None
    if not is_demo_password_ok:
        _check_password(password)
    user = User(username=username, role=role, region=region, unit=unit, display_name=display_name or username,
                phone=phone)
    user.set_password(password)
    user.save()
    record(AuditAction.CREATE, user, None, snapshot(user))
    return user


def create_user_by(admin: User, **kwargs) -> User:
    """Create a user on behalf of an office admin: only within the admin's region subtree."""
    from kesu.org.permissions import can_administer

    unit, region = kwargs.get("unit"), kwargs.get("region")
    scope = unit.region if unit is not None else region
    if scope is None or not can_administer(admin, scope):
        raise OrgError("只能为本地区（及下级地区）的单位和人员创建账号")
    return create_user(**kwargs)


@transaction.atomic
def reset_password(user: User, new_password: str) -> User:
    _check_password(new_password, user)
    user.set_password(new_password)
    user.save(update_fields=["password"])
    record(AuditAction.UPDATE, user, None, {"password": "（已重置）"}, reason="重置密码")
    return user


@transaction.atomic
def set_user_active(user: User, active: bool) -> User:
    before = snapshot(user)
    user.is_active = active
    user.save(update_fields=["is_active"])
    record(AuditAction.UPDATE, user, before, snapshot(user), reason="启用账号" if active else "停用账号")
    return user
