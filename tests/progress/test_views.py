"""Every URL of the reporting workflow through the test client: who gets 200, 403 or 404, and what
the pages say."""

from __future__ import annotations

import pytest
from django.urls import reverse
from tests.progress.conftest import PDF_BYTES, pdf_upload

from kesu.progress import services
from kesu.progress.models import Evidence, ProgressReport, Reminder, ReportStatus

pytestmark = pytest.mark.django_db


def tutor_task(world):
    return world.tasks[1]


def edit_url(world, period=0):
    return reverse("progress:report_edit", args=[tutor_task(world).pk, world.periods[period].pk])


def submitted_report(world, *, with_evidence=True) -> ProgressReport:
    task = tutor_task(world)
    return services.save_report(
        actor=world.users["edu"], task=task, period=world.periods[0], expected_revision=0,
        narrative="培训科技辅导员两期。", figures={task.targets.get().pk: "230"},
        new_evidence=[pdf_upload()] if with_evidence else [], submit=True,
    )


def form_data(world, *, revision=0, narrative="本期培训两期", figure="230", action="save", **extra):
    target = tutor_task(world).targets.get()
    return {
        "revision": revision, "narrative": narrative, "self_assessment": "on_track",
        f"figure_{target.pk}": figure, f"note_{target.pk}": "", "action": action, **extra,
    }


def test_anonymous_users_are_sent_to_login(client, world):
    response = client.get(reverse("progress:my_tasks"))
    assert response.status_code == 302 and reverse("login") in response["Location"]


def test_my_tasks_lists_the_units_tasks_with_states(world, client_for):
    submitted_report(world)
    response = client_for("edu").get(reverse("progress:my_tasks"), {"period": world.periods[0].pk})
    page = response.content.decode()
    assert response.status_code == 200
    assert "3.1.1 弘扬和传承科学精神" in page and "3.1.2 加强科技辅导员队伍建设" in page
    assert "3.2.1" not in page  # led by 市农业农村局
    assert "青少年科学素质提升行动" in page
    assert 'data-state="submitted"' in page and 'data-state="not_started"' in page
    assert "已逾期" in page  # 3.1.1 was due 2024-07-15
    assert reverse("progress:inbox") in page and "我的任务" in page
    for username in ("leader", "office", "statistician"):
        assert client_for(username).get(reverse("progress:my_tasks")).status_code == 403


def test_report_form_scope_and_roles(world, client_for):
    url = edit_url(world)
    page = client_for("edu").get(url)
    assert page.status_code == 200
    body = page.content.decode()
    assert "目标：每年培训科技辅导员200人次以上" in body and "人次" in body and 'hx-post="' in body
    assert client_for("agri").get(url).status_code == 404
    assert client_for("other_reporter").get(url).status_code == 404
    assert client_for("other_office").get(url).status_code == 404
    assert client_for("leader").get(url).status_code == 403
    assert client_for("leader").post(url, form_data(world)).status_code == 403
    assert client_for("office").post(url, form_data(world)).status_code == 403
    assert client_for("agri").post(url, form_data(world)).status_code == 404
    wrong_period = reverse("progress:report_edit", args=[tutor_task(world).pk, 999999])
    assert client_for("edu").get(wrong_period).status_code == 404
    assert not ProgressReport.objects.exists()


def test_save_then_autosave_then_stale_conflict_keeps_both_texts(world, client_for):
    edu = client_for("edu")
    url = edit_url(world)
    response = edu.post(url, form_data(world, narrative="第一版"))
    assert response.status_code == 302
    report = ProgressReport.objects.get()
    assert (report.narrative, report.revision) == ("第一版", 1)

    autosave = edu.post(url, form_data(world, revision=1, narrative="第二版", action="autosave"), HTTP_HX_REQUEST="true")
    assert autosave.status_code == 200
    fragment = autosave.content.decode()
    assert "已自动保存" in fragment and 'id="id_revision"' in fragment and 'value="2"' in fragment

    # A colleague in another browser saved meanwhile; this editor still holds revision 1.
    stale = edu.post(url, form_data(world, revision=1, narrative="我基于第一版的修改"))
    assert stale.status_code == 409
    body = stale.content.decode()
    assert "已被他人修改" in body and "第二版" in body and "我基于第一版的修改" in body
    assert ProgressReport.objects.get().narrative == "第二版"

    stale_autosave = edu.post(url, form_data(world, revision=1, narrative="x", action="autosave"), HTTP_HX_REQUEST="true")
    assert stale_autosave.status_code == 409 and "第二版" in stale_autosave.content.decode()

    overwrite = edu.post(url, form_data(world, revision=1, narrative="我的版本", action="overwrite", seen_revision=2))
    assert overwrite.status_code == 302 and ProgressReport.objects.get().narrative == "我的版本"


def test_bad_figures_show_messages_and_large_values_ask_for_confirmation(world, client_for):
    edu = client_for("edu")
    url = edit_url(world)
    response = edu.post(url, form_data(world, figure="二百三十"))
    assert response.status_code == 400 and "只能填写数字" in response.content.decode()
    response = edu.post(url, form_data(world, figure="2300"))
    assert response.status_code == 400 and "确认数值无误" in response.content.decode()
    assert not ProgressReport.objects.exists()
    response = edu.post(url, form_data(world, figure="2300", confirm_large="on"))
    assert response.status_code == 302 and ProgressReport.objects.get().figures.get().value == 2300
    autosave = edu.post(url, form_data(world, revision=1, figure="-1", action="autosave"), HTTP_HX_REQUEST="true")
    assert autosave.status_code == 400 and "未保存" in autosave.content.decode()


def test_submit_with_evidence_locks_the_report_and_rejects_a_second_submission(world, client_for):
    edu = client_for("edu")
    url = edit_url(world)
    data = form_data(world, action="submit")
    data["evidence_file"] = pdf_upload()
    response = edu.post(url, data)
    report = ProgressReport.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("progress:report_detail", args=[report.pk])
    assert report.status == ReportStatus.SUBMITTED and report.evidence.count() == 1
    assert edu.get(url).status_code == 302  # a locked report opens read-only
    again = edu.post(url, form_data(world, revision=report.revision, action="submit"))
    assert again.status_code == 400 and "请勿重复报送" in again.content.decode()

    bad = form_data(world, action="submit")
    bad["evidence_file"] = pdf_upload("病毒.exe", b"MZ")
    other_period = edit_url(world, period=1)
    response = edu.post(other_period, bad)
    assert response.status_code == 400 and "类型不允许" in response.content.decode()
    assert ProgressReport.objects.count() == 1


def test_report_page_and_evidence_download_scope(world, client_for):
    report = submitted_report(world)
    evidence = report.evidence.get()
    page_url = reverse("progress:report_detail", args=[report.pk])
    file_url = reverse("progress:evidence_download", args=[evidence.pk])
    for username in ("edu", "office", "city_office", "leader", "statistician"):
        assert client_for(username).get(page_url).status_code == 200, username
        download = client_for(username).get(file_url)
        assert download.status_code == 200, username
        assert b"".join(download.streaming_content) == PDF_BYTES
        assert "attachment" in download["Content-Disposition"]
    for username in ("agri", "other_reporter", "other_office"):
        assert client_for(username).get(page_url).status_code == 404, username
        assert client_for(username).get(file_url).status_code == 404, username
    delete_url = reverse("progress:evidence_delete", args=[evidence.pk])
    assert client_for("agri").post(delete_url).status_code == 404
    assert client_for("leader").post(delete_url).status_code == 403
    response = client_for("edu").post(delete_url)  # submitted: locked
    assert response.status_code == 302 and Evidence.objects.filter(pk=evidence.pk).exists()


def test_review_return_and_accept(world, client_for):
    report = submitted_report(world)
    review_url = reverse("progress:report_review", args=[report.pk])
    for username, status in (("leader", 403), ("edu", 403), ("agri", 404), ("other_office", 404)):
        assert client_for(username).post(review_url, {"action": "accept"}).status_code == status, username
    office = client_for("office")
    page = office.get(reverse("progress:report_detail", args=[report.pk])).content.decode()
    assert "审核通过" in page and "退回修改" in page and "230" in page and "200" in page and "培训签到表.pdf" in page

    missing_comment = office.post(review_url, {"action": "return", "comment": "", "revision": report.revision})
    assert missing_comment.status_code == 400 and "必须填写退回意见" in missing_comment.content.decode()
    assert office.post(review_url, {"action": "return", "comment": "请补充照片", "revision": report.revision}).status_code == 302
    report.refresh_from_db()
    assert report.status == ReportStatus.RETURNED

    edu = client_for("edu")
    inbox = edu.get(reverse("progress:inbox")).content.decode()
    assert "请补充照片" in inbox and 'class="nav-count"' in inbox
    form = edu.get(edit_url(world)).content.decode()
    assert "退回意见" in form and "请补充照片" in form
    resubmit = edu.post(edit_url(world), form_data(world, revision=report.revision, action="submit"))
    assert resubmit.status_code == 302
    report.refresh_from_db()
    assert office.post(review_url, {"action": "accept", "comment": "好", "revision": report.revision}).status_code == 302
    report.refresh_from_db()
    assert report.status == ReportStatus.ACCEPTED
    again = office.post(review_url, {"action": "accept", "revision": report.revision})
    assert again.status_code == 400 and "只能审核已报送的报告" in again.content.decode()
    history = client_for("edu").get(reverse("progress:report_detail", args=[report.pk])).content.decode()
    assert history.count("badge-event-submit") == 2 and "badge-event-return" in history and "修改记录" in history
    assert "状态：草稿 → 已报送" in history and "状态：已报送 → 已退回" in history


def test_review_queue_filters_and_roles(world, client_for):
    report = submitted_report(world, with_evidence=False)
    farmers_task = world.tasks[2]
    later = services.save_report(
        actor=world.users["agri"], task=farmers_task, period=world.periods[0], expected_revision=0,
        narrative="培训高素质农民 300 名", figures={farmers_task.targets.get().pk: "300"}, submit=True,
    )
    url = reverse("progress:review_queue")
    page = client_for("office").get(url).content.decode()
    assert page.index(f'data-report="{report.pk}"') < page.index(f'data-report="{later.pk}"')  # oldest first
    by_period = client_for("office").get(url, {"period": world.periods[1].pk, "plan": world.plan.pk}).content.decode()
    assert "data-report=" not in by_period and "没有待审核的报告" in by_period
    filtered = client_for("office").get(url, {"unit": world.units["市农业农村局"].pk}).content.decode()
    assert f'data-report="{report.pk}"' not in filtered and f'data-report="{later.pk}"' in filtered
    assert f'data-report="{report.pk}"' not in client_for("other_office").get(url).content.decode()
    for username in ("leader", "edu", "statistician"):
        assert client_for(username).get(url).status_code == 403


def test_single_and_bulk_reminders_and_inbox(world, client_for):
    office = client_for("office")
    new_url = reverse("progress:reminder_new")
    assert office.get(new_url).status_code == 200
    assert client_for("leader").post(new_url, {"unit": world.units["团市委"].pk, "message": "x"}).status_code == 403
    foreign = client_for("other_office").post(new_url, {"unit": world.units["团市委"].pk, "message": "x"})
    assert foreign.status_code == 400 and not Reminder.objects.exists()
    sent = office.post(new_url, {"unit": world.units["市教育和体育局"].pk, "task": world.tasks[0].pk, "message": "请报送3.1.1"})
    assert sent.status_code == 302

    bulk_url = reverse("progress:reminder_bulk")
    preview = office.get(bulk_url, {"period": world.periods[0].pk})
    body = preview.content.decode()
    assert preview.status_code == 200 and "市农业农村局" in body and "团市委" in body and "已过截止日期" in body
    assert client_for("other_office").get(bulk_url, {"period": world.periods[0].pk}).status_code == 404
    assert client_for("leader").post(bulk_url, {"period": world.periods[0].pk}).status_code == 403
    agri_unit = world.units["市农业农村局"]
    response = office.post(bulk_url, {"period": world.periods[0].pk, "message": "请于本周内报送", "unit_ids": [agri_unit.pk]})
    assert response.status_code == 302
    assert Reminder.objects.filter(unit=agri_unit).count() == 1
    none_chosen = office.post(bulk_url, {"period": world.periods[0].pk, "message": "x"})
    assert none_chosen.status_code == 400 and "请至少选择一个单位" in none_chosen.content.decode()

    edu = client_for("edu")
    reminder = Reminder.objects.get(unit=world.units["市教育和体育局"])
    inbox = edu.get(reverse("progress:inbox")).content.decode()
    assert "请报送3.1.1" in inbox and '<span class="nav-count" title="未读">1</span>' in inbox
    read_url = reverse("progress:inbox_mark_read", args=[reminder.pk])
    assert client_for("agri").post(read_url).status_code == 404
    assert client_for("leader").post(read_url).status_code == 403
    fragment = edu.post(read_url, HTTP_HX_REQUEST="true")
    assert fragment.status_code == 200 and "已读" in fragment.content.decode()
    assert 'class="nav-count"' not in edu.get(reverse("progress:inbox")).content.decode()
    assert client_for("leader").post(reverse("progress:inbox_mark_all_read")).status_code == 403
    assert client_for("agri").post(reverse("progress:inbox_mark_all_read")).status_code == 302
    assert Reminder.objects.get(unit=agri_unit).read_at is not None
    outbox = office.get(reverse("progress:inbox")).content.decode()
    assert "已发送的催办" in outbox and "市农业农村局" in outbox


def test_task_page_scope_progress_timeline_and_history(world, client_for):
    report = submitted_report(world)
    services.accept_report(actor=world.users["office"], report=report, expected_revision=report.revision)
    url = reverse("supervision:task_detail", args=[tutor_task(world).pk])
    for username in ("edu", "office", "leader", "statistician", "city_office"):
        assert client_for(username).get(url).status_code == 200, username
    for username in ("agri", "other_reporter", "other_office"):
        assert client_for(username).get(url).status_code == 404, username
    youth_league = ProgressReport.objects.create(
        task=tutor_task(world), unit=world.units["团市委"], period=world.periods[0], narrative="团市委的进展"
    )
    assert f'data-report="{youth_league.pk}"' not in client_for("edu").get(url).content.decode()
    page = client_for("office").get(url).content.decode()
    assert f'data-report="{youth_league.pk}"' in page
    assert "牵头" in page and "市教育和体育局" in page and "团市委" in page
    assert "2024年" in page and "230 人次 / 200 人次（115%）" in page and 'aria-valuenow="100"' in page
    assert f'data-report="{report.pk}"' in page and "修改记录" in page
    assert 'data-status="' in page
