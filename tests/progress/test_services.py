"""The reporting workflow's services: state machine, stale edits, figure checks, evidence checks,
reminders, audit entries."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from tests.progress.conftest import PDF_BYTES, PNG_BYTES, docx_upload, pdf_upload, zip_bytes

from kesu.audit.registry import history_for
from kesu.progress import reminders, selectors, services
from kesu.progress.models import Evidence, ProgressReport, Reminder, ReportStatus, ReviewEvent

pytestmark = pytest.mark.django_db


def tutor_task(world):
    """3.1.2 加强科技辅导员队伍建设: led by 市教育和体育局, target 每年 200 人次."""
    return world.tasks[1]


def draft(world, *, revision=0, narrative="已开展两期科技辅导员培训。", figure="230", user="edu", **extra):
    task = tutor_task(world)
    target = task.targets.get()
    return services.save_draft(
        actor=world.users[user],
        task=task,
        period=world.periods[0],
        expected_revision=revision,
        narrative=narrative,
        figures={target.pk: figure},
        **extra,
    )


def test_full_cycle_draft_submit_return_resubmit_accept(world):
    edu, office = world.users["edu"], world.users["office"]
    report = draft(world)
    assert (report.status, report.revision) == (ReportStatus.DRAFT, 1)
    assert report.figures.get().value == 230

    report = services.submit_report(actor=edu, report=report, expected_revision=1)
    assert report.status == ReportStatus.SUBMITTED and report.submitted_by == edu

    report = services.return_report(actor=office, report=report, expected_revision=report.revision, comment="请补充培训签到表")
    assert report.status == ReportStatus.RETURNED and report.review_comment == "请补充培训签到表"

    report = draft(world, revision=report.revision, narrative="已开展两期培训，附签到表。", figure="240")
    assert report.status == ReportStatus.RETURNED  # still returned until resubmitted
    report = services.submit_report(actor=edu, report=report, expected_revision=report.revision)
    report = services.accept_report(actor=office, report=report, expected_revision=report.revision, comment="")
    assert report.status == ReportStatus.ACCEPTED and report.reviewed_by == office

    events = list(ReviewEvent.objects.filter(report=report).values_list("kind", "actor__username", "comment"))
    assert events == [
        ("submit", "edu", ""),
        ("return", "office", "请补充培训签到表"),
        ("submit", "edu", ""),
        ("accept", "office", ""),
    ]
    statuses = [
        (entry.actor_name, (entry.before or {}).get("status"), entry.after["status"])
        for entry in history_for(report).order_by("at", "id")
    ]
    assert statuses[0] == ("edu", None, "draft")
    assert ("edu", "draft", "submitted") in statuses
    assert ("office", "submitted", "returned") in statuses
    assert statuses[-1] == ("office", "submitted", "accepted")
    figure_changes = history_for(report.figures.get()).order_by("at", "id")
    assert [(e.before or {}).get("value") for e in figure_changes] == [None, 230.0]
    assert figure_changes.last().after["value"] == 240.0


def test_illegal_transitions_raise_clear_errors(world):
    edu, office = world.users["edu"], world.users["office"]
    report = draft(world)
    with pytest.raises(services.IllegalTransitionError, match="只能审核已报送的报告"):
        services.accept_report(actor=office, report=report, expected_revision=report.revision)
    report = services.submit_report(actor=edu, report=report, expected_revision=1)
    with pytest.raises(services.IllegalTransitionError, match="请勿重复报送"):
        services.submit_report(actor=edu, report=report, expected_revision=report.revision)
    with pytest.raises(services.IllegalTransitionError, match="审核中，不能修改"):
        draft(world, revision=report.revision)
    with pytest.raises(services.IllegalTransitionError, match="请勿重复报送"):
        services.save_report(
            actor=edu, task=tutor_task(world), period=world.periods[0], expected_revision=report.revision,
            narrative="再报一次", submit=True,
        )
    with pytest.raises(services.ReportError, match="必须填写退回意见"):
        services.return_report(actor=office, report=report, expected_revision=report.revision, comment="  ")
    report = services.accept_report(actor=office, report=report, expected_revision=report.revision)
    with pytest.raises(services.IllegalTransitionError, match="已审核通过"):
        services.submit_report(actor=edu, report=report, expected_revision=report.revision)
    with pytest.raises(services.IllegalTransitionError, match="只能审核已报送的报告"):
        services.return_report(actor=office, report=report, expected_revision=report.revision, comment="再看看")
    assert ReviewEvent.objects.filter(report=report).count() == 2


def test_submit_requires_a_narrative(world):
    report = draft(world, narrative="")
    with pytest.raises(services.ReportError, match="请填写进展情况"):
        services.submit_report(actor=world.users["edu"], report=report, expected_revision=1)
    assert ProgressReport.objects.get(pk=report.pk).status == ReportStatus.DRAFT


def test_stale_edit_is_detected_and_nothing_is_overwritten(world):
    first = draft(world, narrative="张老师的版本")
    draft(world, revision=first.revision, narrative="李老师先保存的版本")
    with pytest.raises(services.StaleReportError) as excinfo:
        draft(world, revision=first.revision, narrative="张老师基于旧版本的修改")
    assert "已被他人修改" in str(excinfo.value)
    assert excinfo.value.current.narrative == "李老师先保存的版本"
    assert ProgressReport.objects.get(pk=first.pk).narrative == "李老师先保存的版本"
    # A second "first save" from a form opened before the report existed is stale too.
    with pytest.raises(services.StaleReportError):
        draft(world, revision=0, narrative="另一个窗口")


def test_a_review_of_a_revision_the_reviewer_did_not_read_is_refused(world):
    edu, office = world.users["edu"], world.users["office"]
    report = services.submit_report(actor=edu, report=draft(world), expected_revision=1)
    read = report.revision
    report = services.return_report(actor=office, report=report, expected_revision=read, comment="请补充")
    report = draft(world, revision=report.revision, narrative="补充后的版本")
    report = services.submit_report(actor=edu, report=report, expected_revision=report.revision)
    events = ReviewEvent.objects.filter(report=report).count()
    for review, comment in ((services.accept_report, ""), (services.return_report, "再补充")):
        with pytest.raises(services.StaleReportError, match="本次审核未执行") as excinfo:
            review(actor=office, report=report, expected_revision=read, comment=comment)
        assert excinfo.value.current.revision == report.revision
    stored = ProgressReport.objects.get(pk=report.pk)
    assert (stored.status, stored.revision) == (ReportStatus.SUBMITTED, report.revision)
    assert ReviewEvent.objects.filter(report=report).count() == events


def test_only_reporters_of_an_assigned_unit_may_write(world):
    with pytest.raises(services.ReportPermissionError, match=r"不是任务 3\.1\.2 的责任单位"):
        draft(world, user="agri")
    with pytest.raises(services.ReportPermissionError):
        draft(world, user="office")
    report = services.submit_report(actor=world.users["edu"], report=draft(world), expected_revision=1)
    for reviewer in ("edu", "other_office", "leader"):
        with pytest.raises(services.ReportPermissionError, match="纲要办管理员"):
            services.accept_report(actor=world.users[reviewer], report=report, expected_revision=report.revision)
    # The city office is above the county and may review its reports.
    services.accept_report(actor=world.users["city_office"], report=report, expected_revision=report.revision)
    assert not ProgressReport.objects.filter(unit=world.units["市农业农村局"]).exists()


@pytest.mark.parametrize(
    ("raw", "problem"),
    [
        ("230人次", "只能填写数字"),
        ("abc", "只能填写数字"),
        ("-5", "不能为负数"),
        ("20000", "超出合理范围"),
        ("nan", "只能填写数字"),
    ],
)
def test_bad_figures_are_rejected_and_nothing_is_written(world, raw, problem):
    with pytest.raises(services.FigureValidationError, match=problem):
        draft(world, figure=raw)
    assert not ProgressReport.objects.exists()


def test_numbers_in_chinese_typing_are_accepted(world):
    report = draft(world, figure="２３０")
    assert report.figures.get().value == 230
    report = draft(world, revision=report.revision, figure="1,050", confirm_large=True)
    assert report.figures.get().value == 1050


def test_counts_are_whole_numbers_but_ratios_keep_their_decimals(world):
    with pytest.raises(services.FigureValidationError, match=r"以人次计，完成值应为整数，收到 4\.4"):
        draft(world, figure="4.4")
    assert not ProgressReport.objects.exists()
    target = tutor_task(world).targets.get()
    target.text, target.subject, target.unit, target.value = "人均参加培训1.5册", "人均", "册", 1.5
    target.save()
    assert draft(world, figure="1.2").figures.get().value == 1.2


def test_implausibly_large_figure_needs_confirmation(world):
    target = tutor_task(world).targets.get()
    with pytest.raises(services.FigureValidationError) as excinfo:
        draft(world, figure="2500")
    assert target.pk in excinfo.value.needs_confirmation
    assert "12 倍" in excinfo.value.needs_confirmation[target.pk]
    report = draft(world, figure="2500", confirm_large=True)
    assert report.figures.get().value == 2500


def test_percentage_cannot_exceed_100_and_blank_figure_removes_it(world):
    task = tutor_task(world)
    rate = task.targets.create(text="培训覆盖率达到90%", subject="覆盖率", value=90, unit="%", order=1)
    tutors = task.targets.get(order=0)
    with pytest.raises(services.FigureValidationError, match="不能超过 100%"):
        services.save_draft(
            actor=world.users["edu"], task=task, period=world.periods[0], expected_revision=0,
            narrative="", figures={rate.pk: "101"},
        )
    report = services.save_draft(
        actor=world.users["edu"], task=task, period=world.periods[0], expected_revision=0,
        narrative="", figures={rate.pk: "95", tutors.pk: "200"},
    )
    assert report.figures.count() == 2
    report = services.save_draft(
        actor=world.users["edu"], task=task, period=world.periods[0], expected_revision=1,
        narrative="", figures={rate.pk: "", tutors.pk: "210"},
    )
    assert list(report.figures.values_list("target__subject", "value")) == [("科技辅导员培训", 210.0)]


def test_figures_for_targets_of_another_task_are_rejected(world):
    foreign_target = world.tasks[2].targets.get()
    with pytest.raises(services.FigureValidationError, match="不属于本任务"):
        services.save_draft(
            actor=world.users["edu"], task=tutor_task(world), period=world.periods[0], expected_revision=0,
            narrative="", figures={foreign_target.pk: "5"},
        )


# --- evidence ---------------------------------------------------------------------------------


def test_evidence_is_stored_under_a_random_name_with_its_hash(world, private_media):
    report = draft(world)
    evidence = services.add_evidence(
        actor=world.users["edu"], report=report, uploaded=pdf_upload("../../etc/签到表 2024.pdf")
    )
    assert evidence.original_name == "签到表 2024.pdf"
    assert evidence.sha256 == hashlib.sha256(PDF_BYTES).hexdigest()
    assert evidence.content_type == "application/pdf"
    stored = Path(evidence.file.path)
    assert stored.is_relative_to(Path(private_media)) and stored.read_bytes() == PDF_BYTES
    assert "签到表" not in stored.name and stored.suffix == ".pdf"
    assert history_for(evidence).get().action == "create"


@pytest.mark.parametrize(
    ("name", "content", "problem"),
    [
        ("setup.exe", b"MZ\x90\x00", "类型不允许"),
        ("照片.png", PDF_BYTES, "内容与扩展名 .png 不符"),
        ("报告.pdf", PNG_BYTES, "内容与扩展名 .pdf 不符"),
        ("表格.xlsx", zip_bytes({"readme.txt": b"x"}), "内容与扩展名 .xlsx 不符"),
        ("旧表.xls", b"not an ole file at all", "内容与扩展名 .xls 不符"),
        ("空.pdf", b"", "空文件"),
    ],
)
def test_evidence_type_and_content_are_checked(world, name, content, problem):
    report = draft(world)
    with pytest.raises(services.EvidenceRejectedError, match=problem):
        services.add_evidence(actor=world.users["edu"], report=report, uploaded=SimpleUploadedFile(name, content))
    assert not Evidence.objects.exists()


def test_evidence_size_limit_and_office_formats(world, settings):
    report = draft(world)
    edu = world.users["edu"]
    assert services.add_evidence(actor=edu, report=report, uploaded=docx_upload()).content_type.endswith("document")
    ole = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 64
    assert services.add_evidence(actor=edu, report=report, uploaded=SimpleUploadedFile("a.doc", ole))
    assert services.add_evidence(actor=edu, report=report, uploaded=SimpleUploadedFile("a.JPEG", b"\xff\xd8\xff\xe0xx"))
    settings.EVIDENCE_MAX_BYTES = 50
    with pytest.raises(services.EvidenceRejectedError, match="超过上限"):
        services.add_evidence(actor=edu, report=report, uploaded=pdf_upload())
    assert report.evidence.count() == 3


def test_evidence_cannot_change_once_submitted(world):
    edu = world.users["edu"]
    report = draft(world)
    evidence = services.add_evidence(actor=edu, report=report, uploaded=pdf_upload())
    services.submit_report(actor=edu, report=report, expected_revision=1)
    with pytest.raises(services.IllegalTransitionError):
        services.add_evidence(actor=edu, report=report, uploaded=pdf_upload())
    with pytest.raises(services.IllegalTransitionError):
        services.remove_evidence(actor=edu, evidence=evidence)
    with pytest.raises(services.ReportPermissionError):
        services.add_evidence(actor=world.users["agri"], report=report, uploaded=pdf_upload())


def test_save_report_is_all_or_nothing(world, private_media):
    with pytest.raises(services.EvidenceRejectedError):
        services.save_report(
            actor=world.users["edu"], task=tutor_task(world), period=world.periods[0], expected_revision=0,
            narrative="报送", new_evidence=[pdf_upload(), SimpleUploadedFile("x.exe", b"MZ")], submit=True,
        )
    assert not ProgressReport.objects.exists() and not Evidence.objects.exists()
    assert not any(Path(private_media).rglob("*.pdf"))
    report = services.save_report(
        actor=world.users["edu"], task=tutor_task(world), period=world.periods[0], expected_revision=0,
        narrative="报送", new_evidence=[pdf_upload()], submit=True,
    )
    assert report.status == ReportStatus.SUBMITTED and report.evidence.count() == 1


def test_file_names_are_sanitised():
    assert services.sanitise_file_name("C:\\Users\\张三\\总结.docx") == "总结.docx"
    assert services.sanitise_file_name("a\x00b<c>.pdf") == "ab_c_.pdf"
    assert services.sanitise_file_name("...") == "附件"
    long = services.sanitise_file_name("很" * 300 + ".pdf")
    assert len(long) <= 120 and long.endswith(".pdf")


# --- reminders --------------------------------------------------------------------------------


def test_reminders_single_and_bulk(world):
    office = world.users["office"]
    period = world.periods[0]
    services.submit_report(actor=world.users["edu"], report=draft(world), expected_revision=1)
    behind = {row.unit.name: [t.code for t in row.tasks] for row in selectors.units_behind_for_period(period)}
    # 教育局 still owes 3.1.1; 3.1.2 is submitted. 团市委 takes part in 3.1.2; 市科协 in 3.1.1 and 3.2.1.
    assert behind == {
        "市教育和体育局": ["3.1.1"],
        "市科协": ["3.1.1", "3.2.1"],
        "团市委": ["3.1.2"],
        "市农业农村局": ["3.2.1"],
    }
    other_city_unit_id = world.other_plan.tasks.get().assignments.get().unit_id
    unit_ids = [world.units["市农业农村局"].pk, world.units["团市委"].pk, other_city_unit_id]
    sent = reminders.send_bulk_reminders(actor=office, period=period, message="请尽快报送", unit_ids=unit_ids)
    assert sorted(r.unit.name for r in sent) == ["团市委", "市农业农村局"]  # the other city's unit is ignored
    assert "3.2.1" in Reminder.objects.get(unit=world.units["市农业农村局"]).message
    assert history_for(sent[0]).get().reason == "批量催办"

    with pytest.raises(services.ReportPermissionError):
        reminders.send_bulk_reminders(actor=world.users["other_office"], period=period, message="x", unit_ids=unit_ids)
    with pytest.raises(services.ReportError, match="不能为空"):
        reminders.send_reminder(actor=office, unit=world.units["团市委"], message=" ")
    with pytest.raises(services.ReportError, match=r"不是任务 3\.2\.1 的责任单位"):
        reminders.send_reminder(actor=office, unit=world.units["团市委"], message="请报送", task=world.tasks[2])
    single = reminders.send_reminder(
        actor=office, unit=world.units["市教育和体育局"], message="3.1.1 请报送", task=world.tasks[0], period=period
    )
    assert selectors.unread_count(world.users["edu"]) == 1
    with pytest.raises(services.ReportPermissionError):
        reminders.mark_reminder_read(actor=world.users["agri"], reminder=single)
    reminders.mark_reminder_read(actor=world.users["edu"], reminder=single)
    assert selectors.unread_count(world.users["edu"]) == 0


def test_current_period_rule(world):
    import datetime

    first, second = world.periods  # 2024 上半年 (due 7-15), 下半年 (due 2025-01-15)
    assert selectors.current_period([first, second], datetime.date(2023, 12, 1)) == first
    assert selectors.current_period([first, second], datetime.date(2024, 7, 10)) == first
    assert selectors.current_period([first, second], datetime.date(2024, 8, 1)) == second
    assert selectors.current_period([first, second], datetime.date(2026, 1, 1)) == second
