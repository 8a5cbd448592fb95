"""Editing indicators and data elements: the formula check, who may edit what, the audit trail, and
deactivating an element without losing its values."""

import io
import re

import pytest
from django.core.exceptions import PermissionDenied
from openpyxl import load_workbook
from tests.factories import PASSWORD

from kesu.audit.context import acting_as
from kesu.audit.models import AuditEntry
from kesu.audit.registry import history_for
from kesu.indicators import excel, selectors, services
from kesu.indicators.models import DataElement, DataValue, Indicator
from kesu.indicators.pages import default_year
from kesu.indicators.services import CellWrite, IndicatorError

pytestmark = pytest.mark.django_db

ENTRY = "/indicators/entry/?dataset=annual_statistics&region=371083&year=2024"


def login(client, username):
    assert client.login(username=username, password=PASSWORD)


def write(user, region, element, value, year=2024):
    with acting_as(user):
        return services.write_values(actor=user, writes=[CellWrite(element, None, region, None, value)], year=year)


@pytest.fixture
def local(world, national):
    """乳山市's own element (in the national data set) and indicator over it, with a 2024 value."""
    office = world.users["office"]
    with acting_as(office):
        element = services.create_element(
            actor=office, code="school_lectures", name="进校园科普讲座", unit="次", aggregation="sum",
            value_type="integer", definition="县级自定义", data_set=national,
        )
        indicator = services.save_indicator(
            actor=office, code="school_lecture_total", name="进校园讲座合计", numerator="#{school_lectures}",
            denominator="", factor=1, unit="次", decimals=0,
        )
    write(office, world.county, element, 12)
    write(office, world.county, DataElement.objects.get(code="lectures"), 5)
    return element, indicator


def indicator_form(indicator, **changes):
    data = {"code": indicator.code, "name": indicator.name, "group": indicator.group,
            "numerator": indicator.numerator, "denominator": indicator.denominator, "factor": indicator.factor,
            "unit": indicator.unit, "decimals": indicator.decimals, "keywords": indicator.keywords,
            "definition": indicator.definition, "save": "1"}
    return data | changes


def element_form(element, **changes):
    data = {"code": element.code, "name": element.name, "group": element.group, "value_type": element.value_type,
            "unit": element.unit, "aggregation": element.aggregation, "category": element.category_id or "",
            "definition": element.definition}
    return data | changes


# --- indicators -----------------------------------------------------------------------------------


def test_edit_saves_and_the_detail_page_shows_the_new_formulas_values(client, world, local):
    _, indicator = local
    login(client, "office")
    page = client.get(f"/indicators/{indicator.code}/edit/").content.decode()
    assert "修改指标" in page and 'value="#{school_lectures}"' in page
    response = client.post(f"/indicators/{indicator.code}/edit/", indicator_form(
        indicator, name="讲座合计", numerator="#{school_lectures} + #{lectures}",
        # The code cannot be changed: it is in the page's address.
        code="renamed",
    ))
    assert response.status_code == 302 and response["Location"] == f"/indicators/{indicator.code}/"
    indicator.refresh_from_db()
    assert (indicator.name, indicator.numerator, indicator.code) == (
        "讲座合计", "#{school_lectures} + #{lectures}", "school_lecture_total")
    detail = client.get(f"/indicators/{indicator.code}/?region=371083&year=2024").content.decode()
    assert "讲座合计" in detail and "#{school_lectures} + #{lectures}" in detail
    assert ">17<" in detail  # 12 + 5; the old formula gave 12


def test_htmx_check_tries_the_formula_on_real_values_without_saving(client, world, local):
    element, indicator = local
    write(world.users["office"], world.county, element, 30, year=default_year())
    login(client, "office")
    response = client.post(
        f"/indicators/{indicator.code}/edit/",
        {k: v for k, v in indicator_form(indicator, numerator="#{school_lectures} * 2", check="1").items() if k != "save"},
        HTTP_HX_REQUEST="true",
    )
    body = response.content.decode()
    assert response.status_code == 200 and body.startswith('<div id="formula-check"')
    assert "公式检查通过" in body and "<strong>60</strong>" in body and "乳山市" in body
    indicator.refresh_from_db()
    assert indicator.numerator == "#{school_lectures}"


@pytest.mark.parametrize(("numerator", "words"), [
    ("#{school_lectures} +", "第21个字符处"),
    ("#{school_lectures} + #{no_such}", "未知数据项“no_such”"),
    ("#{school_lectures} + #{resident_population}", "不能相加"),
])
def test_a_bad_formula_is_refused_with_its_problem_and_nothing_changes(client, world, local, numerator, words):
    _, indicator = local
    entries = AuditEntry.objects.count()
    login(client, "office")
    response = client.post(f"/indicators/{indicator.code}/edit/", indicator_form(indicator, numerator=numerator,
                                                                                  name="改了名"))
    body = response.content.decode()
    assert response.status_code == 200 and "公式有误，不能保存" in body and words in body
    assert f'value="{numerator}"' in body.replace("&quot;", '"') and 'value="改了名"' in body
    indicator.refresh_from_db()
    assert (indicator.numerator, indicator.name) == ("#{school_lectures}", "进校园讲座合计")
    assert AuditEntry.objects.count() == entries


def test_edit_is_audited_with_before_and_after_and_shown_on_the_detail_page(client, world, local):
    _, indicator = local
    login(client, "office")
    client.post(f"/indicators/{indicator.code}/edit/", indicator_form(indicator, denominator="#{lectures}",
                                                                      unit="%", factor="100"))
    entry = history_for(indicator).first()
    assert entry.action == "update" and entry.actor == world.users["office"]
    assert entry.before["denominator"] == "" and entry.after["denominator"] == "#{lectures}"
    assert entry.before["factor"] == 1 and entry.after["factor"] == 100
    detail = client.get(f"/indicators/{indicator.code}/?region=371083&year=2024").content.decode()
    assert "定义修改记录" in detail and "分母公式： → #{lectures}" in detail and "240" in detail


def test_national_indicators_are_read_only_and_offered_for_copying(client, world, local):
    seed = Indicator.objects.get(code="exhibition_area_per_10k")
    login(client, "office")
    assert client.get(f"/indicators/{seed.code}/edit/").status_code == 403
    assert client.post(f"/indicators/{seed.code}/edit/", indicator_form(seed, name="改")).status_code == 403
    with pytest.raises(IndicatorError, match="只读"):
        services.save_indicator(actor=world.users["office"], code=seed.code, name="改", numerator=seed.numerator,
                                denominator=seed.denominator, factor=seed.factor, unit=seed.unit, instance=seed)
    assert Indicator.objects.get(code=seed.code).name == "每万人科普展厅面积"
    detail = client.get(f"/indicators/{seed.code}/").content.decode()
    assert f"/indicators/{seed.code}/edit/" not in detail and f"?copy={seed.code}" in detail
    copy = client.get(f"/indicators/new/?copy={seed.code}").content.decode()
    assert 'value="exhibition_area_per_10k_371083"' in copy and 'value="#{resident_population}"' in copy
    listing = client.get("/indicators/").content.decode()
    assert f"/indicators/{local[1].code}/edit/" in listing and f"/indicators/{seed.code}/edit/" not in listing


@pytest.mark.parametrize(("role", "status"), [
    ("leader", 403), ("statistician", 403), ("edu", 403), ("other_office", 404),
])
def test_who_may_not_edit_an_offices_definitions(client, world, local, role, status):
    element, indicator = local
    login(client, role)
    urls = [f"/indicators/{indicator.code}/edit/", f"/indicators/elements/{element.code}/edit/"]
    for url in urls:
        assert client.get(url).status_code == status, url
    assert client.post(urls[0], indicator_form(indicator, name="改")).status_code == status
    assert client.post(urls[1], element_form(element, name="改")).status_code == status
    assert client.post(f"/indicators/elements/{element.code}/active/", {"active": "0"}).status_code == status
    indicator.refresh_from_db()
    element.refresh_from_db()
    assert indicator.name == "进校园讲座合计" and element.name == "进校园科普讲座" and element.active
    assert f"{indicator.code}/edit/" not in client.get("/indicators/").content.decode()


def test_the_city_office_edits_its_countys_definitions_but_not_the_reverse(client, world, national):
    with acting_as(world.users["city_office"]):
        city_own = services.save_indicator(actor=world.users["city_office"], code="city_ratio", name="市级指标", numerator="#{lectures}",
                                           denominator="", factor=1, unit="次")
    login(client, "office")
    assert client.get(f"/indicators/{city_own.code}/edit/").status_code == 404
    client.logout()
    login(client, "city_office")
    assert client.get(f"/indicators/{city_own.code}/edit/").status_code == 200
    with acting_as(world.users["office"]):
        county_own = services.save_indicator(actor=world.users["office"], code="county_ratio", name="县级指标",
                                             numerator="#{lectures}", denominator="", factor=1, unit="次")
    assert client.post(f"/indicators/{county_own.code}/edit/",
                       indicator_form(county_own, name="市里改的")).status_code == 302
    assert Indicator.objects.get(code="county_ratio").name == "市里改的"


def test_the_definition_services_check_their_actor(world, local):
    """The same rules as the pages, inside the services: the CLI and the demo loader pass them too."""
    element, indicator = local
    with pytest.raises(PermissionDenied):
        services.seed_national_set(actor=world.users["office"])  # the national set is the system's
    for role in ("leader", "statistician", "edu"):
        with pytest.raises(PermissionDenied):
            services.create_element(actor=world.users[role], code="sweep_x", name="x", unit="次", aggregation="sum")
    with pytest.raises(PermissionDenied):
        services.create_element(actor=None, code="sweep_x", name="x", unit="次", aggregation="sum")
    for actor in (world.users["other_office"], world.users["leader"], None):
        with pytest.raises(PermissionDenied):
            services.save_indicator(actor=actor, instance=indicator, code=indicator.code, name="改",
                                    numerator=indicator.numerator, denominator="", factor=1, unit="次")
        with pytest.raises(PermissionDenied):
            services.set_element_active(actor=actor, element=element, active=False)
        with pytest.raises(PermissionDenied):
            services.update_element(actor=actor, element=element, name="改", unit=element.unit, group=element.group,
                                    value_type=element.value_type, aggregation=element.aggregation)
    element.refresh_from_db()
    indicator.refresh_from_db()
    assert element.active and element.name == "进校园科普讲座" and indicator.name == "进校园讲座合计"
    assert not DataElement.objects.filter(code="sweep_x").exists()


# --- data elements --------------------------------------------------------------------------------


def test_element_edit_saves_name_unit_and_definition_with_audit(client, world, local):
    element, _ = local
    login(client, "office")
    page = client.get(f"/indicators/elements/{element.code}/edit/").content.decode()
    assert "已有 1 个填报数值" in page and "进校园讲座合计" in page  # the indicator that uses it
    response = client.post(f"/indicators/elements/{element.code}/edit/",
                           element_form(element, name="科普进校园讲座", unit="场", definition="含线上"))
    assert response.status_code == 302
    element.refresh_from_db()
    assert (element.name, element.unit, element.definition) == ("科普进校园讲座", "场", "含线上")
    entry = history_for(element).first()
    assert entry.before["name"] == "进校园科普讲座" and entry.after["name"] == "科普进校园讲座"
    assert entry.actor == world.users["office"]
    assert "名称：进校园科普讲座 → 科普进校园讲座" in client.get(response["Location"]).content.decode()


def test_type_aggregation_and_category_are_fixed_once_an_element_has_values(client, world, local):
    element, _ = local
    with pytest.raises(IndicatorError, match="已有 1 个填报数值，不能再修改数值类型、汇总方式"):
        services.update_element(actor=world.users["office"], element=element, name=element.name, unit=element.unit,
                                group=element.group, value_type="number", aggregation="average")
    login(client, "office")
    # The page shows the fields disabled, so a posted change is ignored while the rest is saved.
    page = client.get(f"/indicators/elements/{element.code}/edit/").content.decode()
    for name in ("value_type", "aggregation", "category"):
        assert re.search(rf'<select name="{name}"[^>]*disabled', page), name
    client.post(f"/indicators/elements/{element.code}/edit/",
                element_form(element, aggregation="average", value_type="number", name="新名称"))
    element.refresh_from_db()
    assert (element.aggregation, element.value_type, element.name) == ("sum", "integer", "新名称")


def test_type_and_aggregation_may_change_while_an_element_has_no_values(world, local):
    element, _ = local
    DataValue.objects.filter(element=element).delete()
    services.update_element(actor=world.users["office"], element=element, name=element.name, unit=element.unit,
                            group=element.group, value_type="number", aggregation="last", definition="")
    element.refresh_from_db()
    assert (element.value_type, element.aggregation) == ("number", "last")


def test_national_elements_are_read_only(client, world, local):
    login(client, "office")
    lectures = DataElement.objects.get(code="lectures")
    assert client.get("/indicators/elements/lectures/edit/").status_code == 403
    assert client.post("/indicators/elements/lectures/active/", {"active": "0"}).status_code == 403
    with pytest.raises(IndicatorError, match="只读"):
        services.set_element_active(actor=world.users["office"], element=lectures, active=False)
    assert DataElement.objects.get(code="lectures").active


def test_a_deactivated_element_leaves_entry_forms_and_lists_but_keeps_its_values(client, world, local):
    element, indicator = local
    login(client, "office")
    assert "school_lectures" in client.get(ENTRY).content.decode()
    response = client.post(f"/indicators/elements/{element.code}/active/", {"active": "0"})
    assert response.status_code == 302
    element.refresh_from_db()
    assert not element.active
    assert history_for(element).first().after["active"] is False

    assert "school_lectures" not in client.get(ENTRY).content.decode()
    sheet = load_workbook(io.BytesIO(excel.build_template(world.users["office"], world.county, 2024)))["科普统计年报"]
    assert "school_lectures" not in [sheet.cell(r, 1).value for r in range(1, sheet.max_row + 1)]
    cell = client.post("/indicators/entry/cell/", {"key": "school_lectures", "value": "3", "region": "371083",
                                                   "year": 2024})
    assert cell.status_code == 404
    with pytest.raises(IndicatorError, match="已停用"):
        write(world.users["office"], world.county, element, 3)
    listing = client.get("/indicators/").content.decode()
    assert "已停用的数据项（1）" in listing
    client.logout()
    login(client, "leader")
    # Gone from the elements' lists; the indicator over it still names it in its formula.
    assert ">school_lectures</code>" not in client.get("/indicators/").content.decode()

    # The value and the indicator computed from it stay.
    assert DataValue.objects.get(element=element).value == 12
    assert ">12<" in client.get(f"/indicators/{indicator.code}/?region=371083&year=2024").content.decode()
    check = selectors.check_formula(indicator.numerator, "", 1, "次")
    assert check.ok and any("已停用" in w for w in check.warnings)

    client.logout()
    login(client, "office")
    client.post(f"/indicators/elements/{element.code}/active/", {"active": "1"})
    assert "school_lectures" in client.get(ENTRY).content.decode()
