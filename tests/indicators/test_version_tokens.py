"""Every write of outreach statistics replaces the indicators version token, including the writes that
bypass model signals (the status update of a submission's values, a data set's element list), so that
pages cached on the token (the region dashboard) never outlive the data."""

import pytest

from kesu.audit.context import acting_as
from kesu.caching import versions
from kesu.indicators import services
from kesu.indicators.models import DataElement, Submission
from kesu.indicators.services import CellWrite

pytestmark = pytest.mark.django_db


def token() -> str:
    return versions.tokens(versions.INDICATORS)[0]


def test_entering_submitting_accepting_and_returning_each_replace_the_token(world, national):
    office, city = world.users["office"], world.users["city_office"]
    seen = [token()]
    with acting_as(office):
        services.write_values(actor=office, writes=[CellWrite(DataElement.objects.get(code="lectures"), None,
                                                              world.county, None, 12)], year=2024)
    seen.append(token())
    services.explain_remaining_blanks(actor=office, data_set=national, region=world.county, year=2024, kind="unavailable")
    services.submit(actor=office, data_set=national, region=world.county, year=2024)
    seen.append(token())
    services.accept_submission(actor=city, submission=Submission.objects.get())
    seen.append(token())
    services.return_submission(actor=city, submission=Submission.objects.get(), comment="请核实讲座场次")
    seen.append(token())
    assert len(set(seen)) == len(seen)


def test_changing_a_data_sets_elements_replaces_the_token(national):
    element = DataElement.objects.get(code="lectures")
    before = token()
    national.elements.remove(element)
    removed = token()
    national.elements.add(element)
    assert len({before, removed, token()}) == 3


def test_a_refused_write_leaves_the_token(world, national):
    before = token()
    with pytest.raises(services.IndicatorError):
        services.write_values(actor=world.users["office"],
                              writes=[CellWrite(DataElement.objects.get(code="outreach_staff"), None, world.county,
                                                None, 5)],
                              year=2024)
    assert token() == before
