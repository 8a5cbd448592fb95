"""The pages and the API write progress reports through the same services (kesu.progress.services):
each write is done once by posting the real web form and once through the API, each time in a freshly
built, identical world, and everything the write leaves behind must be the same — the report, its
review events and its audit rows (timestamps and row ids aside). A refusal must be the same too."""

from __future__ import annotations

import html
import re

import pytest
from django.db import transaction
from django.test import Client
from django.urls import reverse
from tests.api.conftest import ApiClient
from tests.factories import build_world

from kesu.api.tokens import create_token
from kesu.audit.models import AuditEntry
from kesu.caching import fragments
from kesu.org.models import User
from kesu.progress import services
from kesu.progress.forms import figure_field_name, note_field_name
from kesu.progress.models import ProgressReport, ReviewEvent

pytestmark = pytest.mark.django_db

TIME = re.compile(r"\d\d-\d\d \d\d:\d\d")


def tutor_task(world):
    """3.1.2 加强科技辅导员队伍建设: 市教育和体育局 leads, one target of 200 人次 a year."""
    return world.tasks[1]


def drafted(world, narrative="上半年培训科技辅导员两期。", figure="230"):
    task = tutor_task(world)
    return services.save_draft(
        actor=world.users["edu"], task=task, period=world.periods[0], expected_revision=0,
        narrative=narrative, figures={task.targets.get().pk: figure}, figure_notes={task.targets.get().pk: "签到表"},
    )


def submitted(world):
    report = drafted(world)
    return services.submit_report(actor=world.users["edu"], report=report, expected_revision=report.revision)


def resubmitted_behind_the_reviewers_back(world, report):
    """The report the reviewer has open is returned by a colleague, revised and handed in again."""
    office, edu = world.users["city_office"], world.users["edu"]
    report = services.return_report(actor=office, report=report, expected_revision=report.revision, comment="请补充")
    report = services.save_draft(
        actor=edu, task=report.task, period=report.period, expected_revision=report.revision,
        narrative="补充了签到表。", figures={tutor_task(world).targets.get().pk: "240"},
    )
    return services.submit_report(actor=edu, report=report, expected_revision=report.revision)


# --- what a write leaves behind ------------------------------------------------------------------


def _plain(key: str, value):
    """An audited value with what differs between two identical worlds taken out: times become
    "<time>", users their username, other row ids "<id>"."""
    if value is None:
        return None
    if key.endswith("_at"):
        return "<time>"
    if key == "id" or key.endswith("_id"):
        if key in {"reviewed_by_id", "submitted_by_id", "uploaded_by_id", "sent_by_id", "user_id"}:
            return User.objects.get(pk=value).username
        return "<id>"
    return value


def audit_rows(after_id: int) -> list[tuple]:
    return [
        (
            entry.model, entry.action, entry.actor_name, entry.object_repr, entry.reason,
            tuple((key, _plain(key, before), _plain(key, after))
                  for key, before, after in entry.changed_fields()),
        )
        for entry in AuditEntry.objects.filter(id__gt=after_id).order_by("id")
    ]


def outcome(world, mark: int) -> dict:
    """Everything a write can change, with the world's own ids and times taken out."""
    report = ProgressReport.objects.filter(task=tutor_task(world), period=world.periods[0]).first()
    return {
        "report": report and {
            "status": report.status,
            "revision": report.revision,
            "narrative": report.narrative,
            "self_assessment": report.self_assessment,
            "review_comment": report.review_comment,
            "reviewed_by": report.reviewed_by and report.reviewed_by.username,
            "submitted_by": report.submitted_by and report.submitted_by.username,
            "figures": sorted((f.target.subject, f.value, f.note) for f in report.figures.all()),
        },
        "events": list(
            ReviewEvent.objects.filter(report=report).order_by("at", "id").values_list("kind", "actor__username", "comment")
        ),
        "audit": audit_rows(mark),
    }


def in_a_fresh_world(prepare, act) -> tuple[dict, object]:
    """Build a world, `prepare(world)` it, `act(world, prepared)` through one path; return what the
    act changed and what it answered. The world is rolled back afterwards, so that the next call
    builds an identical one."""
    fragments.clear()
    savepoint = transaction.savepoint()
    try:
        world = build_world()
        prepared = prepare(world)
        mark = AuditEntry.objects.order_by("-id").values_list("id", flat=True).first() or 0
        answer = act(world, prepared, mark)
        return outcome(world, mark), answer
    finally:
        transaction.savepoint_rollback(savepoint)
        fragments.clear()


# --- the two paths -------------------------------------------------------------------------------


def web_client(world, username: str) -> Client:
    client = Client()
    client.force_login(world.users[username])
    return client


def api_client(world, username: str) -> ApiClient:
    _, raw_token = create_token(user=world.users[username], name="test")
    return ApiClient(raw_token)


def hidden_revision(page: str) -> int:
    [value] = re.findall(r'<input type="hidden" name="revision" value="(\d+)"', page)
    return int(value)


def refusal_on_page(response) -> tuple[int, str]:
    """The status and the error the page shows: in the alert above the form or under a field."""
    page = response.content.decode()
    cards = re.findall(r'<div class="card error" role="alert">(.*?)</div>', page, flags=re.S)
    errors = [text for card in cards for text in re.findall(r"<p>(.*?)</p>", card, flags=re.S)]
    errors += re.findall(r'<p class="error">(.*?)</p>', page, flags=re.S)
    return response.status_code, TIME.sub("<time>", " ".join(html.unescape(text) for text in errors))


def refusal_from_api(response) -> tuple[int, str]:
    return response.status_code, TIME.sub("<time>", response.json()["detail"])


def review_opened(world, username: str):
    """Prepare: a submitted report and the reviewer's open page (web) or read (API)."""
    report = submitted(world)
    web = web_client(world, username)
    page = web.get(reverse("progress:report_detail", args=[report.pk])).content.decode()
    api = api_client(world, username)
    read = api.get(f"/api/reports/{report.pk}").json()
    return {"report": report, "web": web, "page": page, "api": api, "revision": read["revision"]}


def review_on_the_web(action: str, comment: str):
    def act(world, opened, mark):
        page = opened["page"]
        [form_url] = re.findall(r'<form method="post" action="([^"]+/review/)"', page)
        assert 'name="comment"' in page and f'value="{action}"' in page
        return opened["web"].post(form_url, {"action": action, "comment": comment, "revision": hidden_revision(page)})

    return act


def review_through_the_api(action: str, comment: str):
    def act(world, opened, mark):
        report = opened["report"]
        return opened["api"].post(f"/api/reports/{report.pk}/{action}",
                                  {"expected_revision": opened["revision"], "comment": comment})

    return act


# --- review --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("action", "comment", "status", "event"),
    [("accept", "材料齐全，同意。", "accepted", "accept"), ("return", "请补充培训签到表", "returned", "return")],
)
def test_a_review_has_the_same_outcome_through_the_web_and_the_api(action, comment, status, event):
    prepare = lambda world: review_opened(world, "office")  # noqa: E731
    web, web_answer = in_a_fresh_world(prepare, review_on_the_web(action, comment))
    api, api_answer = in_a_fresh_world(prepare, review_through_the_api(action, comment))
    assert web_answer.status_code == 302 and api_answer.status_code == 200, api_answer.content
    assert web == api
    assert web["report"]["status"] == status
    assert (web["report"]["review_comment"], web["report"]["reviewed_by"]) == (comment, "office")
    assert web["events"] == [("submit", "edu", ""), (event, "office", comment)]
    [(model, audit_action, actor, _, _, changes)] = web["audit"]
    assert (model, audit_action, actor) == ("progress.ProgressReport", "update", "office")
    assert dict((key, (before, after)) for key, before, after in changes)["status"] == ("submitted", status)


def test_a_return_without_comment_is_refused_alike():
    prepare = lambda world: review_opened(world, "office")  # noqa: E731
    web, web_answer = in_a_fresh_world(prepare, review_on_the_web("return", "  "))
    api, api_answer = in_a_fresh_world(prepare, review_through_the_api("return", "  "))
    assert web == api and web["audit"] == [] and web["report"]["status"] == "submitted"
    assert refusal_on_page(web_answer) == refusal_from_api(api_answer)
    assert "必须填写退回意见" in refusal_from_api(api_answer)[1]


@pytest.mark.parametrize("action", ["accept", "return"])
def test_a_review_of_a_stale_revision_is_refused_alike(action):
    def prepare(world):
        opened = review_opened(world, "office")
        opened["report"] = resubmitted_behind_the_reviewers_back(world, opened["report"])
        return opened

    web, web_answer = in_a_fresh_world(prepare, review_on_the_web(action, "看过了"))
    api, api_answer = in_a_fresh_world(prepare, review_through_the_api(action, "看过了"))
    assert web == api
    assert web["audit"] == [] and web["report"]["status"] == "submitted"
    assert web["report"]["narrative"] == "补充了签到表。"
    status, message = refusal_on_page(web_answer)
    assert (status, message) == refusal_from_api(api_answer)
    assert status == 409 and "已被他人修改" in message and "本次审核未执行" in message
    # The page now shows the revised report with a form carrying its revision, the comment kept.
    page = web_answer.content.decode()
    assert "补充了签到表。" in page and "看过了" in page
    assert hidden_revision(page) == web["report"]["revision"]


def test_a_review_form_without_its_revision_is_refused_with_a_message():
    def act(world, opened, mark):
        return opened["web"].post(reverse("progress:report_review", args=[opened["report"].pk]), {"action": "accept"})

    web, answer = in_a_fresh_world(lambda world: review_opened(world, "office"), act)
    assert web["audit"] == [] and web["report"]["status"] == "submitted"
    assert refusal_on_page(answer) == (400, "页面缺少报告版本号，请刷新页面后再审核")


# --- drafts and submission -----------------------------------------------------------------------


def edit_opened(world):
    """Prepare: a draft and the reporter's open edit page (web) or read (API)."""
    report = drafted(world)
    web = web_client(world, "edu")
    page = web.get(reverse("progress:report_edit", args=[report.task_id, report.period_id])).content.decode()
    api = api_client(world, "edu")
    read = api.get(f"/api/reports/{report.pk}").json()
    return {"report": report, "web": web, "page": page, "api": api, "revision": read["revision"]}


NEW_CONTENT = {"narrative": "上半年培训科技辅导员三期，共 260 人次。", "self_assessment": "completed",
               "figure": "260", "note": "三期签到表"}


def edit_on_the_web(action: str, revision=None):
    def act(world, opened, mark):
        page, report = opened["page"], opened["report"]
        target = tutor_task(world).targets.get()
        fields = {"narrative": NEW_CONTENT["narrative"], "self_assessment": NEW_CONTENT["self_assessment"],
                  figure_field_name(target): NEW_CONTENT["figure"], note_field_name(target): NEW_CONTENT["note"]}
        assert all(f'name="{name}"' in page for name in fields) and f'value="{action}"' in page
        url = reverse("progress:report_edit", args=[report.task_id, report.period_id])
        expected = hidden_revision(page) if revision is None else revision
        return opened["web"].post(url, {**fields, "revision": expected, "action": action})

    return act


def edit_through_the_api(then_submit: bool, revision=None):
    def act(world, opened, mark):
        report = opened["report"]
        target = tutor_task(world).targets.get()
        expected = opened["revision"] if revision is None else revision
        saved = opened["api"].post("/api/reports", {
            "task_id": report.task_id, "period_id": report.period_id, "expected_revision": expected,
            "narrative": NEW_CONTENT["narrative"], "self_assessment": NEW_CONTENT["self_assessment"],
            "figures": [{"target_id": target.pk, "value": float(NEW_CONTENT["figure"]), "note": NEW_CONTENT["note"]}],
        })
        if not then_submit or saved.status_code != 200:
            return saved
        return opened["api"].post(f"/api/reports/{report.pk}/submit", {"expected_revision": saved.json()["revision"]})

    return act


def test_saving_a_draft_has_the_same_outcome_through_the_web_and_the_api():
    web, web_answer = in_a_fresh_world(edit_opened, edit_on_the_web("save"))
    api, api_answer = in_a_fresh_world(edit_opened, edit_through_the_api(then_submit=False))
    assert web_answer.status_code == 302 and api_answer.status_code == 200, api_answer.content
    assert web == api
    assert web["report"]["status"] == "draft" and web["report"]["narrative"] == NEW_CONTENT["narrative"]
    assert web["report"]["figures"] == [("科技辅导员培训", 260.0, "三期签到表")]
    assert [(model, action) for model, action, *_ in web["audit"]] == [
        ("progress.ProgressReport", "update"), ("progress.TargetFigure", "update"),
    ]


def test_submitting_has_the_same_outcome_through_the_web_and_the_api():
    # The form saves and hands in with one button; through the API that is a save, then a submit.
    web, web_answer = in_a_fresh_world(edit_opened, edit_on_the_web("submit"))
    api, api_answer = in_a_fresh_world(edit_opened, edit_through_the_api(then_submit=True))
    assert web_answer.status_code == 302 and api_answer.status_code == 200, api_answer.content
    assert web == api
    assert (web["report"]["status"], web["report"]["submitted_by"]) == ("submitted", "edu")
    assert web["events"] == [("submit", "edu", "")]


def test_a_stale_draft_is_refused_alike():
    def prepare(world):
        opened = edit_opened(world)
        opened["report"] = services.save_draft(
            actor=world.users["edu"], task=opened["report"].task, period=opened["report"].period,
            expected_revision=opened["report"].revision, narrative="同事在另一个窗口保存的版本",
        )
        return opened

    web, web_answer = in_a_fresh_world(prepare, edit_on_the_web("save"))
    api, api_answer = in_a_fresh_world(prepare, edit_through_the_api(then_submit=False))
    assert web == api and web["audit"] == []
    assert web["report"]["narrative"] == "同事在另一个窗口保存的版本"
    assert web_answer.status_code == api_answer.status_code == 409
    detail = TIME.sub("<time>", api_answer.json()["detail"])
    assert detail in TIME.sub("<time>", html.unescape(web_answer.content.decode()))
