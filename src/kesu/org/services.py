"""Writes to regions, units and users: CSV region import, unit administration (create, edit, alias,
merge) and user management by the office. Matching plan names to units is kesu.org.unit_names.

Every write is `verb(*, actor, …)`: it checks that `actor` may do it (an office admin of the region
subtree concerned, or a superuser), runs in one transaction and records its changes. `actor=None`
is accepted only where a function says so: system paths that set up an installation or run an
import from the command line. Views check the same rules first only to answer out-of-scope objects
with 404.

Region, Unit, UnitAlias and User are not signal-audited models, so every service here records its
changes with `record()` itself.
"""

from __future__ import annotations

import csv
import functools
import io
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from kesu.audit.context import acting_as, current_reason
from kesu.audit.models import AuditAction
from kesu.audit.registry import is_audited, record, snapshot
from kesu.org import merging
from kesu.org.models import Region, RegionLevel, Role, Unit, UnitAlias, UnitKind, User
from kesu.org.permissions import can_administer


class OrgError(ValueError):
    """A request the office made that cannot be carried out; the message is shown as is (Chinese)."""


class OrgPermissionError(OrgError):
    """The actor may not change this region, unit or user."""


def _service(function):
    """One transaction per call, with audit entries naming the actor. A system call (actor None)
    keeps the actor and reason its caller set (the CLI's, a plan import's); a named actor keeps the
    caller's reason too, so units created by a plan import still read 方案导入."""

    @functools.wraps(function)
    def wrapper(*, actor, **kwargs):
        if actor is None:
            with transaction.atomic():
                return function(actor=None, **kwargs)
        with acting_as(actor, current_reason()), transaction.atomic():
            return function(actor=actor, **kwargs)

    return wrapper


def _check_admin(actor: User | None, region: Region | None, message: str, *, system_path: bool = False) -> None:
    """Office admins act for their region's subtree, superusers everywhere; `system_path` lets a
    caller without a user (actor None) through."""
    if actor is None:
        if system_path:
            return
        raise OrgPermissionError(message)
    if actor.is_superuser or (region is not None and can_administer(actor, region)):
        return
    raise OrgPermissionError(message)


_UNITS_ONLY = "只能管理本地区（及下级地区）的单位"
_USERS_ONLY = "只能管理本地区（及下级地区）的账号"


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


def _import_scope(actor: User | None) -> Region | None:
    """The region an import must stay below: none for the system and superusers, the office admin's own
    region for an office admin."""
    if actor is None or actor.is_superuser:
        return None
    if actor.role != Role.OFFICE_ADMIN or actor.region_id is None:
        raise OrgPermissionError("仅纲要办管理员可以导入行政区划")
    return actor.region


@_service
def import_regions_csv(*, actor: User | None, source: str | Path | bytes) -> RegionImportResult:
    """Create or update regions from a CSV `code,name,level,parent_code`.

    A parent may come from the same file (any line) or already exist. All rows are checked first;
    if any is bad, `RegionImportError` lists every bad row by line number and nothing is written.
    An office admin may only import regions below its own. System path: actor None (the seed import
    of `kesu regions import` and of the demo) and superusers import anywhere.
    """
    within = _import_scope(actor)
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


# --------------------------------------------------------------------------------------------
# Units

def _clean_name(name: str) -> str:
    cleaned = re.sub(r"\s+", "", unicodedata.normalize("NFKC", name or ""))
    if not cleaned:
        raise OrgError("单位名称不能为空")
    if len(cleaned) > 128:
        raise OrgError(f"单位名称过长（{len(cleaned)}字，最多128字）")
    return cleaned


@_service
def create_unit(
    *, actor: User | None, region: Region, name: str, kind: str = UnitKind.GOVERNMENT, is_office: bool = False,
    aliases: Iterable[str] = (), is_demo: bool = False,
) -> Unit:
    """Add a unit to `region`. System path: actor None for a plan import run without a user
    (`kesu plans import` without --as), which creates the units its plan names."""
    _check_admin(actor, region, _UNITS_ONLY, system_path=True)
    name = _clean_name(name)
    if kind not in UnitKind.values:
        raise OrgError(f"单位类别“{kind}”无效")
    if Unit.objects.filter(region=region, name=name).exists():
        raise OrgError(f"{region.name}已有名为“{name}”的单位")
    unit = Unit.objects.create(region=region, name=name, kind=kind, is_office=is_office, is_demo=is_demo)
    record(AuditAction.CREATE, unit, None, snapshot(unit))
    for alias in aliases:
        _add_alias(unit, alias)
    return unit


@_service
def update_unit(*, actor: User, unit: Unit, name: str, kind: str, is_office: bool, is_active: bool) -> Unit:
    """Rename or reclassify a unit. A rename keeps the old name as an alias so plans still match."""
    _check_admin(actor, unit.region, _UNITS_ONLY)
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
        _add_alias(unit, old_name)
    return unit


@_service
def add_alias(*, actor: User | None, unit: Unit, alias: str) -> UnitAlias | None:
    """Add an alias unless it is the unit's own name or already known; returns the new alias. System
    path: actor None for a plan import run without a user, which remembers how its plan spells a unit."""
    _check_admin(actor, unit.region, _UNITS_ONLY, system_path=True)
    return _add_alias(unit, alias)


def _add_alias(unit: Unit, alias: str) -> UnitAlias | None:
    alias = _clean_name(alias)
    if alias == unit.name or unit.aliases.filter(alias=alias).exists():
        return None
    created = UnitAlias.objects.create(unit=unit, alias=alias)
    record(AuditAction.CREATE, created, None, snapshot(created))
    return created


@_service
def remove_alias(*, actor: User, alias: UnitAlias) -> None:
    _check_admin(actor, alias.unit.region, _UNITS_ONLY)
    before = snapshot(alias)
    record(AuditAction.DELETE, alias, before, None)
    alias.delete()


@dataclass
class MergeResult:
    target: Unit
    moved: dict[str, int]


@_service
def merge_units(*, actor: User, source: Unit, target: Unit) -> MergeResult:
    """Fold `source` into `target`: every task assignment, report, user, reminder and other record
    pointing at `source` is re-pointed to `target`, `source`'s name and aliases become aliases of
    `target`, and `source` is deleted. Apps above org take part through kesu.org.merging: planning
    keeps the stronger role (lead) where both units hold the same task, progress refuses the merge
    when both units reported on the same task and period (the two reports cannot both survive).
    """
    _check_admin(actor, source.region, _UNITS_ONLY)
    if source.pk == target.pk:
        raise OrgError("不能把单位与自身合并")
    if source.region_id != target.region_id:
        raise OrgError("只能合并同一地区的单位")
    # Two merges of the same unit at once would each re-point half of its rows.
    if len(Unit.objects.select_for_update().filter(pk__in=(source.pk, target.pk)).values_list("pk")) != 2:
        raise OrgError("要合并的单位已不存在，请刷新页面后重试")
    participants = merging.participants()
    for participant in participants:
        refusal = participant.check(source, target) if participant.check else None
        if refusal:
            raise OrgError(refusal)

    moved: dict[str, int] = {}
    for participant in participants:
        if participant.move:
            for label, count in participant.move(source, target).items():
                moved[label] = moved.get(label, 0) + count
    claimed = merging.claimed_models() | {UnitAlias}
    for foreign_key in merging.unit_foreign_keys():
        if foreign_key.model not in claimed:
            _repoint(foreign_key, source, target, moved)

    alias_names = [source.name, *source.aliases.values_list("alias", flat=True)]
    before = snapshot(source)
    source_repr_pk = source.pk
    source.aliases.all().delete()
    source.delete()
    entry_target = Unit(pk=source_repr_pk, name=before["name"], region_id=before["region_id"])
    record(AuditAction.DELETE, entry_target, before, None, reason=f"单位合并至“{target.name}”（id {target.pk}）")
    for alias in alias_names:
        _add_alias(target, alias)
    record(AuditAction.UPDATE, target, None, {"merged_from": before}, reason=f"合并单位“{before['name']}”")
    return MergeResult(target, moved)


def _repoint(foreign_key, source: Unit, target: Unit, moved: dict[str, int]) -> None:
    """Re-point one model's rows from `source` to `target`, row by row so that signals (audit, version
    tokens) see each change."""
    model, attname = foreign_key.model, foreign_key.attname
    for obj in model._default_manager.filter(**{foreign_key.name: source}):
        setattr(obj, foreign_key.name, target)
        try:
            with transaction.atomic():
                obj.save(update_fields=[attname])
        except IntegrityError as exc:
            raise OrgError(f"合并时“{model._meta.verbose_name}”记录冲突，未作任何修改：{exc}") from exc
        if not is_audited(model):
            record(AuditAction.UPDATE, obj, {attname: source.pk}, {attname: target.pk},
                   reason=f"单位合并：{source.name} → {target.name}")
        label = str(model._meta.verbose_name)
        moved[label] = moved.get(label, 0) + 1


# --------------------------------------------------------------------------------------------
# Users

MANAGED_ROLES = (Role.UNIT_REPORTER, Role.LEADER, Role.STATISTICIAN, Role.OFFICE_ADMIN)


def _check_password(password: str, user: User | None = None) -> None:
    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise OrgError("密码不符合要求：" + "；".join(exc.messages)) from None


@_service
def create_user(
    *, actor: User | None, username: str, password: str, role: str, region: Region | None = None,
    unit: Unit | None = None, display_name: str = "", phone: str = "", is_demo_password_ok: bool = False,
) -> User:
    """Create a user. Unit reporters belong to a unit (their region is the unit's); the other roles
    act for a region. An office admin creates users only within its region's subtree. System path:
    actor None for `kesu users create` and the demo build, which set up an installation before any
    office admin exists. `is_demo_password_ok` skips the password rules for printed demo logins."""
    if actor is not None:
        _check_admin(actor, unit.region if unit is not None else region,
                     "只能为本地区（及下级地区）的单位和人员创建账号")
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


def _user_scope(user: User) -> Region | None:
    return user.unit.region if user.unit_id else user.region


@_service
def reset_password(*, actor: User, user: User, new_password: str) -> User:
    _check_admin(actor, _user_scope(user), _USERS_ONLY)
    _check_password(new_password, user)
    user.set_password(new_password)
    user.save(update_fields=["password"])
    record(AuditAction.UPDATE, user, None, {"password": "（已重置）"}, reason="重置密码")
    return user


@_service
def set_user_active(*, actor: User, user: User, active: bool) -> User:
    _check_admin(actor, _user_scope(user), _USERS_ONLY)
    if not active and user.pk == actor.pk:
        raise OrgError("不能停用自己的账号")
    before = snapshot(user)
    user.is_active = active
    user.save(update_fields=["is_active"])
    record(AuditAction.UPDATE, user, before, snapshot(user), reason="启用账号" if active else "停用账号")
    return user
