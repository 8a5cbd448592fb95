"""The page shell every logged-in page pays for: the user's region loaded with the user, the top bar
cached per viewer variant (role, region, unit) without ever showing one viewer another's unread count
or CSRF token, and a Chinese-only interface whatever the browser asks for."""

from __future__ import annotations

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from tests.factories import PASSWORD, make_user

from kesu.org.auth import UserWithRegionBackend
from kesu.org.models import Role
from kesu.progress import reminders
from kesu.progress.models import Reminder

pytestmark = pytest.mark.django_db

NAV = re.compile(r'<nav class="mainnav"[^>]*>(.*?)</nav>', re.S)
CSRF_FIELD = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def _client(user, **options) -> Client:
    client = Client(**options)
    assert client.login(username=user.username, password=PASSWORD)
    return client


def _nav(client) -> str:
    page = client.get(reverse("progress:inbox"))
    assert page.status_code == 200
    return NAV.search(page.content.decode()).group(1)


def test_the_users_region_comes_in_the_users_own_query(world, django_assert_num_queries):
    office = world.users["office"]
    with django_assert_num_queries(1):
        user = UserWithRegionBackend().get_user(office.pk)
        assert user.region.code == world.county.code


def test_a_user_who_may_no_longer_log_in_is_not_loaded(world):
    edu = world.users["edu"]
    edu.is_active = False
    edu.save()
    assert UserWithRegionBackend().get_user(edu.pk) is None


@pytest.mark.urls("tests.web.shell_urls")
def test_the_shell_costs_an_office_page_only_its_session_and_user(world, django_assert_num_queries):
    client = _client(world.users["office"])
    for _ in range(2):  # the first request renders the top bar, the second finds it cached
        with django_assert_num_queries(2):
            page = client.get("/__empty__/")
        assert page.status_code == 200


def test_top_bars_do_not_depend_on_who_asked_first(world):
    from kesu.caching import fragments

    users = list(world.users.values())
    clients = {user.username: _client(user) for user in users}
    first_pass = {user.username: _nav(clients[user.username]) for user in users}
    fragments.clear()
    second_pass = {user.username: _nav(clients[user.username]) for user in reversed(users)}
    assert first_pass == second_pass

    office_nav = first_pass["office"]
    assert reverse("progress:review_queue") in office_nav
    assert reverse("evaluation:region_dashboard", args=[world.county.code]) in office_nav
    assert reverse("evaluation:region_dashboard", args=[world.city.code]) in first_pass["city_office"]
    edu_nav, agri_nav = first_pass["edu"], first_pass["agri"]
    assert reverse("progress:review_queue") not in edu_nav
    assert reverse("supervision:unit_page", args=[world.users["edu"].unit_id]) in edu_nav
    assert reverse("supervision:unit_page", args=[world.users["agri"].unit_id]) in agri_nav


def test_an_unread_reminder_shows_in_its_units_top_bar_only_until_read(world):
    office, edu = world.users["office"], world.users["edu"]
    colleague = make_user("edu_colleague", Role.UNIT_REPORTER, unit=edu.unit)
    edu_client = _client(edu, enforce_csrf_checks=True)
    office_client, colleague_client = _client(office), _client(colleague)
    assert "nav-count" not in _nav(edu_client)  # cached for edu's variant without a badge

    reminder = reminders.send_reminder(actor=office, unit=edu.unit, message="请尽快填报上半年进度")
    assert re.search(r'class="nav-count"[^>]*>1<', _nav(edu_client))
    assert re.search(r'class="nav-count"[^>]*>1<', _nav(colleague_client))  # the same unit's inbox
    assert "nav-count" not in _nav(office_client)

    # The reporter reads it with the CSRF token of a page whose top bar came from the cache.
    page = edu_client.get(reverse("progress:inbox")).content.decode()
    token = CSRF_FIELD.search(page).group(1)
    answer = edu_client.post(reverse("progress:inbox_mark_read", args=[reminder.pk]),
                             {"csrfmiddlewaretoken": token})
    assert answer.status_code == 302
    assert Reminder.objects.get(pk=reminder.pk).read_at is not None
    assert "nav-count" not in _nav(edu_client)
    assert "nav-count" not in _nav(colleague_client)


def test_each_viewer_posts_with_their_own_csrf_token_after_a_cached_top_bar(world):
    office = world.users["office"]
    deputy = make_user("office_deputy", Role.OFFICE_ADMIN, region=office.region)  # the same variant
    office_client = _client(office, enforce_csrf_checks=True)
    deputy_client = _client(deputy, enforce_csrf_checks=True)
    office_page = office_client.get(reverse("progress:inbox")).content.decode()
    deputy_page = deputy_client.get(reverse("progress:inbox")).content.decode()
    assert NAV.search(office_page).group(1) == NAV.search(deputy_page).group(1)
    office_token = CSRF_FIELD.search(office_page).group(1)
    deputy_token = CSRF_FIELD.search(deputy_page).group(1)

    assert deputy_client.post(reverse("logout"), {"csrfmiddlewaretoken": office_token}).status_code == 403
    assert deputy_client.post(reverse("logout"), {"csrfmiddlewaretoken": deputy_token}).status_code == 302
    assert deputy_client.get(reverse("progress:inbox")).status_code == 302  # logged out: sent to log in
    assert office_client.get(reverse("progress:inbox")).status_code == 200


def test_djangos_own_messages_are_chinese_whatever_the_browser_prefers(world):
    client = _client(world.users["office"])
    plan_file = SimpleUploadedFile("方案.txt", "一、总体要求".encode())
    page = client.post(reverse("plan_import:upload"), {"file": plan_file}, HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    text = page.content.decode()
    assert page.status_code == 400  # no region chosen
    assert "This field is required" not in text
    assert "这个字段是必填项" in text


def test_old_survey_links_land_on_the_literacy_pages(client):
    response = client.get("/surveys/330502/?year=2024")
    assert response.status_code == 308
    assert response["Location"] == "/literacy/330502/?year=2024"
    assert client.post("/surveys/330502/upload/").status_code == 308
