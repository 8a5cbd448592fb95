"""Traditional → simplified characters (kesu.plans.characters): words of office documents, the
characters that are simplified ones too, the seeds left alone, and a seed written in traditional
characters read like the seed."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import pytest
from opencc import OpenCC
from tests.paths import REPO, SEED_NAMES, SEEDS

from kesu.plans import ParsedPlan, PlanParseError, parse_file, parse_text
from kesu.plans.characters import count_traditional, has_traditional, to_simplified

# Words of plans reposted from Hong Kong and Taiwan sites, and their simplified forms. The second
# half are characters that the parser's former hand-made tables missed on real pages.
OFFICE_WORDS = [
    ("縣科協", "县科协"),
    ("婦聯", "妇联"),
    ("衛生健康委員會", "卫生健康委员会"),
    ("發展和改革委員會", "发展和改革委员会"),
    ("號", "号"),
    ("〔2022〕16號", "〔2022〕16号"),
    ("貴州省人民政府辦公廳", "贵州省人民政府办公厅"),
    ("關於印發", "关于印发"),
    ("團縣委", "团县委"),
    ("鄉鎮人民政府", "乡镇人民政府"),
    ("市場監督管理局", "市场监督管理局"),
    ("具備科學素質的比例", "具备科学素质的比例"),
    ("加強統籌", "加强统筹"),
    ("論壇", "论坛"),
    ("鶴峯縣", "鹤峰县"),
    ("積極", "积极"),
    ("基礎設施", "基础设施"),
    ("堅持", "坚持"),
    ("階段", "阶段"),
    ("獲得感", "获得感"),
    ("貢獻", "贡献"),
    ("劉", "刘"),
    ("蘭州", "兰州"),
    ("衞生", "卫生"),  # a Hong Kong form of 衛
    ("敍事", "叙事"),  # a Taiwan form of 敘
]


@pytest.mark.parametrize(("traditional", "simplified"), OFFICE_WORDS)
def test_office_words(traditional: str, simplified: str) -> None:
    assert to_simplified(traditional) == simplified
    assert has_traditional(traditional)
    assert count_traditional(traditional) == sum(a != b for a, b in zip(traditional, simplified, strict=True))
    assert to_simplified(simplified) == simplified
    assert not has_traditional(simplified)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("乾縣科協", "乾县科协"),  # 乾县, 乾安县: a county's name in simplified characters too
        ("乾隆", "乾隆"),
        ("幹部", "干部"),
        ("干部", "干部"),
        ("以後", "以后"),
        ("皇后", "皇后"),
        ("關於", "关于"),  # 於 of a plan is the traditional form of 于
        ("徵求意見", "征求意见"),
        ("成效顯著", "成效显著"),  # 著 of 显著 is a simplified character
        ("跟着", "跟着"),
        ("頭髮", "头发"),
    ],
)
def test_characters_that_are_simplified_too(text: str, expected: str) -> None:
    assert to_simplified(text) == expected


def test_positions_are_kept() -> None:
    text = "黔府辦發〔2022〕16號2022年05月19日 貴州省人民政府辦公廳𠁞"
    simplified = to_simplified(text)
    assert simplified == "黔府办发〔2022〕16号2022年05月19日 贵州省人民政府办公厅" + to_simplified("𠁞")
    assert len(simplified) == len(text)
    assert to_simplified("𠁞") != "𠁞"  # a character beyond the BMP has a class of its own
    assert has_traditional("𠁞") and count_traditional("縣𠁞x") == 2
    assert not has_traditional("𠀀县") and count_traditional("𠀀县") == 0


def _seed(name: str) -> str:
    return (SEEDS / name).read_text(encoding="utf-8")


@pytest.mark.parametrize("name", SEED_NAMES)
def test_simplified_seeds_are_left_alone(name: str) -> None:
    text = _seed(name)
    changed = {(a, b) for a, b in zip(text, to_simplified(text), strict=True) if a != b}
    # 004 prints one 人員 among simplified text; nothing else of a seed is changed
    assert changed == ({("員", "员")} if name.startswith("004_") else set())
    plan = parse_text(text, name)
    assert "正文为繁体字" not in " ".join(plan.warnings)
    names = [spelling for unit in plan.units for spelling in (unit.name, *unit.aliases)]
    assert names and all(to_simplified(spelling) == spelling for spelling in names)


@cache
def _plans(name: str) -> tuple[ParsedPlan, ParsedPlan]:
    text = _seed(name)
    # OpenCC's phrase-level conversion writes the seed as a Taiwan or Hong Kong site would print it
    traditional = OpenCC("s2t").convert(text)
    assert count_traditional(traditional) > len(text) // 5
    return parse_text(text, name), parse_text(traditional, name)


@pytest.mark.parametrize("name", SEED_NAMES)
def test_a_seed_in_traditional_characters_reads_like_the_seed(name: str) -> None:
    simplified, traditional = _plans(name)
    assert "正文为繁体字" in " ".join(traditional.warnings)
    assert [u.name for u in traditional.units] == [u.name for u in simplified.units]
    assert [(t.id, t.lead_units, t.participating_units) for t in traditional.tasks] == [
        (t.id, t.lead_units, t.participating_units) for t in simplified.tasks
    ]
    assert traditional.headline_target == simplified.headline_target
    assert [t.value for t in traditional.targets] == [t.value for t in simplified.targets]
    assert (traditional.date, traditional.region, traditional.period) == (
        simplified.date,
        simplified.region,
        simplified.period,
    )
    # title, 文号 and issuer stay as printed, in traditional characters
    for field in ("title", "doc_number", "issuer"):
        printed, plain = getattr(traditional, field), getattr(simplified, field)
        assert to_simplified(printed or "") == (plain or "")
        assert printed == plain or has_traditional(printed)


STRAY = (
    "青梧县全民科学素质行动实施方案\n"
    "一、主要目标\n到2025年，全县公民具备科学素质的比例达到12%。\n"
    "二、重点任务\n"
    "（一）开展青少年科技创新大赛。（县教育局、縣科協牵头，团县委参加）\n"
    "（二）举办科普讲座。（县科协牵头，县卫生健康局参加）\n"
)


def test_a_stray_traditional_unit_in_a_simplified_body_is_one_unit() -> None:
    plan = parse_text(STRAY)
    assert "县科协" in [u.name for u in plan.units]
    assert not any("縣" in u.name for u in plan.units)
    assert next(u for u in plan.units if u.name == "县科协").lead_count == 2
    assert "正文为繁体字" not in " ".join(plan.warnings)


# Repository fixtures whose layout patterns (keys glued inline, clause lines, a notice, a TAB table)
# must meet a traditional text as well as a simplified one.
LAYOUTS = [
    "tests/plans/corpus/p8_flattened_inline_keys.txt",
    "tests/plans/fixtures/unseen/paren_numbered_lines.txt",
    "tests/plans/corpus/p7_bare_notice_approved.txt",
    "tests/plans/corpus/p7_tab_table_no_title.txt",
]


@pytest.mark.parametrize("path", LAYOUTS)
def test_layouts_in_traditional_characters_read_like_simplified(path: str) -> None:
    text = (REPO / path).read_text(encoding="utf-8")
    simplified, traditional = parse_text(text), parse_text(OpenCC("s2t").convert(text))
    tasks = [(t.id, t.lead_units, t.participating_units) for t in traditional.tasks]
    assert tasks == [(t.id, t.lead_units, t.participating_units) for t in simplified.tasks]
    assert [u.name for u in traditional.units] == [u.name for u in simplified.units]
    assert (tasks, traditional.title) != ([], "")
    for field in ("title", "doc_number", "issuer", "date", "period"):
        assert to_simplified(str(getattr(traditional, field))) == str(getattr(simplified, field))


def test_a_meeting_report_in_traditional_characters_is_no_plan(tmp_path: Path) -> None:
    # read in simplified characters, 科學素質 is science-literacy content: the page is refused as the
    # report of a meeting, not for want of recognisable words
    page = tmp_path / "news.txt"
    page.write_text(
        "青梧新聞網\n首頁| 新聞| 政務\n我市全民科學素質行動工作推進會舉行\n2024-03-26 06:38\n"
        "近日，青梧市全民科學素質行動工作推進會在市科技館舉行。會議總結了2023年全民科學素質工作，"
        "部署了2024年重點工作。\n",
        encoding="utf-8",
    )
    with pytest.raises(PlanParseError, match="不是方案本身"):
        parse_file(page)
