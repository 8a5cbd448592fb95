"""Pages and exports read a constant number of queries however many tasks, units and reports a plan has:
the count measured on the small world is the bound for the same page on ten times the data."""

from io import BytesIO

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook
from tests.pagetext import kpi_cards, parse
from tests.supervision.conftest import grow_plan

from kesu.planning.models import Task
from kesu.supervision.selectors import load_board

pytestmark = pytest.mark.django_db

# load_board: tasks (with plan and group), assignments with units, targets, periods, reports with their
# review counts, accepted figures.
BOARD_QUERIES = 6
# Session, user and the nav's own reads come on top of the board; no page may come near this.
PAGE_CEILING = 20


def test_board_query_count_is_constant(scored_world, django_assert_num_queries):
    world = scored_world
    with django_assert_num_queries(BOARD_QUERIES):
        small = load_board(Task.objects.filter(plan=world.plan))
    grow_plan(world, extra_tasks=30, extra_units=40)
    with django_assert_num_queries(BOARD_QUERIES):
        large = load_board(Task.objects.filter(plan=world.plan))
    assert len(small.rows) == 3 and len(large.rows) == 33
    assert len(large.units) == 44


@pytest.mark.parametrize("page", ["dashboard", "matrix", "scorecard", "export_ledger", "export_tasks",
                                  "export_scorecard", "unit_page"])
def test_page_query_count_is_constant(client, scored_world, django_assert_max_num_queries, page):
    world = scored_world
    client.force_login(world.users["office"])
    arg = world.units["市教育和体育局"].pk if page == "unit_page" else world.plan.pk
    url = reverse(f"supervision:{page}", args=[arg])
    with CaptureQueriesContext(connection) as small:
        assert client.get(url).status_code == 200
    assert len(small) <= PAGE_CEILING
    # 10× the tasks, 10× the units, 20 reports per existing one.
    grow_plan(world, extra_tasks=30, extra_units=40)
    if page == "unit_page":
        for task in Task.objects.filter(plan=world.plan, code__startswith="9.")[:20]:
            task.assignments.create(unit=world.units["市教育和体育局"], role="participating")
    with django_assert_max_num_queries(len(small)):
        response = client.get(url)
    assert response.status_code == 200
    # And the bounded page still shows everything: 3 + 30 tasks, 4 + 40 units, 3 × 2 + 30 × 2 assignments,
    # and for 市教育和体育局 its 2 lead tasks and the 20 it now takes part in.
    if page == "dashboard":
        assert kpi_cards(response.content)["任务总数"] == "33" and "扩展任务29" in response.content.decode()
    else:
        assert _shown(page, response.content) == {
            "matrix": 33, "scorecard": 44, "export_ledger": 66, "export_tasks": 33, "export_scorecard": 44,
            "unit_page": 22,
        }[page]
    if page == "unit_page":
        cards = kpi_cards(response.content)
        assert (cards["牵头任务"], cards["参与任务"]) == ("2", "20")


def _shown(page: str, content: bytes) -> int:
    """How many rows the page or workbook lists: tasks, units or (ledger) task–unit assignments."""
    if page.startswith("export"):
        sheet = load_workbook(BytesIO(content)).active
        return sum(1 for row in sheet.iter_rows(min_row=3, values_only=True) if any(v is not None for v in row))
    attribute = "data-unit" if page == "scorecard" else "data-task"
    return sum(1 for element in parse(content).iter() if attribute in element.attrs)
