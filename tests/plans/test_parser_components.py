"""Building blocks of the parser: clean-up, clauses, unit names, targets, metadata."""

from __future__ import annotations

from pathlib import Path

import pytest

from kesu.plans import parse_text
from kesu.plans.metadata import parse_date
from kesu.plans.normalize import clean_lines, join_paragraphs
from kesu.plans.responsibility import find_clauses
from kesu.plans.targets import extract_targets
from kesu.plans.units import build_catalogue, load_alias_dictionary, looks_like_unit, split_units


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


# --- text repairs for layouts of real pages (issue 15, round D); texts invented -------------------


def _texts(text: str) -> list[str]:
    return [p.text for p in join_paragraphs(clean_lines(text))]


def test_two_columns_flattened_line_by_line_are_read_column_by_column() -> None:
    rows = [
        ("青山县科普工作实施方案", "县乡镇科普站参加。每年培训"),
        ("青政发〔2024〕3号", "农民600人。"),
        ("青山县人民政府", "（二）老年人科普行动。由县"),
        ("2024年3月1日", "卫生健康局牵头，县民政局参"),
        ("一、重点任务", "加。建设科普学习点12个。"),
        ("（一）青少年科普行动。由县教", "（三）社区科普行动。由县科"),
        ("育局牵头，县科协、团县委参加", "协牵头，县民政局参加。新建"),
        ("。每年举办科普活动30场次。", "社区科普活动室5个。"),
        ("（二）农民科普行动。由县农业", "二、保障措施"),
        ("农村局牵头，县科协、县妇联、", "县财政局要将科普经费纳入预"),
    ]
    text = "\n".join(f"{left}  {right}" for left, right in rows)
    texts = _texts(text)
    assert texts[:4] == ["青山县科普工作实施方案", "青政发〔2024〕3号", "青山县人民政府", "2024年3月1日"]
    assert "（二）老年人科普行动。由县卫生健康局牵头，县民政局参加。建设科普学习点12个。" in texts
    assert "（一）青少年科普行动。由县教育局牵头，县科协、团县委参加。每年举办科普活动30场次。" in texts
    assert texts[-2:] == ["二、保障措施", "县财政局要将科普经费纳入预"]


def test_prose_with_one_space_is_not_taken_for_two_columns() -> None:
    text = "\n".join(["一、重点任务", "（一）开展 科普宣传。", "（二）建设 科普基地。", "（三）培训 科普人员。"] * 3)
    assert _texts(text)[0] == "一、重点任务"
    assert len(_texts(text)) == 12


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # numbering glyphs of converters, mid-line, start lines of their own
        ("工程 ⒊实施科普基础设施工程 ㈣ 强化保障", ["工程", "3.实施科普基础设施工程", "（四）强化保障"]),
        # Cyrillic Р standing for line breaks
        ("重要意义。Р责任单位：区科协Р——组织志愿者宣讲。", ["重要意义。", "责任单位：区科协", "——组织志愿者宣讲。"]),
        # a pinyin gloss after each character is dropped; (试行) is no gloss
        ("實(shí)施方案(试行)", ["實施方案(试行)"]),
        # [续上页] and a site's page marker 2、、 in front of a line that goes on
        ("[续上页] 责任单位：县科协", ["责任单位：县科协"]),
        ("与市科技局、市科协\n\n2、、市教育局共同举办。", ["与市科技局、市科协、市教育局共同举办。"]),
        # items glued after a clause's closing bracket, keys glued after a title
        ("宣讲活动。（责任单位：市科协）7.建设科普基地。", ["宣讲活动。（责任单位：市科协）", "7.建设科普基地。"]),
        ("实施科普工程 牵头部门:县科协 责任单位:县财政局", ["实施科普工程", "牵头部门:县科协；责任单位:县财政局"]),
        # field lines stay apart; a short key line closed by 。 goes on into the next key line
        ("责任单位：市科协\n时间：9月18日\n地点：市广场", ["责任单位：市科协", "时间：9月18日", "地点：市广场"]),
        ("总牵头部门：市科协。\n责任单位：市教育局。", ["总牵头部门：市科协；责任单位：市教育局。"]),
    ],
)
def test_lost_line_breaks_are_restored(text: str, expected: list[str]) -> None:
    assert _texts(text) == expected


# --- round 2 (task E): flattened site pages, dates opening items, targets that are no targets ---


def test_site_page_numbers_are_joined_and_glued_numbering_split() -> None:
    page_one = "1、镇科普月方案各村:为做好科普月工作，制定本方案。一、活动主题科普惠民。二、活动安排(一)开展集中宣传" + "活动" * 40 + "1.利用集日开展宣传;2.各村悬挂横幅;(二)开展技术培训组织农技人员深入田间" + "地头" * 10
    text = page_one + "\n2、开展培训(责任单位:镇农业服务中心)。\n"
    paragraphs = _paragraphs(text)
    assert "一、活动主题科普惠民。" in paragraphs
    assert "1.利用集日开展宣传;" in paragraphs
    assert any(p.startswith("(二)开展技术培训") and p.endswith("开展培训(责任单位:镇农业服务中心)。") for p in paragraphs)


def test_a_numbered_list_of_whole_items_is_no_site_pages() -> None:
    text = "1、" + "开展科普讲座。" * 30 + "\n2、" + "建设科普画廊。" * 30 + "\n"
    assert len(_paragraphs(text)) == 2


def test_numbers_inside_a_sentence_stay() -> None:
    line = "要统一、规范地开展工作，纪念九、一八事变，" + "并做好宣传" * 30 + "。"
    assert _paragraphs(line) == [line]


def test_an_item_may_open_with_a_date_and_a_far_number_goes_on_a_sentence() -> None:
    text = "三、活动内容\n1、9月17日在社区悬挂标语。\n2、9月23日在广场放映电影，纪念\n九、一八，欢度国庆。\n"
    plan = parse_text(text)
    assert [t.title[:8] for t in plan.tasks] == ["9月17日在社区", "9月23日在广场"]
    assert "九、一八" in plan.tasks[1].text


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("要求各单位制作展板5块左右（规格1.2米×0.9米）。", [(5.0, "块")]),
        ("区卫生局、10个街办等12个单位组织科技人员开展义诊。", []),
        ("每年举办科普活动不少于40场次。", [(40.0, "场次")]),
    ],
)
def test_sizes_and_actor_counts_are_no_targets(text, expected) -> None:
    assert [(t.value, t.unit) for t in extract_targets(text)] == expected


def test_a_bare_goals_heading_keeps_its_targets_at_plan_level() -> None:
    text = "科普日活动方案\n工作目标\n全县举办科普活动不少于40场次。\n重点任务\n1.开展科普讲座。（县科协负责）\n"
    assert [(t.value, t.unit) for t in parse_text(text).targets] == [(40.0, "场次")]


@pytest.mark.parametrize(
    ("text", "names"),
    [
        ("城关镇党委和政府", ["城关镇党委", "城关镇人民政府"]),
        ("市科协等七部门", ["市科协"]),
        ("农口各单位", ["农口各单位"]),
        ("各有关单位组织收看", ["各有关单位"]),
    ],
)
def test_split_units_round_two(text, names) -> None:
    assert split_units(text) == names


def test_role_words_before_a_key_are_no_units() -> None:
    assert not any(looks_like_unit(name) for name in ("主办", "承办", "协办"))
    assert [c.participants for c in find_clauses("（1）主办、承办、协办单位：")] in ([], [[]])
