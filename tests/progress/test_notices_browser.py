"""The office in a real browser: opens the reminder page for a period, downloads one unit's 督办通知单,
sends the reminders with the webhook gateway down, and sees the failure with its reason on the page."""

from __future__ import annotations

import io
import socket

import pdfplumber
import pytest
from django.urls import reverse
from docx import Document
from tests.browser import log_in, screenshot

from kesu.progress.models import ReminderDelivery, ReminderNotice

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_office_downloads_a_units_notice_and_sees_deliveries(live_server, world, browser_page, settings):
    with socket.socket() as probe:  # a port nothing listens on: the gateway is down
        probe.bind(("127.0.0.1", 0))
        settings.KESU_REMINDER_WEBHOOK_URL = f"http://127.0.0.1:{probe.getsockname()[1]}/hook"
    page = browser_page
    log_in(page, live_server, "office")
    period = world.periods[0]
    page.goto(f"{live_server.url}{reverse('progress:reminder_bulk')}?period={period.pk}")
    row = page.locator('tr[data-unit="市农业农村局"]')
    assert "3.2.1" in row.inner_text() and "未催办" in row.inner_text()
    screenshot(page, "reminders-notices")

    with page.expect_download() as pdf_download:
        row.locator("button.notice-pdf").click()
    assert pdf_download.value.suggested_filename.endswith("市农业农村局.pdf")
    with pdfplumber.open(pdf_download.value.path()) as pdf:
        text = "".join((pdf.pages[0].extract_text() or "").split())
    notice = ReminderNotice.objects.get()
    assert notice.serial in text and "市农业农村局：" in text and "3.2.1" in text and "3.1.2" not in text

    with page.expect_download() as docx_download:
        page.locator('tr[data-unit="团市委"] button.notice-docx').click()
    with open(docx_download.value.path(), "rb") as handle:
        document = Document(io.BytesIO(handle.read()))
    cells = [c.text for t in document.tables for r in t.rows for c in r.cells]
    assert "3.1.2 加强科技辅导员队伍建设" in cells and "参与" in cells

    # Send the reminders (all four units behind are checked): the gateway is down, the reminders are kept.
    page.locator("form[method=post] button[type=submit]", has_text="向选中的单位发送催办").click()
    page.wait_for_selector(".msg-warning")
    assert "已向 4 个单位发送催办。Webhook：发送失败 4 条" in page.inner_text(".msg-warning")
    page.goto(f"{live_server.url}{reverse('progress:reminder_bulk')}?period={period.pk}")
    row = page.locator('tr[data-unit="市农业农村局"]')
    failed = row.locator('li[data-channel="webhook"][data-status="failed"]')
    assert "发送失败" in failed.inner_text() and "无法连接 Webhook" in failed.inner_text()
    assert row.locator('li[data-channel="in_app"][data-status="sent"]').count() == 1
    screenshot(page, "reminders-deliveries")
    assert ReminderDelivery.objects.filter(channel="webhook", status="failed").count() == 4
