"""The five seed plans: hand-checked facts from reading the documents."""

from __future__ import annotations

import json
from functools import cache

import jsonschema
import pytest
from tests.paths import PLAN_SCHEMA, SEED_NAMES, SEEDS

from kesu.plans import ParsedPlan, parse_text

SCHEMA = PLAN_SCHEMA
# Missing seeds stop the run in tests/conftest.py (pytest_sessionstart); they are never skipped.
RUSHAN, DAXIANG, WEIHAI, XUZHOU, TIANQIAO = SEED_NAMES


@cache
def plan(name: str) -> ParsedPlan:
    return parse_text((SEEDS / name).read_text(encoding="utf-8"), name)


def task(name: str, task_id: str):
    return next(t for t in plan(name).tasks if t.id == task_id)


def unit(name: str, unit_name: str):
    return next(u for u in plan(name).units if u.name == unit_name)


@pytest.mark.parametrize(
    ("name", "title", "doc_number", "issuer", "date", "region", "period"),
    [
        (
            RUSHAN,
            "乳山市全民科学素质行动规划纲要实施方案（2021—2025年）",
            "乳政发〔2022〕6号",
            "乳山市人民政府",
            "2022-07-12",
            "乳山市",
            (2021, 2025),
        ),
        (
            DAXIANG,
            "大祥区全民科学素质行动规划纲要实施方案（2021-2025年）",
            "大政办发〔2022〕12号",
            "邵阳市大祥区人民政府办公室",
            "2022-08-30",
            "大祥区",
            (2021, 2025),
        ),
        (
            WEIHAI,
            "关于新时代进一步加强科学技术普及工作的实施意见",
            "威科字〔2024〕8号",
            "威海市科学技术局",
            "2024-01-30",
            "威海市",
            None,
        ),
        (
            XUZHOU,
            "徐州市全民科学素质行动规划实施方案",
            "徐政发〔2022〕13号",
            "徐州市人民政府",
            "2022-05-13",
            "徐州市",
            (2021, 2025),  # not in the title: the body's “十四五”时期
        ),
        (
            TIANQIAO,
            "济南市天桥区全民科学素质行动规划纲要实施方案（2021-2025年）",
            "济天政发〔2022〕1号",
            "济南市天桥区人民政府",
            "2022-06-07",
            "天桥区",
            (2021, 2025),
        ),
    ],
)
def test_metadata(name, title, doc_number, issuer, date, region, period) -> None:
    parsed = plan(name)
    assert parsed.title == title
    assert parsed.doc_number == doc_number
    assert parsed.issuer == issuer
    assert parsed.date == date
    assert parsed.region == region
    actual_period = (parsed.period.start, parsed.period.end) if parsed.period else None
    assert actual_period == period
    assert parsed.source == name


@pytest.mark.parametrize(
    ("name", "value", "year"),
    [
        (RUSHAN, 17, 2025),
        (DAXIANG, 15, 2025),
        (WEIHAI, 17, 2025),
        (XUZHOU, 15.5, 2025),
        (TIANQIAO, 18.5, 2025),
    ],
)
def test_headline_target(name, value, year) -> None:
    headline = plan(name).headline_target
    assert headline is not None
    assert (headline.value, headline.unit, headline.year) == (value, "%", year)
    assert headline.indicator == "公民具备科学素质的比例"
    assert f"{value:g}%" in headline.text


def test_baselines_are_not_the_headline() -> None:
    # 徐州: 2020年达到11.7%; 天桥区: 2020年济南市…达到14.6%
    assert "11.7" not in plan(XUZHOU).headline_target.text
    assert "14.6" not in plan(TIANQIAO).headline_target.text


@pytest.mark.parametrize(
    ("name", "count", "first", "last"),
    [
        (RUSHAN, 29, "3.1.1", "4.4.3"),
        (DAXIANG, 9, "3.1.1", "3.2.4"),
        (WEIHAI, 19, "2.1", "6.19"),
        (XUZHOU, 33, "3.1.1", "3.10.3"),
        (TIANQIAO, 29, "3.1.1", "4.4.3"),
    ],
)
def test_task_counts_and_ids(name, count, first, last) -> None:
    tasks = plan(name).tasks
    assert len(tasks) == count
    assert (tasks[0].id, tasks[-1].id) == (first, last)
    assert len({t.id for t in tasks}) == count
    assert all(t.lead_units for t in tasks)


def test_rushan_tasks() -> None:
    first = task(RUSHAN, "3.1.1")
    assert first.title == "弘扬和传承科学精神"
    assert first.path == ["提升行动", "青少年科学素质提升行动", "弘扬和传承科学精神"]
    assert first.lead_units == ["市委宣传部", "市教体局", "市科技局", "团市委", "市科协"]
    assert first.participating_units == []
    assert first.units_raw == "（市委宣传部、市教体局、市科技局、团市委、市科协按职责分工负责）"
    assert "按职责分工负责" not in first.text and first.text.startswith("弘扬和传承科学精神。坚持立德树人")
    assert task(RUSHAN, "3.5.3").lead_units == ["市委组织部"]  # （市委组织部负责）
    assert "威海机械工程高级技工学校" in task(RUSHAN, "3.1.2").lead_units
    assert "威海市生态环境局乳山分局" in task(RUSHAN, "3.1.4").lead_units
    # a line broken inside 着力打造 is joined
    assert "着力打造贯穿全年" in task(RUSHAN, "4.4.3").text
    # 五、组织实施与保障 has no clauses and gives no tasks
    assert not any(t.id.startswith("5") for t in plan(RUSHAN).tasks)


def test_rushan_sections_and_kinds() -> None:
    sections = plan(RUSHAN).sections
    assert [s.title for s in sections] == ["指导思想", "主要目标", "提升行动", "重点工程", "组织实施与保障"]
    assert sections[2].kind == "action" and sections[3].kind == "programme"
    assert [c.number for c in sections[2].children] == ["（一）", "（二）", "（三）", "（四）", "（五）"]
    assert sections[3].children[0].title == "科技资源科普化工程"
    assert any("主要目标" in w for w in plan(RUSHAN).warnings)


def test_daxiang_lead_and_participants() -> None:
    youth = task(DAXIANG, "3.1.1")
    assert youth.title == "青少年科学素质提升行动"
    assert youth.lead_units == ["区教育局", "团区委", "区科协"]
    assert youth.participating_units[0] == "区委宣传部" and youth.participating_units[-1] == "区妇联"
    assert len(youth.participating_units) == 9
    assert youth.units_raw.startswith("责任分工：由区教育局")
    assert "责任分工" not in youth.text
    farmers = task(DAXIANG, "3.1.2")
    assert farmers.lead_units == ["区农业农村局"]
    assert "区民宗局" in farmers.participating_units
    assert "区科技和工业信息化局" in farmers.participating_units  # 和 inside a name is not a separator
    assert task(DAXIANG, "3.2.4").lead_units == ["区科技和工业信息化局", "区应急管理局", "区卫生健康局"]


def test_daxiang_typo_branch_office() -> None:
    branch = unit(DAXIANG, "市生态环境局大祥分局")
    assert "市生态环保局大祥分局" in branch.aliases
    assert branch.participating_count == 6 and branch.lead_count == 0
    assert "市生态环境局大祥分局" in task(DAXIANG, "3.2.1").participating_units


def test_weihai_joint_notice_and_half_width_clauses() -> None:
    parsed = plan(WEIHAI)
    joint = [w for w in parsed.warnings if "联合发文" in w]
    assert len(joint) == 1 and joint[0].startswith("联合发文，共22个发文单位，issuer 取第一个（牵头）单位“威海市科学技术局”")
    assert task(WEIHAI, "4.10").lead_units == ["市委组织部"]  # (责任单位:市委组织部)
    manufacturing = task(WEIHAI, "4.11")  # clause printed as a paragraph of its own
    assert manufacturing.lead_units == ["市教育局", "市工业和信息化局", "市人力资源社会保障局"]
    assert manufacturing.units_raw == "(责任单位:市教育局、市工业和信息化局、市人力资源社会保障局)"
    # 市教\n\n育局 broken by a page break
    assert task(WEIHAI, "4.9").lead_units == ["市教育局", "市科协", "市科技局"]
    assert len(task(WEIHAI, "6.17").lead_units) == 22
    tax = unit(WEIHAI, "市税务局")
    assert "国家税务总局威海市税务局" in tax.aliases
    assert "中共威海市委组织部" in unit(WEIHAI, "市委组织部").aliases


def test_xuzhou_half_width_clauses_with_etc() -> None:
    first = task(XUZHOU, "3.1.1")
    assert first.units_raw == "(责任单位:市教育局、市人社局、团市委、市科协等)"
    assert first.lead_units == ["市教育局", "市人社局", "团市委", "市科协"]
    assert "普通高中要开齐通用技术课" in first.text  # second paragraph of the same item
    # page breaks inside unit names: 市科\n\n协, 市生态环\n\n境局, 市\n\n卫健委, 市科协,\n\n市教育局; the
    # whole clause as printed, minus the closing 等
    assert task(XUZHOU, "3.3.2").lead_units == [
        "市人社局", "市总工会", "市应急管理局", "市工信局", "市住建局", "团市委", "市妇联", "市科协",
    ]
    assert task(XUZHOU, "3.6.2").lead_units == [
        "市科技局", "市教育局", "市自然资源和规划局", "市生态环境局", "市住建局", "市水务局", "市农业农村局", "市市场监管局",
    ]
    assert task(XUZHOU, "3.9.3").lead_units == [
        "市科协", "市委宣传部", "市科技局", "市工信局", "市自然资源和规划局", "市生态环境局", "市住建局", "市水务局",
        "市卫健委", "市应急管理局", "市市场监管局", "市体育局", "市气象局",
    ]
    assert task(XUZHOU, "3.9.1").lead_units == [
        "市委宣传部", "市科技局", "市应急管理局", "市科协", "市教育局", "市生态环境局", "市卫健委", "市农业农村局",
        "市文广旅局", "市气象局", "市总工会", "市妇联", "徐州广播电视台",
    ]
    assert task(XUZHOU, "3.5.3").lead_units == ["市委组织部"]
    assert not any("抄送" in t.text for t in plan(XUZHOU).tasks)


def test_tianqiao_typo_and_aliases() -> None:
    education = unit(TIANQIAO, "区教育和体育局")
    assert "区教育局和体育局" in education.aliases
    assert "区教育和体育局" in task(TIANQIAO, "4.2.3").lead_units
    development = unit(TIANQIAO, "区发展改革委")
    assert "区发展改革局" in development.aliases and development.lead_count == 3
    assert "区文旅局" in unit(TIANQIAO, "区文化和旅游局").aliases
    assert task(TIANQIAO, "4.2.1").lead_units == ["区委宣传部", "区文化和旅游局", "区科协"]
    # 团区委、\n\n区妇联 across a page break, half-width closing bracket
    assert task(TIANQIAO, "3.1.4").lead_units[-2:] == ["区妇联", "区科协"]
    assert task(TIANQIAO, "3.1.1").path == ["提升行动", "青少年科学素质提升行动", "弘扬和传承科学精神"]


def test_tianqiao_markdown_levels_do_not_break_the_tree() -> None:
    sections = plan(TIANQIAO).sections
    assert [s.number for s in sections] == ["一", "二", "三", "四", "五"]
    actions = sections[2]
    assert len(actions.children) == 5 and all(c.kind == "action" for c in actions.children)
    assert [c.number for c in actions.children[0].children] == ["——"] * 5


def _targets(name: str, task_id: str):
    return [(t.value, t.unit, t.comparator, t.period, t.deadline_year) for t in task(name, task_id).targets]


def test_targets() -> None:
    assert _targets(RUSHAN, "3.1.3") == [(200, "人次", ">=", "每年", None)]
    assert task(RUSHAN, "3.1.3").targets[0].subject == "培训科技辅导员"
    assert _targets(RUSHAN, "3.2.2") == [(1000, "名", ">=", "“十四五”期间", 2025)]
    daxiang = _targets(DAXIANG, "3.2.4")
    assert (160, "平方米", ">=", None, None) in daxiang
    assert (25, "%", ">=", "到2025年", 2025) in daxiang  # 不低于25%
    assert _targets(DAXIANG, "3.1.1") == [(20, "名", ">=", "每年", None)]
    assert (10, "家", ">=", "5年内", 2025) in _targets(DAXIANG, "3.1.2")  # 2021 plan: 5年内 → 2025
    assert (30, "家", "=", "到2025年底", 2025) in _targets(XUZHOU, "3.8.3")
    assert (10, "家", ">=", "到2025年底", 2025) in _targets(XUZHOU, "3.8.3")
    assert (80, "%", ">=", None, None) in _targets(XUZHOU, "3.9.3")
    assert _targets(XUZHOU, "3.2.1") == [(12000, "名", "=", "每年", None), (1800, "名", ">=", "每年", None)]
    assert (20, "场次", "~", "每年", None) in _targets(XUZHOU, "3.3.3")
    assert _targets(WEIHAI, "2.4") == [(200, "名", ">=", "每年", None)]


@pytest.mark.parametrize(
    ("name", "count"), [(RUSHAN, 2), (DAXIANG, 8), (WEIHAI, 1), (XUZHOU, 14), (TIANQIAO, 0)]
)
def test_target_counts(name, count) -> None:
    assert sum(len(t.targets) for t in plan(name).tasks) == count


@pytest.mark.parametrize(
    ("name", "count"), [(RUSHAN, 27), (DAXIANG, 22), (WEIHAI, 22), (XUZHOU, 27), (TIANQIAO, 22)]
)
def test_units_listed_once_with_counts(name, count) -> None:
    parsed = plan(name)
    assert len(parsed.units) == count
    assert len({u.name for u in parsed.units}) == count
    for entry in parsed.units:
        assert entry.lead_count == sum(entry.name in t.lead_units for t in parsed.tasks)
        assert entry.participating_count == sum(entry.name in t.participating_units for t in parsed.tasks)
        assert entry.lead_count + entry.participating_count > 0


@pytest.mark.parametrize("name", [RUSHAN, DAXIANG, WEIHAI, XUZHOU, TIANQIAO])
def test_output_validates_against_the_schema(name) -> None:
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    data = plan(name).to_dict()
    jsonschema.validate(data, schema, cls=jsonschema.Draft202012Validator)
    assert ParsedPlan.from_dict(data).to_dict() == data
