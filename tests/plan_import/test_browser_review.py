"""The import preview's 请先核对 panel and a workbook's column mapping in a real browser: upload an
office's 任务分解表 with two misspelt units, see them listed to check, tick one as 已核对, choose
another column for the tasks and see the tasks change. Screenshots go to test-artifacts/."""

from __future__ import annotations

import io

import openpyxl
import pytest
from django.urls import reverse
from tests.browser import log_in, screenshot

from kesu.plan_import.models import ImportDraft

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _workbook(path):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "任务分解"
    sheet.append(["乳山市全民科学素质行动任务分解表"])
    sheet.append(["序号", "工作事项", "具体内容", "牵头单位", "配合单位"])
    # 市教肓和体育局 and 市农业农材局 are typos of the region's 市教育和体育局 and 市农业农村局.
    sheet.append([1, "青少年科学素质提升", "举办青少年科技创新大赛", "市教肓和体育局", "市科协"])
    sheet.append([2, "农民科学素质提升", "培训高素质农民500名", "市农业农材局", "市科协"])
    out = io.BytesIO()
    book.save(out)
    path.write_bytes(out.getvalue())
    return path


def test_check_the_doubtful_items_first_and_correct_the_column_mapping(live_server, world, chromium, tmp_path):
    context = chromium.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    try:
        log_in(page, live_server, "office")
        page.goto(live_server.url + reverse("plan_import:upload"))
        page.set_input_files("input[name=file]", str(_workbook(tmp_path / "任务分解表.xlsx")))
        page.click("text=上传并解析")
        panel = page.locator("#review")
        panel.wait_for()
        assert "其中 2 项待核对" in panel.inner_text()
        items = panel.locator("tr.review-item")
        assert items.count() == 2
        first = items.nth(0).inner_text()
        assert "名称相近（相似度" in first and "存疑" in first
        screenshot(page, "import-review-panel", full_page=False)
        # The link takes the office to the unit's row in the mapping table.
        items.nth(0).get_by_role("link", name="去核对").first.click()
        assert page.evaluate("location.hash").startswith("#unit-")

        items.nth(0).get_by_role("button", name="核对无误").click()
        page.wait_for_selector("text=已标记为已核对")
        assert "其中 1 项待核对" in page.locator("#review").inner_text()
        draft = ImportDraft.objects.get()
        assert len(draft.checked) == 1 and next(iter(draft.checked.values()))["by"] == "office"

        tasks = page.locator("table:has(th:text('量化目标'))")
        assert "青少年科学素质提升" in tasks.inner_text() and "举办青少年科技创新大赛" not in tasks.inner_text()
        columns = page.locator("#columns")
        columns.locator("select[name='col-0-1']").select_option("category")
        columns.locator("select[name='col-0-2']").select_option("task")
        columns.get_by_role("button", name="按此列对应重新读取").click()
        page.wait_for_selector("text=已按所选列对应重新读取工作簿")
        tasks = page.locator("table:has(th:text('量化目标'))")
        assert "举办青少年科技创新大赛" in tasks.inner_text() and "培训高素质农民500名" in tasks.inner_text()
        # The units' checks survive the re-read: the ticked one stays ticked.
        assert "其中 1 项待核对" in page.locator("#review").inner_text()
        screenshot(page, "import-workbook-columns", full_page=False)

        # The workbook gives no 文号: the office types it in, first with a date that does not exist.
        assert page.locator("#meta-doc_number").inner_text().startswith("—")
        page.locator("#meta").get_by_role("link", name="修改基本信息").click()
        form = page.locator("#metadata-form")
        form.get_by_label("文号").fill("乳科组发〔2026〕3号")
        form.get_by_label("印发日期").fill("2026-02-30")
        form.get_by_role("button", name="保存基本信息").click()
        assert "印发日期“2026-02-30”无效" in page.locator("#metadata-form [role=alert]").inner_text()
        assert ImportDraft.objects.get().plan["doc_number"] in ("", None)
        form.get_by_label("印发日期").fill("2026-02-28")
        form.get_by_role("button", name="保存基本信息").click()
        page.wait_for_selector("text=基本信息已修改：文号、印发日期")
        assert page.locator("#meta-doc_number").inner_text().startswith("乳科组发〔2026〕3号")
        plan = ImportDraft.objects.get().plan
        assert (plan["doc_number"], plan["date"]) == ("乳科组发〔2026〕3号", "2026-02-28")
        screenshot(page, "import-metadata-edited", full_page=False)
    finally:
        context.close()
