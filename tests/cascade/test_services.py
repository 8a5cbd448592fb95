"""The writes of 上下联动: who may make them, what a proposal replaces, atomicity and the audit log."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied

from kesu.audit.models import AuditEntry
from kesu.cascade import services
from kesu.cascade.models import LinkState, PlanParent, TaskLink
from kesu.planning.models import Plan

pytestmark = pytest.mark.django_db


def test_national_proposals_are_stored_best_first_and_audited(world, stand_in):
    office = world.users["office"]
    services.set_parent(actor=office, plan=world.plan, national=True)
    result = services.propose_links(actor=office, plan=world.plan)
    assert (result.tasks, result.created, result.kept_confirmed) == (3, 9, 0)
    youth, farmers = world.tasks[0], world.tasks[2]
    best = TaskLink.objects.filter(task=youth).order_by("-score").first()
    assert best.national_code == "A1" and best.state == LinkState.PROPOSED
    assert TaskLink.objects.filter(task=farmers).order_by("-score").first().national_code == "A2"
    assert AuditEntry.objects.filter(model="cascade.TaskLink", reason="生成对应建议").count() == 9
    assert AuditEntry.objects.filter(model="cascade.PlanParent", reason="设定上级方案", actor=office).count() == 1


def test_another_regions_office_and_unit_users_are_refused_and_nothing_is_written(world, stand_in, city_plan):
    for name in ("other_office", "edu", "leader"):
        with pytest.raises(PermissionDenied):
            services.set_parent(actor=world.users[name], plan=world.plan, national=True)
        with pytest.raises(PermissionDenied):
            services.propose_links(actor=world.users[name], plan=world.plan)
    assert not PlanParent.objects.exists() and not AuditEntry.objects.filter(model__startswith="cascade.").exists()
    # The city's office acts for the county below it.
    services.set_parent(actor=world.users["city_office"], plan=world.plan, parent_plan=city_plan)
    link = TaskLink.objects.create(task=world.tasks[0], parent_task=city_plan.tasks.first(), score=0.5)
    for name in ("other_office", "edu"):
        with pytest.raises(PermissionDenied):
            services.confirm_link(actor=world.users[name], link=link)
        with pytest.raises(PermissionDenied):
            services.remove_link(actor=world.users[name], link=link)
    link.refresh_from_db()
    assert link.state == LinkState.PROPOSED


def test_a_parent_must_be_a_plan_of_a_region_above(world, stand_in, city_plan):
    office = world.users["office"]
    elsewhere = Plan.objects.create(region=world.other_city, title="徐州市实施方案")
    own = Plan.objects.create(region=world.county, title="乳山市另一方案")
    for parent in (elsewhere, own, world.plan):
        with pytest.raises(services.CascadeError):
            services.set_parent(actor=office, plan=world.plan, parent_plan=parent)
    with pytest.raises(services.CascadeError):
        services.set_parent(actor=office, plan=world.plan, parent_plan=city_plan, national=True)
    assert not PlanParent.objects.exists()
    assert list(services.ancestor_plans(world.plan)) == [city_plan]


def test_proposals_replace_proposals_but_keep_confirmed_links(world, stand_in):
    office = world.users["office"]
    services.set_parent(actor=office, plan=world.plan, national=True)
    services.propose_links(actor=office, plan=world.plan)
    youth = world.tasks[0]
    kept = TaskLink.objects.get(task=youth, national_code="A1")
    services.confirm_link(actor=office, link=kept)
    # The office linked a task by hand to a heading the aligner ranks low: it must survive too.
    hand = services.correct_link(actor=office, task=world.tasks[2], national_code="P1")
    before = set(TaskLink.objects.filter(state=LinkState.PROPOSED).values_list("pk", flat=True))
    result = services.propose_links(actor=office, plan=world.plan)
    assert result.kept_confirmed == 2
    after = TaskLink.objects.filter(state=LinkState.PROPOSED)
    assert not before & set(after.values_list("pk", flat=True))
    kept.refresh_from_db()
    hand.refresh_from_db()
    assert kept.state == hand.state == LinkState.CONFIRMED and kept.decided_by == office
    # No second row for a target a confirmed link already holds (the unique constraint would refuse it).
    assert list(TaskLink.objects.filter(task=youth).values_list("national_code", "state").order_by("national_code")) \
        == [("A1", "confirmed"), ("A2", "proposed"), ("P1", "proposed")]


def test_a_failed_proposal_keeps_the_earlier_ones(world, stand_in, monkeypatch):
    office = world.users["office"]
    services.set_parent(actor=office, plan=world.plan, national=True)
    services.propose_links(actor=office, plan=world.plan)
    earlier = sorted(TaskLink.objects.values_list("pk", "national_code"))
    calls = []
    original = TaskLink.objects.create

    def failing(**kwargs):
        calls.append(kwargs)
        if len(calls) == 4:
            raise RuntimeError("disk full")
        return original(**kwargs)

    monkeypatch.setattr(TaskLink.objects, "create", failing)
    with pytest.raises(RuntimeError):
        services.propose_links(actor=office, plan=world.plan)
    assert sorted(TaskLink.objects.values_list("pk", "national_code")) == earlier


def test_correct_link_checks_the_target_and_supersedes_proposals(world, stand_in, city_plan):
    office = world.users["office"]
    services.set_parent(actor=office, plan=world.plan, parent_plan=city_plan)
    services.propose_links(actor=office, plan=world.plan)
    farmers = world.tasks[2]
    assert TaskLink.objects.filter(task=farmers).count() == 2
    with pytest.raises(services.CascadeError):
        services.correct_link(actor=office, task=farmers, parent_task=world.tasks[0])  # a task of its own plan
    with pytest.raises(services.CascadeError):
        services.correct_link(actor=office, task=farmers, national_code="A2")  # the parent is the city's plan
    assert TaskLink.objects.filter(task=farmers, state=LinkState.PROPOSED).count() == 2
    city_youth = city_plan.tasks.get(code="1")
    link = services.correct_link(actor=office, task=farmers, parent_task=city_youth)
    assert list(TaskLink.objects.filter(task=farmers).values_list("parent_task", "state")) \
        == [(city_youth.pk, "confirmed")]
    assert link.decided_by == office
    services.remove_link(actor=office, link=link)
    assert not TaskLink.objects.filter(task=farmers).exists()
    assert AuditEntry.objects.filter(model="cascade.TaskLink", action="delete", reason="删除任务对应").count() == 1
    # A new parent drops the links to the old one.
    services.set_parent(actor=office, plan=world.plan, national=True)
    assert not TaskLink.objects.filter(task__plan=world.plan).exists()
    assert PlanParent.objects.get(plan=world.plan).national_version == "test-1"


def test_with_the_real_outline_tasks_link_first_to_the_action_their_section_names(world):
    from kesu.plans.national import load_outline

    office = world.users["office"]
    services.set_parent(actor=office, plan=world.plan, national=True)
    services.propose_links(actor=office, plan=world.plan)
    titles = {heading.title: heading.code for heading in load_outline().headings}
    for task in world.tasks:
        best = TaskLink.objects.filter(task=task).order_by("-score").first()
        assert best.national_code == titles[task.path[1]], task
    assert PlanParent.objects.get(plan=world.plan).national_version == str(load_outline().version)
