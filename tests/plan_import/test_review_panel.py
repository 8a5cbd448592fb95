"""请先核对 in the import preview (issue 15, item 8): the parser's doubtful items listed least sure
first with their rule, doubts and a link to the row where each is corrected; ticked as 已核对 or
corrected; items the office deleted dropped; an older draft without judgements still works."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse
from tests.factories import PASSWORD
from tests.plan_import.sample import fresh_plan

import kesu.plans.parser  # noqa: F401  (declares the parser's rules)
from kesu.plan_import import services
from kesu.plan_import.models import ImportDraft
from kesu.plans.confidence import RULES, Doubt, Judgement

pytestmark = pytest.mark.django_db


def _judgements() -> list[Judgement]:
    return [
        Judgement("task:3.1.1", "task", "3.1.1 弘扬和传承科学精神", "task.numbered", 0.92),
        Judgement("task:3.1.2", "task", "3.1.2 加强科技辅导员队伍建设", "task.dash", 0.55,
                  [Doubt("条目以“——”开头，可能是上一任务的一部分", 0.0)]),
        Judgement("assignment:3.2.1:市妇联", "assignment", "3.2.1 市妇联（参与）", "assignment.sentence_intro", 0.7,
                  [Doubt("单位不在别名词典中", 0.1)]),
        Judgement("target:3.1.2:0", "target", "3.1.2 每年培训科技辅导员200人次以上", "target.chinese_numeral", 0.62),
        Judgement("metadata:doc_number", "metadata", "文号 乳政发〔2023〕1号", "metadata.doc_number.tail", 0.35,
                  [Doubt("正文中还有他文文号", 0.4)]),
    ]


def _draft(world, judgements=None) -> ImportDraft:
    parsed = fresh_plan()
    parsed.judgements = _judgements() if judgements is None else judgements
    draft, _ = services.start_import(actor=world.users["office"], region=world.county, parsed=parsed)
    return draft


def _client(world) -> Client:
    client = Client()
    assert client.login(username="office", password=PASSWORD)
    return client


def _panel(html: str) -> str:
    return html[html.index('id="review"'):html.index("</section>", html.index('id="review"'))]


def _pending(html: str) -> list[str]:
    panel = _panel(html)
    listed = panel.split("<details>")[0]
    return re.findall(r'<tr class="review-item" data-item="([^"]+)"', listed)


def test_doubtful_items_come_first_least_sure_first_with_rule_doubts_and_links(world):
    draft = _draft(world)
    html = _client(world).get(reverse("plan_import:preview", args=[draft.token])).content.decode()

    assert "请先核对" in html and "共 5 项，其中 4 项待核对" in html
    assert _pending(html) == ["metadata:doc_number", "task:3.1.2", "target:3.1.2:0", "assignment:3.2.1:市妇联"]
    panel = _panel(html)
    assert "可能有误 35%" in panel and "存疑 55%" in panel and "存疑 70%" in panel
    assert RULES["task.dash"].description in panel and "正文中还有他文文号" in panel
    # Each link goes to an anchor that the preview has.
    units = [m for m in re.findall(r'<tr id="unit-(\d+)"><td>([^<{]+)', html)]
    women = next(index for index, name in units if name.strip() == "市妇联")
    for href in ("#meta-doc_number", "#task-3.1.2", "#target-3.1.2-0", "#task-3.2.1", f"#unit-{women}"):
        assert f'href="{href}"' in panel
        assert f'id="{href[1:]}"' in html
    # The rows themselves carry a mark; the sure task does not.
    row = html[html.index('id="task-3.1.2"'):html.index("</tr>", html.index('id="task-3.1.2"'))]
    assert "待核对" in row
    sure = html[html.index('id="task-3.1.1"'):html.index("</tr>", html.index('id="task-3.1.1"'))]
    assert "待核对" not in sure


def test_ticking_an_item_stores_who_checked_it_and_takes_it_off_the_list(world):
    draft = _draft(world)
    client = _client(world)
    response = client.post(reverse("plan_import:check_item", args=[draft.token]), {"item": "task:3.1.2"})
    assert response.status_code == 302

    draft.refresh_from_db()
    assert draft.checked["task:3.1.2"]["how"] == "ticked" and draft.checked["task:3.1.2"]["by"] == "office"
    html = client.get(reverse("plan_import:preview", args=[draft.token])).content.decode()
    assert "共 5 项，其中 3 项待核对" in html and "task:3.1.2" not in _pending(html)
    assert "已核对（1）" in html

    client.post(reverse("plan_import:check_item", args=[draft.token]), {"item": "task:3.1.2", "checked": "0"})
    draft.refresh_from_db()
    assert "task:3.1.2" not in draft.checked

    # An item that is not in the plan cannot be ticked.
    page = client.post(reverse("plan_import:check_item", args=[draft.token]), {"item": "task:9.9"}, follow=True)
    assert "要核对的项目已不在方案中" in page.content.decode()


def test_correcting_an_item_counts_as_checking_it_and_deleted_items_leave_the_panel(world):
    draft = _draft(world)
    client = _client(world)
    client.post(reverse("plan_import:edit_task", args=[draft.token, "3.1.2"]), {
        "title": "加强科技辅导员队伍建设", "text": "每年培训科技辅导员200人次以上。",
        "lead_units": "市教体局", "participating_units": "团市委",
    })
    client.post(reverse("plan_import:target_kind", args=[draft.token, "3.1.2", 0]), {"kind": "yearly"})
    client.post(reverse("plan_import:delete_task", args=[draft.token, "3.2.1"]))

    draft.refresh_from_db()
    assert draft.checked["task:3.1.2"]["how"] == "edited" and draft.checked["target:3.1.2:0"]["how"] == "edited"
    html = client.get(reverse("plan_import:preview", args=[draft.token])).content.decode()
    # 3.2.1 and its assignment are gone; what is left to check is the 文号.
    assert "共 4 项，其中 1 项待核对" in html and _pending(html) == ["metadata:doc_number"]


def test_a_deleted_target_takes_its_judgement_and_moves_the_later_ones_up(world):
    parsed = fresh_plan()
    task = next(t for t in parsed.tasks if t.id == "3.1.2")
    task.targets.append(task.targets[0].__class__("每年举办讲座20场", 20.0, "场", ">=", "讲座", "每年", None))
    parsed.judgements = [
        Judgement("target:3.1.2:0", "target", "200人次", "target.count", 0.6),
        Judgement("target:3.1.2:1", "target", "20场", "target.count", 0.5),
    ]
    draft, _ = services.start_import(actor=world.users["office"], region=world.county, parsed=parsed)
    client = _client(world)
    client.post(reverse("plan_import:edit_target", args=[draft.token, "3.1.2", 0]), {
        "value": "200", "comparator": ">=", "unit": "人次", "kind": "yearly", "delete": "on",
    })
    draft.refresh_from_db()
    assert [j["item"] for j in draft.plan["judgements"]] == ["target:3.1.2:0"]
    assert draft.plan["judgements"][0]["label"] == "20场"


def test_an_older_draft_without_judgements_says_so_and_still_imports(world):
    draft = _draft(world, judgements=[])
    plan = dict(draft.plan)
    plan.pop("judgements", None)
    ImportDraft.objects.filter(pk=draft.pk).update(plan=plan)
    client = _client(world)
    html = client.get(reverse("plan_import:preview", args=[draft.token])).content.decode()
    assert "没有逐项的解析把握度" in html and "待核对</a>" not in html
    response = client.post(reverse("plan_import:confirm", args=[draft.token]), {"period_kind": "half_yearly"})
    assert response.status_code == 302 and "/done/" in response["Location"]
