"""Plan text → `ParsedPlan`: the parser's entry point (`parse_file` reads a document first).

    document → text (readers) → clean lines (normalize) → metadata and body range (metadata)
    → paragraphs (normalize) → section tree (headings, structure, tables, responsibility)
    → tasks (tasks) → canonical units (units) → targets and headline target (targets) → warnings
    → a judgement (confidence and rule) per task, assignment, target and metadata field (judging)

`parse_text` raises only `PlanParseError`: for text that is not a plan, and — as a last line of
defence, so that a service never crashes on a document — for an internal failure, whose message
starts with `INTERNAL_ERROR`.
"""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

from kesu.plans.characters import count_traditional, to_simplified
from kesu.plans.confidence import Doubt
from kesu.plans.errors import PlanParseError
from kesu.plans.judging import judge_plan
from kesu.plans.metadata import Metadata, apply_body_period, extract_metadata
from kesu.plans.metadata_blocks import as_printed, goal_targets
from kesu.plans.model import ParsedPlan, Section, Task, UnitEntry
from kesu.plans.nodes import Node
from kesu.plans.normalize import Line, clean_lines, join_paragraphs
from kesu.plans.readers import read_plan_document
from kesu.plans.roster import listed_units
from kesu.plans.structure import build_tree
from kesu.plans.targets import choose_headline, extract_judged_targets, find_headline_candidates
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
_TOPIC = re.compile(r"科学素质|科普|科学技术普及|科技")


def parse_text(
    text: str,
    name: str = "<text>",
    aliases: AliasDictionary | None = None,
    *,
    reader_notes: list[str] | None = None,
) -> ParsedPlan:
    """Parse the text of a science-literacy implementation plan.

    `name` is recorded as the plan's source and used in error messages; `aliases` replaces the
    unit alias dictionary (default: the shipped one extended by $KESU_UNIT_ALIASES);
    `reader_notes` are what the document reader noticed (a text flattened from two columns),
    which lowers the confidence of what is read from it.
    """
    if not isinstance(text, str):
        raise PlanParseError(
            name, f"需要文本，得到 {type(text).__name__} / expected text, got {type(text).__name__}"
        )
    try:
        return _parse(text, name, aliases, reader_notes or [])
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
    plan = parse_text(text, name=path.name, reader_notes=reader_notes)
    # What the reader decided (a workbook's column mapping) comes first, for a person to check.
    plan.warnings[:0] = reader_notes
    if is_report_about_plan(plan, text):
        raise PlanParseError(str(path), NOT_A_PLAN_REPORT)
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


# what a page about a plan, not the plan itself, is titled: a news item (《…》正式公布), a policy
# interpretation (解读《…》), a journal article's keyword line
_REPORT_TITLE = re.compile(
    r"^(?:政策)?(?:解读|图解|一图读懂)|^[\[【]?(?:关键词|摘要)[\]】:：]"
    r"|^《[^》]+》\S{0,6}(?:公布|发布|出台|出炉|印发|解读)$"
    r"|工作总结$|总结报告$|述职报告$|讲话$"
)
NOT_A_PLAN_REPORT = (
    "不是方案本身：标题或开头表明这是关于方案的新闻、解读、论文或工作总结（…正式公布/解读《…》/关键词/据新华社…电/…总结）"
    " / not a plan: its title or opening says it is a news item, an interpretation, an article or a work report"
)


def _has_plan_title(title: str | None) -> bool:
    # 規劃/要點/綱要 of a traditional-character title are plan titles too
    title = to_simplified(title or "")
    return bool(title) and bool(_PLAN_TITLE.search(title)) and not _REPORT_TITLE.search(title)


# the lead of a news item: 据新华社北京3月14日电、本报讯、记者从…获悉、日前/近日…印发了, and the report
# of a meeting (…工作推进会在金昌举行)
_NEWS_LEAD = re.compile(
    r"据新华社|新华社[^。\n]{0,16}电|本报讯|记者[^。\n]{0,12}获悉|^\W*(?:日前|近日)[^。\n]{0,30}印发"
    r"|会(?:在[^。\n，,]{1,12})?(?:举行|召开)"
)


def is_report_about_plan(plan: ParsedPlan, text: str = "") -> bool:
    """A page about a plan, not the plan: its title says so (news, 解读, article), or it opens as a
    news item and has neither a plan title nor a responsibility clause of its own (a news item
    followed by the plan's full text, 全文如下, is the plan)."""
    if _REPORT_TITLE.search(to_simplified(plan.title or "")):
        return True
    first_line = next((line.strip() for line in text.splitlines() if line.strip()), "")
    if not plan.title and len(first_line) <= 40 and _REPORT_TITLE.search(to_simplified(first_line)):
        return True  # 2023年县科协科普工作总结: a title the metadata reader does not take for a plan's
    opening = to_simplified(text.lstrip()[:300])
    if _NEWS_SECTION.search(opening) and not _has_plan_title(plan.title):
        return True  # filed by the site under its news: a 由X牵头… in it reports who did what
    return bool(
        _NEWS_LEAD.search(opening)
        and not _has_plan_title(plan.title)
        and not any(task.lead_units or task.participating_units for task in plan.tasks)
    )


# the site's own news category printed above the item (栏目：…部门新闻, 主题分类：…工作动态)
_NEWS_SECTION = re.compile(r"工作动态|部门新闻|新闻动态|图片新闻|要闻动态")


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


def _as_printed(meta: Metadata, printed_lines: list[Line]) -> None:
    """Title, 文号 and issuer of a traditional-character text as printed: a person compares them with
    the page (貴州省人民政府辦公廳, 黔府辦發〔2022〕16號). The conversion keeps positions, so a value
    found in the simplified text is cut from the printed one at the same place."""
    printed = "".join(line.text.replace(" ", "") for line in printed_lines)
    simplified = to_simplified(printed)
    meta.title = as_printed(meta.title, simplified, printed) or ""
    meta.doc_number = as_printed(meta.doc_number, simplified, printed)
    meta.issuer = as_printed(meta.issuer, simplified, printed)


def _parse(text: str, name: str, aliases: AliasDictionary | None, notes: list[str]) -> ParsedPlan:
    warnings: list[str] = []
    if aliases is None:
        try:
            aliases = load_alias_dictionary()
        except ValueError as exc:
            aliases = default_alias_dictionary()
            warnings.append(f"自定义单位别名文件未使用：{exc}")

    # The whole text is read in simplified characters, so that every pattern of the cleaning and of
    # the metadata (責任單位： keys glued inline, 牽頭單位 table headers, 科學素質) meets a traditional
    # text too; the converter never changes a simplified character. Title, 文号 and issuer are then
    # cut from the printed text, as printed (`_as_printed`).
    simplified_text = to_simplified(text)
    lines = clean_lines(simplified_text)
    if not lines:
        raise PlanParseError(name, "文本为空 / the text is empty")
    meta = extract_metadata(lines)
    if simplified_text != text:
        _as_printed(meta, clean_lines(text))
    warnings.extend(meta.warnings)
    paragraphs = join_paragraphs(_pipe_tables(lines[meta.body_start : meta.body_end]))
    # a body with a few traditional characters (縣科協 typed on a Hong Kong keyboard) is read like
    # any other; a text written in traditional characters is doubted
    traditional = count_traditional(text) >= 5
    if traditional:
        warnings.append(
            "正文为繁体字，按简体字解析 / the body is in traditional characters, read as simplified"
        )
    apply_body_period(meta, [p.text for p in paragraphs if not p.is_table])
    document = build_tree(paragraphs)
    drafts = collect_tasks(document)

    if (
        not document.root.children
        and not any(d.leads or d.participants for d in drafts)
        and not _TOPIC.search(simplified_text)
    ):
        raise PlanParseError(
            name,
            "不是全民科学素质实施方案：没有编号标题、没有责任分工、也没有科学素质/科普内容 / "
            "not a plan: no numbered headings, no responsibility clauses and no science-literacy content",
        )

    spellings = [unit for draft in drafts for unit in (*draft.leads, *draft.participants)]
    roster = listed_units(document)  # units named in a list of members, assigned to no task
    catalogue = build_catalogue(
        [*spellings, *roster], meta.regions, aliases, extra_spellings=meta.issuer_names
    )
    tasks, target_rules = _tasks(drafts, catalogue.canonical, meta.period.start if meta.period else None)
    units = _units(tasks, catalogue.aliases, {d.id for d in drafts if d.part_of})
    named = {unit.name for unit in units}
    for spelling in roster:
        name = catalogue.canonical.get(spelling, spelling)
        if name not in named:
            named.add(name)
            entry_aliases = list(catalogue.aliases.get(name, [name]))
            units.append(UnitEntry(name=name, aliases=entry_aliases, is_class=is_collective(name)))

    body_texts = [p.text for p in paragraphs]
    candidates = find_headline_candidates(body_texts)
    if not candidates:
        candidates = find_headline_candidates([line.text for line in lines])
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
    plan.judgements = judge_plan(
        plan, drafts, target_rules, catalogue, meta.sources, len(others), traditional, notes
    )
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
    if not plan.title:  # a parsed title that does not say 方案/要点… is still a title
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


def _tasks(
    drafts: list[TaskDraft], canonical: dict[str, str], start_year: int | None = None
) -> tuple[list[Task], list[list[tuple[str, list[Doubt]]]]]:
    """The tasks, and per task the confidence rule and doubts of each of its targets."""
    tasks: list[Task] = []
    target_rules: list[list[tuple[str, list[Doubt]]]] = []
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
        # a 一是/二是 part's targets are already the item's (counted once)
        judged = [] if draft.part_of else extract_judged_targets(draft.text, start_year)
        target_rules.append([(form, doubts) for _, form, doubts in judged])
        tasks.append(
            Task(
                id=task_id,
                path=draft.path or [draft.title],
                title=draft.title,
                text=draft.text,
                lead_units=leads,
                participating_units=participants,
                units_raw=draft.units_raw,
                targets=[target for target, _, _ in judged],
            )
        )
    return tasks, target_rules


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
