"""Target consistency: headlines against the parent's and the national one, counties' sums against the
city's counts, each county's rate against the city's, units that differ as 不可比, page, sheet, access."""

from __future__ import annotations

from io import BytesIO

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from kesu.cascade import consistency
from kesu.cascade.consistency import BELOW, CONSISTENT, NOT_COMPARABLE
from kesu.cascade.models import TaskLink
from kesu.planning.models import Target

pytestmark = pytest.mark.django_db


def _checks(world, tree):
    return {c.text: c for c in consistency.target_checks(world.users["city_office"], tree.city_plan)}


def test_headlines_against_the_parent_and_the_national_target(world, tree):
    checks = {c.plan.region: c for c in consistency.headline_checks(world.users["city_office"], tree.city_plan)}
    city = checks["威海市"]
    assert city.parent is None and city.national.value == 15 and city.versus_national == CONSISTENT
    assert checks["乳山市"].parent.value == 16 and checks["乳山市"].versus_parent == CONSISTENT
    assert checks["文登区"].versus_parent == BELOW and checks["文登区"].versus_national == BELOW
    assert [c.plan.region for c in checks.values() if c.listed] == ["文登区"]
    # Seen from the county: its own headline against the city's.
    own = consistency.headline_checks(world.users["office"], world.plan)
    assert len(own) == 1 and own[0].parent.value == 16 and own[0].versus_parent == CONSISTENT


def test_a_headline_in_another_unit_is_not_comparable(world, tree):
    tree.wendeng_plan.headline_unit = "‰"
    tree.wendeng_plan.save()
    wendeng = consistency.headline_check(tree.wendeng_plan, tree.city_plan)
    assert wendeng.versus_parent == NOT_COMPARABLE and not wendeng.listed


def test_counties_sums_against_the_city_count(world, tree):
    checks = _checks(world, tree)
    youth = checks["每年培训科技辅导员500人次以上"]
    assert youth.summed and youth.total == 450 and youth.verdict == BELOW
    assert youth.rule == "下级目标合计应不低于上级目标"
    farmers = checks["“十四五”期间培训高素质农民3000名以上"]
    assert farmers.total == 3500 and farmers.verdict == CONSISTENT and not farmers.listed
    # 3 万名 from 文登 is 30000 名 in the sum.
    Target.objects.filter(task=tree.wendeng_tasks[1], unit="名").update(value=3, unit="万名")
    assert _checks(world, tree)["“十四五”期间培训高素质农民3000名以上"].total == 31000


def test_each_county_rate_against_the_city_rate(world, tree):
    rate = _checks(world, tree)["农村中小学科普活动覆盖率达到90%"]
    assert not rate.summed and rate.total is None and rate.verdict == BELOW
    assert {c.region: c.verdict for c in rate.children} == {"乳山市": BELOW, "文登区": CONSISTENT}
    Target.objects.filter(task=world.tasks[2], unit="%").update(value=92)
    assert _checks(world, tree)["农村中小学科普活动覆盖率达到90%"].verdict == CONSISTENT


def test_mismatched_units_are_not_comparable(world, tree):
    youth = _checks(world, tree)["每年培训科技辅导员500人次以上"]
    assert [(c.region, c.text, c.value) for c in youth.not_comparable] == [("文登区", "建设科普e站10个", None)]
    assert youth.total == 450  # the 个 target is never added to the 人次 ones
    # With only a unit that the city's target lacks, the check itself is 不可比, not 一致.
    Target.objects.filter(task__in=[world.tasks[1], tree.wendeng_tasks[0]], unit="人次").update(unit="个次")
    assert _checks(world, tree)["每年培训科技辅导员500人次以上"].verdict == NOT_COMPARABLE


def test_yearly_and_cumulative_counts_are_not_summed(world, tree):
    Target.objects.filter(task=tree.wendeng_tasks[0], unit="人次").update(period="“十四五”期间", text="累计培训1250人次")
    youth = _checks(world, tree)["每年培训科技辅导员500人次以上"]
    assert youth.total == 200 and {c.text: c.verdict for c in youth.children}["累计培训1250人次"] == NOT_COMPARABLE


def test_only_confirmed_links_count(world, tree):
    TaskLink.objects.filter(task=tree.wendeng_tasks[0]).update(state="proposed", score=0.9)
    youth = _checks(world, tree)["每年培训科技辅导员500人次以上"]
    assert youth.total == 200 and [c.region for c in youth.children] == ["乳山市"]


def test_page_and_sheet_list_the_differences(world, tree, client_for):
    office = client_for("city_office")
    body = office.get(reverse("cascade:consistency", args=[tree.city_plan.pk])).content.decode()
    assert 'class="verdict-bad">低于上级' in body and "文登区 w1：建设科普e站10个（不可比）" in body
    assert "450 人次" in body and "各下级目标逐一不低于上级目标" in body
    book = load_workbook(BytesIO(office.get(reverse("cascade:export", args=[tree.city_plan.pk])).content))
    sheet = book["目标一致性"]
    rows = [[cell.value for cell in row] for row in sheet.iter_rows(min_row=3)]
    youth = next(r for r in rows if r[1] == "1 青少年科学素质提升行动")
    assert youth[3] == "下级合计 450 人次" and youth[5] == BELOW and "建设科普e站10个（不可比）" in youth[6]
    wendeng = next(r for r in rows if r[0] == "总体目标" and r[1].startswith("文登区"))
    assert "对上级：低于上级" in wendeng[5]


def test_who_may_see_consistency(world, tree, client_for):
    page = reverse("cascade:consistency", args=[world.plan.pk])
    for user in ("office", "leader", "statistician", "city_office"):
        assert client_for(user).get(page).status_code == 200
    assert client_for("edu").get(page).status_code == 403
    assert client_for("other_office").get(page).status_code == 404
    assert client_for("leader").get(reverse("cascade:consistency", args=[tree.city_plan.pk])).status_code == 404
