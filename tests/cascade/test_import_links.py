"""上级方案与对应 chosen in the import preview and written by kesu.cascade when the import is confirmed
(kesu.plan_import.signals.plan_imported → kesu.cascade.receivers)."""

from __future__ import annotations

import pytest
from django.urls import reverse
from tests.plan_import.sample import fresh_plan

from kesu.audit.models import AuditEntry
from kesu.cascade.models import LinkState, PlanParent, TaskLink
from kesu.plan_import import drafts, services

pytestmark = pytest.mark.django_db


def _stored_draft(world):
    draft, _ = services.start_import(actor=world.users["office"], region=world.county, parsed=fresh_plan(),
                                     file_sha256="links-test")
    return draft


def _choose(world, draft, parent, choices):
    services.edit_draft(actor=world.users["office"], draft=draft,
                        edit=lambda d: drafts.draft_set_links(d, parent, choices))


def test_national_parent_and_chosen_link_are_written_through_cascade(world):
    office = world.users["office"]
    draft = _stored_draft(world)
    # 3.2.1 sits under 农民科学素质提升行动 but the office says it carries out the youth action.
    _choose(world, draft, "national", {"3.2.1": "A1", "4.1.1": "none"})
    plan = services.confirm_import(actor=office, draft=draft)

    parent = PlanParent.objects.get(plan=plan)
    assert parent.is_national and parent.set_by == office
    link = TaskLink.objects.get(task__plan=plan, task__code="3.2.1", state=LinkState.CONFIRMED)
    assert link.national_code == "A1" and link.decided_by == office
    # The office's pick supersedes the task's proposals; 无对应 leaves the task without any link.
    assert list(TaskLink.objects.filter(task__plan=plan, task__code="3.2.1").values_list("national_code", flat=True)) == ["A1"]
    assert not TaskLink.objects.filter(task__plan=plan, task__code="4.1.1").exists()
    # Tasks the office left open keep the computed proposals, best first, the heading named in the path on top.
    youth = list(TaskLink.objects.filter(task__plan=plan, task__code="3.1.1").order_by("-score"))
    assert youth and youth[0].national_code == "A1" and youth[0].state == LinkState.PROPOSED
    assert AuditEntry.objects.filter(model="cascade.PlanParent", reason="设定上级方案", actor=office).count() == 1
    assert AuditEntry.objects.filter(model="cascade.TaskLink", reason="更正任务对应", actor=office).exists()
    assert AuditEntry.objects.filter(model="cascade.TaskLink", reason="删除任务对应", actor=office).exists()


def test_parent_plan_defaults_to_region_above_and_links_its_task(world, city_plan):
    office = world.users["office"]
    draft = _stored_draft(world)
    assert drafts.draft_parent(draft) == f"plan:{city_plan.pk}"
    rows = {row["id"]: row for row in drafts.link_rows(draft)}
    assert rows["3.2.1"]["proposals"][0]["parent"] == "2"  # 农民科学素质提升行动
    _choose(world, draft, f"plan:{city_plan.pk}", {"3.2.1": "2"})
    plan = services.confirm_import(actor=office, draft=draft)

    assert PlanParent.objects.get(plan=plan).parent_plan == city_plan
    link = TaskLink.objects.get(task__plan=plan, task__code="3.2.1", state=LinkState.CONFIRMED)
    assert link.parent_task == city_plan.tasks.get(code="2")
    assert TaskLink.objects.filter(task__plan=plan, state=LinkState.PROPOSED).exclude(task__code="3.2.1").exists()


def test_unchosen_draft_gets_the_shown_parent_and_proposals_only(world):
    plan = services.confirm_import(actor=world.users["office"], draft=_stored_draft(world))
    assert PlanParent.objects.get(plan=plan).is_national
    assert TaskLink.objects.filter(task__plan=plan).exists()
    assert not TaskLink.objects.filter(task__plan=plan, state=LinkState.CONFIRMED).exists()


def test_not_set_creates_nothing(world, city_plan):
    draft = _stored_draft(world)
    _choose(world, draft, "none", {"3.2.1": "2"})
    plan = services.confirm_import(actor=world.users["office"], draft=draft)
    assert not PlanParent.objects.filter(plan=plan).exists()
    assert not TaskLink.objects.filter(task__plan=plan).exists()
    assert not AuditEntry.objects.filter(model__startswith="cascade.").exists()


def test_changing_parent_drops_picks_and_bad_pick_is_refused(world, city_plan):
    from kesu.plan_import.errors import PlanImportError

    draft = _stored_draft(world)
    _choose(world, draft, f"plan:{city_plan.pk}", {"3.2.1": "2"})
    _choose(world, draft, "national", {"3.2.1": "A1"})
    draft.refresh_from_db()
    assert draft.plan["parent"] == "national" and draft.plan["links"] == {}
    with pytest.raises(PlanImportError):
        _choose(world, draft, "national", {"3.2.1": "2"})


def test_preview_shows_section_with_proposals_and_saves_a_pick(world, client_for):
    draft = _stored_draft(world)
    client = client_for("office")
    page = client.get(reverse("plan_import:preview", kwargs={"token": draft.token})).content.decode()
    assert "上级方案与对应（建议）" in page and 'value="national" selected' in page
    assert '<option value="A1">A1 ' in page and "%）</option>" in page
    tasks = draft.plan["tasks"]
    index = next(i for i, t in enumerate(tasks) if t["id"] == "3.1.1")
    response = client.post(reverse("plan_import:save_links", kwargs={"token": draft.token}),
                           {"parent": "national", f"link-{index}": "A1"})
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.plan["links"] == {"3.1.1": {"parent": "A1", "confirmed": True}}
    page = client.get(reverse("plan_import:preview", kwargs={"token": draft.token})).content.decode()
    assert '<option value="A1" selected>' in page
