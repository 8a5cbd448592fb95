import pytest

from kesu.planning.selectors import visible_plans, visible_tasks

pytestmark = pytest.mark.django_db


def test_world_reporters_see_only_their_units_tasks(world):
    edu_tasks = {t.code for t in visible_tasks(world.users["edu"])}
    assert edu_tasks == {"3.1.1", "3.1.2"}
    assert {t.code for t in visible_tasks(world.users["other_reporter"])} == {"1"}
    assert set(visible_plans(world.users["city_office"])) == {world.plan}
