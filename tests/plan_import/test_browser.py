"""Plan import in a real browser on a phone-sized screen: upload a seed plan, map a unit in the
preview, confirm, and see the result. Screenshots go to test-artifacts/."""

from __future__ import annotations

import pytest
from django.urls import reverse
from tests.browser import log_in, screenshot
from tests.paths import SEEDS

from kesu.planning.models import Plan

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]



def test_import_on_a_phone(live_server, world, chromium):
    context = chromium.new_context(viewport={"width": 390, "height": 844}, is_mobile=True)
    page = context.new_page()
    try:
        log_in(page, live_server, "office")

        page.goto(live_server.url + reverse("plan_import:upload"))
        page.set_input_files("input[name=file]", str(SEEDS / "004_c7ded379b80c80a1.txt"))
        page.click("text=上传并解析")
        page.wait_for_selector("text=单位对应")
        assert "济天政发〔2022〕1号" in page.content()
        assert "与所选地区“乳山市”不一致" in page.content()  # 天桥区's plan uploaded into 乳山市
        # The preview fits the phone: no horizontal scrolling of the page itself.
        assert page.evaluate("document.documentElement.scrollWidth") <= 390 + 1
        screenshot(page, "import-preview-phone", full_page=False)

        first_select = page.locator("select[name=map-0]")
        first_select.select_option(label="团市委")
        page.click("text=保存对应")
        page.wait_for_selector("text=单位对应已保存")
        page.click("button:has-text(\"确认导入\")")
        page.wait_for_selector("text=导入完成")
        screenshot(page, "import-done-phone", full_page=False)
    finally:
        context.close()
    plan = Plan.objects.get(doc_number="济天政发〔2022〕1号")
    assert plan.region == world.county and plan.tasks.count() == 29
    assert plan.tasks.filter(assignments__unit=world.units["团市委"]).exists()
