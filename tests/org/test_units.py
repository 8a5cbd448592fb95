"""Units: matching plan names, merging (with the participants apps register), aliases, and who may
change them."""

from __future__ import annotations

import pytest

from kesu.audit.models import AuditEntry
from kesu.indicators.models import DataElement, DataValue
from kesu.org import merging
from kesu.org.models import Unit, User
from kesu.org.services import (
    OrgError,
    OrgPermissionError,
    add_alias,
    create_unit,
    merge_units,
    remove_alias,
    update_unit,
)
from kesu.org.unit_names import match_unit
from kesu.planning.models import TaskUnit
from kesu.progress.models import ProgressReport, Reminder

pytestmark = pytest.mark.django_db


def test_match_unit_tries_name_alias_normalised_and_dictionary(world):
    edu = world.units["市教育和体育局"]
    assert match_unit(world.county, "市教育和体育局") == (edu, "名称一致")
    edu.aliases.create(alias="教育体育局")
    assert match_unit(world.county, "教育体育局") == (edu, "别名一致")
    assert match_unit(world.county, "乳山市教育和体育局").unit == edu  # region prefix
    assert match_unit(world.county, "威海市乳山市教育和体育局").unit == edu
    assert match_unit(world.county, "市教体局") == (edu, "规范化后一致")  # abbreviation dictionary
    assert match_unit(world.county, "乳山市科学技术协会").unit == world.units["市科协"]
    assert match_unit(world.county, "共青团乳山市委员会").unit == world.units["团市委"]
    missing = match_unit(world.county, "市气象局")
    assert missing.unit is None and missing.score == 0.0
    # A city unit is not taken for the county's namesake.
    assert match_unit(world.county, "威海市教育局").unit is None


def test_match_unit_query_count(world, django_assert_num_queries):
    with django_assert_num_queries(3):
        match_unit(world.county, "市教体局")


def test_merge_moves_assignments_reports_users_and_keeps_alias(world):
    edu = world.units["市教育和体育局"]
    office = world.users["office"]
    duplicate = create_unit(actor=office, region=world.county, name="市教体局", aliases=["教体局"])
    youth_task = world.tasks[1]  # 3.1.2: edu lead, 团市委 participating
    farm_task = world.tasks[2]
    TaskUnit.objects.create(task=youth_task, unit=duplicate, role="participating")
    TaskUnit.objects.create(task=farm_task, unit=duplicate, role="lead")
    report = ProgressReport.objects.create(task=farm_task, unit=duplicate, period=world.periods[0])
    reporter = User.objects.create_user("dup", role="unit_reporter", unit=duplicate)
    Reminder.objects.create(region=world.county, unit=duplicate, message="请报送")

    duplicate_pk = duplicate.pk
    result = merge_units(actor=office, source=duplicate, target=edu)

    assert not Unit.objects.filter(pk=duplicate_pk).exists()
    assert set(edu.aliases.values_list("alias", flat=True)) >= {"市教体局", "教体局"}
    assert TaskUnit.objects.get(task=youth_task, unit=edu).role == "lead"  # the stronger role stays
    assert TaskUnit.objects.get(task=farm_task, unit=edu).role == "lead"
    report.refresh_from_db()
    reporter.refresh_from_db()
    assert report.unit == edu and reporter.unit == edu
    assert Reminder.objects.get(message="请报送").unit == edu
    assert result.moved["任务分工"] == 2
    assert AuditEntry.objects.filter(model="org.Unit", object_id=str(duplicate_pk), action="delete").exists()
    assert AuditEntry.objects.filter(model="progress.ProgressReport", object_id=str(report.pk), action="update").exists()


def test_merge_refuses_clashing_reports_and_changes_nothing(world):
    edu = world.units["市教育和体育局"]
    office = world.users["office"]
    duplicate = create_unit(actor=office, region=world.county, name="市教体局")
    task, period = world.tasks[1], world.periods[0]
    ProgressReport.objects.create(task=task, unit=edu, period=period)
    TaskUnit.objects.create(task=world.tasks[2], unit=duplicate, role="lead")
    ProgressReport.objects.create(task=task, unit=duplicate, period=period)
    with pytest.raises(OrgError, match=r"3\.1\.2（2024年上半年）"):
        merge_units(actor=office, source=duplicate, target=edu)
    assert Unit.objects.filter(pk=duplicate.pk).exists()
    assert TaskUnit.objects.filter(unit=duplicate).count() == 1


def test_merge_across_regions_or_with_itself_is_refused(world):
    edu, office = world.units["市教育和体育局"], world.users["office"]
    with pytest.raises(OrgError, match="自身"):
        merge_units(actor=office, source=edu, target=edu)
    with pytest.raises(OrgError, match="同一地区"):
        merge_units(actor=office, source=edu, target=Unit.objects.get(name="徐州市教育局"))


def test_rename_keeps_old_name_as_alias(world):
    edu, office = world.units["市教育和体育局"], world.users["office"]
    update_unit(actor=office, unit=edu, name="市教育局", kind=edu.kind, is_office=False, is_active=True)
    assert edu.aliases.filter(alias="市教育和体育局").exists()
    with pytest.raises(OrgError, match="已有名为“市科协”"):
        update_unit(actor=office, unit=edu, name="市科协", kind=edu.kind, is_office=False, is_active=True)


@pytest.fixture
def participant():
    """A participant registered for one test only."""
    names = []

    def register(name, **kwargs):
        merging.register(name, **kwargs)
        names.append(name)

    yield register
    for name in names:
        merging.unregister(name)


def test_a_registered_participant_moves_its_own_rows_and_the_generic_pass_leaves_them(world, participant):
    edu, office = world.units["市教育和体育局"], world.users["office"]
    duplicate = create_unit(actor=office, region=world.county, name="市教体局")
    Reminder.objects.create(region=world.county, unit=duplicate, message="请报送")
    calls = []

    def move_reminders(source, target):
        calls.append((source.pk, target.pk))
        return {"催办（登记者移交）": Reminder.objects.filter(unit=source).update(unit=target)}

    participant("test.reminders", move=move_reminders, models=(Reminder,))
    duplicate_pk = duplicate.pk
    result = merge_units(actor=office, source=duplicate, target=edu)
    assert calls == [(duplicate_pk, edu.pk)]
    assert result.moved == {"催办（登记者移交）": 1}  # not counted again as 催办 by the generic pass
    assert Reminder.objects.get(message="请报送").unit == edu


def test_a_participants_refusal_stops_the_merge_before_anything_moves(world, participant):
    edu, office = world.units["市教育和体育局"], world.users["office"]
    duplicate = create_unit(actor=office, region=world.county, name="市教体局")
    TaskUnit.objects.create(task=world.tasks[2], unit=duplicate, role="lead")
    participant("test.refuse", check=lambda source, target: f"不能合并“{source.name}”")
    with pytest.raises(OrgError, match="不能合并“市教体局”"):
        merge_units(actor=office, source=duplicate, target=edu)
    assert TaskUnit.objects.filter(unit=duplicate).count() == 1


def test_merge_moves_rows_whose_foreign_key_has_no_reverse_accessor(world):
    """Statistics point at units with related_name="+"; they must not block deleting the merged unit."""
    edu, office = world.units["市教育和体育局"], world.users["office"]
    duplicate = create_unit(actor=office, region=world.county, name="市教体局")
    element = DataElement.objects.create(code="t_lectures", name="讲座", unit="场")
    value = DataValue.objects.create(element=element, region=world.county, unit=duplicate, year=2024, value=3)
    result = merge_units(actor=office, source=duplicate, target=edu)
    value.refresh_from_db()
    assert value.unit == edu and result.moved["数据值"] == 1


def test_only_the_office_of_the_region_subtree_changes_units(world):
    edu = world.units["市教育和体育局"]
    city_office, other_office = world.users["city_office"], world.users["other_office"]
    alias = add_alias(actor=city_office, unit=edu, alias="教体局")  # a city office manages its counties
    for call in (
        lambda: create_unit(actor=other_office, region=world.county, name="市气象局"),
        lambda: update_unit(actor=other_office, unit=edu, name="市教育局", kind=edu.kind, is_office=False,
                            is_active=True),
        lambda: add_alias(actor=world.users["leader"], unit=edu, alias="教育局"),
        lambda: remove_alias(actor=other_office, alias=alias),
        lambda: merge_units(actor=world.users["edu"], source=world.units["团市委"], target=edu),
        lambda: update_unit(actor=None, unit=edu, name="市教育局", kind=edu.kind, is_office=False, is_active=True),
    ):
        with pytest.raises(OrgPermissionError, match="只能管理本地区"):
            call()
    remove_alias(actor=city_office, alias=alias)
    assert not edu.aliases.exists()
