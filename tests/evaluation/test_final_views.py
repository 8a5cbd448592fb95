"""The final evaluation page and downloads: who may see them, and the links that lead there."""

from __future__ import annotations

import datetime
import io
from unittest import mock

import pytest
from django.test import Client
from django.urls import reverse
from docx import Document
from tests.evaluation.final_world import TODAY, build_final_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def final_world(world):
    return build_final_world(world)


@pytest.fixture(autouse=True)
def frozen_today():
    with mock.patch("django.utils.timezone.localdate", return_value=TODAY):
        yield


def page_url(world):
    return reverse("evaluation:final_report", args=[world.plan.pk])


def file_url(world, fmt):
    return reverse("evaluation:final_report_file", args=[world.plan.pk, fmt])


@pytest.mark.parametrize("name", ["office", "leader", "statistician", "city_office"])
def test_readers_of_the_region_and_above_see_the_page(final_world, client_for, name):
    response = client_for(name).get(page_url(final_world))
    assert response.status_code == 200
    page = response.content.decode()
    assert "乳山市全民科学素质行动实施方案（2021—2025年）总结评估报告" in page
    for title in ("一、总体评价", "二、总体目标实现情况", "三、量化目标完成情况", "四、年度推进情况",
                  "五、成员单位履职情况", "六、未完成任务与下一期衔接"):
        assert title in page
    assert "<svg" in page and "2.1 持续培育高素质农民" in page
    for fmt in ("docx", "pdf", "xlsx"):
        assert file_url(final_world, fmt) in page


def test_unit_reporters_are_refused_and_other_regions_do_not_exist(final_world, client_for):
    for url in (page_url(final_world), file_url(final_world, "pdf")):
        assert client_for("edu").get(url).status_code == 403
        assert client_for("other_office").get(url).status_code == 404
        assert client_for("other_reporter").get(url).status_code == 403
    other = reverse("evaluation:final_report", args=[final_world.other_plan.pk])
    assert client_for("office").get(other).status_code == 404


def test_anonymous_is_sent_to_login(final_world):
    response = Client().get(file_url(final_world, "docx"))
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_download(final_world, client_for):
    response = client_for("leader").get(file_url(final_world, "docx"))
    assert response.status_code == 200
    assert "filename*=UTF-8''" in response["Content-Disposition"]
    word = Document(io.BytesIO(b"".join(response.streaming_content)))
    assert word.core_properties.title.endswith("总结评估报告")
    assert client_for("office").get(file_url(final_world, "odt")).status_code == 404


def test_before_the_last_year_the_page_says_when(final_world, client_for):
    with mock.patch("django.utils.timezone.localdate", return_value=datetime.date(2024, 6, 1)):
        response = client_for("office").get(page_url(final_world))
        assert response.status_code == 404
        assert "总结评估自2025年起提供" in response.content.decode()
        download = client_for("office").get(file_url(final_world, "pdf"))
        assert download.status_code == 404 and "总结评估自2025年起提供" in download.content.decode()
        # Nor is it offered on the plan's pages yet.
        dashboard = client_for("office").get(reverse("supervision:dashboard", args=[final_world.plan.pk]))
        assert page_url(final_world) not in dashboard.content.decode()


def test_linked_from_the_plan_and_region_dashboards(final_world, client_for):
    dashboard = client_for("office").get(reverse("supervision:dashboard", args=[final_world.plan.pk]))
    assert dashboard.status_code == 200 and page_url(final_world) in dashboard.content.decode()
    region = client_for("office").get(reverse("evaluation:region_dashboard", args=["371083"]) + "?year=2025")
    assert region.status_code == 200 and page_url(final_world) in region.content.decode()
