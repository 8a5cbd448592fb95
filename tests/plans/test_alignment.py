"""Linking tasks to parents (kesu.plans.alignment): the heading rule, text similarity, identities,
and the ratchet on the hand-labelled set (tests/plans/alignment/labels.json)."""

from __future__ import annotations

import json
import random
import sys
from pathlib import Path

import pytest

from kesu.plans.alignment import AlignItem, Link, align, national_parents, similarity

ALIGNMENT = Path(__file__).resolve().parent / "alignment"
sys.path.insert(0, str(ALIGNMENT))

import align_scoring  # noqa: E402


@pytest.fixture(scope="module")
def labelled():
    return align_scoring.labelled_items()


def test_labelled_set_meets_its_floors(labelled):
    labels, items = labelled
    floors = json.loads((ALIGNMENT / "floors.json").read_text(encoding="utf-8"))
    result = align_scoring.score(labels, items)
    assert len(labels) >= floors["labels"]
    assert result.named_linked >= floors["named_linked"], result.misses
    assert result.named_top1 >= floors["named_top1"], result.misses
    assert result.other_top1 >= floors["other_top1"], result.misses
    assert result.other_top3 >= floors["other_top3"], result.misses
    assert align_scoring.score_hidden(labels, items) >= floors["hidden_top1"]


def test_labels_name_known_codes_and_real_tasks(labelled):
    labels, items = labelled
    codes = {parent.id for parent in national_parents()}
    seen = set()
    for label in labels:
        assert label["code"] in codes
        tasks = {item.id: item for item in items[label["document"]]}
        assert tasks[label["task"]].title == label["title"]
        key = (label["document"], label["task"])
        assert key not in seen
        seen.add(key)


def test_task_under_named_heading_links_with_score_one():
    task = AlignItem(
        "1", "开展农业实用技术培训", "每年培训农民3000人次。", ("重点任务", "实施青少年科学素质提升行动")
    )
    links = align([task], national_parents())["1"]
    # The heading wins over a body that reads like another heading's measures.
    assert links[0] == Link("A1", "青少年科学素质提升行动", 1.0)
    assert all(link.score < 1.0 for link in links[1:])


def test_alias_and_older_outline_names_are_recognised():
    parents = national_parents()
    tasks = [
        AlignItem("a", "拓展交流空间", "", ("重点任务", "实施科学素质开放合作工程")),
        AlignItem("b", "未成年人科学素质行动", "", ("主要任务", "未成年人科学素质行动")),
        AlignItem("c", "發展科普志願者500人", "", ("重點任務", "科普人才建設工程")),
        AlignItem(
            "d", "建立应急科普联动机制", "", ("重点工程", "基层科普能力提升工程", "加强应急科普能力建设")
        ),
    ]
    links = align(tasks, parents)
    assert links["a"][0].parent == "P5"
    assert links["b"][0].parent == "A1"
    assert links["c"][0].parent == "L1"  # traditional characters are read as simplified
    # Outermost heading first; the alias in the inner heading is kept as a second forced link.
    assert [(link.parent, link.score) for link in links["d"][:2]] == [("P4", 1.0), ("L2", 1.0)]


def test_text_similarity_picks_the_heading_of_unheaded_tasks():
    tasks = [
        AlignItem("1", "开展老年人智能手机使用培训", "依托老年大学，全年培训2000人次。"),
        AlignItem("2", "新认定市级科普教育基地10个", ""),
        AlignItem("3", "举办领导干部科技知识专题讲座", "纳入党校干部教育培训计划。"),
    ]
    links = align(tasks, national_parents())
    assert [links[key][0].parent for key in "123"] == ["A4", "P3", "A5"]
    assert all(0.0 < link.score < 1.0 for key in "123" for link in links[key])
    assert all(len(links[key]) == 3 for key in "123")
    assert all(links[key][index].score >= links[key][index + 1].score for key in "123" for index in range(2))


def test_plan_aligned_against_itself_links_each_task_to_itself(labelled):
    _labels, items = labelled
    tasks = items["seeds/003_1dcaa5441ab4a16c.txt"]
    links = align(tasks, tasks, top=2)
    for task in tasks:
        assert links[task.id][0].parent == task.id
        # Not exactly 1.0: a child's headings weigh more than a parent's, so the vectors differ.
        assert links[task.id][0].score > 0.9
        assert links[task.id][0].score > links[task.id][1].score


def test_order_of_parents_does_not_change_scores(labelled):
    _labels, items = labelled
    children = items["demo/371000_2026-2030.txt"]
    parents = list(items["demo/320300_2026-2030.txt"])
    shuffled = parents[:]
    random.Random(16).shuffle(shuffled)
    assert align(children, parents, top=5) == align(children, shuffled, top=5)
    national = national_parents()
    assert align(children, national) == align(children, list(reversed(national)))


def test_scores_do_not_depend_on_the_other_children(labelled):
    _labels, items = labelled
    children = items["seeds/002_356e93e89e1c749d.txt"]
    together = similarity(children, national_parents())
    alone = similarity(children[:1], national_parents())
    assert together[0] == pytest.approx(alone[0])


def test_empty_inputs():
    assert align([], national_parents()) == {}
    assert align([AlignItem("1", "x")], []) == {"1": []}
    assert align([AlignItem("1", "")], national_parents()) == {"1": []}


def test_three_hundred_tasks_against_sixty_parents_is_fast():
    assert align_scoring.speed(rounds=1) < 1.0
