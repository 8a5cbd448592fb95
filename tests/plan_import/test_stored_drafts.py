"""Import drafts stored in the database: resumed by any office admin of the region from another
browser, listed as 未完成的导入, discarded or expired; corrections made in the preview (tasks and
targets added and deleted, target kinds corrected) reach the imported plan; an unchanged re-upload is
refused; the period option."""

from __future__ import annotations

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from tests.factories import PASSWORD, make_user
from tests.paths import SEEDS
from tests.plan_import.sample import fresh_plan

from kesu.audit.models import AuditEntry
from kesu.org.models import Role
from kesu.plan_import import drafts, services
from kesu.plan_import.errors import PlanImportError
from kesu.plan_import.models import DraftState, ImportDraft
from kesu.planning.models import Plan, Target

pytestmark = pytest.mark.django_db

SEED = "000_47cc18a54f420551.txt"  # 乳山市, issued 2022-07-12


def _client(user) -> Client:
    client = Client()
    assert client.login(username=user.username, password=PASSWORD)
    return client


def _upload(client, region, content=None, name="乳山方案.txt") -> ImportDraft:
    response = client.post(reverse("plan_import:upload"), {
        "region": region.pk, "file": SimpleUploadedFile(name, content or (SEEDS / SEED).read_bytes()),
    })
    assert response.status_code == 302, response.content.decode()[:1000]
    return ImportDraft.objects.get(token=response["Location"].rstrip("/").split("/")[-1])


def _url(name, draft, *args):
    return reverse(f"plan_import:{name}", args=[draft.token, *args])


def test_draft_is_resumed_by_another_office_admin_in_another_browser(world):
    office = world.users["office"]
    draft = _upload(_client(office), world.county)
    assert draft.file_sha256 and draft.source_name == "乳山方案.txt" and draft.task_count == 29
    # A colleague of the same office, in a browser of their own, finds it listed and resumes it.
    colleague = make_user("office2", Role.OFFICE_ADMIN, region=world.county)
    browser = _client(colleague)
    listing = browser.get(reverse("plan_import:upload")).content.decode()
    assert "未完成的导入（1）" in listing and _url("preview", draft) in listing and "office" in listing
    assert "继续" in listing and "放弃" in listing
    page = browser.get(_url("preview", draft))
    assert page.status_code == 200 and "乳政发〔2022〕6号" in page.content.decode()
    # Their correction is stored in the draft, for the first office admin to see.
    assert browser.post(_url("delete_task", draft, "3.1.1")).status_code == 302
    draft.refresh_from_db()
    assert "3.1.1" not in [t["id"] for t in draft.plan["tasks"]] and draft.updated_at > draft.created_at
    assert 'id="task-3.1.1"' not in _client(office).get(_url("preview", draft)).content.decode()
    # The city's office administers the county and sees it too; 徐州's office does not.
    assert _url("preview", draft) in _client(world.users["city_office"]).get(reverse("plan_import:upload")).content.decode()
    assert "未完成的导入" not in _client(world.users["other_office"]).get(reverse("plan_import:upload")).content.decode()
    created = AuditEntry.objects.get(model="plan_import.ImportDraft", action="create", object_id=str(draft.pk))
    assert created.actor == office and created.after["source_name"] == "乳山方案.txt"


def test_the_same_file_uploaded_again_resumes_its_open_draft(world):
    client = _client(world.users["office"])
    first = _upload(client, world.county)
    response = client.post(reverse("plan_import:upload"), {
        "region": world.county.pk, "file": SimpleUploadedFile("again.txt", (SEEDS / SEED).read_bytes()),
    }, follow=True)
    assert ImportDraft.objects.count() == 1
    assert response.redirect_chain[-1][0] == _url("preview", first)
    assert "这个文件已有未完成的导入" in response.content.decode()


def test_discarded_draft_is_gone_from_the_list_and_its_url_says_so(world):
    client = _client(world.users["office"])
    draft = _upload(client, world.county)
    response = client.post(_url("discard", draft), follow=True)
    assert "已放弃本次导入" in response.content.decode() and "未完成的导入" not in response.content.decode()
    draft.refresh_from_db()
    assert draft.state == DraftState.DISCARDED and draft.closed_by == world.users["office"]
    assert draft.plan == {"title": "乳山市全民科学素质行动规划纲要实施方案（2021—2025年）"}  # the document is not kept
    # A colleague's tab still open on the preview is told what happened.
    stale = _client(world.users["city_office"]).get(_url("preview", draft))
    assert stale.status_code == 404 and "已由office放弃" in stale.content.decode()
    stale_post = _client(world.users["city_office"]).post(_url("confirm", draft), {"period_kind": "yearly"})
    assert stale_post.status_code == 404
    entry = AuditEntry.objects.get(model="plan_import.ImportDraft", action="update", object_id=str(draft.pk))
    assert entry.reason == "放弃导入" and entry.after["state"] == "discarded" and entry.before["state"] == "open"
    assert Plan.objects.filter(region=world.county).count() == 1


def test_expired_drafts_are_purged_when_the_list_is_read(world, settings):
    settings.KESU_IMPORT_DRAFT_DAYS = 14
    office = world.users["office"]
    client = _client(office)
    old = _upload(client, world.county)
    recent, _ = services.start_import(actor=office, region=world.county, parsed=fresh_plan())
    ImportDraft.objects.filter(pk=old.pk).update(updated_at=timezone.now() - datetime.timedelta(days=15))
    ImportDraft.objects.filter(pk=recent.pk).update(updated_at=timezone.now() - datetime.timedelta(days=13))
    listing = client.get(reverse("plan_import:upload")).content.decode()
    assert list(ImportDraft.objects.values_list("pk", flat=True)) == [recent.pk]
    assert "未完成的导入（1）" in listing and "14 天内未再修改的将自动清除" in listing
    assert client.get(_url("preview", old)).status_code == 404
    entry = AuditEntry.objects.get(model="plan_import.ImportDraft", action="delete", object_id=str(old.pk))
    assert "超过14天未处理" in entry.reason and entry.actor is None
    # The purge as the operator runs it; a shorter lifetime clears the other draft too.
    settings.KESU_IMPORT_DRAFT_DAYS = 10
    assert services.purge_expired_drafts() == 1 and not ImportDraft.objects.exists()


def test_tasks_and_targets_added_and_deleted_in_the_preview_are_imported(world):
    client = _client(world.users["office"])
    draft = _upload(client, world.county)
    edu, youth = world.units["市教育和体育局"], world.units["团市委"]
    sections = dict(drafts.section_choices(draft.plan))
    youth_section = next(key for key, label in sections.items() if label.endswith("青少年科学素质提升行动"))
    response = client.post(_url("add_task", draft), {
        "code": "3.1.9", "title": "开展青少年科学调查体验活动", "text": "每年组织青少年科学调查体验活动。",
        "section": youth_section, "lead_units": [edu.pk], "participating_units": [youth.pk, edu.pk],
    })
    assert response.status_code == 302 and response["Location"].endswith("#task-3.1.9")
    response = client.post(_url("add_target", draft, "3.1.9"), {
        "value": "20", "comparator": ">=", "unit": "场", "deadline_year": "", "kind": "yearly",
        "text": "每年组织活动不少于20场", "period": "每年",
    })
    assert response.status_code == 302
    response = client.post(_url("add_target", draft, "3.1.9"), {
        "value": "5000", "comparator": ">=", "unit": "人次", "deadline_year": "2025", "kind": "cumulative",
    })
    assert response.status_code == 302
    assert client.post(_url("delete_task", draft, "4.1.1")).status_code == 302
    # The parser's 3.2.2 target (“十四五”期间 1000 名) deleted, 3.1.3's (每年 200 人次) edited.
    assert client.post(_url("edit_target", draft, "3.2.2", 0), {
        "value": "1000", "comparator": ">=", "unit": "名", "kind": "cumulative", "delete": "on",
    }).status_code == 302
    assert client.post(_url("edit_target", draft, "3.1.3", 0), {
        "value": "250", "comparator": ">=", "unit": "人次", "deadline_year": "2025", "kind": "yearly",
    }).status_code == 302
    draft.refresh_from_db()
    codes = [t["id"] for t in draft.plan["tasks"]]
    # Placed after the youth action's last task, not at the end.
    assert codes.index("3.1.9") < codes.index("3.2.1") and "4.1.1" not in codes

    confirm = client.post(_url("confirm", draft), {"period_kind": "half_yearly"})
    assert confirm.status_code == 302, confirm.content.decode()[:500]
    plan = Plan.objects.get(region=world.county, is_current=True)
    added = plan.tasks.get(code="3.1.9")
    assert added.group.title == "青少年科学素质提升行动"
    assert {(a.unit_id, a.role) for a in added.assignments.all()} == {(edu.pk, "lead"), (youth.pk, "participating")}
    targets = list(added.targets.order_by("order"))
    assert [(t.value, t.unit, t.comparator, t.deadline_year) for t in targets] == [
        (20.0, "场", ">=", None), (5000.0, "人次", ">=", 2025)]
    # The kinds the office chose equal what the wording says (每年 → yearly; no wording → cumulative):
    # no correction is stored, and the rule reads them alike.
    assert [t.kind for t in targets] == ["", ""]
    assert [t.attainment_target().kind for t in targets] == ["yearly", "cumulative"]
    assert not plan.tasks.filter(code="4.1.1").exists()
    assert not Target.objects.filter(task__plan=plan, task__code="3.2.2").exists()
    assert plan.tasks.get(code="3.1.3").targets.get().value == 250.0


@pytest.mark.parametrize(
    ("form", "message"),
    [
        ({"code": "3.1.1", "title": "重复", "lead": True}, "任务编号“3.1.1”在方案中已存在"),
        ({"code": "9.9.9", "title": "没有单位", "lead": False}, "至少选择一个牵头单位"),
        ({"code": "9 9", "title": "编号有空格", "lead": True}, "不含空格和斜杠"),
        ({"code": "9.9.9", "title": "外地单位", "foreign": True}, "选择一个有效的选项"),
    ],
)
def test_adding_a_bad_task_is_refused_with_the_reason(world, form, message):
    client = _client(world.users["office"])
    draft = _upload(client, world.county)
    units = [world.units["市科协"].pk] if form.get("lead") else []
    if form.get("foreign"):
        units = [world.other_plan.tasks.get().units.get().pk]
    response = client.post(_url("add_task", draft), {"code": form["code"], "title": form["title"], "lead_units": units})
    assert response.status_code == 400 and message in response.content.decode()
    draft.refresh_from_db()
    assert draft.task_count == 29


@pytest.mark.parametrize(
    ("form", "message"),
    [
        ({"value": "很多", "comparator": ">=", "unit": "场", "kind": "yearly"}, "目标值应为数字"),
        ({"value": "5", "comparator": ">=", "unit": "", "kind": "yearly"}, "请填写计量单位"),
        ({"value": "5", "comparator": ">==", "unit": "场", "kind": "yearly"}, "选择一个有效的选项"),
        ({"value": "5", "comparator": ">=", "unit": "场", "kind": "ceiling"}, "不超过（≤）或低于"),
        ({"value": "5", "comparator": ">=", "unit": "场", "kind": "yearly", "deadline_year": "25"}, "时限年"),
    ],
)
def test_adding_a_bad_target_is_refused_with_the_reason(world, form, message):
    client = _client(world.users["office"])
    draft = _upload(client, world.county)
    response = client.post(_url("add_target", draft, "3.1.1"), form)
    assert response.status_code == 400 and message in response.content.decode()
    draft.refresh_from_db()
    assert draft.plan["tasks"][0]["targets"] == []


def test_the_office_corrects_a_target_kind_and_the_plan_keeps_it(world):
    client = _client(world.users["office"])
    draft = _upload(client, world.county)
    page = client.get(_url("preview", draft)).content.decode()
    # 3.1.3: 争取每年培训科技辅导员200人次以上 — read as yearly, shown in words.
    assert "不少于 200 人次" in page and "每年（按原文）" in page
    assert ">= 200" not in page and "200.0" not in page and "&gt;=" not in page
    response = client.post(_url("target_kind", draft, "3.1.3", 0), {"kind": "cumulative"}, follow=True)
    assert "类型已改为“累计”" in response.content.decode()
    assert "已更正，原文读作“每年”" in response.content.decode()
    refused = client.post(_url("target_kind", draft, "3.1.3", 0), {"kind": "ceiling"}, follow=True)
    assert "“不超过”类目标的比较方式应为" in refused.content.decode()
    draft.refresh_from_db()
    assert draft.plan["tasks"][2]["targets"][0]["kind"] == "cumulative"
    client.post(_url("confirm", draft), {"period_kind": "yearly"})
    target = Target.objects.get(task__plan__is_current=True, task__plan__region=world.county, task__code="3.1.3")
    assert target.kind == "cumulative" and target.attainment_target().kind == "cumulative"
    # The same file uploaded again keeps the correction: nothing to import.
    again = _upload(client, world.county)
    assert again.plan["tasks"][2]["targets"][0]["kind"] == "cumulative"
    assert "内容相同，无需导入" in client.get(_url("preview", again)).content.decode()
    # Back to the wording's kind: no correction stored.
    drafts.draft_set_target_kind(again, "3.1.3", 0, "yearly")
    assert again.plan["tasks"][2]["targets"][0]["kind"] == ""


def test_an_unchanged_re_upload_is_refused_as_such(world):
    client = _client(world.users["office"])
    first = _upload(client, world.county)
    assert client.post(_url("confirm", first), {"period_kind": "yearly"}).status_code == 302
    current = Plan.objects.get(region=world.county, is_current=True)
    again = _upload(client, world.county)
    assert again.previous_id == current.pk
    page = client.get(_url("preview", again)).content.decode()
    assert f"与现行方案（第{current.version}版）内容相同，无需导入" in page
    assert "确认导入为第" not in page and _url("confirm", again) not in page
    response = client.post(_url("confirm", again), {"period_kind": "yearly"}, follow=True)
    assert "内容相同，无需导入" in response.content.decode()
    assert Plan.objects.filter(region=world.county).count() == 2
    assert ImportDraft.objects.get(pk=again.pk).state == DraftState.OPEN
    # One corrected target is a change worth a new version.
    client.post(_url("target_kind", again, "3.1.3", 0), {"kind": "cumulative"})
    assert "内容相同" not in client.get(_url("preview", again)).content.decode()
    assert client.post(_url("confirm", again), {"period_kind": "yearly"}).status_code == 302
    assert Plan.objects.get(region=world.county, is_current=True).version == current.version + 1


def test_the_service_refuses_an_unchanged_plan_too(world):
    office = world.users["office"]
    services.confirm_import(actor=office, draft=drafts.start_draft(world.county, fresh_plan()))
    with pytest.raises(PlanImportError, match=r"与现行方案（第1版）内容相同，无需导入"):
        services.confirm_import(actor=office, draft=drafts.start_draft(world.county, fresh_plan()))


def test_periods_start_at_the_issue_date_unless_the_office_asks(world):
    office = world.users["office"]
    pending, _ = services.start_import(actor=office, region=world.county, parsed=fresh_plan())
    assert "方案印发前的年份也生成填报周期" in _client(office).get(_url("preview", pending)).content.decode()
    default = services.confirm_import(actor=office, draft=drafts.start_draft(world.county, fresh_plan()),
                                      period_kind="yearly")
    assert [p.label for p in default.periods.order_by("start")] == ["2022年度", "2023年度", "2024年度", "2025年度"]
    other = fresh_plan()
    other.title, other.doc_number = "乳山市科普惠民工作方案", "乳政发〔2023〕9号"
    earlier = services.confirm_import(actor=office, draft=drafts.start_draft(world.county, other),
                                      period_kind="yearly", before_issue=True)
    assert earlier.periods.order_by("start").first().label == "2021年度" and earlier.periods.count() == 5


def test_a_draft_is_imported_once_even_from_two_tabs(world):
    client = _client(world.users["office"])
    draft = _upload(client, world.county)
    assert client.post(_url("confirm", draft), {"period_kind": "yearly"}).status_code == 302
    second = _client(world.users["city_office"]).post(_url("confirm", draft), {"period_kind": "yearly"}, follow=True)
    assert "已由office确认导入" in second.content.decode() and "导入完成" in second.content.decode()
    assert Plan.objects.filter(region=world.county).count() == 2
    with pytest.raises(PlanImportError, match="已由office确认导入"):
        services.confirm_import(actor=world.users["office"], draft=draft)


def test_the_revised_plan_is_chosen_among_the_regions_current_plans_only(world):
    client = _client(world.users["office"])
    draft = _upload(client, world.county)
    assert draft.previous_id == world.plan.pk
    for bad in ("abc", str(world.other_plan.pk)):
        response = client.post(_url("choose_previous", draft), {"previous": bad}, follow=True)
        assert "所选方案不是本地区的现行方案" in response.content.decode()
        draft.refresh_from_db()
        assert draft.previous_id == world.plan.pk
    response = client.post(_url("choose_previous", draft), {"previous": ""}, follow=True)
    assert "将作为新方案导入" in response.content.decode() and "与第1版相比" not in response.content.decode()
    draft.refresh_from_db()
    assert draft.previous_id is None
