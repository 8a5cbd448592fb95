"""The five seed plans imported through the service into their regions: what is written equals
what the parser read."""

from __future__ import annotations

import pytest
from tests.paths import SEEDS
from tests.plan_import.conftest import SEED_REGIONS

from kesu.org.models import Region, Unit
from kesu.plan_import import diff as plan_diff
from kesu.plan_import import drafts, reading, services
from kesu.plan_import.errors import PlanImportError
from kesu.planning.models import Plan

pytestmark = pytest.mark.django_db


def _written(plan: Plan) -> dict:
    tasks = plan.tasks.prefetch_related("assignments__unit", "targets").order_by("order")
    return {
        t.code: (
            t.title,
            {(a.unit.name, a.role) for a in t.assignments.all()},
            [(g.value, g.unit, g.comparator, g.deadline_year) for g in t.targets.all()],
        )
        for t in tasks
    }


def _expected(parsed, units_by_name: dict[str, str]) -> dict:
    expected = {}
    for task in parsed.tasks:
        roles = {(units_by_name[n], "lead") for n in task.lead_units}
        roles |= {(units_by_name[n], "participating") for n in task.participating_units
                  if (units_by_name[n], "lead") not in roles}
        expected[task.id] = (
            task.title[:255],
            roles,
            [(g.value, g.unit, g.comparator, g.deadline_year) for g in task.targets],
        )
    return expected


@pytest.mark.parametrize("seed", sorted(SEED_REGIONS))
def test_seed_plan_imports_into_its_region(seed, seed_regions):
    parsed = reading.parse_plan_path(SEEDS / seed)
    region = drafts.region_for_plan(parsed)
    assert region is not None and region.code == SEED_REGIONS[seed]

    draft = drafts.start_draft(region, parsed)
    assert set(draft.mapping.values()) == {drafts.NEW_UNIT}  # an empty region: every unit is new
    assert drafts.validate_draft(draft) == []
    plan = services.confirm_import(actor=None, draft=draft)

    names = {n: n for n in drafts.plan_unit_names(draft.plan)}
    assert _written(plan) == _expected(parsed, names)
    assert set(Unit.objects.filter(region=region).values_list("name", flat=True)) == set(names)
    assert plan.title == parsed.title and plan.doc_number == (parsed.doc_number or "")
    if parsed.headline_target:
        assert plan.headline_value == parsed.headline_target.value
    assert plan.periods.count() >= 2
    # Grouping: every task under an action or programme heading has that heading as its group.
    grouped = plan.tasks.filter(group__isnull=False).count()
    if any(s.kind for s in parsed.sections for s in [s, *s.children]):
        assert grouped > 0

    # Importing the same document again is a revision with no changes.
    again = drafts.start_draft(region, reading.parse_plan_path(SEEDS / seed))
    assert again.previous_id == plan.pk
    assert all(isinstance(v, int) for v in again.mapping.values())  # units are now known
    diff = plan_diff.diff_against_previous(again)
    assert diff.is_unchanged and diff.unchanged == len(parsed.tasks)
    with pytest.raises(PlanImportError, match=rf"与现行方案（第{plan.version}版）内容相同，无需导入"):
        services.confirm_import(actor=None, draft=again)


def test_seed_regions_csv_has_the_chains(seed_regions):
    assert Region.objects.filter(level="province").count() == 31
    assert Region.objects.get(code="371083").path == "/370000/371000/371083/"
    assert Region.objects.get(code="430503").path == "/430000/430500/430503/"
    assert Region.objects.get(code="370105").path == "/370000/370100/370105/"
    assert Region.objects.get(code="320300").parent.name == "江苏省"


def test_tasks_are_grouped_by_their_action_or_programme_not_by_their_own_heading(seed_regions):
    parsed = reading.parse_plan_path(SEEDS / "000_47cc18a54f420551.txt")
    plan = services.confirm_import(actor=None, draft=drafts.start_draft(drafts.region_for_plan(parsed), parsed))

    groups = {t.code: t.group.title for t in plan.tasks.select_related("group")}
    assert groups["3.1.1"] == "青少年科学素质提升行动"
    assert groups["3.2.2"] == "农民科学素质提升行动"
    # 乳山's 29 tasks fall into its five actions and its programmes, not 29 one-task groups.
    assert len(set(groups.values())) < 12
    assert {"青少年科学素质提升行动", "科技资源科普化工程"} <= set(groups.values())
