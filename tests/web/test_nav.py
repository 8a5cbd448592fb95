"""The top bar's menus (kesu.web.nav): each role sees the links it saw before the bar was grouped, in
the menus 督办 / 统计 / 监测 / 资源 / 管理 (empty ones left out), and the page's own menu and link are
marked — from the cached bar, without one page's mark leaking into another's."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse
from tests.factories import PASSWORD, make_user

from kesu.org.models import Role
from kesu.web import nav

pytestmark = pytest.mark.django_db

NAV = re.compile(r'<nav class="mainnav"[^>]*>(.*?)</nav>', re.S)
MENU = re.compile(r'<details class="nav-menu( is-current)?" data-menu="(\w+)"><summary[^>]*>(\w+)</summary>(.*?)</details>', re.S)
LINK = re.compile(r'<a (?:class="[^"]*" )?href="([^"]+)"( aria-current="page")?>([^<]+)')


def _client(user) -> Client:
    client = Client()
    assert client.login(username=user.username, password=PASSWORD)
    return client


def _bar(user) -> dict[str, list[str]]:
    bar = nav.nav_for(user)
    shown = {menu.label: [link.label for link in menu.links] for menu in bar.menus}
    shown["top"] = [link.label for link in bar.links]
    return shown


def _page_nav(client, url) -> tuple[dict, dict]:
    """The menus of the page's top bar (label → (is current, [(label, href, is the page)])) and its
    links outside the menus."""
    page = client.get(url)
    assert page.status_code == 200, url
    html = NAV.search(page.content.decode()).group(1)
    menus = {label: (bool(current), [(text.strip(), href, bool(here)) for href, here, text in LINK.findall(body)])
             for current, _, label, body in MENU.findall(html)}
    outside = MENU.sub("", html)
    top = [(text.strip(), href, bool(here)) for href, here, text in LINK.findall(outside)]
    return menus, top


def test_each_role_sees_its_links_grouped_into_menus(world):
    assert _bar(world.users["office"]) == {
        "督办": ["仪表盘", "责任矩阵", "考核评分", "地区仪表盘", "审核", "催办"],
        "统计": ["科普统计", "统计填报", "统计审核", "目标进度"],
        "监测": ["素质监测"],
        "资源": ["科普资源", "评审任务"],
        "内容": ["内容库", "审查规则", "辟谣", "应急科普", "主题订阅"],
        "管理": ["方案导入", "单位管理", "用户管理"],
        "top": ["消息"],
    }
    assert _bar(world.users["leader"]) == {
        "督办": ["仪表盘", "责任矩阵", "考核评分", "地区仪表盘"],
        "统计": ["科普统计", "目标进度"],
        "监测": ["素质监测"],
        "资源": ["科普资源"],
        "内容": ["内容库", "辟谣", "应急科普"],
        "top": ["消息"],
    }
    assert _bar(world.users["statistician"])["统计"] == ["科普统计", "统计填报", "目标进度"]
    assert _bar(world.users["edu"]) == {
        "督办": ["本单位", "我的任务"],
        "统计": ["科普统计", "统计填报"],
        "资源": ["科普资源"],
        "内容": ["内容库", "收到的科普内容", "主题订阅"],
        "top": ["消息"],
    }
    expert = make_user("expert_wang", Role.EXPERT)
    assert _bar(expert) == {"统计": ["科普统计", "目标进度"], "top": ["我的评审任务", "我的内容审查", "消息"]}
    # An office user without a region has nothing of a region to look at.
    regionless = make_user("regionless", Role.LEADER)
    assert "监测" not in _bar(regionless) and "地区仪表盘" not in _bar(regionless)["督办"]


def test_the_page_shows_the_menus_the_table_decides(world):
    for name in ("office", "leader", "edu"):
        user = world.users[name]
        menus, top = _page_nav(_client(user), reverse("indicators:list"))
        bar = nav.nav_for(user)
        assert list(menus) == [menu.label for menu in bar.menus]
        for menu in bar.menus:
            assert [(label, href) for label, href, _ in menus[menu.label][1]] == [
                (link.label, link.href) for link in menu.links]
        assert [label for label, _, _ in top] == [link.label for link in bar.links]
    office_menus, _ = _page_nav(_client(world.users["office"]), reverse("indicators:list"))
    links = [href for _, items in office_menus.values() for _, href, _ in items]
    assert reverse("evaluation:region_dashboard", args=[world.county.code]) in links
    assert reverse("org:user_list") in links


def test_the_current_menu_and_link_are_marked(world):
    client = _client(world.users["office"])
    menus, top = _page_nav(client, reverse("indicators:list"))
    assert [label for label, (current, _) in menus.items() if current] == ["统计"]
    assert [label for label, _, here in menus["统计"][1] if here] == ["科普统计"]

    # A page the link redirects to counts as the link: the plan's matrix is 责任矩阵.
    menus, _ = _page_nav(client, reverse("supervision:matrix", args=[world.plan.pk]))
    assert [label for label, (current, _) in menus.items() if current] == ["督办"]
    assert [label for label, _, here in menus["督办"][1] if here] == ["责任矩阵"]

    # A page without a link of its own belongs to its app's menu.
    menus, _ = _page_nav(client, reverse("supervision:task_detail", args=[world.tasks[0].pk]))
    assert [label for label, (current, _) in menus.items() if current] == ["督办"]
    assert not any(here for _, items in menus.values() for _, _, here in items)

    # 消息 stands outside the menus; on the inbox no menu is current.
    menus, top = _page_nav(client, reverse("progress:inbox"))
    assert not any(current for current, _ in menus.values())
    assert top == [("消息", reverse("progress:inbox"), True)]

    # The cached bar of one place is not shown at another.
    menus, top = _page_nav(client, reverse("org:unit_list"))
    assert [label for label, (current, _) in menus.items() if current] == ["管理"]
    assert top == [("消息", reverse("progress:inbox"), False)]


def test_locate_prefers_the_link_over_the_namespace(world):
    bar = nav.nav_for(world.users["office"])
    reviews = reverse("resources:my_reviews")
    assert nav.locate(bar, reviews, "resources:my_reviews", "resources") == nav.Here("resources", reviews)
    assert nav.locate(bar, "/nowhere/", None, None) == nav.Here()
    assert nav.locate(bar, "/literacy/371083/", "literacy:region", "literacy") == nav.Here("literacy")
