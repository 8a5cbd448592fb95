"""Coverage: the city's tasks × its county plans (covered / to confirm / missing), the national headings a
plan covers directly or through its parent's links, the page, the workbook and who may see them."""

from __future__ import annotations

from io import BytesIO

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from kesu.cascade import coverage
from kesu.cascade.coverage import Cover
from kesu.cascade.models import PlanParent, TaskLink

pytestmark = pytest.mark.django_db


def _cells(matrix):
    return {(row.code, child.region): cell.cover
            for row in matrix.rows for child, cell in zip(matrix.children, row.cells, strict=True)}


def test_matrix_cells_and_counts(world, tree):
    matrix = coverage.task_matrix(world.users["city_office"], tree.city_plan)
    assert [c.region for c in matrix.children] == ["文登区", "乳山市"]  # by region code
    assert _cells(matrix) == {
        ("1", "乳山市"): Cover.COVERED, ("2", "乳山市"): Cover.COVERED,
        ("3", "乳山市"): Cover.MISSING,  # only a proposal at 0.4, below the 0.5 threshold
        ("1", "文登区"): Cover.COVERED, ("2", "文登区"): Cover.COVERED,
        ("3", "文登区"): Cover.PROPOSED,  # a proposal at 0.6
    }
    rushan = next(row for row in matrix.rows if row.code == "1").cells[1]
    assert rushan.child_tasks == ("3.1.2",) and rushan.label == "已覆盖"
    counts = {c.child.region: (c.covered, c.proposed, c.missing) for c in matrix.counts}
    assert counts == {"乳山市": (2, 0, 1), "文登区": (2, 1, 0)}


def test_a_confirmed_link_beats_a_proposal_and_a_removed_link_uncovers(world, tree):
    TaskLink.objects.filter(task=tree.wendeng_tasks[2]).update(state="confirmed")
    TaskLink.objects.filter(task=world.tasks[1]).delete()
    cells = _cells(coverage.task_matrix(world.users["city_office"], tree.city_plan))
    assert cells[("3", "文登区")] == Cover.COVERED and cells[("1", "乳山市")] == Cover.MISSING


def test_national_headings_directly_and_through_the_parent(world, tree):
    city = coverage.national_coverage(world.users["city_office"], tree.city_plan)
    state = {h.code: h.cover for h in city.headings}
    assert state["A1"] == Cover.COVERED and state["A2"] == Cover.COVERED and state["P1"] == Cover.PROPOSED
    assert city.through_plans == () and "国家纲要条目的对应" in city.source
    left = {h.code for h in city.left_out}
    assert {"A3", "A4", "A5", "P2", "S1"} <= left and not {"A1", "A2", "P1"} & left
    assert not any(h.code.startswith("L") for h in city.headings)  # local additions count under theirs

    rushan = coverage.national_coverage(world.users["city_office"], world.plan)
    state = {h.code: h for h in rushan.headings}
    assert state["A1"].cover == Cover.COVERED and state["A1"].tasks == ("3.1.2",)
    assert state["A2"].cover == Cover.COVERED and state["P1"].cover == Cover.MISSING
    assert rushan.through_plans == (tree.city_plan.title,) and "上级方案任务" in rushan.source

    wendeng = coverage.national_coverage(world.users["city_office"], tree.wendeng_plan)
    assert {h.code: h.cover for h in wendeng.headings}["P1"] == Cover.PROPOSED  # 0.6 then 0.8: to confirm


def test_local_additions_count_under_their_national_heading(world, city_plan):
    PlanParent.objects.create(plan=world.plan, national_version="1")
    TaskLink.objects.create(task=world.tasks[0], national_code="L1", state="confirmed")
    result = coverage.national_coverage(world.users["office"], world.plan)
    assert {h.code for h in result.headings if h.cover == Cover.COVERED} == {"P4"}
    no_parent = coverage.national_coverage(world.users["office"], city_plan)
    assert not no_parent.has_parent and "尚未设定上级方案" in no_parent.source


def test_the_page_colours_and_words_the_cells(world, tree, client_for):
    body = client_for("city_office").get(reverse("cascade:coverage", args=[tree.city_plan.pk])).content.decode()
    assert body.count('class="cover-covered">已覆盖') == 6  # four matrix cells, A1 and A2 in the headings
    assert body.count('class="cover-proposed">待确认') == 2  # 文登区 × task 3, and P1 in the headings table
    assert "文登区" in body and "乳山市" in body and "未覆盖的条目" in body and "A3 " in body
    links = client_for("city_office").get(reverse("cascade:plan_links", args=[tree.city_plan.pk])).content.decode()
    assert reverse("cascade:coverage", args=[tree.city_plan.pk]) in links
    assert reverse("cascade:export", args=[tree.city_plan.pk]) in links


def test_the_workbook_holds_the_matrix(world, tree, client_for):
    response = client_for("city_office").get(reverse("cascade:export", args=[tree.city_plan.pk]))
    assert response.status_code == 200 and "attachment" in response["Content-Disposition"]
    book = load_workbook(BytesIO(response.content))
    assert book.sheetnames == ["任务覆盖", "国家纲要覆盖", "目标一致性"]
    sheet = book["任务覆盖"]
    assert sheet.cell(2, 2).value.startswith("文登区") and sheet.cell(2, 3).value.startswith("乳山市")
    rows = {sheet.cell(r, 1).value: (sheet.cell(r, 2).value, sheet.cell(r, 3).value) for r in range(3, 6)}
    assert rows["1 青少年科学素质提升行动"] == ("已覆盖（w1）", "已覆盖（3.1.2）")
    assert rows["3 科普基础设施工程"] == ("待确认（w3）", "未覆盖")
    assert sheet.cell(5, 3).fill.fgColor.rgb.endswith("FFC7CE")
    national = {book["国家纲要覆盖"].cell(r, 1).value: book["国家纲要覆盖"].cell(r, 3).value for r in range(3, 14)}
    assert national["A1"] == "已覆盖" and national["A3"] == "未覆盖"


def test_who_may_see_coverage(world, tree, client_for):
    city_page = reverse("cascade:coverage", args=[tree.city_plan.pk])
    county_page = reverse("cascade:coverage", args=[world.plan.pk])
    assert client_for("city_office").get(county_page).status_code == 200
    for user in ("leader", "statistician", "office"):
        assert client_for(user).get(county_page).status_code == 200
        assert client_for(user).get(city_page).status_code == 404  # the city's plan is above them
    assert client_for("edu").get(county_page).status_code == 403
    assert client_for("other_office").get(county_page).status_code == 404
    assert client_for("other_office").get(reverse("cascade:export", args=[world.plan.pk])).status_code == 404
    assert client_for("city_office").post(city_page).status_code == 405
