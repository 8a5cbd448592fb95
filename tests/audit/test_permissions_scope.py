import pytest

from kesu.org import permissions
from kesu.org.models import Region, RegionLevel, Role, Unit, User
from kesu.planning.models import Plan, Task, TaskUnit, UnitRole
from kesu.planning.selectors import visible_plans, visible_tasks

pytestmark = pytest.mark.django_db


def test_scopes_follow_region_subtree_and_unit():
    city = Region.objects.create(code="371000", name="威海市", level=RegionLevel.CITY)
    county = Region.objects.create(code="371083", name="乳山市", level=RegionLevel.COUNTY, parent=city)
    other = Region.objects.create(code="320300", name="徐州市", level=RegionLevel.CITY)
    education = Unit.objects.create(region=county, name="市教育和体育局")
    association = Unit.objects.create(region=county, name="市科协")
    plan = Plan.objects.create(region=county, title="乳山方案")
    other_plan = Plan.objects.create(region=other, title="徐州方案")
    mine = Task.objects.create(plan=plan, code="1", title="青少年")
    theirs = Task.objects.create(plan=plan, code="2", title="农民")
    Task.objects.create(plan=other_plan, code="1", title="徐州任务")
    TaskUnit.objects.create(task=mine, unit=education, role=UnitRole.LEAD)
    TaskUnit.objects.create(task=theirs, unit=association, role=UnitRole.LEAD)

    city_admin = User.objects.create_user("city", role=Role.OFFICE_ADMIN, region=city)
    reporter = User.objects.create_user("edu", role=Role.UNIT_REPORTER, unit=education)

    assert set(permissions.visible_regions(city_admin)) == {city, county}
    assert set(visible_plans(city_admin)) == {plan}
    assert permissions.can_administer(city_admin, county)
    assert not permissions.can_administer(city_admin, other)
    assert list(visible_tasks(reporter)) == [mine]
    assert list(permissions.visible_units(reporter)) == [education]
    assert permissions.can_report_for(reporter, education)
    assert not permissions.can_report_for(reporter, association)
    with pytest.raises(Exception) as excinfo:
        permissions.get_visible_or_404(visible_tasks(reporter), pk=theirs.pk)
    assert excinfo.typename == "Http404"
