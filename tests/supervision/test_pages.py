"""The office pages render for the office and leaders, refuse unit reporters (403), hide other
regions' objects (404), and leaders cannot change scores."""

import datetime

import pytest
from django.urls import reverse
from tests.pagetext import kpi_cards, parse

from kesu.audit.registry import history_for
from kesu.planning.models import Task
from kesu.supervision.models import ScoreAdjustment, ScoreWeights

pytestmark = pytest.mark.django_db


def page_urls(plan, unit):
    return {
        "dashboard": reverse("supervision:dashboard", args=[plan.pk]),
        "matrix": reverse("supervision:matrix", args=[plan.pk]),
        "scorecard": reverse("supervision:scorecard", args=[plan.pk]),
        "unit": reverse("supervision:unit_page", args=[unit.pk]),
    }


@pytest.mark.parametrize("role", ["office", "leader", "statistician", "city_office"])
def test_pages_render_for_office_and_leaders(client, scored_world, role):
    world = scored_world
    client.force_login(world.users[role])
    urls = page_urls(world.plan, world.units["市农业农村局"])
    dashboard = client.get(urls["dashboard"])
    assert dashboard.status_code == 200
    body = dashboard.content.decode()
    # The headline card shows the plan's own headline figure (17.0 % by 2025 in the world), and the
    # task count is the plan's tasks.
    plan = world.plan
    headline = parse(body).find(cls="headline")
    assert headline.find(cls="kpi-label").text == f"{plan.headline_indicator}目标"
    assert headline.find(cls="kpi-value").text == f"{plan.headline_value:g}{plan.headline_unit}" == "17%"
    assert headline.find(cls="muted").text == f"{plan.headline_year}年" == "2025年"
    cards = kpi_cards(body)
    assert cards["任务总数"] == str(Task.objects.filter(plan=plan).count()) == "3"
    assert sum(int(cards[label]) for label in ("绿灯（正常）", "黄灯（预警）", "红灯（滞后）")) == 3
    assert 'id="dashboard-charts"' in body and "vendor/echarts.min.js" in body
    assert "培育高素质农民" in body
    matrix = client.get(urls["matrix"]).content.decode()
    assert "3.2.1 培育高素质农民" in matrix and ">牵<" in matrix and ">参<" in matrix
    scorecard = client.get(urls["scorecard"]).content.decode()
    assert "2024年度目标管理考核" in scorecard and 'data-unit="市农业农村局"' in scorecard
    unit = client.get(urls["unit"]).content.decode()
    assert "市农业农村局" in unit and "培育高素质农民" in unit and "目标管理考核" in unit


def test_unit_reporter_gets_403_on_office_pages_but_sees_own_unit(client, scored_world):
    world = scored_world
    client.force_login(world.users["edu"])
    urls = page_urls(world.plan, world.units["市教育和体育局"])
    for name in ("dashboard", "matrix", "scorecard"):
        assert client.get(urls[name]).status_code == 403, name
    for name in ("export_tasks", "export_ledger", "export_scorecard"):
        assert client.get(reverse(f"supervision:{name}", args=[world.plan.pk])).status_code == 403, name
    assert client.get(reverse("supervision:dashboard_home")).status_code == 403
    assert client.get(urls["unit"]).status_code == 200
    assert client.get(reverse("supervision:unit_page", args=[world.units["团市委"].pk])).status_code == 404


def test_other_region_objects_are_404(client, scored_world):
    world = scored_world
    client.force_login(world.users["other_office"])
    urls = page_urls(world.plan, world.units["市科协"])
    for name, url in urls.items():
        assert client.get(url).status_code == 404, name
    assert client.get(reverse("supervision:export_ledger", args=[world.plan.pk])).status_code == 404
    response = client.post(reverse("supervision:scorecard_weights", args=[world.plan.pk]),
                           {"on_time_reporting": 50, "target_completion": 25, "review_outcome": 25})
    assert response.status_code == 404


def test_leader_cannot_post_weights_or_adjustments(client, scored_world):
    world = scored_world
    client.force_login(world.users["leader"])
    weights = client.post(reverse("supervision:scorecard_weights", args=[world.plan.pk]),
                          {"on_time_reporting": 50, "target_completion": 25, "review_outcome": 25})
    adjustment = client.post(reverse("supervision:scorecard_adjustment", args=[world.plan.pk]),
                             {"unit": world.units["市科协"].pk, "year": 2024, "points": 5, "reason": "表彰"})
    assert weights.status_code == 403 and adjustment.status_code == 403
    # Refused before the form is read: an empty or invalid form is 403 too, not a redirect with a message.
    for name in ("supervision:scorecard_weights", "supervision:scorecard_adjustment"):
        assert client.post(reverse(name, args=[world.plan.pk]), {}).status_code == 403, name
    # And the forms are not offered.
    page = client.get(reverse("supervision:scorecard", args=[world.plan.pk])).content.decode()
    assert reverse("supervision:scorecard_weights", args=[world.plan.pk]) not in page
    assert reverse("supervision:scorecard_adjustment", args=[world.plan.pk]) not in page
    assert not ScoreWeights.objects.exists() and not ScoreAdjustment.objects.exists()


def test_office_edits_weights_and_adjustments_with_audit_and_clear_errors(client, scored_world):
    world = scored_world
    client.force_login(world.users["office"])
    url = reverse("supervision:scorecard_weights", args=[world.plan.pk])
    bad = client.post(url, {"on_time_reporting": 50, "target_completion": 40, "review_outcome": 30}, follow=True)
    assert "三项权重之和须为 100 分，当前为 120 分" in bad.content.decode()
    assert not ScoreWeights.objects.exists()
    client.post(url, {"on_time_reporting": 50, "target_completion": 25, "review_outcome": 25, "reason": "年度调整"})
    weights = ScoreWeights.objects.get(plan=world.plan)
    assert (weights.on_time_reporting, weights.target_completion, weights.review_outcome) == (50, 25, 25)
    entry = history_for(weights).get()
    assert entry.actor == world.users["office"] and entry.after["on_time_reporting"] == 50

    adjust = reverse("supervision:scorecard_adjustment", args=[world.plan.pk])
    missing_reason = client.post(adjust, {"unit": world.units["市科协"].pk, "year": 2024, "points": 5, "reason": " "},
                                 follow=True)
    assert "加减分须填写理由" in missing_reason.content.decode()
    too_big = client.post(adjust, {"unit": world.units["市科协"].pk, "year": 2024, "points": 50, "reason": "x"},
                          follow=True)
    assert "单次加减分不能超过 ±20 分" in too_big.content.decode()
    client.post(adjust, {"unit": world.units["市科协"].pk, "year": 2024, "points": 3, "reason": "承办省级活动"})
    adjustment = ScoreAdjustment.objects.get()
    assert adjustment.created_by == world.users["office"]
    assert history_for(adjustment).get().actor == world.users["office"]


def test_matrix_filters_and_htmx_partial(client, scored_world):
    world = scored_world
    client.force_login(world.users["office"])
    url = reverse("supervision:matrix", args=[world.plan.pk])
    farmers_group = world.tasks[2].group
    partial = client.get(url, {"group": farmers_group.pk}, HTTP_HX_REQUEST="true")
    body = partial.content.decode()
    assert body.lstrip().startswith('<div id="matrix">') and "<html" not in body
    assert _task_rows(body) == ["3.2.1"]  # the one task of 农民科学素质提升行动
    by_unit = client.get(url, {"unit": world.units["团市委"].pk}).content.decode()
    assert _task_rows(by_unit) == ["3.1.2"]  # 团市委 takes part in 3.1.2 only
    assert _task_rows(client.get(url).content.decode()) == ["3.1.1", "3.1.2", "3.2.1"]
    bad = client.get(url, {"status": "purple", "unit": "abc"}).content.decode()
    assert "筛选条件“状态”无效：purple" in bad and "筛选条件“单位”无效：abc" in bad


def test_city_office_switches_to_county_plan_and_home_redirects(client, scored_world):
    world = scored_world
    client.force_login(world.users["city_office"])
    response = client.get(reverse("supervision:dashboard_home"), {"plan": world.plan.pk})
    assert response.status_code == 302 and response.url == reverse("supervision:dashboard", args=[world.plan.pk])
    assert client.get(reverse("supervision:dashboard_home"), {"plan": world.other_plan.pk}).status_code == 404
    assert client.get(reverse("home")).url == reverse("supervision:dashboard_home")
    client.force_login(world.users["edu"])
    assert client.get(reverse("home")).url == reverse("progress:my_tasks")


def test_dashboard_numbers_match_the_board(client, scored_world, monkeypatch):
    world = scored_world
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *a, **k: datetime.date(2025, 2, 1))
    client.force_login(world.users["office"])
    response = client.get(reverse("supervision:dashboard", args=[world.plan.pk]))
    page = parse(response.content)
    # By hand from scored_world on 2025-02-01: 3.1.1 lacks only 市科协's second half, 17 days late
    # (amber); 3.1.2 has 团市委's first half returned on 2024-07-14 and never resubmitted (red); 3.2.1
    # lacks 市科协's first half, due 2024-07-15 (red).
    assert kpi_cards(response.content) == {
        "公民具备科学素质的比例目标": "17%", "任务总数": "3", "绿灯（正常）": "0", "黄灯（预警）": "1", "红灯（滞后）": "2",
    }
    charts = response.context["charts"]
    assert charts["status_pie"]["series"][0]["data"] == [0, 1, 2]

    today = datetime.date(2025, 2, 1)
    first_due, second_due = (period.due for period in world.periods)
    late_first, late_second = (today - first_due).days, (today - second_due).days
    returned_for = (today - datetime.date(2024, 7, 14)).days
    assert (late_first, late_second, returned_for) == (201, 17, 202)
    # Reds first, then the longest wait, then the plan's task order.
    overdue = _section(page, "逾期与退回")
    assert overdue.find("h2").text == "逾期与退回（6）"
    assert [_cells(row)[1:] for row in overdue.find("tbody").find_all("tr")] == [
        ["3.1.2 加强科技辅导员队伍建设", "团市委", "2024年上半年", f"团市委 2024年上半年报告被退回 {returned_for} 天未重新报送"],
        ["3.2.1 培育高素质农民", "市科协", "2024年上半年", f"市科协 2024年上半年报告逾期 {late_first} 天未报送"],
        ["3.1.1 弘扬和传承科学精神", "市科协", "2024年下半年", f"市科协 2024年下半年报告逾期 {late_second} 天未报送"],
        ["3.1.2 加强科技辅导员队伍建设", "市教育和体育局", "2024年下半年",
         f"市教育和体育局 2024年下半年报告逾期 {late_second} 天未报送"],
        ["3.1.2 加强科技辅导员队伍建设", "团市委", "2024年下半年", f"团市委 2024年下半年报告逾期 {late_second} 天未报送"],
        ["3.2.1 培育高素质农民", "市科协", "2024年下半年", f"市科协 2024年下半年报告逾期 {late_second} 天未报送"],
    ]

    # The ranking, by hand: a report is on time when first submitted by its due date (市教育和体育局's
    # 3.1.1 second half came on 2025-01-20, after 01-15; 团市委's returned report was first sent on
    # time); completion is the accepted to-date figure over the target (550 of 1000, 150 of 200).
    ranking = page.find("table", id="unit-ranking").find("tbody").find_all("tr")
    assert [_cells(row)[:6] for row in ranking] == [
        ["1", "市农业农村局", "100%", "2/2", "55%", "0"],
        ["2", "市教育和体育局", "50%", "2/4", "75%", "1"],
        ["3", "团市委", "50%", "1/2", "—", "1"],
        ["4", "市科协", "25%", "1/4", "—", "0"],
    ]


def _section(page, heading: str):
    """The page section whose heading starts with ``heading``."""
    found = [s for s in page.find_all("section") if s.find_all("h2") and s.find_all("h2")[0].text.startswith(heading)]
    assert len(found) == 1, heading
    return found[0]


def _task_rows(html: str) -> list[str]:
    return [row.attrs["data-task"] for row in parse(html).find_all("tr") if "data-task" in row.attrs]


def _cells(row) -> list[str]:
    return [cell.text for cell in row.find_all("td")]
