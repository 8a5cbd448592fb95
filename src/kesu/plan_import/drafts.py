"""The import draft's content and the office's corrections to it: unit mapping, tasks and targets
edited, added and deleted, target kinds corrected. These functions change only the draft object
(`models.ImportDraft`, saved or not); storing it is `services`' job, and nothing reaches the plan
tables before `services.confirm_import`."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from kesu.org.models import Region, Unit
from kesu.org.unit_names import UnitMatcher
from kesu.plan_import.diff import match_tasks
from kesu.plan_import.errors import PlanImportError
from kesu.plan_import.models import ImportDraft
from kesu.plan_import.review import mark_checked, target_deleted, task_edited
from kesu.planning.models import Plan
from kesu.plans.attainment import Kind, is_ceiling, target_kind
from kesu.plans.model import COMPARATORS, ParsedPlan

NEW_UNIT = "new"
# Task codes appear in URLs and reports: no slashes or spaces.
CODE_PATTERN = re.compile(r"^[^\s/\\?#%]{1,32}$")


def plan_unit_names(plan: dict[str, Any]) -> list[str]:
    """Every unit name the plan uses, in first-use order (task assignments, then the unit list)."""
    names: dict[str, None] = {}
    for task in plan.get("tasks", []):
        for name in [*task.get("lead_units", []), *task.get("participating_units", [])]:
            names.setdefault(name, None)
    for entry in plan.get("units", []):
        names.setdefault(entry["name"], None)
    return list(names)


def find_previous_version(region: Region, plan: dict[str, Any]) -> Plan | None:
    """The current plan of the region with the same title or 文号, if there is one. A plan of another,
    non-overlapping period is the region's next plan, not a revision of the old one, even when the
    title reads the same (offices reuse "XX市全民科学素质行动实施方案" for every period): it is linked
    as a successor instead (kesu.supervision.succession)."""
    candidates = Plan.objects.filter(region=region, is_current=True)
    period = plan.get("period") or {}
    start, end = period.get("start"), period.get("end")
    if start and end:
        candidates = candidates.exclude(period_end__lt=start).exclude(period_start__gt=end)
    doc_number = (plan.get("doc_number") or "").strip()
    by_title = candidates.filter(title=plan.get("title", "")).first()
    if by_title is not None:
        return by_title
    if doc_number:
        return candidates.filter(doc_number=doc_number).first()
    return None


def region_for_plan(parsed: ParsedPlan) -> Region | None:
    """The region a parsed plan governs: its `region` name, else the longest region name in the
    title (天桥区 in 济南市天桥区…). None when no known region fits."""
    if parsed.region:
        found = list(Region.objects.filter(name=parsed.region))
        if len(found) == 1:
            return found[0]
    title = parsed.title or ""
    named = [r for r in Region.objects.all() if r.name and r.name in title]
    return max(named, key=lambda r: (len(r.path), len(r.name)), default=None)


def start_draft(region: Region, parsed: ParsedPlan, *, previous: Plan | None = None) -> ImportDraft:
    """An unsaved draft with the unit mapping pre-filled. The CLI and the demo confirm it as it is;
    the web stores it first (`services.start_import`)."""
    data = parsed.to_dict()
    # The parser's judgements (kesu.plans.confidence); a parser that has none leaves the key out,
    # and the preview then says that it has nothing to point at.
    if "judgements" not in data and getattr(parsed, "judgements", None):
        data["judgements"] = [j.to_dict() for j in parsed.judgements]
    draft = ImportDraft(region=region, plan=data, mapping={}, match_reasons={}, match_similarity={},
                        source_name=(parsed.source or "")[:255])
    _match_new_names(draft, plan_unit_names(data), region=region)
    if previous is None:
        previous = find_previous_version(region, data)
    if previous is not None:
        _carry_kind_corrections(data, previous)
    draft.previous = previous
    return draft


@dataclass(frozen=True)
class Reread:
    """What became of the office's corrections when the workbook was read again."""

    gone: int  # task ids of the old reading not in the new one
    kinds_kept: int  # target-kind corrections put back on the same target of the new reading
    kinds_dropped: int  # those whose target the new reading no longer has


def draft_replace_parsed(draft: ImportDraft, parsed: ParsedPlan, *, columns: list[dict[str, Any]]) -> Reread:
    """The workbook read again with another column mapping replaces the parsed plan. Kept: the unit
    mapping of names still in the plan, the plan it revises, the ticks on metadata and units, the
    corrected metadata (the column mapping does not change it), and target-kind corrections where the
    new reading has the same target (same task title, value, unit, comparator and deadline) — those
    carried from the revised plan are carried again first, as for the first reading. Reset: other
    corrections of tasks and targets (added, edited, deleted ones), which the new reading may no
    longer fit."""
    old = draft.plan
    old_ids = {t["id"] for t in old.get("tasks", [])}
    data = parsed.to_dict()
    if "judgements" not in data and getattr(parsed, "judgements", None):
        data["judgements"] = [j.to_dict() for j in parsed.judgements]
    for key, check in (draft.checked or {}).items():
        name = key.removeprefix("metadata:")
        if key.startswith("metadata:") and check.get("how") == "edited" and name in old:
            data[name] = old[name]
    if draft.previous_id is not None:
        _carry_kind_corrections(data, draft.previous)
    checked = {k: v for k, v in draft.checked.items() if k.startswith(("metadata:", "unit:"))}
    kept, dropped = _reapply_kinds(old, data, draft.checked or {}, checked)
    draft.plan = data
    draft.columns = columns
    names = plan_unit_names(data)
    for store in (draft.mapping, draft.match_reasons, draft.match_similarity):
        for name in [n for n in store if n not in names]:
            del store[name]
    _match_new_names(draft, names)
    draft.checked = checked
    return Reread(len(old_ids - {t["id"] for t in data.get("tasks", [])}), kept, dropped)


def _target_identity(target: dict[str, Any]) -> tuple:
    return (float(target["value"]), target.get("unit") or "", target.get("comparator") or ">=",
            target.get("deadline_year"))


def _reapply_kinds(old: dict[str, Any], new: dict[str, Any], old_checked: dict, checked: dict) -> tuple[int, int]:
    """Put the office's target-kind corrections of the old reading back on the same targets of the
    new one (a task is the same when its title is); the check they counted as moves along."""
    new_by_title: dict[str, list[dict[str, Any]]] = {}
    for task in new.get("tasks", []):
        new_by_title.setdefault(" ".join(task["title"].split()), []).append(task)
    kept = dropped = 0
    for task in old.get("tasks", []):
        for index, target in enumerate(task.get("targets", [])):
            if not target.get("kind") or target.get("added"):
                continue
            home = None
            for candidate in new_by_title.get(" ".join(task["title"].split()), []):
                for position, other in enumerate(candidate.get("targets", [])):
                    if _target_identity(other) == _target_identity(target):
                        home = (candidate, position, other)
                        break
                if home:
                    break
            if home is None:
                dropped += 1
                continue
            candidate, position, other = home
            try:
                other["kind"] = _kind_override(other, target["kind"])
            except PlanImportError:
                dropped += 1
                continue
            kept += 1
            check = old_checked.get(f"target:{task['id']}:{index}")
            if check is not None:
                checked[f"target:{candidate['id']}:{position}"] = check
    return kept, dropped


def _carry_kind_corrections(plan: dict[str, Any], previous: Plan) -> None:
    """The office corrected target kinds in the version being revised: the same target (same task,
    value, unit, comparator and deadline) keeps the correction instead of being read afresh."""
    old_tasks = list(previous.tasks.prefetch_related("targets"))
    if not any(t.kind for task in old_tasks for t in task.targets.all()):
        return
    matches = match_tasks(old_tasks, plan.get("tasks", []))
    for task in plan.get("tasks", []):
        old = matches.get(task["id"])
        if old is None:
            continue
        corrected = {(t.value, t.unit, t.comparator, t.deadline_year): t.kind for t in old.targets.all() if t.kind}
        for target in task.get("targets", []):
            key = (float(target["value"]), target.get("unit"), target.get("comparator") or ">=",
                   target.get("deadline_year"))
            if key in corrected and not target.get("kind"):
                target["kind"] = corrected[key]


def region_mismatch(draft: ImportDraft) -> str | None:
    """A warning when the document names another region than the one chosen for the import."""
    named = (draft.plan.get("region") or "").strip()
    region = draft.region
    if named and named not in region.name and region.name not in named:
        return f"方案文件写明的地区是“{named}”，与所选地区“{region.name}”不一致，请确认没有选错"
    return None


def draft_set_mapping(draft: ImportDraft, choices: dict[str, str], *, by: str = "") -> None:
    """Apply the office's mapping choices: a unit id of the region, or "new" to create the unit. A
    name whose choice changes counts as checked."""
    region_units = set(Unit.objects.filter(region_id=draft.region_id).values_list("pk", flat=True))
    problems = []
    for name, choice in choices.items():
        if name not in draft.mapping:
            continue
        if choice == NEW_UNIT:
            if draft.mapping[name] != NEW_UNIT:
                mark_checked(draft, f"unit:{name}", by=by, how="edited")
            draft.mapping[name] = NEW_UNIT
            continue
        try:
            unit_id = int(choice)
        except (TypeError, ValueError):
            problems.append(f"“{name}”的对应单位无效")
            continue
        if unit_id not in region_units:
            problems.append(f"“{name}”对应的单位不属于本地区")
            continue
        if draft.mapping[name] != unit_id:
            mark_checked(draft, f"unit:{name}", by=by, how="edited")
        draft.mapping[name] = unit_id
    if problems:
        raise PlanImportError("；".join(problems))


def draft_task(draft: ImportDraft, task_id: str) -> dict[str, Any]:
    for task in draft.plan["tasks"]:
        if task["id"] == task_id:
            return task
    raise PlanImportError(f"方案中没有编号为“{task_id}”的任务")


def _split_units(text: str) -> list[str]:
    return [part for part in (p.strip() for p in re.split(r"[、,，;；\s]+", text or "")) if part]


def _match_new_names(draft: ImportDraft, names: list[str], *, region: Region | None = None) -> None:
    """Pre-fill the mapping of names not yet in it. A close spelling is kept with its similarity:
    the preview asks the office to check it."""
    new_names = [n for n in names if n not in draft.mapping]
    if new_names:
        matcher = UnitMatcher(region or Region.objects.get(pk=draft.region_id))
        for name in new_names:
            match = matcher.match(name)
            draft.mapping[name] = match.unit.pk if match.unit else NEW_UNIT
            draft.match_reasons[name] = match.reason
            if match.is_fuzzy:
                draft.match_similarity[name] = match.similarity


def draft_edit_task(
    draft: ImportDraft, task_id: str, *, title: str, text: str, lead_units: str, participating_units: str,
    by: str = "",
) -> None:
    """Correct a task the parser got wrong. Unit lists are names separated by 、 or commas; a name
    not yet in the mapping is matched against the region's units like the parsed ones."""
    task = draft_task(draft, task_id)
    title = (title or "").strip()
    if not title:
        raise PlanImportError(f"任务 {task_id} 的标题不能为空")
    leads, participants = _split_units(lead_units), _split_units(participating_units)
    if not leads and not participants:
        raise PlanImportError(f"任务 {task_id} 至少需要一个责任单位")
    task.update(title=title, text=(text or "").strip(), lead_units=leads,
                participating_units=[p for p in participants if p not in leads])
    _match_new_names(draft, [*leads, *participants])
    task_edited(draft, task_id, by=by)


def section_choices(plan: dict[str, Any]) -> list[tuple[str, str]]:
    """The document's headings as (key, "三 提升行动 › （一）青少年…") for placing an added task; the
    key is the heading's position in the tree ("0.1")."""
    choices: list[tuple[str, str]] = []

    def walk(items, key_prefix, label_prefix):
        for position, item in enumerate(items):
            key = f"{key_prefix}{position}"
            label = f"{item.get('number') or ''}{item.get('title') or ''}"
            full = f"{label_prefix} › {label}" if label_prefix else label
            choices.append((key, full))
            walk(item.get("children", []), key + ".", full)

    walk(plan.get("sections", []), "", "")
    return choices


def _section_chain(plan: dict[str, Any], key: str) -> list[str]:
    items, chain = plan.get("sections", []), []
    for part in key.split("."):
        try:
            item = items[int(part)]
        except (ValueError, IndexError):
            raise PlanImportError("所属章节无效") from None
        chain.append(item.get("title") or "")
        items = item.get("children", [])
    return chain


def draft_add_task(
    draft: ImportDraft, *, code: str, title: str, text: str = "", section: str = "",
    lead_units: list[Unit], participating_units: list[Unit] = (),
) -> dict[str, Any]:
    """Add a task the parser missed. Its units are units of the region (picked, not typed); it is
    placed after the last task under the chosen heading, or at the end."""
    code, title = (code or "").strip(), (title or "").strip()
    if not CODE_PATTERN.match(code):
        raise PlanImportError("任务编号应为1–32个字符，不含空格和斜杠")
    if any(t["id"] == code for t in draft.plan["tasks"]):
        raise PlanImportError(f"任务编号“{code}”在方案中已存在")
    if not title:
        raise PlanImportError("任务标题不能为空")
    if not lead_units:
        raise PlanImportError("至少选择一个牵头单位")
    for unit in [*lead_units, *participating_units]:
        if unit.region_id != draft.region_id:
            raise PlanImportError(f"单位“{unit.name}”不属于本地区")
        mapped = draft.mapping.get(unit.name)
        if mapped not in (None, unit.pk):
            raise PlanImportError(f"方案中的“{unit.name}”已对应到其他单位，请先在单位对应中更正")
    chain = _section_chain(draft.plan, section) if section else []
    leads = [u.name for u in lead_units]
    task = {
        "id": code, "path": [*chain, title], "title": title[:255], "text": (text or "").strip(),
        "lead_units": leads, "participating_units": [u.name for u in participating_units if u.name not in leads],
        "units_raw": "", "targets": [], "added": True,
    }
    for unit in [*lead_units, *participating_units]:
        draft.mapping[unit.name] = unit.pk
        draft.match_reasons.setdefault(unit.name, "手动添加")
    tasks = draft.plan["tasks"]
    position = len(tasks)
    if chain:
        under = [i for i, t in enumerate(tasks) if t.get("path", [])[: len(chain)] == chain]
        if under:
            position = under[-1] + 1
    tasks.insert(position, task)
    return task


def draft_delete_task(draft: ImportDraft, task_id: str) -> dict[str, Any]:
    """Remove a task the parser read by mistake (a heading taken for a task, a duplicate)."""
    task = draft_task(draft, task_id)
    draft.plan["tasks"].remove(task)
    return task


def read_kind(target: dict[str, Any]) -> Kind:
    """The kind kesu.plans.attainment reads from the target as written, before any correction."""
    return target_kind(target.get("comparator") or ">=", target.get("period") or "", target.get("unit") or "",
                       text=target.get("text") or "")


def effective_kind(target: dict[str, Any]) -> Kind:
    return Kind(target["kind"]) if target.get("kind") else read_kind(target)


def _kind_override(target: dict[str, Any], kind: str) -> str:
    """Stored only when it differs from what the text says: an empty kind keeps following the rule."""
    if not kind:
        return ""
    try:
        chosen = Kind(kind)
    except ValueError:
        raise PlanImportError(f"目标类型“{kind}”无效，应为每年、累计、达到或不超过") from None
    ceiling = is_ceiling(target.get("comparator") or ">=")
    if chosen == Kind.CEILING and not ceiling:
        raise PlanImportError("“不超过”类目标的比较方式应为不超过（≤）或低于（<）")
    if ceiling and chosen != Kind.CEILING:
        raise PlanImportError("比较方式为不超过的目标只能是“不超过”类")
    probe = {**target, "kind": ""}
    return "" if chosen == read_kind(probe) else chosen.value


def _clean_target(task_id: str, *, value, unit, comparator, deadline_year) -> dict[str, Any]:
    try:
        number = float(str(value).strip())
    except ValueError:
        raise PlanImportError(f"任务 {task_id} 目标值“{value}”不是数字") from None
    if number != number or number in (float("inf"), float("-inf")):
        raise PlanImportError(f"任务 {task_id} 目标值“{value}”不是数字")
    unit = (unit or "").strip()
    if not unit or len(unit) > 16:
        raise PlanImportError(f"任务 {task_id} 目标的计量单位应为1–16个字")
    if comparator not in COMPARATORS:
        raise PlanImportError(f"比较方式“{comparator}”无效，应为不少于、不超过、达到、约等")
    year = None
    if str(deadline_year or "").strip():
        try:
            year = int(str(deadline_year).strip())
        except ValueError:
            raise PlanImportError(f"任务 {task_id} 目标时限“{deadline_year}”不是年份") from None
        if not 2000 <= year <= 2100:
            raise PlanImportError(f"任务 {task_id} 目标时限 {year} 年不合理")
    return {"value": number, "unit": unit, "comparator": comparator, "deadline_year": year}


def _target_at(draft: ImportDraft, task_id: str, index: int) -> tuple[dict[str, Any], list]:
    targets = draft_task(draft, task_id).setdefault("targets", [])
    if not 0 <= index < len(targets):
        raise PlanImportError(f"任务 {task_id} 没有第{index + 1}个目标")
    return targets[index], targets


def draft_edit_target(
    draft: ImportDraft, task_id: str, index: int, *, value: str, unit: str, comparator: str,
    deadline_year: str, kind: str | None = None, delete: bool = False, by: str = "",
) -> None:
    target, targets = _target_at(draft, task_id, index)
    if delete:
        del targets[index]
        target_deleted(draft, task_id, index)
        return
    mark_checked(draft, f"target:{task_id}:{index}", by=by, how="edited")
    cleaned = _clean_target(task_id, value=value, unit=unit, comparator=comparator, deadline_year=deadline_year)
    updated = {**target, **cleaned}
    if kind is not None:
        updated["kind"] = _kind_override(updated, kind)
    elif target.get("kind"):
        updated["kind"] = _kind_override(updated, target["kind"])
    target.clear()
    target.update(updated)


def draft_add_target(
    draft: ImportDraft, task_id: str, *, value: str, unit: str, comparator: str, deadline_year: str = "",
    kind: str = "", text: str = "", period: str = "",
) -> dict[str, Any]:
    """Add a quantitative target the parser missed. `text` is the wording as in the document; the
    kind is the office's choice, stored only where it differs from what the wording says."""
    task = draft_task(draft, task_id)
    cleaned = _clean_target(task_id, value=value, unit=unit, comparator=comparator, deadline_year=deadline_year)
    target = {
        "text": (text or "").strip()[:255], "subject": None, "period": (period or "").strip()[:32] or None,
        **cleaned, "added": True,
    }
    target["kind"] = _kind_override(target, kind)
    task.setdefault("targets", []).append(target)
    return target


def draft_set_target_kind(draft: ImportDraft, task_id: str, index: int, kind: str, *, by: str = "") -> None:
    target, _ = _target_at(draft, task_id, index)
    target["kind"] = _kind_override(target, kind)
    mark_checked(draft, f"target:{task_id}:{index}", by=by, how="edited")


def validate_draft(draft: ImportDraft) -> list[str]:
    """Problems that would stop the import, in Chinese; empty when the draft can be confirmed."""
    problems = []
    plan = draft.plan
    if not (plan.get("title") or "").strip():
        problems.append("方案标题为空")
    if not plan.get("tasks"):
        problems.append("方案中没有任务")
    seen: set[str] = set()
    for task in plan.get("tasks", []):
        if task["id"] in seen:
            problems.append(f"任务编号“{task['id']}”重复")
        seen.add(task["id"])
        if len(task["id"]) > 32:
            problems.append(f"任务编号“{task['id'][:40]}”过长")
        if not task["lead_units"] and not task["participating_units"]:
            problems.append(f"任务 {task['id']}“{task['title'][:20]}”没有责任单位")
        for target in task.get("targets", []):
            if target.get("comparator", ">=") not in COMPARATORS:
                problems.append(f"任务 {task['id']} 的目标比较方式“{target.get('comparator')}”无效")
    for name in plan_unit_names(plan):
        if draft.mapping.get(name) is None:
            problems.append(f"单位“{name}”尚未对应")
    return problems


# --- 上级方案与对应: the office's choice of parent and links, kept in the draft until confirmation ------
PARENT_NATIONAL = "national"
PARENT_NONE = "none"
NO_LINK = "none"


def nearest_parent_plan(region: Region) -> Plan | None:
    """The current plan of the nearest region above that has one."""
    codes = [code for code in region.path.strip("/").split("/") if code][:-1]
    for code in reversed(codes):
        plan = Plan.objects.filter(region__code=code, is_current=True).defer("parsed").order_by("-pk").first()
        if plan is not None:
            return plan
    return None


def draft_parent(draft: ImportDraft) -> str:
    """The chosen parent ("plan:<pk>", "national" or "none"); until the office chooses, the nearest
    region above's current plan, else the national outline."""
    chosen = draft.plan.get("parent")
    if chosen:
        return chosen
    above = nearest_parent_plan(draft.region)
    return f"plan:{above.pk}" if above is not None else PARENT_NATIONAL


def parent_choices(draft: ImportDraft) -> list[tuple[str, str]]:
    above = nearest_parent_plan(draft.region)
    choices = [(f"plan:{above.pk}", f"{above.region.name}：{above.title}")] if above is not None else []
    return [*choices, (PARENT_NATIONAL, "国家纲要"), (PARENT_NONE, "暂不设定")]


def _parent_items(draft: ImportDraft, parent: str):
    from kesu.plans.alignment import AlignItem, national_parents

    if parent == PARENT_NATIONAL:
        return national_parents()
    if parent.startswith("plan:"):
        above = nearest_parent_plan(draft.region)
        if above is not None and parent == f"plan:{above.pk}":
            return [AlignItem(id=t.code, title=t.title, text=t.text, path=tuple(t.path or ()))
                    for t in above.tasks.order_by("order", "pk")]
    return []


def link_rows(draft: ImportDraft, *, top: int = 3) -> list[dict[str, Any]]:
    """Per task of the draft: its best proposals (computed now, not stored) and the office's choice."""
    from kesu.plans.alignment import AlignItem, align

    tasks = draft.plan.get("tasks", [])
    parents = _parent_items(draft, draft_parent(draft))
    children = [AlignItem(id=t["id"], title=t["title"], text=t.get("text", ""), path=tuple(t.get("path", [])))
                for t in tasks]
    found = align(children, parents, top=top) if parents else {}
    chosen = draft.plan.get("links", {})
    titles = {item.id: item.title for item in parents}
    rows = []
    for task in tasks:
        pick = (chosen.get(task["id"]) or {}).get("parent", "")
        proposals = [{"parent": link.parent, "title": link.title, "percent": round(link.score * 100)}
                     for link in found.get(task["id"], [])]
        # A pick the proposals no longer include (the task was edited since) is still shown as chosen.
        if pick and pick in titles and all(p["parent"] != pick for p in proposals):
            proposals.append({"parent": pick, "title": titles[pick], "percent": None})
        rows.append({"id": task["id"], "title": task["title"], "chosen": pick, "proposals": proposals})
    return rows


def draft_set_links(draft: ImportDraft, parent: str, choices: dict[str, str]) -> None:
    """Store the parent and the office's pick per task ("" leaves it open, "none" is 无对应). A changed
    parent drops the picks: they named the old parent's tasks or headings."""
    if parent not in dict(parent_choices(draft)):
        raise PlanImportError("所选上级方案无效，请重新选择")
    if parent != draft_parent(draft) or parent == PARENT_NONE:
        draft.plan["parent"], draft.plan["links"] = parent, {}
        return
    draft.plan["parent"] = parent
    valid = {item.id for item in _parent_items(draft, parent)}
    task_ids = {t["id"] for t in draft.plan.get("tasks", [])}
    links: dict[str, dict[str, Any]] = {}
    for task_id, choice in choices.items():
        if task_id not in task_ids or not choice:
            continue
        if choice != NO_LINK and choice not in valid:
            raise PlanImportError(f"任务 {task_id} 所选的上级条目无效")
        links[task_id] = {"parent": None if choice == NO_LINK else choice, "confirmed": True}
    draft.plan["links"] = links
