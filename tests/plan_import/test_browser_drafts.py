"""A stored import draft in a real browser: upload, leave, log in again in a new browser context, find
the draft under 未完成的导入, resume it, add a task and a target, correct a target's kind, import; and
a missing page that answers in Chinese with a way back. Screenshots go to test-artifacts/."""

from __future__ import annotations

import pytest
from django.urls import reverse
from tests.browser import log_in, screenshot
from tests.paths import SEEDS

from kesu.plan_import import drafts
from kesu.plan_import.models import DraftState, ImportDraft
from kesu.planning.models import Plan

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SEED = "000_47cc18a54f420551.txt"  # 乳山市


def test_resume_a_draft_in_another_browser_correct_it_and_import(live_server, world, chromium):
    first = chromium.new_context(viewport={"width": 1280, "height": 900})
    page = first.new_page()
    log_in(page, live_server, "office")
    page.goto(live_server.url + reverse("plan_import:upload"))
    page.set_input_files("input[name=file]", str(SEEDS / SEED))
    page.click("text=上传并解析")
    page.wait_for_selector("text=单位对应")
    assert "&gt;= 200" not in page.content() and "不少于 200 人次" in page.content()
    first.close()  # the office admin leaves without confirming

    draft = ImportDraft.objects.get()
    second = chromium.new_context(viewport={"width": 1280, "height": 900})
    page = second.new_page()
    try:
        log_in(page, live_server, "office")
        page.goto(live_server.url + reverse("plan_import:upload"))
        listing = page.locator("#open-drafts")
        assert "未完成的导入（1）" in listing.inner_text() and "乳山市全民科学素质行动规划纲要实施方案" in listing.inner_text()
        screenshot(page, "import-open-drafts", full_page=False)
        listing.get_by_role("link", name="继续").click()
        page.wait_for_selector("text=导入预览")

        # A task the parser missed, under 青少年科学素质提升行动, led by 市教育和体育局.
        section = next(key for key, label in drafts.section_choices(draft.plan) if label.endswith("青少年科学素质提升行动"))
        form = page.locator("#add-task")
        form.locator("summary").click()  # folded away until needed: it lists every unit of the region
        form.locator("input[name=code]").fill("3.1.9")
        form.locator("input[name=title]").fill("开展青少年科学调查体验活动")
        form.locator("select[name=section]").select_option(section)
        form.locator(f"#id_lead_units input[value='{world.units['市教育和体育局'].pk}']").check()
        form.locator("button:has-text('添加任务')").click()
        page.wait_for_selector("text=已添加任务 3.1.9")

        # Its target, on the task's page.
        page.locator("#task-3\\.1\\.9 >> text=修改").click()
        add = page.locator("#add-target")
        add.locator("input[name=value]").fill("20")
        add.locator("select[name=comparator]").select_option(">=")
        add.locator("input[name=unit]").fill("场")
        add.locator("select[name=kind]").select_option("yearly")
        add.locator("input[name=text]").fill("每年组织体验活动不少于20场")
        add.locator("button:has-text('添加目标')").click()
        page.wait_for_selector("text=已为任务 3.1.9 添加目标")
        assert "不少于 20 场" in page.locator("#task-3\\.1\\.9").inner_text()

        # 3.1.3's 每年 200 人次 corrected to 累计.
        row = page.locator("#task-3\\.1\\.3")
        row.locator("select[name=kind]").select_option("cumulative")
        row.locator("button:has-text('更正类型')").click()
        page.wait_for_selector("text=类型已改为“累计”")
        assert "已更正，原文读作“每年”" in page.locator("#task-3\\.1\\.3").inner_text()
        screenshot(page, "import-preview-corrected", full_page=False)

        page.click("button:has-text(\"确认导入\")")
        page.wait_for_selector("text=导入完成")
    finally:
        second.close()
    plan = Plan.objects.get(region=world.county, is_current=True)
    added = plan.tasks.get(code="3.1.9")
    assert added.group.title == "青少年科学素质提升行动" and added.units.get() == world.units["市教育和体育局"]
    assert (added.targets.get().value, added.targets.get().attainment_target().kind) == (20.0, "yearly")
    assert plan.tasks.get(code="3.1.3").targets.get().kind == "cumulative"
    assert ImportDraft.objects.get().state == DraftState.IMPORTED


def test_a_missing_page_is_chinese_with_a_way_back(live_server, world, browser_page):
    page = browser_page
    log_in(page, live_server, "office")
    response = page.goto(live_server.url + reverse("plan_import:preview", args=["gone-draft"]))
    assert response.status == 404
    text = page.inner_text("main")
    assert "页面不存在" in text and "这份导入草稿不存在或已过期" in text and "Not Found" not in page.content()
    screenshot(page, "error-404", full_page=False)
    page.click("text=回到首页")
    page.wait_for_load_state()
    assert page.url != live_server.url + reverse("plan_import:preview", args=["gone-draft"])
    assert "页面不存在" not in page.content()
