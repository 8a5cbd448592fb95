"""应急科普 in a real browser: with a 洪涝 package approved in calm times, the county office starts an
emergency for 乳山; the event page shows the automatic push with its due time and the on-call emergency
expert; the office adds a note, closes the response and downloads the after-action report, which
python-docx reads back with the event's title, the push and the note."""

import io
import re

import docx
import pytest
from django.utils import timezone
from tests.browser import log_in, screenshot

from kesu.content import emergency
from kesu.content.models import EmergencyEvent, EmergencyStatus, Push
from kesu.resources.models import Expert

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

EVENT = "乳山7·20暴雨"
PACKAGE_ITEM = "洪水来临时如何转移避险"
NOTE = "已通知沿河村庄转移群众"


@pytest.fixture
def flood_package(county, county_office, approved_item):
    package = emergency.create_package(actor=county_office, region=county, event_type="flood", name="防汛科普包")
    emergency.set_package_items(actor=county_office, package=package,
                                items=[approved_item(PACKAGE_ITEM, topics=("disaster",), audiences=("public",))])
    return package


def test_start_emergency_push_note_close_and_report(live_server, chromium, experts, flood_package, county_office,
                                                    county):
    # On-call experts come from the affected regions up to the starting office's own region, so the
    # city's emergency expert is not on call for 乳山's own event: put 赵工 on 乳山's list.
    Expert.objects.filter(pk=experts["quake"].pk).update(region=county)
    errors = []
    context = chromium.new_context(viewport={"width": 1280, "height": 900}, accept_downloads=True)
    try:
        page = context.new_page()
        page.set_default_timeout(10_000)
        page.on("pageerror", lambda error: errors.append(str(error)))
        log_in(page, live_server, county_office.username)
        page.goto(f"{live_server.url}/content/emergency/new/")
        page.select_option("select[name=event_type]", "flood")
        page.fill("input[name=title]", EVENT)
        page.check("label.checkbox:has-text('乳山市') input[name=affected_regions]")
        page.fill("input[name=distribute_within_hours]", "4")
        page.click("button:has-text('启动')")
        page.wait_for_selector(f".msg-success >> text=已启动应急科普：{EVENT}")

        event = EmergencyEvent.objects.get(title=EVENT)
        push = Push.objects.get(emergency=event)
        due = timezone.localtime(push.due_at)
        main = page.inner_text("main")
        pushes = page.locator("section.card:has(h2:text('推送与签收'))")
        row = pushes.locator(f"tr:has-text('{PACKAGE_ITEM}')")
        assert due.strftime("%m-%d %H:%M") in row.inner_text()
        assert re.search(r"0/\d+", row.inner_text())
        on_call = page.locator("section.card:has(h2:text('待命专家'))").inner_text()
        assert experts["quake"].name in on_call and experts["doctor"].name not in on_call
        assert "4 小时" in main
        screenshot(page, "content-emergency-event")

        page.fill("input[name=text]", NOTE)
        page.click("button:has-text('记录')")
        page.wait_for_selector(f"ol.timeline >> text={NOTE}")
        page.click("button:has-text('结束应急科普响应')")
        page.wait_for_selector(".msg-success >> text=已结束应急科普响应")
        assert page.locator("input[name=text]").count() == 0  # a closed event takes no more notes

        with page.expect_download() as caught:
            page.click("a.button:has-text('下载处置总结')")
        data = caught.value.path().read_bytes()
    finally:
        context.close()

    event.refresh_from_db()
    assert event.status == EmergencyStatus.CLOSED and event.closed_at is not None
    document = docx.Document(io.BytesIO(data))
    paragraphs = "\n".join(p.text for p in document.paragraphs)
    cells = [[cell.text for cell in row.cells] for table in document.tables for row in table.rows]
    assert f"{EVENT}应急科普处置总结" in paragraphs and "洪涝灾害" in paragraphs
    assert any(row[0] == PACKAGE_ITEM and "推送" in row[1] for row in cells), cells
    assert any(NOTE in " ".join(row) for row in cells)
    assert errors == []
