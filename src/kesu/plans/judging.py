"""The judgements of a parsed plan: one per task, per (task, unit) assignment, per target and per
metadata field that is set (kesu.plans.confidence), assembled from the provenance the parser kept.

- a task: the rule that made its boundary (`TaskDraft.rule`);
- an assignment: the form of the clause that named the unit (`TaskDraft.unit_rules`, from
  `Clause.rule`), with doubts found on the unit: not in the alias dictionary, read as a misspelling,
  a collective class, a name that looks cut off;
- a target: the pattern that read it (`targets.extract_judged_targets`); a plan-level goal target
  is read by the 目标 section's rule;
- a metadata field: the rule the metadata reader recorded in `Metadata.sources`; a field that is set
  without one is judged by `metadata.unattributed`, so that the gap shows instead of hiding.

Doubts about the whole text lower every item they touch: the body read from traditional characters,
a text flattened from two columns, and a text cut off at its end (its last task and that task's
units and targets).
"""

from __future__ import annotations

import re
from pathlib import PurePath

from kesu.plans.confidence import RULES, Doubt, Judgement, judge, rule
from kesu.plans.model import ParsedPlan
from kesu.plans.tables import TABLE_COLUMN
from kesu.plans.tasks import TABLE_ROW, UNKNOWN_FORM, TaskDraft
from kesu.plans.units import is_collective, looks_like_unit

# Base confidences measured on the corpus by bench/calibrate_parse.py (docs/benchmarks.md).
WORKBOOK_ROW = rule("task.workbook_row", 0.93, "Excel 任务分解表的一行为一项任务")
WORKBOOK_COLUMN = rule("assignment.workbook_column", 0.97, "Excel 任务分解表的牵头/责任/配合单位列")
UNMARKED_LIST = rule(
    "assignment.unmarked_list",
    0.88,
    "责任单位名单没有“牵头”标记：名单中的单位均按牵头单位（docs/decisions.md）",
)
GOAL_SECTION = rule("target.goal_section", 0.85, "方案“目标”部分的量化指标，作为全方案的目标")
HEADLINE = rule(
    "metadata.headline_target.indicator", 0.98, "“公民具备科学素质的比例”达到某值的句子，取规划期末年份的一句"
)
UNATTRIBUTED = rule("metadata.unattributed", 0.5, "元数据读取时没有记录所用规则（待核对）")

# Penalties measured by bench/calibrate_parse.py where at least 5 items carried the doubt (the
# table in docs/benchmarks.md); below that, a first estimate kept until the corpus shows the doubt.
TRADITIONAL = Doubt("正文为繁体字，按简体字解析", 0.05)
TWO_COLUMNS = Doubt("文本像是由两栏页面拼合而成，已重排", 0.1)
CUT_OFF = Doubt("文本在此项处中断，只保留了已有的部分", 0.07)
NO_UNITS = Doubt("没有找到责任单位", 0.2)
INFERRED_NUMBER = Doubt("标题没有序号，序号按位置推定", 0.1)
NOT_IN_DICTIONARY = Doubt("单位不在单位名称词典中，按原文保留", 0.05)
REPAIRED = Doubt("单位名称疑为笔误，已按词典中的名称纠正", 0.2)
COLLECTIVE = Doubt("集体名称（一类单位），不是一个具体单位", 0.1)
TRUNCATED = Doubt("单位名称看起来不完整", 0.3)
TEXT_LIKE = Doubt("单位名称过长，像是一段文字而不是单位名", 0.7)
SPLIT_INTO_PARTS = Doubt("本条已按“一是…二是…”拆为子任务，与子任务重复", 0.55)
OTHER_HEADLINES = Doubt("另有其他年份的科学素质比例目标，取了规划期末的一个", 0.1)

# longer than the long names of the dictionary (市住房和城乡建设局, 县委宣传部（县文明办）)
_LONGEST_NAME = 15
METADATA_FIELDS = ("title", "doc_number", "issuer", "date", "region", "period")
_ROLE_WORD = re.compile(r"牵头|主责|主要责任|配合|参与|参加|协办|协助|协同|支持")
_NEUTRAL_KEY = re.compile(r"责任单位|责任部门|实施单位|承办单位")


def judge_plan(
    plan: ParsedPlan,
    drafts: list[TaskDraft],
    target_rules: list[list[tuple[str, list[Doubt]]]],
    catalogue,
    sources: dict[str, tuple[str, list[Doubt]]],
    headline_others: int = 0,
    traditional: bool = False,
    reader_notes: list[str] | tuple[str, ...] = (),
) -> list[Judgement]:
    """Every item's judgement, in document order (tasks with their units and targets, then plan
    targets, then metadata). `drafts` and `target_rules` run parallel to `plan.tasks`."""
    workbook = PurePath(plan.source).suffix.lower() in (".xlsx", ".xls")
    everywhere: list[Doubt] = []
    if traditional:
        everywhere.append(TRADITIONAL)
    if any(note.startswith("文本像是由两栏") for note in reader_notes):
        everywhere.append(TWO_COLUMNS)
    cut_off = any("处中断" in warning for warning in plan.warnings)
    repaired = set(catalogue.repairs)
    unknown = set(catalogue.unknown)
    split = {draft.part_of for draft in drafts if draft.part_of}
    judgements: list[Judgement] = []
    for index, (task, draft, rules) in enumerate(zip(plan.tasks, drafts, target_rules, strict=True)):
        near = list(everywhere)
        if cut_off and index == len(plan.tasks) - 1:
            near.append(CUT_OFF)
        doubts = list(near)
        if not task.lead_units and not task.participating_units and draft.rule != "task.unassigned":
            doubts.append(NO_UNITS)
        if draft.node.inferred_number:
            doubts.append(INFERRED_NUMBER)
        if not draft.part_of and (draft.id or draft.title) in split:
            # the task alone: its units are its parts' (checked there) and its targets its only copy
            doubts.append(SPLIT_INTO_PARTS)
        task_rule = WORKBOOK_ROW if workbook and draft.rule == TABLE_ROW else draft.rule
        judgements.append(judge(f"task:{task.id}", "task", f"{task.id} {task.title}", task_rule, doubts))
        printed = _printed_names(draft, catalogue.canonical)
        for role, names in (("lead", task.lead_units), ("participant", task.participating_units)):
            for name in names:
                spelling = printed.get(name, name)
                form = _assignment_rule(draft, spelling, workbook)
                doubts = list(near)
                if is_collective(name):
                    doubts.append(COLLECTIVE)
                elif not looks_like_unit(name):
                    doubts.append(TRUNCATED)
                elif name in unknown:
                    doubts.append(NOT_IN_DICTIONARY)
                if len(name) > _LONGEST_NAME:
                    doubts.append(TEXT_LIKE)
                if (spelling, name) in repaired:
                    doubts.append(REPAIRED)
                shown = "牵头" if role == "lead" else "参与"
                judgements.append(
                    judge(
                        f"assignment:{task.id}:{name}",
                        "assignment",
                        f"{task.id} {name}（{shown}）",
                        form,
                        doubts,
                    )
                )
        for position, (target, (form, found)) in enumerate(zip(task.targets, rules, strict=True)):
            judgements.append(
                judge(
                    f"target:{task.id}:{position}",
                    "target",
                    f"{task.id} {target.text}",
                    form,
                    [*near, *found],
                )
            )
    for position, target in enumerate(plan.targets):
        doubts = list(everywhere)
        if not target.subject:
            doubts.append(Doubt("未找到指标名称", 0.2))
        judgements.append(judge(f"plan_target:{position}", "target", target.text, GOAL_SECTION, doubts))
    judgements.extend(_metadata(plan, sources, everywhere, headline_others))
    return judgements


def _printed_names(draft: TaskDraft, canonical: dict[str, str]) -> dict[str, str]:
    """canonical name → the spelling printed in the task's clause."""
    printed: dict[str, str] = {}
    for spelling in (*draft.leads, *draft.participants):
        printed.setdefault(canonical.get(spelling, spelling), spelling)
    return printed


def _assignment_rule(draft: TaskDraft, spelling: str, workbook: bool) -> str:
    form = draft.unit_rules.get(spelling, UNKNOWN_FORM)
    if form == TABLE_COLUMN and workbook:
        return WORKBOOK_COLUMN
    if form in ("assignment.bracket_keyed", "assignment.key_line", "assignment.sentence_intro"):
        raw = draft.units_raw
        # 责任单位：X、Y with no 牵头 anywhere: every unit leads by the documented rule
        if _NEUTRAL_KEY.search(raw) and not _ROLE_WORD.search(raw):
            return UNMARKED_LIST
    return form


def _metadata(
    plan: ParsedPlan, sources: dict[str, tuple[str, list[Doubt]]], everywhere: list[Doubt], others: int
) -> list[Judgement]:
    judgements = []
    for name in METADATA_FIELDS:
        value = getattr(plan, name)
        if value is None or value == "":
            continue
        shown = f"{value.start}—{value.end}" if name == "period" else str(value)
        source = sources.get(name)
        form, doubts = (source[0], list(source[1])) if source and source[0] in RULES else (UNATTRIBUTED, [])
        judgements.append(
            judge(f"metadata:{name}", "metadata", f"{name}：{shown}", form, [*everywhere, *doubts])
        )
    headline = plan.headline_target
    if headline is not None:
        doubts = [*everywhere, *([OTHER_HEADLINES] if others else [])]
        label = f"headline_target：{headline.value:g}{headline.unit}（{headline.year}年）"
        judgements.append(judge("metadata:headline_target", "metadata", label, HEADLINE, doubts))
    return judgements
