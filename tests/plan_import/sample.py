"""A small parsed plan for import tests that do not depend on the parser's reading of the seeds."""

from __future__ import annotations

from kesu.plans.model import HeadlineTarget, ParsedPlan, Period, Section, Target, Task, UnitEntry


def sample_plan(
    title: str = "乳山市全民科学素质行动规划纲要实施方案（2021—2025年）", doc_number: str = "乳政发〔2022〕6号"
) -> ParsedPlan:
    youth = Section("（一）", "青少年科学素质提升行动", kind="action")
    farmers = Section("（二）", "农民科学素质提升行动", kind="action")
    base = Section("（一）", "基层科普能力提升工程", kind="programme")
    return ParsedPlan(
        source="sample.txt",
        title=title,
        doc_number=doc_number,
        issuer="乳山市人民政府",
        date="2022-07-12",
        region="乳山市",
        period=Period(2021, 2025),
        headline_target=HeadlineTarget("公民具备科学素质的比例", 17.0, "%", 2025, "到2025年达到17%"),
        sections=[
            Section("三", "提升行动", children=[youth, farmers]),
            Section("四", "重点工程", children=[base]),
        ],
        tasks=[
            Task("3.1.1", ["提升行动", "青少年科学素质提升行动", "弘扬和传承科学精神"], "弘扬和传承科学精神",
                 "深入开展科学家精神进校园活动。", ["乳山市教育和体育局", "市科协"], [], "市教育和体育局、市科协按职责分工负责"),
            Task("3.1.2", ["提升行动", "青少年科学素质提升行动", "加强科技辅导员队伍建设"], "加强科技辅导员队伍建设",
                 "每年培训科技辅导员200人次以上。", ["市教体局"], ["团市委"], "市教体局牵头，团市委参与",
                 [Target("每年培训科技辅导员200人次以上", 200.0, "人次", ">=", "科技辅导员培训", "每年", None)]),
            Task("3.2.1", ["提升行动", "农民科学素质提升行动", "培育高素质农民"], "培育高素质农民",
                 "“十四五”期间培训高素质农民1000名以上。", ["市农业农村局"], ["市科协", "市妇联"], "",
                 [Target("培训高素质农民1000名以上", 1000.0, "名", ">=", "高素质农民培训", "“十四五”期间", 2024)]),
            Task("4.1.1", ["重点工程", "基层科普能力提升工程", "建设科普大篷车队伍"], "建设科普大篷车队伍",
                 "组建科普大篷车队伍。", ["市科协"], ["市财政局"], ""),
        ],
        units=[UnitEntry("市科协", aliases=["乳山市科学技术协会"]), UnitEntry("市妇联")],
        warnings=["示例提示：第12行的责任单位无法识别"],
    )


def fresh_plan() -> ParsedPlan:
    """A plan that is no revision of the factory's plan (other title and 文号)."""
    return sample_plan(title="乳山市科普示范工作方案", doc_number="乳政发〔2023〕1号")
