"""The supervision pages (dashboard, matrix, review queue, API statuses) are served from the per-process
fragment cache (kesu.supervision.page_cache) until what they show changes: a write through the services
shows at once, and so does a write by another process, which only replaces the plan's version token
in the database. Each viewer gets their own shell and variant, and the CSRF token in a page whose body
came from the cache is the viewer's own."""

from __future__ import annotations

import datetime
import json
import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from tests.factories import make_user

from kesu.api.tokens import create_token
from kesu.caching import versions
from kesu.org.models import Role, Unit
from kesu.planning.models import Plan
from kesu.progress import services
from kesu.progress.models import ProgressReport, ReportStatus

pytestmark = pytest.mark.django_db

# Tables a page reads only when it computes its body; a page served from the cache reads none of them.
BODY_TABLES = ("planning_task", "planning_taskunit", "progress_progressreport", "progress_reportingperiod",
               "planning_section")


def client_for(user, **options) -> Client:
    client = Client(**options)
    client.force_login(user)
    return client


def api_client_for(user) -> Client:
    _, raw_token = create_token(user=user, name="test")
    return Client(headers={"Authorization": f"Bearer {raw_token}"})


def urls(plan) -> dict[str, str]:
    return {
        "dashboard": reverse("supervision:dashboard", args=[plan.pk]),
        "matrix": reverse("supervision:matrix", args=[plan.pk]),
        "review": reverse("progress:review_queue"),
        "api": f"/api/plans/{plan.pk}/statuses",
    }


def text(client, url, **params) -> str:
    response = client.get(url, params)
    assert response.status_code == 200, (url, response.status_code)
    return response.content.decode()


def queued(page: str) -> list[int]:
    return [int(pk) for pk in re.findall(r'data-report="(\d+)"', page)]


def api_reasons(api, plan, task) -> str:
    """Every status reason the API gives for one task (the task's and each unit's), as one text."""
    [item] = [i for i in api.get(urls(plan)["api"]).json()["items"] if i["task_id"] == task.pk]
    return json.dumps([item["status"]] + [u["status"] for u in item["units"]], ensure_ascii=False)


def submit(task, period, reporter):
    return services.save_report(
        actor=reporter, task=task, period=period, expected_revision=0, narrative="本期按计划完成", submit=True,
    )


def csrf_token(page: str) -> str:
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)


# 3.1.1 has no targets: once both of its reports are in, all the education bureau's cell in the matrix
# can say is what happened to them.
RETURNED = "市教育和体育局 2024年上半年报告被退回"


def test_reports_submitted_then_returned_show_at_once_on_every_page(world):
    spirit, (first_half, second_half) = world.tasks[0], world.periods
    office = client_for(world.users["office"])
    api = api_client_for(world.users["office"])
    page_urls = urls(world.plan)
    assert queued(text(office, page_urls["review"])) == []
    for name in ("dashboard", "matrix"):
        assert RETURNED not in text(office, page_urls[name])
    assert "市教育和体育局 2024年上半年报告逾期" in api_reasons(api, world.plan, spirit)

    report = submit(spirit, first_half, world.users["edu"])
    later = submit(spirit, second_half, world.users["edu"])

    assert queued(text(office, page_urls["review"])) == [report.pk, later.pk]
    assert "市教育和体育局 2024年上半年报告逾期" not in api_reasons(api, world.plan, spirit)

    services.return_report(actor=world.users["office"], report=report, expected_revision=report.revision,
                           comment="请补充活动照片")

    assert queued(text(office, page_urls["review"])) == [later.pk]
    assert RETURNED in text(office, page_urls["dashboard"])
    assert RETURNED in text(office, page_urls["matrix"])
    assert RETURNED in text(office, page_urls["matrix"], unit=world.units["市教育和体育局"].pk)
    assert RETURNED in api_reasons(api, world.plan, spirit)


def test_a_write_by_another_process_shows_once_it_replaces_the_token(world):
    spirit, (first_half, second_half) = world.tasks[0], world.periods
    report = submit(spirit, first_half, world.users["edu"])
    later = submit(spirit, second_half, world.users["edu"])
    office = client_for(world.users["office"])
    api = api_client_for(world.users["office"])
    page_urls = urls(world.plan)
    assert queued(text(office, page_urls["review"])) == [report.pk, later.pk]
    assert RETURNED not in text(office, page_urls["dashboard"])
    assert RETURNED not in text(office, page_urls["matrix"])
    assert RETURNED not in api_reasons(api, world.plan, spirit)

    # Another process's write, seen by this one only through the database: a row changed without a
    # signal here...
    ProgressReport.objects.filter(pk=report.pk).update(status=ReportStatus.RETURNED, reviewed_at=timezone.now())
    # ...is not seen while the token stands (the pages come from the cache)...
    assert queued(text(office, page_urls["review"])) == [report.pk, later.pk]
    assert RETURNED not in text(office, page_urls["dashboard"])
    # ...and is, on every page, once the writer has replaced the plan's token.
    versions.bump_plans([world.plan.pk])
    assert queued(text(office, page_urls["review"])) == [later.pk]
    assert RETURNED in text(office, page_urls["dashboard"])
    assert RETURNED in text(office, page_urls["matrix"])
    assert RETURNED in api_reasons(api, world.plan, spirit)


def test_warm_pages_read_no_body_tables(world):
    submit(world.tasks[1], world.periods[0], world.users["edu"])
    office = client_for(world.users["office"])
    api = api_client_for(world.users["office"])
    for name, url in urls(world.plan).items():
        client = api if name == "api" else office
        for _ in range(2):  # the API's first request also stamps the token's last use
            assert client.get(url).status_code == 200
        with CaptureQueriesContext(connection) as warm:
            assert client.get(url).status_code == 200
        read = [q["sql"] for q in warm if any(f'"{table}"' in q["sql"] for table in BODY_TABLES)]
        assert read == [], name
        # Besides the session and the user (or the API token): the plan(s) with their version tokens,
        # and the tokens of the plan list and the org tree (the API needs neither).
        own = [q["sql"] for q in warm if '"planning_plan"' in q["sql"] or '"caching_dataversion"' in q["sql"]]
        assert len(own) == (1 if name == "api" else 2), name
        assert len(warm) <= (2 if name == "api" else 5), name


def test_the_day_the_thresholds_and_the_filters_are_part_of_the_key(world, settings, monkeypatch):
    office = client_for(world.users["office"])
    page_urls = urls(world.plan)
    first_due = world.periods[0].due
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: first_due)
    assert "报告逾期" not in text(office, page_urls["dashboard"])
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: first_due + datetime.timedelta(days=5))
    assert "2024年上半年报告逾期 5 天未报送" in text(office, page_urls["dashboard"])

    # 3.1.1 has no targets, only reports five days overdue: amber by default, red once the threshold
    # is lowered below five days.
    spirit = "3.1.1 弘扬和传承科学精神"
    assert spirit in text(office, page_urls["matrix"], status="amber")
    settings.KESU_STATUS_THRESHOLDS = {"overdue_red_days": 2}
    assert spirit not in text(office, page_urls["matrix"], status="amber")
    assert spirit in text(office, page_urls["matrix"], status="red")

    # A bad filter is reported as typed, and only for that query; the HTMX answer is the table alone.
    assert "筛选条件“单位”无效：abc" in text(office, page_urls["matrix"], unit="abc")
    assert "筛选条件“单位”无效" not in text(office, page_urls["matrix"], unit="")
    table = office.get(page_urls["matrix"], {"status": "red"}, headers={"HX-Request": "true"}).content.decode()
    assert '<div id="matrix">' in table and "<html" not in table
    assert "<html" in text(office, page_urls["matrix"], status="red")


def test_each_viewer_gets_their_own_shell_and_variant(world):
    city_plan = Plan.objects.create(region=world.city, title="威海市全民科学素质行动规划纲要实施方案")
    page_urls = urls(world.plan)
    city_office = client_for(world.users["city_office"])
    leader = client_for(world.users["leader"])

    for name in ("dashboard", "matrix"):
        seen_by_city = text(city_office, page_urls[name])
        assert f'<option value="{city_plan.pk}">威海市 · 威海市全民科学素质行动规划纲要实施方案</option>' in seen_by_city
        assert "city_office" in seen_by_city
        seen_by_leader = text(leader, page_urls[name])
        # The body is the same; the switcher (the city's plans), the name and the nav are the viewer's.
        assert "威海市全民科学素质行动规划纲要实施方案" not in seen_by_leader
        assert 'class="plan-switch"' not in seen_by_leader
        assert "city_office" not in seen_by_leader and "leader" in seen_by_leader
        assert reverse("progress:review_queue") not in seen_by_leader

    scorecard = reverse("supervision:scorecard", args=[world.plan.pk])
    weights_form = reverse("supervision:scorecard_weights", args=[world.plan.pk])
    assert weights_form in text(client_for(world.users["office"]), scorecard)
    assert weights_form not in text(leader, scorecard)

    # The API: a unit reporter sees their own unit's tasks and statuses only, even after the office.
    office_items = api_client_for(world.users["office"]).get(page_urls["api"]).json()["items"]
    edu = world.units["市教育和体育局"]
    edu_items = api_client_for(world.users["edu"]).get(page_urls["api"]).json()["items"]
    assert len(office_items) == 3 and {len(i["units"]) for i in office_items} == {2}
    assert [i["code"] for i in edu_items] == ["3.1.1", "3.1.2"]
    assert {u["unit_id"] for i in edu_items for u in i["units"]} == {edu.pk}


def test_the_review_queue_is_the_regions_own(world):
    report = submit(world.tasks[1], world.periods[0], world.users["edu"])
    city_unit = Unit.objects.create(region=world.city, name="威海市科协")
    review = urls(world.plan)["review"]
    county_page = text(client_for(world.users["office"]), review)
    assert queued(county_page) == [report.pk] and "威海市科协" not in county_page
    # The same plans (the city has none of its own), but the city's own units as well.
    city_page = text(client_for(world.users["city_office"]), review)
    assert queued(city_page) == [report.pk] and f'<option value="{city_unit.pk}">威海市科协</option>' in city_page
    assert queued(text(client_for(world.users["other_office"]), review)) == []


def test_the_unit_filter_follows_units_that_work_on_no_plan(world):
    office = client_for(world.users["office"])
    review = urls(world.plan)["review"]
    assert "新设单位" not in text(office, review)
    unit = Unit.objects.create(region=world.county, name="新设单位")
    assert f'<option value="{unit.pk}">新设单位</option>' in text(office, review)


def test_a_form_posted_from_a_cached_page_passes_csrf_with_the_viewers_own_token(world):
    report = submit(world.tasks[1], world.periods[0], world.users["edu"])
    second_office = make_user("office_2", Role.OFFICE_ADMIN, region=world.county)
    first = client_for(world.users["office"], enforce_csrf_checks=True)
    second = client_for(second_office, enforce_csrf_checks=True)
    review = urls(world.plan)["review"]
    first_page = text(first, review)
    with CaptureQueriesContext(connection) as served:
        second_page = text(second, review)
    assert not any('"progress_progressreport"' in q["sql"] for q in served)  # the body came from the cache
    assert queued(second_page) == queued(first_page) == [report.pk]

    accept = reverse("progress:report_review", args=[report.pk])
    # The first viewer's token is not the second's: had it been cached in the body, this is what the
    # second viewer's form would have sent.
    refused = second.post(accept, {"action": "accept", "revision": report.revision,
                                   "csrfmiddlewaretoken": csrf_token(first_page)})
    assert refused.status_code == 403
    accepted = second.post(accept, {"action": "accept", "revision": report.revision,
                                    "csrfmiddlewaretoken": csrf_token(second_page)})
    assert accepted.status_code == 302
    assert ProgressReport.objects.get(pk=report.pk).status == ReportStatus.ACCEPTED
    assert queued(text(second, review)) == []


def test_the_plan_switcher_follows_new_plans_and_renamed_regions(world):
    city_office = client_for(world.users["city_office"])
    dashboard = urls(world.plan)["dashboard"]
    assert 'class="plan-switch"' not in text(city_office, dashboard)  # one plan: nothing to switch to
    city_plan = Plan.objects.create(region=world.city, title="威海市实施方案")
    assert f'<option value="{city_plan.pk}">威海市 · 威海市实施方案</option>' in text(city_office, dashboard)
    world.city.name = "威海市（新）"
    world.city.save()
    assert f'<option value="{city_plan.pk}">威海市（新） · 威海市实施方案</option>' in text(city_office, dashboard)
    city_plan.is_current = False
    city_plan.save()
    assert 'class="plan-switch"' not in text(city_office, dashboard)
