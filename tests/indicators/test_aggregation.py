"""Aggregation over quarters and up a 3-level region tree, against hand-computed totals; the
`values` selector's query count does not grow with the number of regions."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from kesu.indicators import selectors
from kesu.indicators.aggregation import Aggregate, aggregate, aggregate_periods
from kesu.indicators.models import DataElement, DataValue, Indicator
from kesu.org.models import Region, RegionLevel

pytestmark = pytest.mark.django_db


@pytest.fixture
def tree(national):
    province = Region.objects.create(code="370000", name="山东省", level=RegionLevel.PROVINCE)
    weihai = Region.objects.create(code="371000", name="威海市", level=RegionLevel.CITY, parent=province)
    rushan = Region.objects.create(code="371083", name="乳山市", level=RegionLevel.COUNTY, parent=weihai)
    wendeng = Region.objects.create(code="371003", name="文登区", level=RegionLevel.COUNTY, parent=weihai)
    yantai = Region.objects.create(code="370600", name="烟台市", level=RegionLevel.CITY, parent=province)
    laishan = Region.objects.create(code="370613", name="莱山区", level=RegionLevel.COUNTY, parent=yantai)
    return {r.code: r for r in (province, weihai, rushan, wendeng, yantai, laishan)}


def put(element_code, region, year, value, quarter=0, option=None):
    element = DataElement.objects.get(code=element_code)
    opt = element.category.options.get(code=option) if option else None
    return DataValue.objects.create(element=element, option=opt, region=region, year=year, quarter=quarter, value=value)


def test_quarters_aggregate_by_rule():
    assert aggregate_periods("sum", {1: 10, 2: 20, 4: 5}) == 35
    assert aggregate_periods("average", {1: 10, 2: 20}) == 15
    assert aggregate_periods("last", {1: 100, 3: 130, 2: 120}) == 130
    assert aggregate_periods("none", {1: 10}) is None
    assert aggregate_periods("sum", {0: 99, 1: 10}) == 99  # a whole-year entry wins


def test_sum_average_last_up_three_levels(tree):
    # sum: lectures; last (stock): resident_population; average: an office-defined element.
    avg = DataElement.objects.create(code="satisfaction", name="满意度", unit="%", aggregation="average")
    put("lectures", tree["371083"], 2024, 10)
    put("lectures", tree["371003"], 2024, 20)
    put("lectures", tree["370613"], 2024, 7)
    for q, pop in ((1, 500_000), (2, 510_000), (4, 520_000)):
        put("resident_population", tree["371083"], 2024, pop, quarter=q)
    put("resident_population", tree["371003"], 2024, 600_000)
    put("resident_population", tree["370613"], 2024, 300_000)
    DataValue.objects.create(element=avg, region=tree["371083"], year=2024, value=80)
    DataValue.objects.create(element=avg, region=tree["371003"], year=2024, value=90)
    DataValue.objects.create(element=avg, region=tree["370613"], year=2024, value=60)
    rules = {e.pk: e.aggregation for e in DataElement.objects.all()}
    result = aggregate([tree["370000"]], rules, [2024])
    ids = {code: DataElement.objects.get(code=code).pk for code in ("lectures", "resident_population")}

    def cell(region, element_id):
        return result.get(tree[region].pk, 2024)[(element_id, None)]

    assert cell("371000", ids["lectures"]) == Aggregate(None, 30)
    assert cell("370000", ids["lectures"]).effective == 37
    assert cell("371083", ids["resident_population"]).own == 520_000  # last quarter
    assert cell("371000", ids["resident_population"]).children == 1_120_000
    assert cell("370000", ids["resident_population"]).children == 1_420_000
    assert cell("371000", avg.pk).children == 85  # mean of 80 and 90
    assert cell("370000", avg.pk).children == pytest.approx(72.5)  # mean of the cities 85 and 60


def test_own_value_wins_and_mismatch_is_flagged(tree):
    put("lectures", tree["371083"], 2024, 10)
    put("lectures", tree["371003"], 2024, 20)
    put("lectures", tree["371000"], 2024, 35)  # the city typed its own total
    put("lectures", tree["370613"], 2024, 5)
    element = DataElement.objects.get(code="lectures")
    result = aggregate([tree["370000"]], {element.pk: "sum"}, [2024])
    weihai = result.get(tree["371000"].pk, 2024)[(element.pk, None)]
    assert weihai.own == 35 and weihai.children == 30 and weihai.mismatch
    assert result.get(tree["370000"].pk, 2024)[(element.pk, None)].children == 40  # 35 + 5


def test_indicator_values_for_regions_and_years(tree):
    put("science_museum_area", tree["371083"], 2023, 3000)
    put("st_museum_area", tree["371083"], 2023, 1000)
    put("resident_population", tree["371083"], 2023, 500_000)
    put("science_museum_area", tree["371003"], 2023, 2000)
    put("resident_population", tree["371003"], 2023, 500_000)
    put("outreach_staff", tree["371083"], 2023, 30, option="full_time")
    put("outreach_staff", tree["371083"], 2023, 70, option="part_time")
    indicators = Indicator.objects.filter(code__in=["exhibition_area_per_10k", "staff_per_10k", "full_time_staff_share"])
    table = selectors.values([tree["371000"], tree["371083"], tree["370613"]], indicators, [2023, 2024])
    assert table.value("371083", "exhibition_area_per_10k", 2023) == 80.0  # 4000 / 50万 × 1万
    assert table.value("371000", "exhibition_area_per_10k", 2023) == 60.0  # 6000 / 100万 × 1万
    assert table.value("371083", "staff_per_10k", 2023) == 2.0  # 100 / 50万 × 1万
    assert table.value("371083", "full_time_staff_share", 2023) == 30.0
    assert table.get("370613", "exhibition_area_per_10k", 2023).result.note == "缺少数据"
    assert table.value("371083", "exhibition_area_per_10k", 2024) is None


def test_zero_population_gives_message(tree):
    put("funding_raised", tree["371083"], 2024, 50)
    put("resident_population", tree["371083"], 2024, 0)
    table = selectors.values([tree["371083"]], Indicator.objects.filter(code="funding_per_capita"), [2024])
    assert table.get("371083", "funding_per_capita", 2024).result.note == "无法计算（分母为0）"


def test_query_count_does_not_grow_with_regions(tree):
    indicators = list(Indicator.objects.all())

    def count_queries(regions):
        with CaptureQueriesContext(connection) as captured:
            selectors.values(regions, indicators, [2022, 2023, 2024])
        return len(captured)

    for r in tree.values():
        put("lectures", r, 2024, 1)
    few = count_queries([tree["371000"]])
    for i in range(30):
        county = Region.objects.create(code=f"3710{50 + i}", name=f"测试县{i}", level=RegionLevel.COUNTY, parent=tree["371000"])
        put("lectures", county, 2024, i)
        put("resident_population", county, 2023, 1000 + i)
    many = count_queries([tree["371000"], tree["370000"], *Region.objects.filter(parent=tree["371000"])])
    assert few == many <= 5
