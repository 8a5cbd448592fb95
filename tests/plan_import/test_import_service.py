"""Plan import through the service: draft, mapping, edits, confirmation, atomicity, revisions."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from tests.plan_import.sample import fresh_plan, sample_plan

from kesu.audit.models import AuditEntry
from kesu.org.models import Unit, UnitAlias
from kesu.plan_import import diff as plan_diff
from kesu.plan_import import drafts, reading, selectors, services
from kesu.plan_import.errors import PlanImportError
from kesu.planning.models import Plan, Section, Target, Task, TaskUnit
from kesu.planning.selectors import task_lineage
from kesu.progress.models import ProgressReport, ReportingPeriod

pytestmark = pytest.mark.django_db


def _plan_rows():
    return (Plan.objects.count(), Task.objects.count(), TaskUnit.objects.count(), Target.objects.count(),
            Section.objects.count(), ReportingPeriod.objects.count())


def test_draft_prefills_mapping_from_existing_units(world):
    draft = drafts.start_draft(world.county, fresh_plan())
    units = world.units
    assert draft.mapping["乳山市教育和体育局"] == units["市教育和体育局"].pk
    assert draft.mapping["市教体局"] == units["市教育和体育局"].pk  # abbreviation dictionary
    assert draft.mapping["市科协"] == units["市科协"].pk
    assert draft.mapping["团市委"] == units["团市委"].pk
    assert draft.mapping["市妇联"] == drafts.NEW_UNIT
    assert draft.match_reasons["市科协"] == "名称一致"
    assert draft.previous_id is None


def test_confirm_writes_plan_tasks_units_targets_sections_periods(world):
    office = world.users["office"]
    draft = drafts.start_draft(world.county, fresh_plan())
    plan = services.confirm_import(actor=office, draft=draft)

    assert plan.version == 1 and plan.is_current and plan.imported_by == office
    assert plan.headline_value == 17.0 and plan.period_start == 2021 and plan.period_end == 2025
    assert str(plan.issued_on) == "2022-07-12"
    tasks = list(plan.tasks.order_by("order"))
    assert [t.code for t in tasks] == ["3.1.1", "3.1.2", "3.2.1", "4.1.1"]
    units = world.units
    assert {(a.unit.name, a.role) for a in tasks[1].assignments.all()} == {
        ("市教育和体育局", "lead"), ("团市委", "participating")
    }
    # New units were created and the plan's alias kept.
    women = Unit.objects.get(region=world.county, name="市妇联")
    assert TaskUnit.objects.filter(task=tasks[2], unit=women, role="participating").exists()
    assert UnitAlias.objects.filter(unit=units["市科协"], alias="乳山市科学技术协会").exists() is False
    # The spelling the office mapped to an existing unit is remembered as an alias.
    assert UnitAlias.objects.filter(unit=units["市教育和体育局"], alias="市教体局").exists()
    # Targets and deadlines.
    target = tasks[2].targets.get()
    assert (target.value, target.unit, target.comparator, target.deadline_year) == (1000.0, "名", ">=", 2024)
    assert tasks[2].deadline_year == 2024 and tasks[0].deadline_year == 2025
    # Section tree and groups.
    assert tasks[0].group.title == "青少年科学素质提升行动" and tasks[0].group.kind == "action"
    assert tasks[3].group.kind == "programme"
    assert plan.sections.count() == 5
    assert plan.sections.get(title="青少年科学素质提升行动").parent.title == "提升行动"
    # Half-yearly periods from the one containing the issue date (2022-07-12) to the end of 2025,
    # due 15 days after each ends.
    periods = list(plan.periods.order_by("start"))
    assert [p.label for p in periods[:2]] == ["2022年下半年", "2023年上半年"] and len(periods) == 7
    assert str(periods[0].due) == "2023-01-15" and str(periods[-1].due) == "2026-01-15"
    # Audited with the importing user.
    task_ids = {str(t.pk) for t in tasks}
    entries = AuditEntry.objects.filter(model="planning.Task", action="create", object_id__in=task_ids)
    assert entries.count() == 4 and set(entries.values_list("actor", flat=True)) == {office.pk}


def test_draft_edits_task_and_target(world):
    draft = drafts.start_draft(world.county, fresh_plan())
    drafts.draft_edit_task(
        draft, "4.1.1", title="建设科普大篷车和流动科技馆", text="改后的内容",
        lead_units="市科协、市教体局", participating_units="市财政局、市科协",
    )
    drafts.draft_edit_target(draft, "3.1.2", 0, value="250", unit="人次", comparator=">=", deadline_year="2025")
    plan = services.confirm_import(actor=world.users["office"], draft=draft)
    task = plan.tasks.get(code="4.1.1")
    assert task.title == "建设科普大篷车和流动科技馆" and task.text == "改后的内容"
    roles = {(a.unit.name, a.role) for a in task.assignments.all()}
    assert roles == {("市科协", "lead"), ("市教育和体育局", "lead"), ("市财政局", "participating")}
    target = plan.tasks.get(code="3.1.2").targets.get()
    assert (target.value, target.deadline_year) == (250.0, 2025)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"value": "很多", "unit": "人", "comparator": ">=", "deadline_year": ""}, "不是数字"),
        ({"value": "5", "unit": "", "comparator": ">=", "deadline_year": ""}, "计量单位"),
        ({"value": "5", "unit": "人", "comparator": "≥≥", "deadline_year": ""}, "比较方式"),
        ({"value": "5", "unit": "人", "comparator": ">=", "deadline_year": "1850"}, "不合理"),
    ],
)
def test_bad_target_edit_is_refused(world, kwargs, message):
    draft = drafts.start_draft(world.county, sample_plan())
    with pytest.raises(PlanImportError, match=message):
        drafts.draft_edit_target(draft, "3.1.2", 0, **kwargs)


def test_task_edit_needs_a_unit(world):
    draft = drafts.start_draft(world.county, sample_plan())
    with pytest.raises(PlanImportError, match="至少需要一个责任单位"):
        drafts.draft_edit_task(draft, "3.1.1", title="x", text="", lead_units=" ", participating_units="")


def test_failure_midway_writes_nothing(world, monkeypatch):
    before = _plan_rows()
    units_before = Unit.objects.count()
    audit_before = AuditEntry.objects.count()
    calls = {"n": 0}
    real = services._save_targets

    def failing(task, targets):
        calls["n"] += 1
        if calls["n"] == 3:
            raise RuntimeError("磁盘已满（测试注入）")
        real(task, targets)

    monkeypatch.setattr(services, "_save_targets", failing)
    draft = drafts.start_draft(world.county, fresh_plan())
    with pytest.raises(RuntimeError):
        services.confirm_import(actor=world.users["office"], draft=draft)
    assert calls["n"] == 3
    assert _plan_rows() == before
    assert Unit.objects.count() == units_before  # 市妇联 and 市财政局 were not left behind
    assert AuditEntry.objects.count() == audit_before


def test_only_an_office_of_the_region_or_above_may_confirm(world):
    draft = drafts.start_draft(world.county, fresh_plan())
    before = _plan_rows()
    for role in ("edu", "leader", "other_office"):
        with pytest.raises(PermissionDenied):
            services.confirm_import(actor=world.users[role], draft=draft)
    assert _plan_rows() == before
    # The city's office administers the county under it.
    assert services.confirm_import(actor=world.users["city_office"], draft=draft).region == world.county


def test_unmapped_unit_or_duplicate_ids_refuse_confirmation(world):
    draft = drafts.start_draft(world.county, fresh_plan())
    draft.mapping["市妇联"] = None
    draft.plan["tasks"][1]["id"] = "3.1.1"
    before = _plan_rows()
    with pytest.raises(PlanImportError) as caught:
        services.confirm_import(actor=world.users["office"], draft=draft)
    assert "单位“市妇联”尚未对应" in str(caught.value) and "任务编号“3.1.1”重复" in str(caught.value)
    assert _plan_rows() == before


def test_mapping_to_a_unit_of_another_region_is_refused(world):
    draft = drafts.start_draft(world.county, sample_plan())
    foreign = Unit.objects.get(name="徐州市教育局")
    with pytest.raises(PlanImportError, match="不属于本地区"):
        drafts.draft_set_mapping(draft, {"市妇联": str(foreign.pk)})


def test_revised_plan_shows_changes_and_keeps_history(world):
    office = world.users["office"]
    first = services.confirm_import(actor=office, draft=drafts.start_draft(world.county, sample_plan()))
    # The factory's plan has the same title: the sample is its revision, so retire it first.
    assert first.version == 2 and first.previous_version == world.plan
    old_task = first.tasks.get(code="3.1.2")
    edu = world.units["市教育和体育局"]
    period = first.periods.order_by("start").first()
    report = ProgressReport.objects.create(task=old_task, unit=edu, period=period, status="accepted")

    revised = sample_plan()
    revised.tasks[1].title = "加强科技辅导员队伍建设和培训"  # similar title, same code
    revised.tasks[1].targets[0].value = 300.0
    revised.tasks[2].id = "3.2.9"  # renumbered, same title
    revised.tasks[2].participating_units = ["市科协"]
    del revised.tasks[3]
    from kesu.plans.model import Task as ParsedTask

    revised.tasks.append(ParsedTask("3.3.1", ["提升行动", "老年人科学素质提升行动"], "开展智慧助老行动",
                                    "开展智慧助老。", ["市科协"], [], ""))
    draft = drafts.start_draft(world.county, revised)
    assert draft.previous_id == first.pk
    diff = plan_diff.diff_against_previous(draft)
    assert [t["id"] for t in diff.added] == ["3.3.1"]
    assert [t.code for t in diff.removed] == ["4.1.1"]
    changed = {c.new["id"]: c.fields for c in diff.changed}
    assert changed == {"3.1.2": ["标题", "目标"], "3.2.9": ["责任单位"]}
    assert diff.unchanged == 1

    second = services.confirm_import(actor=office, draft=draft)
    first.refresh_from_db()
    assert not first.is_current and second.is_current and second.version == 3
    assert second.previous_version == first
    new_task = second.tasks.get(code="3.1.2")
    assert new_task.predecessor == old_task
    assert second.tasks.get(code="3.2.9").predecessor.code == "3.2.1"
    assert second.tasks.get(code="3.3.1").predecessor is None
    # The report stays with its task and period, reachable from the new task.
    report.refresh_from_db()
    assert report.task == old_task
    lineage = task_lineage(new_task)
    assert [t.pk for t in lineage] == [new_task.pk, old_task.pk, world.tasks[1].pk]
    assert list(ProgressReport.objects.filter(task__in=lineage)) == [report]


def test_summary_query_count_does_not_grow_with_tasks(world, django_assert_num_queries):
    plan = services.confirm_import(actor=None, draft=drafts.start_draft(world.county, fresh_plan()))
    with django_assert_num_queries(6):
        summary = selectors.imported_plan_summary(plan)
    assert len(summary.tasks) == 4 and summary.target_count == 2 and summary.unit_count == 6


def test_check_upload_rejects_bad_files():
    with pytest.raises(PlanImportError, match=r"类型 \.exe 不支持"):
        reading.check_upload("plan.exe", 100, b"MZ\x90\x00")
    with pytest.raises(PlanImportError, match="空文件"):
        reading.check_upload("plan.txt", 0, b"")
    with pytest.raises(PlanImportError, match="超过上限"):
        reading.check_upload("plan.pdf", reading.MAX_UPLOAD_BYTES + 1, b"%PDF-1.7")
    with pytest.raises(PlanImportError, match="可执行程序"):
        reading.check_upload("plan.txt", 100, b"\x7fELF\x02")
    with pytest.raises(PlanImportError, match="不是有效的 PDF"):
        reading.check_upload("plan.pdf", 100, b"hello")


def test_a_plan_of_the_next_period_with_the_same_title_is_no_revision(world):
    """Offices reuse a title for every five-year period: the 2026—2030 plan is the next plan, linked by
    succession, not version 2 of the 2021—2025 one (which stays current for its own years)."""
    from kesu.plans.model import Period

    following = sample_plan(title=world.plan.title, doc_number="乳政发〔2026〕3号")
    following.period = Period(start=2026, end=2030)
    assert drafts.start_draft(world.county, following).previous_id is None
    overlapping = sample_plan(title=world.plan.title)
    assert drafts.start_draft(world.county, overlapping).previous_id == world.plan.pk
