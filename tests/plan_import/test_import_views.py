"""Plan import in the browser through Django's test client: upload → preview → mapping → edit →
confirm, bad uploads, and who may use the pages."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from tests.factories import PASSWORD
from tests.paths import SEEDS

from kesu.org.models import Region, Unit
from kesu.plan_import import drafts, reading
from kesu.plan_import.models import DraftState, ImportDraft
from kesu.planning.models import Plan, Section, Target, Task, TaskUnit

pytestmark = pytest.mark.django_db

SEED = "000_47cc18a54f420551.txt"  # 乳山市


def _login(client, user):
    assert client.login(username=user.username, password=PASSWORD)
    return client


def _rows():
    return (Plan.objects.count(), Task.objects.count(), TaskUnit.objects.count(), Target.objects.count(),
            Section.objects.count(), Unit.objects.count())


def _upload(client, region, name, content):
    return client.post(reverse("plan_import:upload"), {"region": region.pk, "file": SimpleUploadedFile(name, content)})


def _token(response) -> str:
    assert response.status_code == 302, response.content.decode()[:2000]
    return response["Location"].rstrip("/").split("/")[-1]


def test_upload_preview_map_edit_confirm(world, client):
    _login(client, world.users["office"])
    content = (SEEDS / SEED).read_bytes()
    before_rows = _rows()
    token = _token(_upload(client, world.county, "乳山方案.txt", content))
    assert _rows() == before_rows  # nothing written before confirmation

    page = client.get(reverse("plan_import:preview", args=[token]))
    html = page.content.decode()
    assert page.status_code == 200
    assert "乳政发〔2022〕6号" in html and "单位对应" in html and "与第1版相比" in html
    assert "不一致" not in html  # the document names 乳山市, the region chosen

    session_draft = ImportDraft.objects.get(token=token)
    assert session_draft.created_by == world.users["office"] and session_draft.state == DraftState.OPEN
    names = drafts.plan_unit_names(session_draft.plan)
    # Pre-filled from the region's units: 市科协 exists in the world.
    science = world.units["市科协"]
    assert session_draft.mapping["市科协"] == science.pk
    # Map every unit explicitly: the first unmapped name to 团市委, the rest as they are.
    first_new = next(n for n in names if session_draft.mapping[n] == drafts.NEW_UNIT)
    youth = world.units["团市委"]
    form = {f"map-{i}": (str(youth.pk) if n == first_new else str(session_draft.mapping[n]))
            for i, n in enumerate(names)}
    response = client.post(reverse("plan_import:save_mapping", args=[token]), form)
    assert response.status_code == 302

    task = session_draft.plan["tasks"][0]
    edit_url = reverse("plan_import:edit_task", args=[token, task["id"]])
    assert client.get(edit_url).status_code == 200
    response = client.post(edit_url, {
        "title": "改过的任务标题", "text": "改过的内容", "lead_units": "市科协", "participating_units": "团市委",
    })
    assert response.status_code == 302

    # The plan was issued on 2022-07-12; the office asks for 2021's period too.
    response = client.post(reverse("plan_import:confirm", args=[token]), {"period_kind": "yearly", "before_issue": "on"})
    assert response.status_code == 302, response.content.decode()[:500]
    plan = Plan.objects.get(is_current=True, region=world.county)
    assert response["Location"] == reverse("plan_import:done", args=[plan.pk])
    assert plan.version == 2 and plan.previous_version == world.plan  # same 文号 as the factory plan
    assert list(plan.periods.order_by("start").values_list("label", flat=True)) == [
        "2021年度", "2022年度", "2023年度", "2024年度", "2025年度"]
    assert plan.periods.first().kind == "yearly"

    parsed = reading.parse_plan_path(SEEDS / SEED)
    assert list(plan.tasks.order_by("order").values_list("code", flat=True)) == [t.id for t in parsed.tasks]
    edited = plan.tasks.get(code=task["id"])
    assert edited.title == "改过的任务标题" and edited.text == "改过的内容"
    assert {(a.unit_id, a.role) for a in edited.assignments.all()} == {(science.pk, "lead"), (youth.pk, "participating")}
    # The name mapped by hand became an alias of 团市委 and was not created as a unit.
    assert youth.aliases.filter(alias=first_new).exists()
    assert not Unit.objects.filter(region=world.county, name=first_new).exists()
    assert Target.objects.filter(task__plan=plan).count() == sum(len(t.targets) for t in parsed.tasks)

    done = client.get(response["Location"])
    assert done.status_code == 200 and "导入完成" in done.content.decode()
    # The draft is closed after confirmation: its URL now leads to what it became.
    again = client.get(reverse("plan_import:preview", args=[token]))
    assert again.status_code == 302 and again["Location"] == reverse("plan_import:done", args=[plan.pk])
    assert ImportDraft.objects.get(token=token).state == DraftState.IMPORTED


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("plan.txt", b"", "空文件"),
        ("plan.txt", bytes(range(256)) * 40, "二进制"),
        ("setup.exe", b"MZ\x90\x00" + b"\x00" * 100, "不支持"),
        ("plan.txt", "今天天气很好，我们去公园散步。\n".encode() * 20, "不是全民科学素质实施方案"),
        ("plan.docx", b"not a zip at all", "不是有效的 Word"),
    ],
)
def test_bad_upload_gives_a_clear_message_and_writes_nothing(world, client, name, content, message):
    _login(client, world.users["office"])
    before = _rows()
    response = _upload(client, world.county, name, content)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert _rows() == before
    assert not ImportDraft.objects.exists()


def test_oversize_upload_is_refused(world, client, monkeypatch):
    monkeypatch.setattr(reading, "MAX_UPLOAD_BYTES", 1000)
    _login(client, world.users["office"])
    response = _upload(client, world.county, "plan.txt", "科学素质".encode() * 400)
    assert response.status_code == 400 and "超过上限" in response.content.decode()


def test_missing_file_is_reported(world, client):
    _login(client, world.users["office"])
    response = client.post(reverse("plan_import:upload"), {"region": world.county.pk})
    assert response.status_code == 400 and "请选择要上传的方案文件" in response.content.decode()


@pytest.mark.parametrize("role", ["edu", "leader", "statistician"])
def test_other_roles_get_403(world, client, role):
    _login(client, world.users[role])
    assert client.get(reverse("plan_import:upload")).status_code == 403
    assert client.get(reverse("plan_import:preview", args=["whatever"])).status_code == 403


def test_office_of_another_region_gets_404_on_the_draft(world, client):
    office = _login(client, world.users["office"])
    token = _token(_upload(office, world.county, "p.txt", (SEEDS / SEED).read_bytes()))
    client.logout()
    _login(client, world.users["other_office"])
    # 徐州's office knows the token (a leaked link) but may not see or touch 乳山's draft.
    page = client.get(reverse("plan_import:preview", args=[token]))
    assert page.status_code == 404 and "导入草稿不存在" in page.content.decode()
    assert client.post(reverse("plan_import:confirm", args=[token]), {"period_kind": "yearly"}).status_code == 404
    assert client.post(reverse("plan_import:discard", args=[token])).status_code == 404
    assert client.post(reverse("plan_import:delete_task", args=[token, "3.1.1"])).status_code == 404
    assert token not in client.get(reverse("plan_import:upload")).content.decode()
    assert Plan.objects.filter(region=world.county).count() == 1
    draft = ImportDraft.objects.get(token=token)
    assert draft.state == DraftState.OPEN and len(draft.plan["tasks"]) > 0


def test_upload_to_a_region_outside_the_office_is_refused(world, client):
    _login(client, world.users["office"])
    other = Region.objects.get(code="320300")
    response = _upload(client, other, "p.txt", (SEEDS / SEED).read_bytes())
    assert response.status_code == 400 and not ImportDraft.objects.exists()


def test_preview_query_count_is_bounded(world, client, django_assert_max_num_queries):
    _login(client, world.users["office"])
    token = _token(_upload(client, world.county, "p.txt", (SEEDS / SEED).read_bytes()))
    with django_assert_max_num_queries(20):
        assert client.get(reverse("plan_import:preview", args=[token])).status_code == 200
