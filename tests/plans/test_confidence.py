"""Confidence of parsed items (kesu.plans.confidence, kesu.plans.judging): every item judged by a
declared rule, and on the corpus the confidence separates right items from wrong ones."""

from __future__ import annotations

import json
from functools import cache

import pytest
from tests.plans.confidence_scoring import JudgedItem, corpus_items
from tests.plans.corpus_scoring import document_for, gold_files, load_gold

from kesu.plans.confidence import DOUBTFUL_BELOW, RULES, Doubt, Judgement, doubtful_first, judge, rule
from kesu.plans.judging import (
    CUT_OFF,
    NOT_IN_DICTIONARY,
    SPLIT_INTO_PARTS,
    TEXT_LIKE,
    TRADITIONAL,
    UNATTRIBUTED,
    _metadata,
)
from kesu.plans.model import ParsedPlan
from kesu.plans.parser import parse_file, parse_text
from kesu.plans.targets import GUESSED_COMPARATOR


@cache
def _items() -> tuple[JudgedItem, ...]:
    return tuple(corpus_items())


@cache
def _corpus_plans() -> tuple[ParsedPlan, ...]:
    plans = []
    for gold_path in gold_files():
        if load_gold(gold_path).get("accept", True):
            plans.append(parse_file(document_for(gold_path)))
    return tuple(plans)


def _expected_items(plan: ParsedPlan) -> list[str]:
    items = []
    for task in plan.tasks:
        items.append(f"task:{task.id}")
        items += [f"assignment:{task.id}:{name}" for name in (*task.lead_units, *task.participating_units)]
        items += [f"target:{task.id}:{index}" for index in range(len(task.targets))]
    items += [f"plan_target:{index}" for index in range(len(plan.targets))]
    items += [
        f"metadata:{name}"
        for name in ("title", "doc_number", "issuer", "date", "region", "period", "headline_target")
        if getattr(plan, name)
    ]
    return items


def test_every_item_of_every_corpus_plan_has_exactly_one_judgement_by_a_declared_rule():
    plans = _corpus_plans()
    assert len(plans) >= 40
    for plan in plans:
        judged = [j.item for j in plan.judgements]
        assert sorted(judged) == sorted(_expected_items(plan)), plan.source
        for judgement in plan.judgements:
            assert judgement.rule in RULES, (plan.source, judgement.rule)
            assert judgement.rule.split(".")[0] == judgement.kind
            assert 0.05 <= judgement.confidence <= 1.0
            assert judgement.label


def test_confident_items_are_right_and_doubtful_items_hold_the_errors():
    items = _items()
    sure = [i for i in items if i.confidence >= DOUBTFUL_BELOW]
    doubtful = [i for i in items if i.confidence < DOUBTFUL_BELOW]
    errors = [i for i in items if not i.correct]
    assert len(items) > 500 and errors and doubtful
    sure_precision = sum(i.correct for i in sure) / len(sure)
    doubtful_precision = sum(i.correct for i in doubtful) / len(doubtful)
    assert sure_precision >= 0.95
    assert doubtful_precision <= sure_precision - 0.2
    # the few items a person is asked to check hold far more than their share of the errors
    share_of_items = len(doubtful) / len(items)
    share_of_errors = sum(not i.correct for i in doubtful) / len(errors)
    assert share_of_items <= 0.2
    assert share_of_errors >= 2 * share_of_items


def test_no_rule_claims_more_than_the_corpus_shows():
    """A rule seen on at least 5 items of the corpus is not declared surer than its measured
    precision allows (bench/calibrate_parse.py sets the declared values from the same measure)."""
    by_rule: dict[str, list[JudgedItem]] = {}
    for item in _items():
        by_rule.setdefault(item.rule, []).append(item)
    for rule_id, found in by_rule.items():
        if len(found) < 5:
            continue  # too few items to hold a rule to
        right = sum(i.correct for i in found)
        laplace = (right + 1) / (len(found) + 2)
        assert RULES[rule_id].confidence <= round(laplace, 2) + 0.1, (rule_id, right, len(found))


# --- judge() and the rules ---------------------------------------------------------------------


def test_judge_subtracts_doubts_and_stays_within_bounds():
    rule("task.test_invented", 0.9, "测试用规则")
    plain = judge("task:1", "task", "1 某任务", "task.test_invented")
    doubted = judge("task:1", "task", "1 某任务", "task.test_invented", [Doubt("甲", 0.2), Doubt("乙", 0.15)])
    floored = judge("task:1", "task", "1 某任务", "task.test_invented", [Doubt("丙", 2.0)])
    assert (plain.confidence, doubted.confidence, floored.confidence) == (0.9, 0.55, 0.05)
    assert [d.reason for d in doubted.doubts] == ["甲", "乙"]
    with pytest.raises(KeyError):
        judge("task:1", "task", "x", "task.never_declared")
    with pytest.raises(ValueError):
        rule("task.test_invented", 0.5, "测试用规则")
    with pytest.raises(ValueError):
        rule("nonsense.kind", 0.5, "不是已知的类别")


def test_doubtful_first_keeps_document_order_among_equals():
    items = [
        Judgement(f"task:{n}", "task", str(n), "task.numbered", c) for n, c in enumerate([0.9, 0.4, 0.9, 0.4])
    ]
    assert [j.item for j in doubtful_first(items)] == ["task:1", "task:3", "task:0", "task:2"]


def test_judgements_travel_in_the_plan_json_and_back():
    plan = parse_text(_SECTION_FINAL, name="invented.txt")
    data = json.loads(json.dumps(plan.to_dict(), ensure_ascii=False))
    assert data["judgements"] and set(data["judgements"][0]) == {
        "item",
        "kind",
        "label",
        "rule",
        "confidence",
        "doubts",
    }
    again = ParsedPlan.from_dict(data)
    assert [j.to_dict() for j in again.judgements] == data["judgements"]


# --- provenance on invented texts ----------------------------------------------------------------

_SECTION_FINAL = """青石县全民科学素质行动实施方案（2021—2025年）
三、重点任务
（一）青少年科学素质提升行动
1.开展科技创新大赛。每年举办青少年科技创新大赛1次以上。
2.建设科普教育基地。新建校外科普教育基地3个。
以上工作由县教育局、县科协牵头，团县委、县科技局参加。
（二）农民科学素质提升行动
1.开展农业技术培训。每年培训农民2000人次以上（县农业农村局牵头，县科协配合）。
2.推进科普示范村建设（由县乡村振兴局、县科协牵头，县妇联参加）。
"""


def _by_item(plan: ParsedPlan) -> dict[str, Judgement]:
    return {j.item: j for j in plan.judgements}


def test_section_final_clause_and_inline_brackets_are_told_apart():
    judged = _by_item(parse_text(_SECTION_FINAL, name="invented.txt"))
    assert judged["task:3.1.1"].rule == "task.inherited"
    assert judged["assignment:3.1.1:县教育局"].rule == "assignment.section_final"
    assert judged["assignment:3.1.2:团县委"].rule == "assignment.section_final"
    assert judged["task:3.2.1"].rule == "task.numbered"
    assert judged["assignment:3.2.1:县农业农村局"].rule == "assignment.inline_bracket"
    assert judged["assignment:3.2.2:县妇联"].label == "3.2.2 县妇联（参与）"
    assert judged["target:3.1.1:0"].rule == "target.count"


def test_unknown_unit_and_text_like_name_are_doubted():
    text = _SECTION_FINAL.replace("县妇联参加", "县蚕桑试验推广中心参加")
    judged = _by_item(parse_text(text, name="invented.txt"))
    unknown = judged["assignment:3.2.2:县蚕桑试验推广中心"]
    known = judged["assignment:3.2.2:县科协"]
    assert NOT_IN_DICTIONARY in unknown.doubts and NOT_IN_DICTIONARY not in known.doubts
    assert unknown.confidence < known.confidence
    # a name longer than any unit's (a list that ran on into the text) is doubted, and only such
    for plan in _corpus_plans():
        for judgement in plan.judgements:
            if judgement.kind == "assignment":
                name = judgement.item.split(":", 2)[2]
                assert (TEXT_LIKE in judgement.doubts) == (len(name) > 15), (plan.source, name)
                if len(name) > 15:
                    assert judgement.confidence < DOUBTFUL_BELOW


def test_text_cut_off_lowers_the_last_task_only():
    text = _SECTION_FINAL.rstrip().removesuffix("县妇联参加）。") + "县妇"
    plan = parse_text(text, name="invented.txt")
    judged = _by_item(plan)
    last = plan.tasks[-1].id
    assert CUT_OFF in judged[f"task:{last}"].doubts
    assert all(CUT_OFF in j.doubts for j in plan.judgements if j.item.startswith(f"assignment:{last}:"))
    assert CUT_OFF not in judged["task:3.1.1"].doubts


def test_enumerated_parts_and_their_item():
    text = (
        "某市科普工作要点\n一、强化科普阵地\n"
        "1.完善科普设施。一是新建社区科普馆5个；二是改造科普画廊20处；三是建设流动科技馆1座"
        "（市科协牵头，市财政局参与）。\n"
        "2.办好科技活动周。每年举办科技活动周主场活动1次（市科技局牵头）。\n"
    )
    judged = _by_item(parse_text(text, name="invented.txt"))
    assert judged["task:1.1.1"].rule == "task.enumerated_part"
    assert judged["assignment:1.1.2:市科协"].rule == "assignment.enumerated_part"
    assert SPLIT_INTO_PARTS in judged["task:1.1"].doubts
    assert judged["task:1.1"].confidence < DOUBTFUL_BELOW
    assert SPLIT_INTO_PARTS not in judged["task:1.2"].doubts


def test_table_rows_and_columns():
    text = (
        "某县全民科学素质行动任务分工表\n"
        "序号\t重点任务\t牵头单位\t配合单位\n"
        "1\t开展科普讲座进社区活动\t县科协\t县民政局\n"
        "2\t建设校园科技馆\t县教育局\t县科协、县财政局\n"
    )
    judged = _by_item(parse_text(text, name="invented.txt"))
    assert judged["task:1"].rule == "task.table_row"
    assert judged["assignment:1:县民政局"].rule == "assignment.table_column"
    assert judged["assignment:2:县财政局"].label == "2 县财政局（参与）"


def test_target_without_a_comparator_word_is_doubted():
    text = _SECTION_FINAL.replace("新建校外科普教育基地3个", "新建校外科普教育基地3个以上")
    with_word = _by_item(parse_text(text, name="invented.txt"))["target:3.1.2:0"]
    bare = _by_item(parse_text(_SECTION_FINAL, name="invented.txt"))["target:3.1.2:0"]
    assert GUESSED_COMPARATOR in bare.doubts and GUESSED_COMPARATOR not in with_word.doubts


def test_traditional_body_lowers_everything():
    text = _SECTION_FINAL.replace("牵头", "牽頭").replace("县", "縣").replace("参加", "參加")
    plan = parse_text(text, name="invented.txt")
    assert plan.judgements and all(TRADITIONAL in j.doubts for j in plan.judgements)


def test_metadata_without_a_recorded_rule_shows_as_unattributed():
    plan = parse_text(_SECTION_FINAL, name="invented.txt")
    judged = {j.item: j for j in _metadata(plan, {}, [], 0)}
    assert judged["metadata:title"].rule == UNATTRIBUTED
    assert judged["metadata:title"].confidence < DOUBTFUL_BELOW
    # the metadata reader records how it read the title, so the real judgement is not this one
    assert _by_item(plan)["metadata:title"].rule.startswith("metadata.title.")
