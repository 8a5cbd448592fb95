"""Plan text → `ParsedPlan`: the parser's entry point (`parse_file` reads a document first).

    document → text (readers) → clean lines (normalize) → metadata and body range (metadata)
    → paragraphs (normalize) → section tree (headings, structure, tables, responsibility)
    → tasks (tasks) → canonical units (units) → targets and headline target (targets) → warnings

`parse_text` raises only `PlanParseError`: for text that is not a plan, and — as a last line of
defence, so that a service never crashes on a document — for an internal failure, whose message
starts with `INTERNAL_ERROR`.
"""

from __future__ import annotations

import re
from pathlib import Path

from kesu.plans.errors import PlanParseError
from kesu.plans.metadata import extract_metadata, period_from_body
from kesu.plans.model import ParsedPlan, Section, Task, UnitEntry
from kesu.plans.nodes import Node
from kesu.plans.normalize import clean_lines, join_paragraphs
from kesu.plans.readers import read_plan_text
from kesu.plans.structure import build_tree
from kesu.plans.targets import choose_headline, extract_targets, find_headline_candidates
from kesu.plans.tasks import TaskDraft, collect_tasks
from kesu.plans.units import (
    AliasDictionary,
    build_catalogue,
    default_alias_dictionary,
    load_alias_dictionary,
    looks_like_unit,
)

INTERNAL_ERROR = "解析器内部错误 / internal parser error"
_TOPIC = re.compile(r"科学素质|科普|科学技术普及|科技")


def parse_text(text: str, name: str = "<text>", aliases: AliasDictionary | None = None) -> ParsedPlan:
    """Parse the text of a science-literacy implementation plan.

    `name` is recorded as the plan's source and used in error messages; `aliases` replaces the
    unit alias dictionary (default: the shipped one extended by $KESU_UNIT_ALIASES).
    """
    if not isinstance(text, str):
        raise PlanParseError(
            name, f"需要文本，得到 {type(text).__name__} / expected text, got {type(text).__name__}"
        )
    try:
        return _parse(text, name, aliases)
    except PlanParseError:
        raise
    except Exception as exc:
        raise PlanParseError(name, f"{INTERNAL_ERROR}: {type(exc).__name__}: {exc}") from exc


def parse_file(path: str | Path) -> ParsedPlan:
    """Read a plan document and parse it; `PlanParseError` if it is unreadable or not a plan."""
    path = Path(path)
    plan = parse_text(read_plan_text(path), name=path.name)
    if not plan.tasks and plan.headline_target is None:
        raise PlanParseError(
            str(path),
            "未找到任何任务或科学素质目标，不像是实施方案 / "
            "no tasks and no literacy target found; this does not look like an implementation plan",
        )
    return plan


def _parse(text: str, name: str, aliases: AliasDictionary | None) -> ParsedPlan:
    warnings: list[str] = []
    if aliases is None:
        try:
            aliases = load_alias_dictionary()
        except ValueError as exc:
            aliases = default_alias_dictionary()
            warnings.append(f"自定义单位别名文件未使用：{exc}")

    lines = clean_lines(text)
    if not lines:
        raise PlanParseError(name, "文本为空 / the text is empty")
    meta = extract_metadata(lines)
    warnings.extend(meta.warnings)
    paragraphs = join_paragraphs(lines[meta.body_start : meta.body_end])
    if meta.period is None:
        meta.period = period_from_body([p.text for p in paragraphs if not p.is_table])
    document = build_tree(paragraphs)
    drafts = collect_tasks(document)

    if (
        not document.root.children
        and not any(d.leads or d.participants for d in drafts)
        and not _TOPIC.search(text)
    ):
        raise PlanParseError(
            name,
            "不是全民科学素质实施方案：没有编号标题、没有责任分工、也没有科学素质/科普内容 / "
            "not a plan: no numbered headings, no responsibility clauses and no science-literacy content",
        )

    spellings = [unit for draft in drafts for unit in (*draft.leads, *draft.participants)]
    catalogue = build_catalogue(spellings, meta.regions, aliases, extra_spellings=meta.issuer_names)
    tasks = _tasks(drafts, catalogue.canonical, meta.period.start if meta.period else None)
    units = _units(tasks, catalogue.aliases)

    candidates = find_headline_candidates([p.text for p in paragraphs])
    if not candidates:
        candidates = find_headline_candidates([line.text for line in lines])
    reference_year = int(meta.date[:4]) if meta.date else (meta.period.start if meta.period else None)
    headline, others = choose_headline(candidates, meta.period.end if meta.period else None, reference_year)

    warnings.extend(_warnings(document, drafts, tasks, catalogue, headline, others))
    return ParsedPlan(
        source=name,
        title=meta.title,
        doc_number=meta.doc_number,
        issuer=meta.issuer,
        date=meta.date,
        region=meta.region,
        period=meta.period,
        headline_target=headline,
        sections=_sections(document.root),
        tasks=tasks,
        units=units,
        warnings=warnings,
    )


def _tasks(drafts: list[TaskDraft], canonical: dict[str, str], start_year: int | None = None) -> list[Task]:
    tasks: list[Task] = []
    used_ids: dict[str, int] = {}
    for draft in drafts:
        leads: list[str] = []
        for unit in draft.leads:
            name = canonical.get(unit, unit)
            if name not in leads:
                leads.append(name)
        participants: list[str] = []
        for unit in draft.participants:
            name = canonical.get(unit, unit)
            if name not in leads and name not in participants:
                participants.append(name)
        task_id = draft.id or str(len(tasks) + 1)
        count = used_ids.get(task_id, 0) + 1
        used_ids[task_id] = count
        if count > 1:
            task_id = f"{task_id}-{count}"
        tasks.append(
            Task(
                id=task_id,
                path=draft.path or [draft.title],
                title=draft.title,
                text=draft.text,
                lead_units=leads,
                participating_units=participants,
                units_raw=draft.units_raw,
                targets=extract_targets(draft.text, start_year),
            )
        )
    return tasks


def _units(tasks: list[Task], aliases: dict[str, list[str]]) -> list[UnitEntry]:
    entries: dict[str, UnitEntry] = {}
    for task in tasks:
        for name in (*task.lead_units, *task.participating_units):
            if name not in entries:
                entries[name] = UnitEntry(name=name, aliases=list(aliases.get(name, [name])))
        for name in task.lead_units:
            entries[name].lead_count += 1
        for name in task.participating_units:
            entries[name].participating_count += 1
    return list(entries.values())


def _sections(node: Node) -> list[Section]:
    sections = []
    for child in node.children:
        if child.is_table_row or child.is_table_group:
            continue
        sections.append(
            Section(number=child.number, title=child.title, kind=child.kind, children=_sections(child))
        )
    return sections


def _walk(node: Node):
    for child in node.children:
        yield child
        yield from _walk(child)


def _warnings(document, drafts, tasks, catalogue, headline, others) -> list[str]:
    warnings: list[str] = []
    if headline is None:
        warnings.append(
            "未找到“公民具备科学素质的比例”目标值 / no headline target (公民具备科学素质的比例) found"
        )
    for other in others:
        warnings.append(
            f"另有{other.year}年目标：公民具备科学素质的比例 {other.value:g}%（未作为主要目标）/ "
            f"a further target for {other.year} ({other.value:g}%) was not taken as the headline"
        )
    if not tasks:
        warnings.append("未找到带责任单位的任务 / no tasks with responsible units found")
    for node in _walk(document.root):
        if node.inferred_number:
            warnings.append(
                f"标题“{node.title}”没有序号，按第{node.ordinal}项处理 / heading without its number"
            )
    for task in tasks:
        if not task.lead_units and not task.participating_units:
            warnings.append(
                f"任务 {task.id}“{task.title}”没有责任单位 / task {task.id} has no responsible units"
            )
    for snippet in document.unreadable_clauses:
        warnings.append(f"无法解析的责任分工：“{snippet}” / could not read this responsibility clause")
    seen: set[str] = set()
    for task in tasks:
        for name in (*task.lead_units, *task.participating_units):
            if name not in seen and not looks_like_unit(name):
                warnings.append(f"单位名称“{name}”可能不完整 / unit name looks truncated or is not a unit")
            seen.add(name)
    for typo, canonical in catalogue.repairs:
        warnings.append(
            f"单位名称“{typo}”疑为笔误，按“{canonical}”处理 / treated as a misspelling of {canonical}"
        )
    if catalogue.unknown:
        warnings.append(
            "以下单位不在单位名称词典中，按原文保留："
            + "、".join(catalogue.unknown)
            + " / units not in the alias dictionary, kept as printed"
        )
    return warnings
