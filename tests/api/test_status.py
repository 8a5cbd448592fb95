import pytest

pytestmark = pytest.mark.django_db


def test_task_status_names_the_overdue_units_for_the_office(world, api_as):
    # The world's periods are in 2024 and long past due, and nobody has reported: every unit is overdue.
    status = api_as("office").get(f"/api/tasks/{world.tasks[1].pk}/status").json()
    assert status["code"] == "3.1.2"
    assert status["status"]["colour"] == "red" and status["status"]["label"] == "滞后"
    overdue_units = {f["unit_id"] for f in status["status"]["findings"] if f["kind"] == "overdue"}
    assert overdue_units == {world.units["市教育和体育局"].pk, world.units["团市委"].pk}
    assert {unit["unit_name"] for unit in status["units"]} == {"市教育和体育局", "团市委"}


def test_a_reporter_sees_only_their_own_units_status(world, api_as):
    status = api_as("edu").get(f"/api/tasks/{world.tasks[1].pk}/status").json()
    assert [unit["unit_name"] for unit in status["units"]] == ["市教育和体育局"]
    named_units = {f["unit_id"] for f in status["status"]["findings"] if f["unit_id"] is not None}
    assert named_units == {world.units["市教育和体育局"].pk}
    assert api_as("agri").get(f"/api/tasks/{world.tasks[1].pk}/status").status_code == 404


def test_plan_statuses_and_task_list_filter_by_colour(world, api_as):
    office = api_as("office")
    statuses = office.get(f"/api/plans/{world.plan.pk}/statuses").json()
    assert statuses["count"] == 3
    assert {item["status"]["colour"] for item in statuses["items"]} == {"red"}
    assert office.get(f"/api/plans/{world.plan.pk}/statuses", status="green").json()["count"] == 0
    tasks = office.get(f"/api/plans/{world.plan.pk}/tasks", status="red", limit=2).json()
    assert tasks["count"] == 3 and [task["status"] for task in tasks["items"]] == ["red", "red"]
    assert office.get(f"/api/plans/{world.plan.pk}/tasks", status="purple").status_code == 400
