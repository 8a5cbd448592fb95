"""Elements fed by a registry: sync to subtree totals, only differences written and audited, manual
values where the registry has no records kept, locked periods left alone, manual entry refused.

The registry here is a plain dict standing in for the app above (kesu.resources), which registers
its real feeds in its AppConfig.ready()."""

import io

import pytest
from django.core.exceptions import PermissionDenied
from openpyxl import load_workbook

from kesu.audit.context import acting_as
from kesu.audit.models import AuditEntry
from kesu.caching import versions
from kesu.indicators import excel, feeds, services
from kesu.indicators.feed_sync import REASON, sync_feeds
from kesu.indicators.models import DataElement, DataValue, Submission
from kesu.indicators.services import CellWrite, IndicatorError
from kesu.org.models import Region, RegionLevel

pytestmark = pytest.mark.django_db

YEAR = 2024
SOURCE = "测试活动登记册"
BASES = "测试基地登记册"


class FakeRegistry:
    """{(element_code, region_id, option_code): value} of records by the region they are located in."""

    def __init__(self):
        self.records: dict[tuple[str, int, str | None], float] = {}

    def feed(self, code: str, source: str) -> feeds.Feed:
        def compute(year: int):
            assert year == YEAR
            return {(region, option): value for (element, region, option), value in self.records.items()
                    if element == code}

        def url(region_code: str, year: int, option_code: str | None) -> str:
            return f"/registry/{code}/?region={region_code}&year={year}&option={option_code or ''}"

        return feeds.Feed(code, source, compute, url)


@pytest.fixture
def registry(world, national):
    fake = FakeRegistry()
    before = feeds.registered_feeds()
    # Alone: the real registries' feeds (registered by the apps above) must not take part here.
    with feeds.feeding(fake.feed("lectures", SOURCE), fake.feed("outreach_bases", BASES), alone=True):
        yield fake
    assert feeds.registered_feeds() == before


@pytest.fixture
def county2(world):
    return Region.objects.create(code="371082", name="荣成市", level=RegionLevel.COUNTY, parent=world.city)


def stored(code: str, option: str | None = None) -> dict[str, tuple[float, str]]:
    rows = DataValue.objects.filter(element__code=code, year=YEAR, quarter=0, unit__isnull=True)
    rows = rows.filter(option__code=option) if option else rows.filter(option__isnull=True)
    return {v.region.code: (v.value, v.source) for v in rows.select_related("region")}


def manual(code: str, region, value: float) -> DataValue:
    # Entered before the registry existed: write_values refuses a fed element now.
    return DataValue.objects.create(element=DataElement.objects.get(code=code), region=region, year=YEAR, value=value)


def test_values_are_subtree_totals_up_the_region_tree(world, registry, county2):
    registry.records = {
        ("lectures", world.county.pk, None): 3, ("lectures", county2.pk, None): 2, ("lectures", world.city.pk, None): 1,
        ("outreach_bases", world.county.pk, "national"): 1, ("outreach_bases", world.county.pk, "municipal"): 2,
        ("outreach_bases", county2.pk, "county"): 4,
    }
    result = sync_feeds(actor=None, year=YEAR)
    assert stored("lectures") == {"371083": (3, "registry"), "371082": (2, "registry"), "371000": (6, "registry"),
                                  "370000": (6, "registry")}
    assert stored("outreach_bases", "national") == {"371083": (1, "registry"), "371000": (1, "registry"),
                                                    "370000": (1, "registry")}
    assert stored("outreach_bases", "county") == {"371082": (4, "registry"), "371000": (4, "registry"),
                                                  "370000": (4, "registry")}
    assert result.written == 4 + 3 + 3 + 3 and result.deleted == result.frozen == result.unchanged == 0
    assert result.element("lectures").written == 4 and result.element("lectures").source == SOURCE


def test_second_sync_writes_nothing(world, registry):
    registry.records = {("lectures", world.county.pk, None): 3}
    sync_feeds(actor=None, year=YEAR)
    entries, token = AuditEntry.objects.count(), versions.tokens(versions.INDICATORS)
    again = sync_feeds(actor=None, year=YEAR)
    assert (again.written, again.deleted, again.frozen, again.unchanged) == (0, 0, 0, 3)
    assert AuditEntry.objects.count() == entries
    assert versions.tokens(versions.INDICATORS) != token  # the token is replaced like any write's


def test_manual_values_where_the_registry_has_no_records_stay(world, registry):
    manual("lectures", world.other_city, 7)
    registry.records = {("lectures", world.county.pk, None): 3}
    result = sync_feeds(actor=None, year=YEAR)
    assert stored("lectures")["320300"] == (7, "manual")
    assert result.deleted == 0


def test_manual_value_where_records_exist_is_replaced_and_audited(world, registry):
    value = manual("lectures", world.county, 10)
    registry.records = {("lectures", world.county.pk, None): 3}
    office = world.users["office"]
    with acting_as(office, reason="登记册保存"):
        sync_feeds(actor=office, year=YEAR)
    value.refresh_from_db()
    assert (value.value, value.source, value.entered_by) == (3, "registry", office)
    entry = AuditEntry.objects.get(model="indicators.DataValue", object_id=str(value.pk), action="update")
    assert entry.before["value"] == 10 and entry.before["source"] == "manual"
    assert entry.after["value"] == 3 and entry.after["source"] == "registry"
    assert entry.actor == office and entry.reason.startswith(REASON)


def test_created_values_are_audited(world, registry):
    registry.records = {("lectures", world.county.pk, None): 3}
    sync_feeds(actor=None, year=YEAR)
    entries = AuditEntry.objects.filter(model="indicators.DataValue", action="create")
    assert entries.count() == 3
    county = DataValue.objects.get(region=world.county, element__code="lectures")
    entry = entries.get(object_id=str(county.pk))
    assert entry.before is None and entry.after["value"] == 3 and entry.actor_name == "系统" and entry.reason == REASON


def test_vanished_registry_value_is_deleted_and_totals_follow(world, registry, county2):
    registry.records = {("lectures", world.county.pk, None): 3, ("lectures", county2.pk, None): 2}
    sync_feeds(actor=None, year=YEAR)
    gone = DataValue.objects.get(region=county2, element__code="lectures")
    del registry.records[("lectures", county2.pk, None)]
    result = sync_feeds(actor=None, year=YEAR)
    assert stored("lectures") == {"371083": (3, "registry"), "371000": (3, "registry"), "370000": (3, "registry")}
    assert (result.deleted, result.written, result.unchanged) == (1, 2, 1)
    entry = AuditEntry.objects.get(model="indicators.DataValue", object_id=str(gone.pk), action="delete")
    assert entry.before["value"] == 2 and entry.after is None


def test_cells_of_an_accepted_period_are_frozen(world, registry, national):
    registry.records = {("lectures", world.county.pk, None): 3}
    sync_feeds(actor=None, year=YEAR)
    office, city_office = world.users["office"], world.users["city_office"]
    services.explain_remaining_blanks(actor=office, data_set=national, region=world.county, year=YEAR, kind="unavailable")
    services.submit(actor=office, data_set=national, region=world.county, year=YEAR)
    services.accept_submission(actor=city_office, submission=Submission.objects.get(region=world.county))
    registry.records = {("lectures", world.county.pk, None): 5}
    result = sync_feeds(actor=None, year=YEAR)
    assert stored("lectures") == {"371083": (3, "registry"), "371000": (5, "registry"), "370000": (5, "registry")}
    assert (result.frozen, result.written) == (1, 2)
    assert DataValue.objects.get(region=world.county, element__code="lectures").status == "accepted"
    registry.records = {}
    result = sync_feeds(actor=None, year=YEAR)
    assert stored("lectures") == {"371083": (3, "registry")} and (result.frozen, result.deleted) == (1, 2)


def test_write_values_refuses_a_fed_element(world, registry):
    element = DataElement.objects.get(code="lectures")
    office = world.users["office"]
    with pytest.raises(IndicatorError, match=f"“{element.name}”由{SOURCE}自动汇总，不能手工填报"):
        services.write_values(actor=office, writes=[CellWrite(element, None, world.county, None, 4)], year=YEAR)
    assert not DataValue.objects.exists()
    # Other elements are entered as before.
    services.write_values(actor=office, year=YEAR, writes=[
        CellWrite(DataElement.objects.get(code="funding_raised"), None, world.county, None, 2)])


def test_excel_upload_refuses_a_changed_fed_cell(world, registry):
    registry.records = {("lectures", world.county.pk, None): 3}
    sync_feeds(actor=None, year=YEAR)
    office = world.users["office"]
    workbook = load_workbook(io.BytesIO(excel.build_template(office, world.county, YEAR)))
    sheet = workbook["科普统计年报"]
    row = next(r for r in range(excel.FIRST_DATA_ROW, sheet.max_row + 1) if sheet.cell(r, 1).value == "lectures")
    assert sheet.cell(row, 5).value == 3 and sheet.cell(row, 5).protection.locked

    def upload() -> bytes:
        buffer = io.BytesIO()
        workbook.save(buffer)
        return buffer.getvalue()

    assert excel.import_template(actor=office, content=upload(), region=world.county, year=YEAR).cells_changed == 0
    sheet.cell(row, 5).value = 9
    with pytest.raises(excel.TemplateError, match=f"由{SOURCE}自动汇总"):
        excel.import_template(actor=office, content=upload(), region=world.county, year=YEAR)


def test_entry_page_shows_a_fed_cell_read_only_with_its_source(world, registry, client_for):
    registry.records = {("lectures", world.county.pk, None): 3}
    sync_feeds(actor=None, year=YEAR)
    page = client_for("office").get(f"/indicators/entry/?region=371083&year={YEAR}").content.decode()
    row = page[page.index('id="row-lectures"'):]
    row = row[:row.index("</tr>")]
    assert f"来源：{SOURCE}" in row and "查看记录" in row and "/registry/lectures/?region=371083&amp;year=2024" in row
    assert "<input" not in row
    assert '<input name="value"' in page  # other rows are still entered by hand
    response = client_for("office").post("/indicators/entry/cell/", {
        "key": "lectures", "region": "371083", "year": YEAR, "value": "8"})
    assert "不能手工填报" in response.content.decode()
    assert DataValue.objects.get(region=world.county, element__code="lectures").value == 3


def test_element_list_names_the_source(world, registry, client_for):
    page = client_for("office").get("/indicators/").content.decode()
    assert f"来源：{SOURCE}" in page and f"来源：{BASES}" in page


def test_only_an_office_admin_or_the_system_syncs(world, registry):
    with pytest.raises(PermissionDenied):
        sync_feeds(actor=world.users["statistician"], year=YEAR)
    with pytest.raises(IndicatorError, match="没有登记册来源"):
        sync_feeds(actor=None, year=YEAR, element_codes=["funding_raised"])
    assert sync_feeds(actor=world.users["office"], year=YEAR, element_codes=["lectures"]).elements[0].element_code \
        == "lectures"


def test_bad_counts_from_a_registry_are_refused(world, registry):
    registry.records = {("outreach_bases", world.county.pk, "galactic"): 1}
    with pytest.raises(IndicatorError, match="分类项“galactic”"):
        sync_feeds(actor=None, year=YEAR)
    registry.records = {("lectures", world.county.pk, None): 2.5}
    with pytest.raises(IndicatorError, match=f"{SOURCE}：.*应为整数"):
        sync_feeds(actor=None, year=YEAR)
    assert not DataValue.objects.exists()


def test_query_count_does_not_grow_with_regions(world, registry, django_assert_max_num_queries):
    def run(counties: int) -> None:
        DataValue.objects.all().delete()
        registry.records = {}
        for n in range(counties):
            region, _ = Region.objects.get_or_create(
                code=f"3710{n + 10:02d}", defaults={"name": f"县{n}", "level": RegionLevel.COUNTY, "parent": world.city})
            registry.records[("lectures", region.pk, None)] = n + 1
            registry.records[("outreach_bases", region.pk, "county")] = 1
        with django_assert_max_num_queries(15):
            sync_feeds(actor=None, year=YEAR)

    run(3)
    run(60)
    assert stored("lectures")["371000"] == (sum(range(1, 61)), "registry")
