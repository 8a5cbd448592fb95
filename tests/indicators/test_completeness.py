"""Before 报送 every cell holds a number (0 included) or says why it is blank; the reasons are stored
per cell and audited, the refusal names the blank cells, and the entry page counts them."""

import pytest
from tests.factories import PASSWORD

from kesu.audit.context import acting_as
from kesu.audit.registry import history_for
from kesu.indicators import selectors, services
from kesu.indicators.models import BlankReason, DataElement, DataValue, Submission
from kesu.indicators.services import CellWrite, IncompleteSubmission, IndicatorError

pytestmark = pytest.mark.django_db

YEAR = 2024


def write(user, region, code, value, option=None):
    element = DataElement.objects.get(code=code)
    opt = element.category.options.get(code=option) if option else None
    with acting_as(user):
        services.write_values(actor=user, writes=[CellWrite(element, opt, region, None, value)], year=YEAR)


def explain(user, region, code, kind, note="", option=None):
    element = DataElement.objects.get(code=code)
    opt = element.category.options.get(code=option) if option else None
    return services.explain_blank(actor=user, element=element, option=opt, region=region, unit=None, year=YEAR,
                                  kind=kind, note=note)


def check(national, region):
    return services.data_set_completeness(national, region, YEAR)


def test_two_cells_of_many_cannot_be_submitted_and_the_refusal_names_the_blanks(world, national):
    office = world.users["office"]
    write(office, world.county, "lectures", 12)
    write(office, world.county, "resident_population", 0)
    total = len(selectors.entry_rows(national, world.county, YEAR))
    with pytest.raises(IncompleteSubmission) as refused:
        services.submit(actor=office, data_set=national, region=world.county, year=YEAR)
    message = str(refused.value)
    assert f"{total} 项中 {total - 2} 项未填写，且未说明原因" in message
    assert "科普人员（专职）" in message  # names, never codes such as outreach_staff.full_time
    assert "outreach_staff" not in message
    assert not Submission.objects.filter(status="submitted").exists()
    assert DataValue.objects.filter(status="draft").count() == 2


def test_zero_is_filled_blank_is_not_and_a_reason_makes_a_blank_acceptable(world, national):
    office = world.users["office"]
    write(office, world.county, "lectures", 0)
    counts = check(national, world.county)
    assert (counts.filled, counts.zero, counts.explained) == (0, 1, 0)

    reason = explain(office, world.county, "science_museums", "not_applicable")
    assert reason.text == "不适用"
    counts = check(national, world.county)
    assert counts.explained == 1 and len(counts.missing) == counts.total - 2

    assert services.explain_remaining_blanks(actor=office, data_set=national, region=world.county, year=YEAR,
                                             kind="unavailable") == counts.total - 2
    assert check(national, world.county).complete
    # The reason given cell by cell is kept; the rest got 数据暂缺.
    assert BlankReason.objects.get(element__code="science_museums").kind == "not_applicable"
    services.submit(actor=office, data_set=national, region=world.county, year=YEAR)
    assert Submission.objects.get().status == "submitted"
    # Submitted: reasons are locked as the values are.
    with pytest.raises(IndicatorError, match="锁定"):
        explain(office, world.county, "science_museums", "unavailable")


def test_reasons_are_checked_audited_and_cleared_by_a_number(world, national):
    office = world.users["office"]
    with pytest.raises(IndicatorError, match="其他"):
        explain(office, world.county, "science_museums", "other")
    with pytest.raises(IndicatorError, match="空项原因"):
        explain(office, world.county, "science_museums", "maybe")
    with acting_as(office):
        reason = explain(office, world.county, "science_museums", "other", note="本县无科技馆，在建")
    assert reason.text == "本县无科技馆，在建"
    (created,) = history_for(reason)
    assert created.actor == office and created.after["kind"] == "other"

    write(office, world.county, "science_museums", 1)  # a number answers the question
    assert not BlankReason.objects.exists()
    assert history_for(reason).filter(action="delete").exists()
    with pytest.raises(IndicatorError, match="已填写数值"):
        explain(office, world.county, "science_museums", "unavailable")
    with pytest.raises(Exception, match="无权"):
        explain(world.users["leader"], world.county, "youth_centres", "unavailable")


def test_fed_values_count_as_filled(world, national):
    from kesu.indicators import feeds

    element = DataElement.objects.get(code="science_museums")
    # A registry with no records this year: nothing stored, and nothing anyone could type either.
    with feeds.feeding(feeds.Feed("science_museums", "科普场馆登记册", lambda year: {}), alone=True):
        rows = selectors.entry_rows(national, world.county, YEAR)
        (row,) = [r for r in rows if r.element == element]
        assert row.fill == "filled"
        with pytest.raises(IndicatorError, match="自动汇总"):
            explain(world.users["office"], world.county, "science_museums", "unavailable")


def test_entry_page_counts_and_the_submit_refusal(client, world, national):
    office = world.users["office"]
    write(office, world.county, "lectures", 12)
    write(office, world.county, "resident_population", 0)
    explain(office, world.county, "science_museums", "not_applicable")
    assert client.login(username="office", password=PASSWORD)
    page = client.get(f"/indicators/entry/?region=371083&year={YEAR}").content.decode()
    total = len(selectors.entry_rows(national, world.county, YEAR))
    assert f"共 {total} 项：已填写 <strong>1</strong> 项，填 0 的 <strong>1</strong> 项，空项已说明原因 <strong>1</strong> 项" in page
    assert f"未填写且未说明原因 <strong>{total - 3}</strong> 项" in page
    assert "outreach_staff.full_time</code>" not in page

    answer = client.post("/indicators/entry/submit/", {"region": "371083", "year": YEAR}, follow=True)
    assert f"{total} 项中 {total - 3} 项未填写，且未说明原因" in answer.content.decode()
    assert not Submission.objects.filter(status="submitted").exists()

    # One cell's reason through the row form (HTMX), then the rest in bulk.
    row = client.post("/indicators/entry/reason/", {"region": "371083", "year": YEAR, "key": "youth_centres",
                                                    "kind": "other", "note": ""}, HTTP_HX_REQUEST="true")
    assert "选择“其他”时请写明空项原因" in row.content.decode()
    row = client.post("/indicators/entry/reason/", {"region": "371083", "year": YEAR, "key": "youth_centres",
                                                    "kind": "unavailable"}, HTTP_HX_REQUEST="true")
    assert "已保存" in row.content.decode() and 'id="completeness"' in row.content.decode()
    client.post("/indicators/entry/blanks/", {"region": "371083", "year": YEAR, "kind": "unavailable"})
    client.post("/indicators/entry/submit/", {"region": "371083", "year": YEAR})
    assert Submission.objects.get().status == "submitted"


def test_other_offices_cannot_explain_blanks_of_a_region_out_of_scope(client, world, national):
    assert client.login(username="other_office", password=PASSWORD)
    response = client.post("/indicators/entry/reason/", {"region": "371083", "year": YEAR, "key": "lectures",
                                                         "kind": "unavailable"})
    assert response.status_code == 404
    response = client.post("/indicators/entry/blanks/", {"region": "371083", "year": YEAR, "kind": "unavailable"})
    assert response.status_code == 404
    assert not BlankReason.objects.exists()
