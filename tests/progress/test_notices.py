"""督办通知单: what it lists, its stable serial, the Word and PDF documents, and who may issue and open it."""

from __future__ import annotations

import io
import zipfile

import pdfplumber
import pytest
from django.urls import reverse
from django.utils import timezone
from docx import Document

from kesu.audit.models import AuditEntry
from kesu.progress import notice_docx, notice_pdf, services
from kesu.progress.models import ProgressReport, ReminderNotice, ReportStatus
from kesu.progress.notices import issue_notice, notice_content, outstanding_items

pytestmark = pytest.mark.django_db


def _returned_report(world):
    """市教育和体育局's report on 3.1.1 for 2024年上半年, submitted and returned with a comment."""
    edu, office, period = world.users["edu"], world.users["office"], world.periods[0]
    report = services.save_report(
        actor=edu, task=world.tasks[0], period=period, expected_revision=0, narrative="开展科学家精神宣讲",
        figures={}, submit=True,
    )
    return services.return_report(actor=office, report=report, expected_revision=report.revision,
                                  comment="请补充宣讲场次和参加人数")


def _docx_text(content: bytes) -> str:
    document = Document(io.BytesIO(content))
    cells = [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    return "\n".join([p.text for p in document.paragraphs] + cells)


def _pdf_pages(content: bytes) -> list[str]:
    """Each page's text, then its table cells one per line (a wrapped cell is read whole)."""
    with pdfplumber.open(io.BytesIO(content)) as pdf:
        return [
            "\n".join([page.extract_text() or ""] + [
                (cell or "").replace("\n", "") for table in page.extract_tables() for row in table for cell in row
            ])
            for page in pdf.pages
        ]


def test_items_are_the_units_outstanding_reports_with_role_due_date_and_days_overdue(world):
    _returned_report(world)
    today = timezone.localdate()
    period = world.periods[0]
    edu_items = outstanding_items(unit=world.units["市教育和体育局"], periods=[period], today=today)
    assert [(i.task_code, i.role, i.state) for i in edu_items] == [
        ("3.1.1", "牵头", ReportStatus.RETURNED), ("3.1.2", "牵头", "not_started"),
    ]
    assert edu_items[0].review_comment == "请补充宣讲场次和参加人数"
    assert all(i.days_overdue == (today - period.due).days and i.due == period.due for i in edu_items)
    # 团市委 takes part in 3.1.2 only; accepted or submitted reports are not listed.
    youth = outstanding_items(unit=world.units["团市委"], periods=[period], today=today)
    assert [(i.task_code, i.role) for i in youth] == [("3.1.2", "参与")]


def test_serial_is_stable_per_matter_and_counts_per_office_and_year(world):
    office, today = world.users["office"], timezone.localdate()
    period = world.periods[0]
    first = issue_notice(actor=office, unit=world.units["市农业农村局"], periods=[period], today=today)
    assert first.serial == f"督办〔{today.year}〕第1号"
    assert issue_notice(actor=office, unit=world.units["市农业农村局"], periods=[period], today=today).pk == first.pk
    second = issue_notice(actor=office, unit=world.units["团市委"], periods=[period], today=today)
    assert second.number == 2
    # The unit reports: what it owes has changed, so a new notice (and number) is issued; the old one
    # keeps its items as issued.
    services.save_report(actor=world.users["agri"], task=world.tasks[2], period=period, expected_revision=0,
                         narrative="已培训", figures={}, submit=True)
    with pytest.raises(services.ReportError, match="没有未报送或被退回的报告"):
        issue_notice(actor=office, unit=world.units["市农业农村局"], periods=[period], today=today)
    both = issue_notice(actor=office, unit=world.units["市农业农村局"], periods=world.periods, today=today)
    assert both.number == 3 and [i["period"] for i in both.items] == ["2024年下半年"]
    first.refresh_from_db()
    assert [i["task_code"] for i in first.items] == ["3.2.1"]
    assert AuditEntry.objects.filter(model="progress.ReminderNotice").count() == 3
    with pytest.raises(services.ReportPermissionError):
        issue_notice(actor=world.users["other_office"], unit=world.units["团市委"], periods=[period], today=today)


def test_word_and_pdf_carry_the_units_items_serial_office_and_request(world):
    _returned_report(world)
    today = timezone.localdate()
    notice = issue_notice(actor=world.users["office"], unit=world.units["市教育和体育局"], periods=[world.periods[0]],
                          today=today)
    content = notice_content(notice)
    expected = [
        "督办通知单", notice.serial, "市教育和体育局：", "3.1.1 弘扬和传承科学精神", "3.1.2 加强科技辅导员队伍建设",
        "牵头", "退回后未重新报送", "请补充宣讲场次和参加人数", "乳山市全民科学素质工作领导小组办公室",
        f"{today.year}年{today.month}月{today.day}日", "书面反馈我办", "纲要办设在市科协",
    ]
    text = _docx_text(notice_docx.render_docx([content]))
    assert [e for e in expected if e not in text] == []
    assert str((today - world.periods[0].due).days) in text
    pages = _pdf_pages(notice_pdf.render_pdf([content]))
    flat = "".join(pages[0].split())
    assert [e for e in expected if "".join(e.split()) not in flat] == []
    # Nothing of another unit.
    assert "3.2.1" not in text and "3.2.1" not in flat
    # The plain text that e-mails and webhooks carry says the same.
    assert "3.1.2 加强科技辅导员队伍建设（牵头）2024年上半年" in content.text and notice.serial in content.text


def test_office_downloads_a_units_notice_and_a_batch_from_the_reminder_page(world, client_for):
    office = client_for("office")
    period = world.periods[0]
    page = office.get(reverse("progress:reminder_bulk"), {"period": period.pk}).content.decode()
    assert "批量生成通知单（PDF，合并打印）" in page and f'name="unit" value="{world.units["团市委"].pk}"' in page

    issue = reverse("progress:notice_issue")
    response = office.post(f"{issue}?format=docx", {"period": period.pk, "unit": world.units["团市委"].pk})
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"] and "%E5%9B%A2" in response["Content-Disposition"]
    assert "3.1.2 加强科技辅导员队伍建设" in _docx_text(b"".join(response.streaming_content))
    notice = ReminderNotice.objects.get()
    again = office.post(f"{issue}?format=pdf", {"period": period.pk, "unit": world.units["团市委"].pk})
    assert notice.serial in "".join(_pdf_pages(b"".join(again.streaming_content))[0].split())
    assert ReminderNotice.objects.count() == 1

    units = [world.units[name].pk for name in ("市教育和体育局", "市农业农村局", "团市委")]
    batch = reverse("progress:notice_batch")
    pdf = office.post(f"{batch}?format=pdf", {"period": period.pk, "unit_ids": units})
    pages = _pdf_pages(b"".join(pdf.streaming_content))
    assert len(pages) == 3
    assert ["市农业农村局：" in p for p in pages] == [False, True, False]  # sorted by name: 团, 市农, 市教
    zipped = office.post(f"{batch}?format=docx", {"period": period.pk, "unit_ids": units})
    with zipfile.ZipFile(io.BytesIO(b"".join(zipped.streaming_content))) as archive:
        names = archive.namelist()
        assert len(names) == 3 and all(n.endswith(".docx") for n in names)
        agri = next(n for n in names if "市农业农村局" in n)
        assert "3.2.1 培育高素质农民" in _docx_text(archive.read(agri))
    assert ReminderNotice.objects.count() == 3  # 团市委's notice reused, two new ones

    # An issued notice downloads again by its link, as issued.
    download = office.get(reverse("progress:notice_download", args=[notice.pk, "docx"]))
    assert download.status_code == 200 and notice.serial in _docx_text(b"".join(download.streaming_content))


def test_a_unit_that_owes_nothing_gets_no_notice(world, client_for):
    period = world.periods[0]
    for task in (world.tasks[1],):
        report = ProgressReport.objects.create(task=task, unit=world.units["团市委"], period=period,
                                               status=ReportStatus.ACCEPTED)
        assert report.pk
    response = client_for("office").post(f"{reverse('progress:notice_issue')}?format=pdf",
                                         {"period": period.pk, "unit": world.units["团市委"].pk}, follow=True)
    assert "团市委在2024年上半年没有未报送或被退回的报告，无需督办" in response.content.decode()
    assert not ReminderNotice.objects.exists()


def test_who_may_issue_and_open_a_notice(world, client_for):
    period, issue = world.periods[0], f"{reverse('progress:notice_issue')}?format=pdf"
    agri_unit, edu_unit = world.units["市农业农村局"], world.units["市教育和体育局"]
    # A unit reporter cannot issue another unit's notice (not in scope) nor its own (not the office).
    assert client_for("edu").post(issue, {"period": period.pk, "unit": agri_unit.pk}).status_code == 404
    assert client_for("edu").post(issue, {"period": period.pk, "unit": edu_unit.pk}).status_code == 403
    # Another region's office sees neither the unit nor the period.
    assert client_for("other_office").post(issue, {"period": period.pk, "unit": agri_unit.pk}).status_code == 404
    batch = f"{reverse('progress:notice_batch')}?format=pdf"
    assert client_for("other_office").post(batch, {"period": period.pk, "unit_ids": [agri_unit.pk]}).status_code == 404
    assert client_for("edu").post(batch, {"period": period.pk, "unit_ids": [edu_unit.pk]}).status_code == 403
    assert not ReminderNotice.objects.exists()

    notice = issue_notice(actor=world.users["office"], unit=edu_unit, periods=[period], today=timezone.localdate())
    url = reverse("progress:notice_download", args=[notice.pk, "pdf"])
    assert client_for("edu").get(url).status_code == 200  # the unit's own notice
    assert client_for("city_office").get(url).status_code == 200
    for outsider in ("agri", "other_office", "other_reporter"):
        assert client_for(outsider).get(url).status_code == 404, outsider
    assert client_for("statistician").get(url).status_code == 200  # read like the unit's reports
    assert client_for("office").get(reverse("progress:notice_download", args=[notice.pk, "exe"])).status_code == 404
