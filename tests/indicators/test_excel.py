"""Excel template round trip and every kind of bad upload: message names the place, nothing written."""

import io

import pytest
from openpyxl import load_workbook

from kesu.indicators import excel, services
from kesu.indicators.models import DataValue

pytestmark = pytest.mark.django_db

SHEET = "科普统计年报"


def template(user, region, year=2024):
    return load_workbook(io.BytesIO(excel.build_template(user, region, year)))


def save(workbook) -> bytes:
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def row_of(sheet, key):
    return next(r for r in range(excel.FIRST_DATA_ROW, sheet.max_row + 1) if sheet.cell(r, 1).value == key)


def test_city_template_has_a_column_per_editable_region_and_round_trips(world, national):
    city_office = world.users["city_office"]
    workbook = template(city_office, world.city)
    sheet = workbook[SHEET]
    assert [sheet.cell(3, c).value for c in (5, 6)] == ["371000", "371083"]
    assert workbook[excel.META_SHEET].sheet_state == "veryHidden"
    assert sheet.protection.sheet and not sheet.cell(row_of(sheet, "lectures"), 6).protection.locked
    assert sheet.cell(2, 1).protection.locked
    sheet.cell(row_of(sheet, "lectures"), 6).value = 12
    sheet.cell(row_of(sheet, "outreach_staff.full_time"), 6).value = "30"
    sheet.cell(row_of(sheet, "resident_population"), 5).value = 2_900_000
    result = excel.import_template(actor=city_office, content=save(workbook), region=world.city, year=2024)
    assert result.cells_changed == 3
    stored = {(v.element.code, v.option.code if v.option else None, v.region.code): v.value
              for v in DataValue.objects.select_related("element", "option", "region")}
    assert stored == {("lectures", None, "371083"): 12, ("outreach_staff", "full_time", "371083"): 30,
                      ("resident_population", None, "371000"): 2_900_000}
    # The next download is prefilled; uploading it unchanged changes nothing.
    again = template(city_office, world.city)
    assert again[SHEET].cell(row_of(again[SHEET], "lectures"), 6).value == 12
    assert excel.import_template(actor=city_office, content=save(again), region=world.city, year=2024).cells_changed == 0


def test_county_template_has_one_column(world, national):
    sheet = template(world.users["office"], world.county)[SHEET]
    assert sheet.cell(3, 5).value == "371083" and sheet.cell(3, 6).value is None


def expect_refused(user, content, region, words, year=2024):
    with pytest.raises(excel.TemplateError) as caught:
        excel.import_template(actor=user, content=content, region=region, year=year)
    message = str(caught.value)
    for word in words:
        assert word in message
    assert not DataValue.objects.exists()
    return caught.value


def test_every_bad_cell_is_reported_and_nothing_written(world, national):
    user = world.users["city_office"]
    workbook = template(user, world.city)
    sheet = workbook[SHEET]
    lectures, staff = row_of(sheet, "lectures"), row_of(sheet, "outreach_staff.full_time")
    sheet.cell(lectures, 6).value = 10  # good, but must not be written
    sheet.cell(staff, 6).value = "三十"
    sheet.cell(row_of(sheet, "competitions"), 5).value = 2.5
    websites = row_of(sheet, "websites")
    sheet.cell(websites, 1).value = "no_such_element"
    sheet.cell(websites, 6).value = 1
    error = expect_refused(user, save(workbook), world.city, [
        f"工作表“{SHEET}”第{staff}行F列：“三十”不是数字",
        "应为整数",
        "未知数据项“no_such_element”",
    ])
    assert len(error.problems) == 3


def test_region_the_user_may_not_edit(world, national):
    user = world.users["city_office"]
    workbook = template(user, world.city)
    sheet = workbook[SHEET]
    sheet.cell(3, 6).value = "320300"  # 徐州市, another city
    sheet.cell(row_of(sheet, "lectures"), 6).value = 3
    expect_refused(user, save(workbook), world.city, [f"工作表“{SHEET}”第3行F列", "320300"])
    # A county office uploading its city's template: the city column is not its to edit.
    expect_refused(world.users["office"], save(template(user, world.city)), world.county, ["第3行E列", "371000"])


def test_wrong_template_missing_sheet_and_wrong_year(world, national):
    from openpyxl import Workbook

    user = world.users["office"]
    expect_refused(user, save(Workbook()), world.county, ["不是科素指标填报模板"])
    expect_refused(user, b"not a spreadsheet", world.county, ["不是有效的 Excel"])
    workbook = template(user, world.county)
    workbook[SHEET].title = "改了名的表"
    expect_refused(user, save(workbook), world.county, [f"缺少工作表“{SHEET}”"])
    expect_refused(user, save(template(user, world.county, year=2023)), world.county, ["2023年", "2024年"])


def test_locked_values_cannot_be_overwritten_by_upload(world, national):
    office = world.users["office"]
    workbook = template(office, world.county)
    sheet = workbook[SHEET]
    sheet.cell(row_of(sheet, "lectures"), 5).value = 7
    excel.import_template(actor=office, content=save(workbook), region=world.county, year=2024)
    services.explain_remaining_blanks(actor=office, data_set=national, region=world.county, year=2024, kind="unavailable")
    services.submit(actor=office, data_set=national, region=world.county, year=2024)
    sheet.cell(row_of(sheet, "lectures"), 5).value = 9
    with pytest.raises(excel.TemplateError, match="已报送或已审核"):
        excel.import_template(actor=office, content=save(workbook), region=world.county, year=2024)
    assert DataValue.objects.get().value == 7


def test_cli_template_and_import(tmp_path, world, national):
    from typer.testing import CliRunner

    from kesu.cli import _register, app

    _register()
    path = tmp_path / "t.xlsx"
    runner = CliRunner()
    result = runner.invoke(app, ["indicators", "template", str(path), "--region", "371000", "--year", "2024"])
    assert result.exit_code == 0, result.output
    workbook = load_workbook(path)
    workbook[SHEET].cell(row_of(workbook[SHEET], "lectures"), 6).value = 21
    workbook.save(path)
    result = runner.invoke(app, ["indicators", "import-values", str(path), "--region", "371000", "--year", "2024"])
    assert result.exit_code == 0, result.output
    assert DataValue.objects.get(element__code="lectures", region=world.county).value == 21
    workbook[SHEET].cell(row_of(workbook[SHEET], "lectures"), 6).value = "x"
    workbook.save(path)
    result = runner.invoke(app, ["indicators", "import-values", str(path), "--region", "371000", "--year", "2024"])
    assert result.exit_code == 1 and "不是数字" in result.output


def test_upload_page_reports_problems(client, world, national):
    from tests.factories import PASSWORD

    office = world.users["office"]
    workbook = template(office, world.county)
    workbook[SHEET].cell(row_of(workbook[SHEET], "lectures"), 5).value = "很多"
    assert client.login(username="office", password=PASSWORD)
    upload = io.BytesIO(save(workbook))
    upload.name = "t.xlsx"
    response = client.post("/indicators/entry/upload/", {"region": "371083", "year": 2024, "file": upload})
    assert response.status_code == 400 and "不是数字" in response.content.decode()
    download = client.get("/indicators/entry/template.xlsx?region=371083&year=2024")
    assert download.status_code == 200 and download.content[:2] == b"PK"
    assert not DataValue.objects.exists()
