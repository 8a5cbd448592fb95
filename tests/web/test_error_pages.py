"""Error pages say in plain Chinese what happened and offer a way back: 400, 403, 404, 500 and a
refused form (CSRF). DEBUG is off here, as in production."""

from __future__ import annotations

import pytest
from django.test import Client, RequestFactory
from django.urls import reverse
from tests.factories import PASSWORD

from kesu.web import errors

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.web.error_urls")]

ENGLISH = ("Not Found", "Forbidden", "Bad Request", "Server Error", "CSRF verification failed", "your role")


def _client(user, **kwargs) -> Client:
    client = Client(**kwargs)
    assert client.login(username=user.username, password=PASSWORD)
    return client


def _assert_chinese_with_a_way_back(response, status: int, *phrases: str) -> str:
    html = response.content.decode()
    assert response.status_code == status
    assert '<html lang="zh-CN">' in html and "回到首页" in html and "返回上一页" in html
    for phrase in phrases:
        assert phrase in html, phrase
    for english in ENGLISH:
        assert english not in html, english
    return html


@pytest.fixture(autouse=True)
def _production(settings):
    settings.DEBUG = False


def test_404_for_a_missing_object_keeps_the_site_and_explains(world):
    client = _client(world.users["office"])
    html = _assert_chinese_with_a_way_back(
        client.get(reverse("plan_import:preview", args=["no-such-draft"])), 404, "页面不存在",
        "这份导入草稿不存在或已过期，请重新上传方案文件", "无权查看的记录也显示为“不存在”",
    )
    assert 'class="topbar"' in html and "退出" in html  # the user keeps the site's top bar
    # Django's own English message for an unmatched query ("No Plan matches the given query.") is
    # not shown; the page's own words are.
    html = _assert_chinese_with_a_way_back(
        client.get(reverse("plan_import:done", args=[999999])), 404, "您要找的页面或记录不存在"
    )
    assert "matches the given query" not in html
    html = _assert_chinese_with_a_way_back(client.get("/no/such/page/"), 404, "您要找的页面或记录不存在")
    assert "/no/such/page/" in html


def test_404_back_link_is_the_referring_page_on_this_site(world):
    client = _client(world.users["office"])
    response = client.get("/no/such/page/", HTTP_REFERER="http://testserver/plans/import/")
    assert 'href="http://testserver/plans/import/">返回上一页' in response.content.decode()
    response = client.get("/no/such/page/", HTTP_REFERER="https://evil.example.com/")
    assert "evil.example.com" not in response.content.decode()


def test_403_from_a_permission_check(world):
    html = _assert_chinese_with_a_way_back(
        _client(world.users["edu"]).get(reverse("plan_import:upload")), 403, "无权访问", "当前角色无权访问此页面",
        "联系本地区纲要办管理员",
    )
    assert "单位填报员" in html or "edu" in html


def test_csrf_failure_says_nothing_was_saved_and_offers_to_log_in_again(world):
    client = _client(world.users["office"], enforce_csrf_checks=True)
    response = client.post(reverse("plan_import:upload"), {"region": world.county.pk},
                           HTTP_REFERER="http://testserver/plans/import/")
    html = _assert_chinese_with_a_way_back(response, 403, "页面已过期，未能提交", "没有保存", "重新登录")
    assert f'href="{reverse("login")}?next=/plans/import/">重新登录' in html


def test_500_from_a_view_that_raises_is_standalone(world):
    client = _client(world.users["office"], raise_request_exception=False)
    html = _assert_chinese_with_a_way_back(client.get("/__broken__/"), 500, "服务器出错", "已记录下来")
    assert "故意出错" not in html  # the exception is for the log, not the page
    assert 'class="topbar"' not in html


def test_500_page_needs_no_database(django_assert_num_queries):
    request = RequestFactory().get("/anything/")
    with django_assert_num_queries(0):
        response = errors.server_error(request)
    assert response.status_code == 500 and "服务器出错" in response.content.decode()


def test_400_for_a_malformed_request_and_a_foreign_host(world):
    client = _client(world.users["office"])
    _assert_chinese_with_a_way_back(client.get("/__malformed__/"), 400, "请求无法处理", "导出参数“年份”不是数字")
    foreign = Client(HTTP_HOST="evil.example.com").get("/login/")
    _assert_chinese_with_a_way_back(foreign, 400, "请求无法处理", "格式不对")


def test_an_expired_login_form_offers_the_login_page_itself(db):
    client = Client(enforce_csrf_checks=True)
    response = client.post(reverse("login"), {"username": "x", "password": "y"},
                           HTTP_REFERER="http://testserver/login/")
    html = _assert_chinese_with_a_way_back(response, 403, "页面已过期，未能提交")
    assert f'href="{reverse("login")}">重新登录' in html
