"""Fixtures for kesu.resources: the world of tests/factories.py (山东省 → 威海市 → 乳山市, with its units
and users) grown into a province → city → two counties tree, with the people the registries and the
base lifecycle need. Fixtures are small and named for who or what they are, so that tests ask only
for what they use.

    province 山东省 370000 ── city 威海市 371000 ─┬─ county 乳山市 371083 (the world's county)
                                                  └─ county2 荣成市 371082
"""

from __future__ import annotations

import pytest
from tests.factories import make_user

from kesu.org.models import Region, RegionLevel, Role

# --- regions --------------------------------------------------------------------------------


@pytest.fixture
def province(world):
    return world.city.parent


@pytest.fixture
def city(world):
    return world.city


@pytest.fixture
def county(world):
    return world.county


@pytest.fixture
def county2(world):
    return Region.objects.create(code="371082", name="荣成市", level=RegionLevel.COUNTY, parent=world.city)


# --- people ---------------------------------------------------------------------------------


@pytest.fixture
def county_office(world):
    """Office admin of 乳山市: manages its county and recognises 县级 bases."""
    return world.users["office"]


@pytest.fixture
def city_office(world):
    """Office admin of 威海市: manages both counties and recognises 市级 bases."""
    return world.users["city_office"]


@pytest.fixture
def province_office(province):
    return make_user("province_office", Role.OFFICE_ADMIN, region=province)


@pytest.fixture
def county2_office(county2):
    return make_user("county2_office", Role.OFFICE_ADMIN, region=county2)


@pytest.fixture
def leader(world):
    return world.users["leader"]


@pytest.fixture
def unit(world):
    """A unit of 乳山市 that applies for bases and records activities (市教育和体育局)."""
    return world.units["市教育和体育局"]


@pytest.fixture
def reporter(world):
    """The unit reporter of `unit`."""
    return world.users["edu"]


@pytest.fixture
def other_reporter(world):
    """A unit reporter of another 乳山市 unit (市农业农村局)."""
    return world.users["agri"]


@pytest.fixture
def expert_user(city):
    return make_user("expert_zhang", Role.EXPERT, region=city)


@pytest.fixture
def expert(city, expert_user):
    """An expert of the 威海市 expert registry who signs in as `expert_user`."""
    from kesu.resources.models import Expert

    return Expert.objects.create(name="张教授", region=city, organisation="威海职业学院", user=expert_user)


@pytest.fixture
def other_expert(city):
    """A second expert with an account of their own."""
    from kesu.resources.models import Expert

    user = make_user("expert_li", Role.EXPERT, region=city)
    return Expert.objects.create(name="李研究员", region=city, organisation="威海市农科院", user=user)


# --- records --------------------------------------------------------------------------------


@pytest.fixture
def make_base(county, unit):
    """make_base(name, region=乳山市, applicant_unit=unit, **fields) → a candidate OutreachBase,
    written through services.save_record as the system."""
    from kesu.resources import services

    def make(name: str = "乳山市青少年科技馆", *, region=None, applicant_unit=unit, **fields):
        values = {
            "name": name, "region": region or county, "host_organisation": "乳山市教育和体育局",
            "exhibition_area": 1200.0, "annual_visitors": 30000, "open_days": 250,
            "applicant_unit_id": applicant_unit.pk if applicant_unit is not None else None, **fields,
        }
        return services.save_record(actor=None, kind="base", values=values)

    return make


# --- statistics -----------------------------------------------------------------------------


@pytest.fixture
def national(db):
    """The national outreach-statistics set, loaded as `kesu indicators seed` loads it: the data
    elements the registries feed (kesu.resources.feeds)."""
    from kesu.indicators.models import DataSet
    from kesu.indicators.services import seed_national_set

    seed_national_set(actor=None)
    return DataSet.objects.get(code="annual_statistics")
