import pytest


@pytest.fixture
def national(db):
    """The national outreach-statistics set, loaded as `kesu indicators seed` loads it."""
    from kesu.indicators.services import seed_national_set

    seed_national_set(actor=None)
    from kesu.indicators.models import DataSet

    return DataSet.objects.get(code="annual_statistics")


@pytest.fixture(autouse=True)
def _no_registry_feeds():
    """These tests are about kesu.indicators itself: the feeds that apps above it (kesu.resources)
    register make elements such as lectures read-only, so they are set aside here; test_feeds.py
    registers its own."""
    from kesu.indicators import feeds

    with feeds.feeding(alone=True):
        yield
