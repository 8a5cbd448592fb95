"""Plan text → `ParsedPlan`: the parser's entry point (`parse_file` reads a document first).

    document → text (readers) → clean lines (normalize) → metadata and body range (metadata)
    → paragraphs (normalize) → section tree (headings, structure, tables, responsibility)
    → tasks (tasks) → canonical units (units) → targets and headline target (targets) → warnings

`parse_text` raises only `PlanParseError`: for text that is not a plan, and — as a last line of
defence, so that a service never crashes on a document — for an internal failure, whose message
starts with `INTERNAL_ERROR`.
"""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

from kesu.plans.errors import PlanParseError
from kesu.plans.metadata import extract_metadata, period_from_body
from kesu.plans.metadata_blocks import goal_targets, simplify
from kesu.plans.model import ParsedPlan, Section, Task, UnitEntry
from kesu.plans.nodes import Node
from kesu.plans.normalize import clean_lines, join_paragraphs
from kesu.plans.readers import read_plan_document
from kesu.plans.structure import build_tree
from kesu.plans.targets import choose_headline, extract_targets, find_headline_candidates
from kesu.plans.tasks import TaskDraft, collect_tasks
from kesu.plans.units import (
    AliasDictionary,
    build_catalogue,
    default_alias_dictionary,
    is_collective,
    load_alias_dictionary,
    looks_like_unit,
)

INTERNAL_ERROR = "解析器内部错误 / internal parser error"
# the vocabulary of responsibility clauses and unit names, beyond the metadata's table
_CLAUSE_TRADITIONAL = str.maketrans(
    "牽頭參與婦聯負責單門協辦縣區會務衛農業團輔導體廣電視總資源壯隊機關貿監應級鄉鎮創館護",
    "牵头参与妇联负责单门协办县区会务卫农业团辅导体广电视总资源壮队机关贸监应级乡镇创馆护",
)
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
    """Read a plan document and parse it; `PlanParseError` if it is unreadable or not a plan.

    A document is a plan when it has at least one of: a plan title, a responsibility clause, a
    task list (see `_plan_evidence`). A fragment — one page of a plan, a 工作要点, a 分工 table, a
    list of 成员单位职责 — is accepted with a warning naming what is missing.
    """
    path = Path(path)
    text, reader_notes = read_plan_document(path)
    plan = parse_text(text, name=path.name)
    # What the reader decided (a workbook's column mapping) comes first, for a person to check.
    plan.warnings[:0] = reader_notes
    if not _plan_evidence(plan) and plan.headline_target is None:
        raise PlanParseError(str(path), NOT_A_PLAN)
    return plan


NOT_A_PLAN = (
    "不像是实施方案：未找到方案标题（…实施方案/工作要点/行动计划/分工方案…）、责任分工（牵头/配合/责任单位）"
    "或任务列表（一、（一）1. ——等编号条目）/ not a plan: looked for a plan title, a responsibility "
    "clause and a numbered task list, and found none"
)
# what a plan's, a 工作要点's or a 分工方案's title says it is
_PLAN_TITLE = re.compile(r"方案|要点|计划|纲要|规划|实施意见|分工|职责|任务清单|任务分解|工作安排")


def _has_plan_title(title: str | None) -> bool:
    return bool(title) and bool(_PLAN_TITLE.search(title or ""))


def _plan_evidence(plan: ParsedPlan) -> list[str]:
    """Which of plan title, responsibility clause, task list the parsed document has."""
    found = []
    if _has_plan_title(plan.title):
        found.append("title")
    if any(task.lead_units or task.participating_units for task in plan.tasks):
        found.append("clause")
    if plan.tasks or sum(1 for _ in _walk_sections(plan.sections)) >= 2:
        found.append("list")
    return found


def _walk_sections(sections: list[Section]):
    for section in sections:
        if section.number:
            yield section
        yield from _walk_sections(section.children)


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
    paragraphs = join_paragraphs(_pipe_tables(lines[meta.body_start : meta.body_end]))
    simplified = [simplify(p.text).translate(_CLAUSE_TRADITIONAL) for p in paragraphs]
    if (
        sum(
            a != b
            for p, s in zip(paragraphs, simplified, strict=True)
            for a, b in zip(p.text, s, strict=True)
        )
        >= 5
    ):
        # 牽頭/負責/縣教育局: clauses and unit names are read in simplified characters
        paragraphs = [dataclasses.replace(p, text=s) for p, s in zip(paragraphs, simplified, strict=True)]
        warnings.append(
            "正文为繁体字，按简体字解析 / the body is in traditional characters, read as simplified"
        )
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
    units = _units(tasks, catalogue.aliases, {d.id for d in drafts if d.part_of})

    body_texts = [simplify(p.text) for p in paragraphs]
    candidates = find_headline_candidates(body_texts)
    if not candidates:
        candidates = find_headline_candidates([simplify(line.text) for line in lines])
    reference_year = int(meta.date[:4]) if meta.date else (meta.period.start if meta.period else None)
    headline, others = choose_headline(candidates, meta.period.end if meta.period else None, reference_year)
    goals, goal_warnings = goal_targets(
        [t for t, p in zip(body_texts, paragraphs, strict=True) if not p.is_table],
        meta.period.start if meta.period else None,
        reference_year,
        {target.text for task in tasks for target in task.targets},
    )
    warnings.extend(goal_warnings)

    warnings.extend(_warnings(document, drafts, tasks, catalogue, headline, others))
    plan = ParsedPlan(
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
        targets=goals,
    )
    plan.warnings.extend(_fragment_warnings(plan, paragraphs))
    return plan


_OPEN_BRACKET = re.compile(r"[（(][^（()）]*$")
_CLOSED = re.compile(r"[。！？!?；;）)”\]】：:]$")


def _fragment_warnings(plan: ParsedPlan, paragraphs) -> list[str]:
    """A fragment (a page, an excerpt, a 工作要点) is parsed as far as it goes; say what is missing."""
    warnings = []
    last = next((p.text for p in reversed(paragraphs) if not p.is_table), "")
    if last and len(last) > 15 and (_OPEN_BRACKET.search(last) or not _CLOSED.search(last)):
        warnings.append(
            f"文本在“{last[-20:]}”处中断，最后一项按已有内容保留 / the text is cut off at its end; "
            "the last item is kept as far as it goes"
        )
    missing = []
    if not _has_plan_title(plan.title):
        missing.append("方案标题 / plan title")
    if not (plan.doc_number or plan.issuer or plan.date):
        missing.append("文号、发文机关和日期 / document number, issuer and date")
    if not plan.tasks:
        missing.append("带责任单位的任务 / tasks with responsible units")
    if plan.headline_target is None:
        missing.append("科学素质目标 / headline target")
    if warnings or not _has_plan_title(plan.title) or not plan.tasks:
        warnings.append(
            "可能是方案片段，缺少：" + "；".join(missing or ["—"]) + " / this looks like a fragment"
        )
    return warnings


# a row of a table typed with | between the cells but not around them: 1|任务|牵头单位|配合单位
_PIPE_ROW = re.compile(r"^[^|]+(?:\|[^|]*){2,}$")


def _pipe_tables(lines: list) -> list:
    """Runs of two or more lines with the same number of ``|`` cells are table rows (tab-separated,
    as the readers give a table), so that they are not joined into one paragraph."""
    result = list(lines)
    if not any("|" in line.text for line in result):
        return result
    index = 0
    while index < len(result):
        end = index
        cells = result[index].text.count("|")
        while (
            end < len(result)
            and not result[end].is_table
            and _PIPE_ROW.match(result[end].text)
            and result[end].text.count("|") == cells
        ):
            end += 1
        if end - index >= 2:
            for row in range(index, end):
                text = "\t".join(cell.strip() for cell in result[row].text.split("|"))
                result[row] = dataclasses.replace(result[row], text=text)
            index = end
        else:
            index += 1
    return result


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
                # a 一是/二是 part's targets are already the item's (counted once)
                targets=[] if draft.part_of else extract_targets(draft.text, start_year),
            )
        )
    return tasks


def _units(tasks: list[Task], aliases: dict[str, list[str]], part_ids: set[str]) -> list[UnitEntry]:
    entries: dict[str, UnitEntry] = {}
    for task in tasks:
        for name in (*task.lead_units, *task.participating_units):
            if name not in entries:
                entries[name] = UnitEntry(
                    name=name, aliases=list(aliases.get(name, [name])), is_class=is_collective(name)
                )
        if task.id in part_ids:
            continue  # a 一是/二是 part repeats its item's assignment
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
            if name not in seen and not looks_like_unit(name) and not is_collective(name):
                warnings.append(f"单位名称“{name}”可能不完整 / unit name looks truncated or is not a unit")
            seen.add(name)
    for typo, canonical in catalogue.repairs:
        warnings.append(
            f"单位名称“{typo}”疑为笔误，按“{canonical}”处理 / treated as a misspelling of {canonical}"
        )
    unknown = [name for name in catalogue.unknown if not is_collective(name)]
    if unknown:
        warnings.append(
            "以下单位不在单位名称词典中，按原文保留："
            + "、".join(unknown)
            + " / units not in the alias dictionary, kept as printed"
        )
    return warnings
