"""Units across the office's plans (issue 15, item 6): a close spelling of an existing unit is
pre-filled in the draft's mapping but doubtful until checked; the threshold is measured on the table
below; two names of one plan mapped to one unit are pointed out; confirmed spellings become aliases."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse
from rapidfuzz import fuzz
from tests.factories import PASSWORD
from tests.plan_import.sample import fresh_plan

from kesu.org.models import Unit
from kesu.org.unit_names import FUZZY_THRESHOLD, UnitMatcher
from kesu.plan_import import services

pytestmark = pytest.mark.django_db

# Spellings of one unit met in plans: one wrong character, 和 / 与 swapped or dropped, the region
# written out. These must reach the threshold.
SAME_UNIT = [
    ("市科学技术协会", "乳山市科学技术学会"), ("市教育和体育局", "市教育与体育局"), ("市文化和旅游局", "市文化旅游局"),
    ("市卫生健康委员会", "市卫生和健康委员会"), ("市人力资源和社会保障局", "市人力资源与社会保障局"),
    ("市住房和城乡建设局", "市住房城乡建设局"), ("市市场监督管理局", "市市场监督官理局"),
    ("乳山市自然资源和规划局", "市自然资源规划局"), ("市农业农村局", "乳山市农业和农村局"),
    ("市退役军人事务局", "市退役军人事物局"), ("市生态环境局", "市生态环境分局"),
    ("市新闻出版广电局", "市新闻出版广播电视局"), ("中共乳山市委宣传部", "乳山市委宣传部门"),
]  # fmt: skip
# Different units of one region, the closest first. These must stay under it.
DIFFERENT_UNITS = [
    ("市科学技术局", "市科学技术协会"), ("市教育局", "市体育局"), ("市民政局", "市财政局"), ("市委网信办", "市委编办"),
    ("市残疾人联合会", "市妇女联合会"), ("市委组织部", "市委宣传部"), ("市国有资产监督管理委员会", "市市场监督管理局"),
    ("市社会科学界联合会", "市科学技术协会"), ("市卫生健康委员会", "市发展和改革委员会"), ("市人力资源和社会保障局", "市医疗保障局"),
    ("市融媒体中心", "市青少年活动中心"), ("市公安局", "市司法局"), ("市气象局", "市地震局"), ("市农业农村局", "市水利局"),
    ("市发展和改革局", "市财政局"), ("市交通运输局", "市城市管理局"), ("市生态环境局", "市自然资源局"),
]  # fmt: skip
# Renamed or re-suffixed units (a 台 that became a 中心, 部门 for 局): not spellings, left to the office.
RENAMED = [("市广播电视台", "乳山市广播电视中心"), ("市应急管理局", "市应急管理部门"), ("市工业和信息化局", "市工业和信息化委员会")]


def _similarity(matcher: UnitMatcher, a: str, b: str) -> float:
    return fuzz.ratio(matcher.core(a), matcher.core(b))


def test_the_threshold_separates_spellings_of_one_unit_from_different_units(world):
    matcher = UnitMatcher(world.county)
    same = [_similarity(matcher, a, b) for a, b in SAME_UNIT]
    different = [_similarity(matcher, a, b) for a, b in DIFFERENT_UNITS]
    renamed = [_similarity(matcher, a, b) for a, b in RENAMED]
    # The figures behind FUZZY_THRESHOLD (80): spellings 83.3–93.3, different units at most 72.7.
    assert round(min(same), 1) == 83.3 and round(max(different), 1) == 72.7
    assert max(different) < FUZZY_THRESHOLD <= min(same)
    assert max(renamed) < FUZZY_THRESHOLD


def test_a_close_spelling_is_matched_with_its_similarity_and_an_ambiguous_one_is_not(world):
    edu = world.units["市教育和体育局"]
    match = UnitMatcher(world.county).match("乳山市教育和体肓局")
    assert match.unit == edu and match.similarity == 83 and match.reason == "名称相近（相似度 83）：市教育和体育局"
    assert UnitMatcher(world.county).match("市教育局").unit is None  # too short to tell from 市体育局

    Unit.objects.create(region=world.county, name="市科技馆一馆")
    Unit.objects.create(region=world.county, name="市科技馆二馆")
    ambiguous = UnitMatcher(world.county).match("市科技馆三馆")
    assert ambiguous.unit is None and "都相近" in ambiguous.reason


def _plan_with(*names):
    parsed = fresh_plan()
    parsed.judgements = []
    task = next(t for t in parsed.tasks if t.id == "3.1.1")
    task.lead_units = list(names)
    return parsed


def test_a_fuzzy_match_is_doubtful_in_the_preview_and_becomes_an_alias_on_confirm(world):
    office = world.users["office"]
    draft, _ = services.start_import(actor=office, region=world.county, parsed=_plan_with("乳山市教育和体肓局"))
    edu = world.units["市教育和体育局"]
    assert draft.mapping["乳山市教育和体肓局"] == edu.pk and draft.match_similarity == {"乳山市教育和体肓局": 83}

    client = Client()
    assert client.login(username="office", password=PASSWORD)
    html = client.get(reverse("plan_import:preview", args=[draft.token])).content.decode()
    panel = html[html.index('id="review"'):html.index("</section>", html.index('id="review"'))]
    assert 'data-item="unit:乳山市教育和体肓局"' in panel and "名称相近（相似度 83）：市教育和体育局" in panel
    # Similarity 83 on 80..100 gives 0.54; the plan also writes 市教体局 for that unit: 0.2 less.
    assert "共 1 项，其中 1 项待核对" in panel and "可能有误 34%" in panel and "也对应到" in panel

    services.confirm_import(actor=office, draft=draft)
    assert edu.aliases.filter(alias="乳山市教育和体肓局").exists()
    # The next plan that spells it so matches exactly.
    assert UnitMatcher(world.county).match("乳山市教育和体肓局").reason == "别名一致"


def test_two_names_of_one_plan_fuzzily_mapped_to_one_unit_are_pointed_out(world):
    office = world.users["office"]
    draft, _ = services.start_import(
        actor=office, region=world.county, parsed=_plan_with("乳山市教育和体肓局", "市教肓和体育局"),
    )
    edu = world.units["市教育和体育局"]
    assert draft.mapping["乳山市教育和体肓局"] == draft.mapping["市教肓和体育局"] == edu.pk
    client = Client()
    assert client.login(username="office", password=PASSWORD)
    html = client.get(reverse("plan_import:preview", args=[draft.token])).content.decode()
    # (市教体局, the plan's abbreviation of the same unit, is named too.)
    assert "方案中的“市教肓和体育局”“市教体局”也对应到“市教育和体育局”，请确认不是不同的单位" in html
    assert "方案中的“乳山市教育和体肓局”“市教体局”也对应到“市教育和体育局”，请确认不是不同的单位" in html

    # Mapping one of them by hand to a new unit checks it; the other is no longer shared.
    names = list(draft.mapping)
    client.post(reverse("plan_import:save_mapping", args=[draft.token]),
                {f"map-{names.index('市教肓和体育局')}": "new"})
    draft.refresh_from_db()
    assert draft.checked["unit:市教肓和体育局"]["how"] == "edited"
    html = client.get(reverse("plan_import:preview", args=[draft.token])).content.decode()
    assert "方案中的“市教体局”也对应到“市教育和体育局”" in html and "“市教肓和体育局”“市教体局”也对应到" not in html
