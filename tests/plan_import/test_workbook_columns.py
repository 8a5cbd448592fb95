"""An office's own 任务分解表 (issue 15, item 7): the workbook is kept with the draft, its column
mapping shown as a form, and a changed mapping re-reads the workbook into the draft."""

from __future__ import annotations

import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from tests.factories import PASSWORD

from kesu.plan_import import reading, services
from kesu.plan_import.errors import PlanImportError
from kesu.plan_import.models import ImportDraft

pytestmark = pytest.mark.django_db

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def workbook_bytes() -> bytes:
    """A table whose 具体内容 column the reader cannot name: it takes 工作事项 for the task."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "任务分解"
    sheet.append(["乳山市全民科学素质行动任务分解表"])
    sheet.append(["序号", "工作事项", "具体内容", "牵头单位", "配合单位", "完成时限"])
    sheet.append([1, "青少年科学素质提升", "举办青少年科技创新大赛", "市教育和体育局", "市科协", "2026年底"])
    sheet.append([2, "农民科学素质提升", "培训高素质农民500名", "市农业农村局", "市科协、市妇联", "2027年底"])
    sheet.append([3, "科普基础设施建设", "建设乡镇科普活动站10个", "市科协", "市财政局", "2027年底"])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _client() -> Client:
    client = Client()
    assert client.login(username="office", password=PASSWORD)
    return client


def _upload(client, region, content: bytes, name="任务分解表.xlsx") -> ImportDraft:
    response = client.post(reverse("plan_import:upload"), {
        "region": region.pk, "file": SimpleUploadedFile(name, content, content_type=XLSX),
    })
    assert response.status_code == 302, response.content.decode()[:2000]
    return ImportDraft.objects.get(token=response["Location"].rstrip("/").split("/")[-1])


def _titles(draft: ImportDraft) -> list[str]:
    return [t["title"] for t in draft.plan["tasks"]]


def test_the_mapping_is_shown_as_a_form_and_a_changed_one_re_reads_the_workbook(world):
    client = _client()
    draft = _upload(client, world.county, workbook_bytes())
    kept = openpyxl.load_workbook(io.BytesIO(bytes(draft.workbook)))  # the workbook itself, kept with the draft
    assert kept.active["C3"].value == "举办青少年科技创新大赛"
    assert _titles(draft) == ["青少年科学素质提升", "农民科学素质提升", "科普基础设施建设"]
    assert [c["role"] for c in draft.columns[0]["columns"]] == ["seq", "task", "", "lead", "part", "deadline"]

    html = client.get(reverse("plan_import:preview", args=[draft.token])).content.decode()
    assert "表格列对应" in html and "按此列对应重新读取" in html
    select = html[html.index('name="col-0-1"'):html.index("</select>", html.index('name="col-0-1"'))]
    assert '<option value="task" selected>任务</option>' in select
    ignored = html[html.index('name="col-0-2"'):html.index("</select>", html.index('name="col-0-2"'))]
    assert '<option value="" selected>忽略</option>' in ignored

    # A correction made before the re-read: the unit mapping survives it, task edits do not.
    client.post(reverse("plan_import:check_item", args=[draft.token]), {"item": "metadata:title"})
    response = client.post(reverse("plan_import:remap_columns", args=[draft.token]), {
        "col-0-0": "seq", "col-0-1": "category", "col-0-2": "task", "col-0-3": "lead", "col-0-4": "part",
        "col-0-5": "deadline",
    }, follow=True)
    page = response.content.decode()
    assert "已按所选列对应重新读取工作簿：3 项任务" in page and "此前对任务内容、责任单位和目标数值的修改，以及添加和删除的任务、目标已重置" in page
    draft.refresh_from_db()
    assert _titles(draft) == ["举办青少年科技创新大赛", "培训高素质农民500名", "建设乡镇科普活动站10个"]
    assert draft.plan["tasks"][0]["path"][0] == "青少年科学素质提升"
    assert [c["role"] for c in draft.columns[0]["columns"]] == ["seq", "category", "task", "lead", "part", "deadline"]
    assert "按所选" in draft.plan["warnings"][0]
    assert draft.mapping["市教育和体育局"] == world.units["市教育和体育局"].pk
    assert "metadata:title" in draft.checked  # a tick on metadata survives the re-read


def test_a_mapping_that_cannot_work_is_refused_and_the_draft_is_unchanged(world):
    client = _client()
    draft = _upload(client, world.county, workbook_bytes())
    before = _titles(draft)
    response = client.post(reverse("plan_import:remap_columns", args=[draft.token]), {
        "col-0-0": "seq", "col-0-1": "task", "col-0-2": "task", "col-0-3": "lead", "col-0-4": "part",
        "col-0-5": "deadline",
    }, follow=True)
    assert "两列都对应到“任务”" in response.content.decode()
    draft.refresh_from_db()
    assert _titles(draft) == before


def test_only_a_small_xlsx_is_kept_and_a_draft_without_it_cannot_be_re_read(world, monkeypatch):
    client = _client()
    monkeypatch.setattr(reading, "MAX_WORKBOOK_BYTES", 1000)
    draft = _upload(client, world.county, workbook_bytes())
    assert draft.workbook is None and draft.columns  # the mapping is still shown, read-only
    html = client.get(reverse("plan_import:preview", args=[draft.token])).content.decode()
    assert "工作簿原文件未保存" in html and "按此列对应重新读取" not in html
    with pytest.raises(PlanImportError, match="没有保存工作簿原文件"):
        services.remap_workbook(actor=world.users["office"], draft=draft, mapping={})


def test_a_closed_draft_drops_the_workbook(world):
    client = _client()
    draft = _upload(client, world.county, workbook_bytes())
    services.discard_import(actor=world.users["office"], draft=draft)
    draft.refresh_from_db()
    assert draft.workbook is None and draft.columns == [] and draft.checked == {}


def test_other_formats_keep_no_bytes(world):
    client = _client()
    text = "乳山市科普工作方案\n一、举办科技活动周（市科协牵头，市教育和体育局配合）\n".encode()
    draft = _upload(client, world.county, text, name="方案.txt")
    assert draft.workbook is None and draft.columns == []
    html = client.get(reverse("plan_import:preview", args=[draft.token])).content.decode()
    assert "表格列对应" not in html


def test_an_xls_task_table_is_imported_with_its_mapping_shown(world):
    from tests.paths import REPO

    client = _client()
    content = (REPO / "tests" / "plans" / "fixtures" / "workbooks" / "task_table.xls").read_bytes()
    draft = _upload(client, world.county, content, name="任务分解表.xls")
    assert _titles(draft) == ["举办青少年科技节", "开展科技辅导员培训", "培育高素质农民300名"]
    assert draft.workbook is None and [c["label"] for c in draft.columns[0]["columns"]][:3] == ["序号", "重点任务", "主责单位"]
    html = client.get(reverse("plan_import:preview", args=[draft.token])).content.decode()
    assert "表格列对应" in html and "主责单位→牵头单位" in html


def test_target_kind_corrections_survive_a_re_read_where_the_target_is_the_same(world):
    client = _client()
    draft = _upload(client, world.county, workbook_bytes())
    office = world.users["office"]
    columns = {0: "seq", 1: "category", 2: "task", 3: "lead", 4: "part", 5: "deadline"}
    services.remap_workbook(actor=office, draft=draft, mapping={"任务分解": columns})
    draft.refresh_from_db()
    assert [len(t["targets"]) for t in draft.plan["tasks"]] == [0, 1, 1]
    for task_id in ("2", "3"):
        response = client.post(reverse("plan_import:target_kind", args=[draft.token, task_id, 0]), {"kind": "yearly"})
        assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.plan["tasks"][1]["targets"][0]["kind"] == "yearly"
    assert "target:2:0" in draft.checked

    # 类别 ignored: the same tasks and targets, read again: the corrections and their checks stay.
    response = client.post(reverse("plan_import:remap_columns", args=[draft.token]), {
        "col-0-0": "seq", "col-0-1": "", "col-0-2": "task", "col-0-3": "lead", "col-0-4": "part", "col-0-5": "deadline",
    }, follow=True)
    assert "目标类型的更正已在 2 个相同的目标上保留" in response.content.decode()
    draft.refresh_from_db()
    assert [t["targets"][0].get("kind") for t in draft.plan["tasks"][1:]] == ["yearly", "yearly"]
    assert draft.checked["target:2:0"]["how"] == "edited"

    # 完成时限 ignored: the targets lose their deadline, so they are other targets; the message says so.
    response = client.post(reverse("plan_import:remap_columns", args=[draft.token]), {
        "col-0-0": "seq", "col-0-1": "", "col-0-2": "task", "col-0-3": "lead", "col-0-4": "part", "col-0-5": "",
    }, follow=True)
    page = response.content.decode()
    assert "目标类型的更正已在 0 个相同的目标上保留（2 个目标已不在新的读取结果中，其更正未保留）" in page
    draft.refresh_from_db()
    assert not any(t["targets"][0].get("kind") for t in draft.plan["tasks"][1:])
    assert not any(key.startswith("target:") for key in draft.checked)


def test_corrected_metadata_survives_a_re_read(world):
    client = _client()
    draft = _upload(client, world.county, workbook_bytes())
    services.edit_metadata(actor=world.users["office"], draft=draft, title="乳山市科学素质任务分解表（修订）",
                           doc_number="乳科组发〔2026〕2号", date="2026-03-01")
    services.remap_workbook(actor=world.users["office"], draft=draft, mapping={
        "任务分解": {0: "seq", 1: "category", 2: "task", 3: "lead", 4: "part", 5: "deadline"}})
    draft.refresh_from_db()
    assert _titles(draft)[0] == "举办青少年科技创新大赛"
    assert (draft.plan["title"], draft.plan["doc_number"], draft.plan["date"]) == (
        "乳山市科学素质任务分解表（修订）", "乳科组发〔2026〕2号", "2026-03-01")
