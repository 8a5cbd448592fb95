import pytest


@pytest.fixture
def national(db):
    """The national outreach-statistics set, loaded as `kesu indicators seed` loads it."""
    from kesu.indicators.services import seed_national_set

    seed_national_set(actor=None)
    from kesu.indicators.models import DataSet

    return DataSet.objects.get(code="annual_statistics")
