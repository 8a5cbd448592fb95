"""Version tokens (kesu.caching.versions): every write a plan's pages show replaces that plan's token,
and only that plan's; deletions in a cascade still name their plan; global scopes start at INITIAL."""

from __future__ import annotations

import pytest

from kesu.caching import versions
from kesu.org.models import Unit
from kesu.planning.models import Plan, TaskUnit, UnitRole
from kesu.progress import services
from kesu.progress.models import ProgressReport
from kesu.supervision.models import ScoreWeights

pytestmark = pytest.mark.django_db


def token(plan) -> str:
    return Plan.objects.values_list("data_version", flat=True).get(pk=plan.pk)


def file_report(world, submit=True):
    task = next(t for t in world.tasks if t.targets.exists())
    unit = task.assignments.select_related("unit").first().unit
    reporter = next(u for u in world.users.values() if u.unit_id == unit.pk)
    target = task.targets.first()
    return services.save_report(
        actor=reporter, task=task, period=world.periods[0], expected_revision=0,
        narrative="本期完成", figures={target.pk: f"{target.value:g}"}, submit=submit,
    )


def test_filing_and_reviewing_a_report_replace_only_its_plans_token(world):
    before, other_before = token(world.plan), token(world.other_plan)
    report = file_report(world)
    after_submit = token(world.plan)
    assert after_submit != before
    services.accept_report(actor=world.users["office"], report=report, expected_revision=report.revision)
    assert token(world.plan) not in (before, after_submit)
    assert token(world.other_plan) == other_before


def test_deleting_a_report_with_its_figures_names_the_plan_and_spares_the_others(world):
    report = file_report(world, submit=False)
    assert report.figures.exists()
    before, other_before = token(world.plan), token(world.other_plan)
    ProgressReport.objects.get(pk=report.pk).delete()  # cascades to figures and events
    assert token(world.plan) != before
    assert token(world.other_plan) == other_before


def test_renaming_a_unit_replaces_the_tokens_of_the_plans_it_works_on(world):
    unit = world.units["团市委"]
    assert TaskUnit.objects.filter(unit=unit, task__plan=world.plan).exists()
    before, other_before = token(world.plan), token(world.other_plan)
    unit.name = "共青团乳山市委"
    unit.save()
    assert token(world.plan) != before
    assert token(world.other_plan) == other_before


def test_a_unit_working_on_no_plan_replaces_no_token(world):
    before = {plan.pk: plan.data_version for plan in Plan.objects.all()}
    Unit.objects.create(region=world.county, name="市气象局")
    assert {plan.pk: plan.data_version for plan in Plan.objects.all()} == before


def test_score_weights_belong_to_their_plan(world):
    before = token(world.plan)
    ScoreWeights.objects.create(plan=world.plan, on_time_reporting=20, target_completion=50, review_outcome=30)
    assert token(world.plan) != before


def test_a_plan_instance_saved_after_a_bump_does_not_bring_back_an_old_token(world):
    stale = Plan.objects.get(pk=world.plan.pk)
    seen = {stale.data_version}
    TaskUnit.objects.create(task=world.tasks[0], unit=world.units["团市委"], role=UnitRole.PARTICIPATING)
    seen.add(token(world.plan))
    stale.title += "（修订）"
    stale.save()  # writes its old token back; its own post_save replaces it again
    assert token(world.plan) not in seen


def test_scopes_start_at_initial_and_change_on_every_bump():
    assert versions.tokens(versions.INDICATORS, versions.SURVEYS) == (versions.INITIAL, versions.INITIAL)
    versions.bump(versions.INDICATORS)
    first = versions.tokens(versions.INDICATORS)[0]
    versions.bump(versions.INDICATORS)
    second, surveys = versions.tokens(versions.INDICATORS, versions.SURVEYS)
    assert versions.INITIAL != first != second
    assert surveys == versions.INITIAL


def test_plan_tokens_are_read_sorted_in_one_query(world, django_assert_num_queries):
    with django_assert_num_queries(1):
        pairs = versions.plan_tokens(Plan.objects.all())
    assert [pk for pk, _ in pairs] == sorted(Plan.objects.values_list("pk", flat=True))
    assert dict(pairs)[world.plan.pk] == token(world.plan)


def test_nothing_is_bumped_when_the_write_rolls_back(world):
    from django.db import transaction

    before = token(world.plan)
    with pytest.raises(RuntimeError), transaction.atomic():
        TaskUnit.objects.create(task=world.tasks[0], unit=world.units["团市委"], role=UnitRole.PARTICIPATING)
        raise RuntimeError("abandoned")
    assert token(world.plan) == before


def test_plan_tokens_come_from_the_model_planning_registered(monkeypatch):
    # kesu.caching sits below kesu.planning: without planning's registration there is no plan token.
    monkeypatch.setattr(versions, "_plan_token", None)
    with pytest.raises(RuntimeError, match="no plan token registered"):
        versions.bump_plans([1])
    versions.bump_plans([])  # nothing to replace, nothing asked
