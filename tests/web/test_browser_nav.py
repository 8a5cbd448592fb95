"""The grouped top bar and a 27-unit chart in a real browser (Debian's Chromium through Playwright), on a
desktop (1280×900) and a phone (375×800): the menus open by mouse and keyboard, their links lead to
their pages, the page's menu is marked, nothing is wider than the window, the 各单位按时报送率 chart
grows with its units and its numbers open under 查看数据. Screenshots go to test-artifacts/."""

from __future__ import annotations

import pytest
from django.urls import reverse
from tests.browser import log_in, screenshot

from kesu.org.models import Unit
from kesu.planning.models import Task, TaskUnit, UnitRole

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

UNITS = 27
NO_OVERFLOW = "document.documentElement.scrollWidth <= window.innerWidth"


@pytest.fixture
def crowded_world(world):
    """The world's plan with a task led by 23 more units: 27 units on the dashboard."""
    task = Task.objects.create(plan=world.plan, code="3.3.1", title="实施科普基础设施工程", order=9,
                               text="实施科普基础设施工程。", path=["提升行动", "科普基础设施工程"])
    for number in range(1, UNITS - len(world.units) + 1):
        unit = Unit.objects.create(region=world.county, name=f"乳山市第{number}科普协作单位（市直部门）")
        TaskUnit.objects.create(task=task, unit=unit, role=UnitRole.LEAD)
    return world


def _errors(page) -> list[str]:
    errors = []
    page.on("console", lambda message: message.type == "error" and errors.append(message.text))
    page.on("pageerror", lambda error: errors.append(str(error)))
    return errors


def _check_unit_chart(page) -> None:
    page.wait_for_function("window.kesuCharts && window.kesuCharts.unit_on_time")
    box = page.locator("#chart-unit_on_time").bounding_box()
    assert box["height"] >= UNITS * 20
    assert page.get_attribute("#chart-unit_on_time", "data-chart-layout") == "horizontal"
    labels = page.evaluate("window.kesuCharts.unit_on_time.getOption().yAxis[0].axisLabel")
    assert labels["interval"] == 0 and labels["overflow"] == "truncate"  # every unit named, none overlapping
    table = page.locator('[data-chart-table="unit_on_time"] table')
    assert not table.is_visible()
    page.click('[data-chart-table="unit_on_time"] > summary')
    assert table.is_visible()
    assert table.locator("tbody tr").count() == UNITS


def test_desktop_menus_open_by_mouse_and_keyboard(live_server, crowded_world, browser_page):
    page = browser_page
    errors = _errors(page)
    log_in(page, live_server, "office")
    page.wait_for_url("**/plans/*/dashboard/")
    assert page.evaluate(NO_OVERFLOW)
    assert not page.locator(".nav-toggle").is_visible()  # the desktop shows the menus themselves
    summaries = page.locator("nav.mainnav summary")
    assert summaries.all_inner_texts() == ["督办", "统计", "监测", "资源", "内容", "管理"]
    assert page.get_attribute('[data-menu="supervision"]', "class") == "nav-menu is-current"
    bar = page.locator(".topbar").bounding_box()
    assert bar["height"] < 60  # one line at 1280 px

    # By mouse: 督办 opens, a second menu closes it, a link leads to its page and marks its menu.
    matrix = page.locator("nav.mainnav >> text=责任矩阵")
    assert not matrix.is_visible()
    page.click("nav.mainnav summary >> text=督办")
    assert matrix.is_visible()
    screenshot(page, "nav-desktop-open", full_page=False)
    page.click("nav.mainnav summary >> text=统计")
    assert not matrix.is_visible() and page.locator("nav.mainnav >> text=统计审核").is_visible()
    page.mouse.click(640, 850)  # a click elsewhere closes it
    assert not page.locator("nav.mainnav >> text=统计审核").is_visible()
    page.click("nav.mainnav summary >> text=督办")
    matrix.click()
    page.wait_for_url("**/plans/*/matrix/")
    assert page.get_attribute('[data-menu="supervision"]', "class") == "nav-menu is-current"
    assert page.get_attribute("nav.mainnav a[aria-current=page]", "href").endswith("/matrix/")

    # By keyboard: Tab to 管理, Enter opens it, Tab reaches its links, Escape closes it on its title.
    page.locator("nav.mainnav summary >> text=内容").focus()
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "管理"
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "方案导入"
    page.keyboard.press("Escape")
    assert not page.locator("nav.mainnav >> text=方案导入").is_visible()
    assert page.evaluate("document.activeElement.textContent") == "管理"
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")  # 单位管理
    page.wait_for_url(f"**{reverse('org:unit_list')}")
    assert page.get_attribute('[data-menu="admin"]', "class") == "nav-menu is-current"

    # The user menu holds 退出.
    page.click(".nav-user summary")
    assert page.locator(".nav-user button >> text=退出").is_visible()

    page.goto(live_server.url + reverse("supervision:dashboard_home"))
    _check_unit_chart(page)
    assert page.evaluate(NO_OVERFLOW)
    screenshot(page, "dashboard-27-units")
    assert errors == []


def test_phone_menu_folds_behind_its_button(live_server, crowded_world, chromium):
    context = chromium.new_context(viewport={"width": 375, "height": 800})
    try:
        page = context.new_page()
        errors = _errors(page)
        log_in(page, live_server, "office")
        page.wait_for_url("**/plans/*/dashboard/")
        toggle = page.locator(".nav-toggle")
        assert toggle.is_visible() and toggle.get_attribute("aria-expanded") == "false"
        assert not page.locator("nav.mainnav").is_visible()
        assert page.evaluate(NO_OVERFLOW)
        screenshot(page, "nav-phone-closed", full_page=False)

        toggle.click()
        assert toggle.get_attribute("aria-expanded") == "true"
        assert page.locator("nav.mainnav summary").all_inner_texts() == ["督办", "统计", "监测", "资源", "内容", "管理"]
        page.click("nav.mainnav summary >> text=资源")
        assert page.evaluate(NO_OVERFLOW)
        screenshot(page, "nav-phone-open", full_page=False)
        page.click("nav.mainnav >> text=科普资源")
        page.wait_for_url(f"**{reverse('resources:index')}")
        assert page.evaluate(NO_OVERFLOW)
        assert not page.locator("nav.mainnav").is_visible()  # folded again on the new page
        page.click(".nav-toggle")
        assert page.get_attribute('[data-menu="resources"]', "class") == "nav-menu is-current"

        page.goto(live_server.url + reverse("supervision:dashboard_home"))
        _check_unit_chart(page)
        assert page.evaluate(NO_OVERFLOW)
        screenshot(page, "dashboard-27-units-phone")
        for url in (reverse("evaluation:region_dashboard", args=[crowded_world.county.code]),
                    reverse("supervision:matrix_home"), reverse("indicators:list")):
            page.goto(live_server.url + url)
            assert page.evaluate(NO_OVERFLOW), url
        assert errors == []
    finally:
        context.close()
