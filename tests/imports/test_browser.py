"""Plan import in a real browser on a phone-sized screen: upload a seed plan, map a unit in the
preview, confirm, and see the result. Screenshots go to test-artifacts/."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.urls import reverse
from tests.factories import PASSWORD
from tests.imports.conftest import SEEDS

from kesu.tracking.models import Plan

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run", "--disable-sync"]


def test_import_on_a_phone(live_server, world):
    from playwright.sync_api import sync_playwright

    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True)
        page = context.new_page()
        try:
            page.goto(live_server.url + reverse("login"))
            page.fill("input[name=username]", "office")
            page.fill("input[name=password]", PASSWORD)
            page.click("button[type=submit]")
            page.wait_for_load_state()

            page.goto(live_server.url + reverse("plan_import:upload"))
            page.set_input_files("input[name=file]", str(SEEDS / "004_c7ded379b80c80a1.txt"))
            page.click("text=上传并解析")
            page.wait_for_selector("text=单位对应")
            assert "济天政发〔2022〕1号" in page.content()
            assert "与所选地区“乳山市”不一致" in page.content()  # 天桥区's plan uploaded into 乳山市
            # The preview fits the phone: no horizontal scrolling of the page itself.
            assert page.evaluate("document.documentElement.scrollWidth") <= 390 + 1
            page.screenshot(path=str(ARTIFACTS / "import-preview-phone.png"), full_page=False)

            first_select = page.locator("select[name=map-0]")
            first_select.select_option(label="团市委")
            page.click("text=保存对应")
            page.wait_for_selector("text=单位对应已保存")
            page.click("button:has-text(\"确认导入\")")
            page.wait_for_selector("text=导入完成")
            page.screenshot(path=str(ARTIFACTS / "import-done-phone.png"), full_page=False)
        finally:
            context.close()
            browser.close()
    plan = Plan.objects.get(doc_number="济天政发〔2022〕1号")
    assert plan.region == world.county and plan.tasks.count() == 29
    assert plan.tasks.filter(assignments__unit=world.units["团市委"]).exists()
