"""Building blocks of the parser: clean-up, clauses, unit names, targets, metadata."""

from __future__ import annotations

from pathlib import Path

import pytest

from kesu.plans import parse_text
from kesu.plans.metadata import parse_date
from kesu.plans.normalize import clean_lines, join_paragraphs
from kesu.plans.responsibility import find_clauses
from kesu.plans.targets import extract_targets
from kesu.plans.units import build_catalogue, load_alias_dictionary, split_units


def _paragraphs(text: str) -> list[str]:
    return [p.text for p in join_paragraphs(clean_lines(text))]


def test_cleanup_removes_page_furniture_and_repairs_breaks() -> None:
    text = "\ufeff一、总则\n加强科普工作（责任单位：市教\n\n— 3 —\n\n育局、市 科 协）\n第4页\n- 5 -\n**（二）加强保障**"
    assert _paragraphs(text) == ["一、总则", "加强科普工作（责任单位：市教育局、市科协）", "（二）加强保障"]


def test_running_header_is_dropped_but_headings_are_kept() -> None:
    header = "某县全民科学素质行动实施方案"
    text = "\n".join([header, "一、目标", header, "到2025年，比例达到12%。", header, "二、任务"])
    assert _paragraphs(text) == ["一、目标", "到2025年，比例达到12%。", "二、任务"]


@pytest.mark.parametrize(
    ("text", "names"),
    [
        ("区教育和体育局、区文化和旅游局和区科协", ["区教育和体育局", "区文化和旅游局", "区科协"]),
        ("市人力资源和社会保障局、市工业和信息化局等单位", ["市人力资源和社会保障局", "市工业和信息化局"]),
        ("各县(市、区)政府,市住房和城乡建设局等", ["各县(市、区)政府", "市住房和城乡建设局"]),
        ("区委宣传部和区委组织部", ["区委宣传部", "区委组织部"]),
        ("区教育局和体育局", ["区教育局和体育局"]),
    ],
)
def test_split_units(text, names) -> None:
    assert split_units(text) == names


@pytest.mark.parametrize(
    ("text", "leads", "participants"),
    [
        ("（市科协、团市委按职责分工负责）", ["市科协", "团市委"], []),
        ("（市委组织部负责）", ["市委组织部"], []),
        ("责任分工：由区教育局牵头，区科协、区妇联等单位参加。", ["区教育局"], ["区科协", "区妇联"]),
        ("牵头单位：县科协；配合单位：县教育局、县财政局", ["县科协"], ["县教育局", "县财政局"]),
        ("（县教育局牵头，县科协、团县委配合）", ["县教育局"], ["县科协", "团县委"]),
        ("（县教育局牵头，县科协等参与）", ["县教育局"], ["县科协"]),
        ("责任单位：县教育局（牵头）、县科协", ["县教育局"], ["县科协"]),
        ("主要责任单位：县科技局。配合单位：县财政局。", ["县科技局"], ["县财政局"]),
        ("县应急管理局为牵头单位，县气象局为配合单位。", ["县应急管理局"], ["县气象局"]),
        ("(责任单位:市教育局、市人社局、团市委等)", ["市教育局", "市人社局", "团市委"], []),
    ],
)
def test_clause_forms(text, leads, participants) -> None:
    clauses = find_clauses("开展活动。" + text)
    assert len(clauses) == 1
    assert (clauses[0].leads, clauses[0].participants) == (leads, participants)


@pytest.mark.parametrize(
    "text",
    [
        "（以下简称《科学素质纲要》）",
        "科技小论文（发明、制作）",
        "市科协牵头实施《科学素质纲要》，加强综合协调。",
        "区人民政府负责领导实施工作，把科学素质建设作为重要任务。",
    ],
)
def test_ordinary_brackets_and_sentences_are_not_clauses(text) -> None:
    assert find_clauses(text) == []


def test_catalogue_picks_full_forms_and_keeps_every_spelling() -> None:
    dictionary = load_alias_dictionary()
    spellings = ["市教体局", "市教育和体育局", "市教体局", "团市委", "共青团乳山市委", "市卫健委"]
    catalogue = build_catalogue(spellings, ["乳山市"], dictionary)
    assert catalogue.canonical["市教体局"] == "市教育和体育局"
    assert catalogue.aliases["市教育和体育局"] == ["市教育和体育局", "市教体局"]
    assert catalogue.canonical["共青团乳山市委"] == "团市委"
    assert catalogue.canonical["市卫健委"] == "市卫健委"  # only the abbreviation is used
    assert catalogue.unknown == []


def test_levels_keep_units_apart() -> None:
    catalogue = build_catalogue(["市科协", "区科协", "市委宣传部", "区委宣传部"], [], load_alias_dictionary())
    assert len(catalogue.aliases) == 4


def test_alias_dictionary_can_be_extended(tmp_path: Path, monkeypatch) -> None:
    extra = tmp_path / "aliases.yaml"
    extra.write_text("units:\n  - name: 文明办\n    short: [精神文明建设办公室]\n", encoding="utf-8")
    monkeypatch.setenv("KESU_UNIT_ALIASES", str(extra))
    dictionary = load_alias_dictionary()
    assert dictionary.lookup("精神文明建设办公室") == ("文明办", 1)
    assert dictionary.lookup("教体局") == ("教育和体育局", 2)  # the shipped entries stay
    catalogue = build_catalogue(["县文明办", "县精神文明建设办公室"], [], dictionary)
    # The entry's name is the canonical form, its short forms are aliases of it.
    assert catalogue.canonical == {"县文明办": "县文明办", "县精神文明建设办公室": "县文明办"}
    assert catalogue.aliases == {"县文明办": ["县文明办", "县精神文明建设办公室"]}


def test_malformed_alias_file_is_named(tmp_path: Path, monkeypatch) -> None:
    broken = tmp_path / "broken.yaml"
    broken.write_text("units: {name: x}\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"broken\.yaml"):
        load_alias_dictionary(broken)
    monkeypatch.setenv("KESU_UNIT_ALIASES", str(broken))
    plan = parse_text("一、任务\n1.开展科普活动。（县科协负责）", "x.txt")
    assert plan.tasks[0].lead_units == ["县科协"]
    assert any("broken.yaml" in w for w in plan.warnings)


def _quads(text: str):
    return [(t.value, t.unit, t.comparator, t.period, t.deadline_year) for t in extract_targets(text)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("每年培训科技辅导员200人次以上", [(200, "人次", ">=", "每年", None)]),
        ("“十四五”期间培训高素质农民1000名以上", [(1000, "名", ">=", "“十四五”期间", 2025)]),
        ("到2025年，新建科普场馆三十家", [(30, "家", "=", "到2025年", 2025)]),
        ("每年开展活动一万人次", [(10000, "人次", "=", "每年", None)]),
        ("培训1.5万人次，投入500万元", [(15000, "人次", "=", None, None), (500, "万元", "=", None, None)]),
        ("覆盖率不超过5%，举办约20场次", [(5, "%", "<=", None, None), (20, "场次", "~", None, None)]),
        ("第3届科技节，聚焦“四个面向”，实现“两个100%”，开展三下乡", []),
        ("2023年，实施5年计划，一批基地", []),
    ],
)
def test_targets(text, expected) -> None:
    assert _quads(text) == expected


def test_chinese_dates() -> None:
    assert parse_date("二〇二三年三月八日") == "2023-03-08"
    assert parse_date("2022年5月13日印发") == "2022-05-13"
    assert parse_date("2022年2月30日") is None


def test_plan_without_notice_takes_its_first_title_block() -> None:
    text = "某某县全民科学素质行动\n实施方案（2022—2025年）\n一、任务\n1.开展科普日活动。（县科协负责）\n"
    plan = parse_text(text, "x.txt")
    assert plan.title == "某某县全民科学素质行动实施方案（2022—2025年）"
    assert plan.region == "某某县"
    assert plan.tasks[0].id == "1.1"


def test_first_listed_unit_leads_when_the_document_says_so() -> None:
    text = (
        "一、任务\n"
        "1.开展科普日活动。（责任单位：县科协、县教育局、县科技局（列第一位的为牵头单位，下同））\n"
        "2.建设科普基地。（责任单位：县科技局、县科协）\n"
    )
    tasks = parse_text(text, "x.txt").tasks
    assert (tasks[0].lead_units, tasks[0].participating_units) == (["县科协"], ["县教育局", "县科技局"])
    assert (tasks[1].lead_units, tasks[1].participating_units) == (["县科技局"], ["县科协"])
