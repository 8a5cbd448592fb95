"""Correcting a draft's metadata in the import preview (issue 15, items 2 and 8): title, 文号, issuer,
date, region, period and headline target through `services.edit_metadata`; each field checked before
any is stored; a changed field counts as checked in 请先核对; the confirmed plan carries the values."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from tests.plan_import.sample import fresh_plan

import kesu.plans.parser  # noqa: F401  (declares the parser's rules)
from kesu.plan_import import services
from kesu.plan_import.errors import PlanImportError
from kesu.plan_import.models import ImportDraft
from kesu.plans.confidence import Doubt, Judgement

pytestmark = pytest.mark.django_db

VALID = {
    "title": "乳山市科普示范工作方案（修订）", "doc_number": "乳政办发〔2023〕7号", "issuer": "乳山市人民政府办公室",
    "date": "2023-03-09", "region": "乳山市", "period_start": "2023", "period_end": "2027",
    "headline_value": "18.5", "headline_year": "2027",
}


def _draft(world) -> ImportDraft:
    parsed = fresh_plan()
    parsed.judgements = [
        Judgement("metadata:doc_number", "metadata", "doc_number：乳政发〔2023〕1号", "metadata.unattributed", 0.35,
                  [Doubt("正文中还有他文文号", 0.1)]),
        Judgement("metadata:date", "metadata", "date：2022-07-12", "metadata.unattributed", 0.5),
    ]
    draft, _ = services.start_import(actor=world.users["office"], region=world.county, parsed=parsed)
    return draft


def test_a_valid_edit_stores_every_field_checks_the_changed_ones_and_is_what_gets_imported(world):
    draft = _draft(world)
    changed = services.edit_metadata(actor=world.users["office"], draft=draft, **VALID)

    assert changed == ["标题", "文号", "印发机关", "印发日期", "实施期", "总体目标"]  # 地区 was 乳山市 already
    draft.refresh_from_db()
    plan = draft.plan
    assert (plan["title"], plan["doc_number"], plan["issuer"], plan["date"]) == (
        "乳山市科普示范工作方案（修订）", "乳政办发〔2023〕7号", "乳山市人民政府办公室", "2023-03-09")
    assert plan["period"] == {"start": 2023, "end": 2027}
    assert plan["headline_target"]["value"] == 18.5 and plan["headline_target"]["year"] == 2027
    assert plan["headline_target"]["indicator"] == "公民具备科学素质的比例"
    assert draft.checked["metadata:doc_number"]["how"] == "edited"
    assert draft.checked["metadata:doc_number"]["by"] == "office"
    assert "metadata:region" not in draft.checked

    imported = services.confirm_import(actor=world.users["office"], draft=draft)
    assert imported.title == "乳山市科普示范工作方案（修订）" and imported.doc_number == "乳政办发〔2023〕7号"
    assert imported.issuer == "乳山市人民政府办公室" and imported.issued_on == datetime.date(2023, 3, 9)
    assert (imported.period_start, imported.period_end) == (2023, 2027)
    assert (imported.headline_value, imported.headline_year) == (18.5, 2027)


def test_clearing_optional_fields_clears_them(world):
    draft = _draft(world)
    services.edit_metadata(actor=world.users["office"], draft=draft, title=" 乳山市科普示范工作方案 ")
    draft.refresh_from_db()
    assert draft.plan["title"] == "乳山市科普示范工作方案"
    assert draft.plan["doc_number"] == "" and draft.plan["date"] is None
    assert draft.plan["period"] is None and draft.plan["headline_target"] is None
    assert services.confirm_import(actor=world.users["office"], draft=draft).issued_on is None


@pytest.mark.parametrize(("change", "message"), [
    ({"date": "2023-02-30"}, "印发日期“2023-02-30”无效，请按“年-月-日”填写"),
    ({"date": "2023年3月9日"}, "印发日期“2023年3月9日”无效"),
    ({"date": "2023-3-9"}, "印发日期“2023-3-9”无效"),
    ({"period_start": "2028"}, "实施期起始年 2028 晚于结束年 2027"),
    ({"period_end": ""}, "实施期的起始年和结束年要么都填，要么都不填"),
    ({"period_start": "二〇二三"}, "实施期起始年“二〇二三”应为 1990—2100 之间的四位年份"),
    ({"title": "  "}, "标题不能为空"),
    ({"doc_number": "号" * 65}, "文号不能超过 64 个字"),
    ({"headline_value": "十五"}, "总体目标比例“十五”不是数字"),
    ({"headline_value": "120"}, "总体目标比例 120% 应在 0 到 100 之间"),
    ({"headline_year": ""}, "总体目标的比例和年份要么都填，要么都不填"),
])
def test_an_invalid_field_is_named_and_nothing_is_written(world, change, message):
    draft = _draft(world)
    before_plan, before_checked = dict(draft.plan), dict(draft.checked)
    with pytest.raises(PlanImportError) as raised:
        services.edit_metadata(actor=world.users["office"], draft=draft, **(VALID | change))
    assert message in str(raised.value) and str(raised.value).startswith("基本信息未保存：")
    stored = ImportDraft.objects.get(pk=draft.pk)
    # The valid fields of the same edit (the new title, 文号 …) are not stored either.
    assert stored.plan == before_plan and stored.checked == before_checked


def test_every_problem_is_listed_at_once(world):
    draft = _draft(world)
    with pytest.raises(PlanImportError) as raised:
        services.edit_metadata(actor=world.users["office"], draft=draft, title="", date="2023-13-01",
                               period_start="2027", period_end="2023")
    text = str(raised.value)
    assert "标题不能为空" in text and "印发日期“2023-13-01”无效" in text and "实施期起始年 2027 晚于结束年 2023" in text


@pytest.mark.parametrize("username", ["edu", "other_office", "leader"])
def test_only_the_regions_office_may_edit(world, username):
    draft = _draft(world)
    before = dict(draft.plan)
    with pytest.raises(PermissionDenied):
        services.edit_metadata(actor=world.users[username], draft=draft, **VALID)
    assert ImportDraft.objects.get(pk=draft.pk).plan == before


def test_a_closed_draft_cannot_be_edited(world):
    draft = _draft(world)
    services.discard_import(actor=world.users["office"], draft=draft)
    with pytest.raises(PlanImportError, match="已由"):
        services.edit_metadata(actor=world.users["office"], draft=draft, **VALID)


def test_the_page_corrects_the_doc_number_and_the_panel_counts_it_checked(world, client_for):
    draft = _draft(world)
    client = client_for("office")
    preview = client.get(reverse("plan_import:preview", args=[draft.token])).content.decode()
    url = reverse("plan_import:edit_metadata", args=[draft.token])
    assert f'href="{url}"' in preview
    # The panel names the field in Chinese, with its value.
    assert "<strong>文号：乳政发〔2023〕1号</strong>" in preview and "doc_number：" not in preview

    form = client.get(url).content.decode()
    assert 'value="乳政发〔2023〕1号"' in form and 'value="2022-07-12"' in form and 'value="17"' in form

    initial = {"title": "乳山市科普示范工作方案", "doc_number": "乳政发〔2023〕1号", "issuer": "乳山市人民政府",
               "date": "2022-07-12", "region": "乳山市", "period_start": "2021", "period_end": "2025",
               "headline_value": "17", "headline_year": "2025"}
    refused = client.post(url, initial | {"doc_number": "乳政发〔2023〕2号", "date": "2022-07-32"})
    assert refused.status_code == 400
    assert "印发日期“2022-07-32”无效" in refused.content.decode()
    assert ImportDraft.objects.get(pk=draft.pk).plan["doc_number"] == "乳政发〔2023〕1号"

    response = client.post(url, initial | {"doc_number": "乳政发〔2023〕2号"}, follow=True)
    page = response.content.decode()
    assert "基本信息已修改：文号" in page
    meta = page[page.index('id="meta-doc_number"'):page.index("</dd>", page.index('id="meta-doc_number"'))]
    assert "乳政发〔2023〕2号" in meta and "待核对" not in meta
    # The 文号 left the pending list; the date is still to check.
    pending = page[page.index('id="review"'):page.index("<details>", page.index('id="review"'))]
    assert "metadata:doc_number" not in pending and "metadata:date" in pending


def test_another_offices_user_gets_404_for_the_page(world, client_for):
    draft = _draft(world)
    url = reverse("plan_import:edit_metadata", args=[draft.token])
    assert client_for("other_office").post(url, VALID).status_code == 404
    assert client_for("edu").get(url).status_code in (403, 404)
    assert ImportDraft.objects.get(pk=draft.pk).plan["doc_number"] == "乳政发〔2023〕1号"
