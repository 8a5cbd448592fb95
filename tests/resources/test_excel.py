"""Excel in and out for the registries: the template, reading with row-numbered errors, the all-or-
nothing import, re-import without duplicates, the export and its masking, and a round trip."""

from __future__ import annotations

import datetime
import io

import pytest
from openpyxl import Workbook, load_workbook

from kesu.resources import excel
from kesu.resources.excel import ImportRefused, import_records, read
from kesu.resources.kinds import KINDS
from kesu.resources.models import (
    Activity,
    ApplicationStatus,
    BaseApplication,
    BaseLevel,
    BaseStatus,
    Expert,
    OutreachBase,
    Volunteer,
    VolunteerTeam,
)

BASE_HEADERS = ["名称", "级别", "区划代码", "依托单位", "展教面积(平方米)", "年接待人次", "年开放天数"]


def workbook_bytes(headers, rows, *, title=None, sheet="科普教育基地") -> bytes:
    book = Workbook()
    ws = book.active
    ws.title = sheet
    if title:
        ws.append([title])
    ws.append(headers)
    for row in rows:
        ws.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def base_row(name="乳山市青少年科技馆", level="县级", code="371083", area=1200, visitors=30000, days=250):
    return [name, level, code, "乳山市教育和体育局", area, visitors, days]


def messages(exc: ImportRefused) -> list[str]:
    return [str(error) for error in exc.errors]


# --- template ---------------------------------------------------------------------------------


def test_base_template_required_columns_are_exactly_the_seven():
    assert KINDS["base"].required_headers == tuple(BASE_HEADERS)


@pytest.mark.django_db
@pytest.mark.parametrize("kind", [kind.code for kind in KINDS])
def test_template_has_the_kind_headers_with_required_ones_marked(kind):
    book = load_workbook(io.BytesIO(excel.template(kind)))
    spec = KINDS[kind]
    sheet = book[spec.label]
    headers = [cell.value for cell in sheet[1]]
    assert headers == [column.header for column in spec.columns]
    for cell, column in zip(sheet[1], spec.columns, strict=True):
        assert cell.font.bold
        assert (cell.font.color is not None and cell.font.color.rgb.endswith("C00000")) == column.required
        assert cell.comment is not None and cell.comment.text.startswith("必填" if column.required else "选填")
    guide = "\n".join(str(c.value) for row in book[excel.GUIDE_SHEET].iter_rows() for c in row if c.value)
    for column in spec.columns:
        assert column.header in guide


@pytest.mark.django_db
def test_template_guide_lists_levels_dates_and_the_tag_vocabulary():
    base_guide = _guide_text(excel.template("base"))
    assert "县级、市级、省级、国家级" in base_guide
    expert_guide = _guide_text(excel.template("expert"))
    assert "医疗健康" in expert_guide and "应急避险" in expert_guide
    assert "2024-05-01" in _guide_text(excel.template("activity"))


def _guide_text(data: bytes) -> str:
    book = load_workbook(io.BytesIO(data))
    return "\n".join(str(c.value) for row in book[excel.GUIDE_SHEET].iter_rows() for c in row if c.value)


@pytest.mark.django_db
def test_an_empty_template_reads_as_no_rows(county):
    parsed = read("base", excel.template("base"), region=county)
    assert parsed.ok and parsed.rows == [] and parsed.header_row == 1


# --- import -------------------------------------------------------------------------------------


def test_import_creates_bases_and_records_their_recognition(county, city):
    data = workbook_bytes([*BASE_HEADERS, "认定年度", "牌匾编号", "联系电话"], [
        [*base_row(), 2021, "RS-2021-01", "13812345678"],
        [*base_row("乳山市气象科普馆", "市级", "371083", 300.5, 5000, 200), None, None, None],
    ])
    result = import_records(actor=None, kind="base", data=data, region=city)
    assert (result.created, result.updated, result.unchanged, result.skipped) == (2, 0, 0, ())
    museum = OutreachBase.objects.get(name="乳山市青少年科技馆")
    assert (museum.level, museum.status, museum.recognised_year) == (BaseLevel.COUNTY, BaseStatus.RECOGNISED, 2021)
    assert museum.plaque_number == "RS-2021-01" and museum.contact_phone == "13812345678"
    assert museum.exhibition_area == 1200 and museum.annual_visitors == 30000 and museum.open_days == 250
    recorded = BaseApplication.objects.get(base=museum)
    assert recorded.recorded and recorded.status == ApplicationStatus.RECOGNISED
    weather = OutreachBase.objects.get(name="乳山市气象科普馆")
    assert weather.level == BaseLevel.CITY and weather.recognised_year == datetime.date.today().year


def test_bad_rows_are_named_by_row_and_column_and_nothing_is_written(county, world):
    data = workbook_bytes(BASE_HEADERS, [
        base_row("甲馆"),  # row 2 fine
        base_row("乙馆", area=-5),  # row 3
        base_row("丙馆", days=400),  # row 4
        base_row("丁馆", visitors=200_000_000),  # row 5
        base_row("戊馆", visitors="很多"),  # row 6
        base_row("己馆", code="999999"),  # row 7
        base_row("庚馆", code="320300"),  # row 8: 徐州市, outside 乳山市
        base_row("辛馆", level="区级"),  # row 9
        base_row("", level="县级"),  # row 10
        base_row("壬馆", days=12.5),  # row 11
    ])
    with pytest.raises(ImportRefused) as refused:
        import_records(actor=None, kind="base", data=data, region=county)
    lines = messages(refused.value)
    expected = [
        "第3行 展教面积(平方米)：不能为负数",
        "第4行 年开放天数：不能超过366",
        "第5行 年接待人次：不能超过100,000,000",
        "第6行 年接待人次：“很多”不是数字",
        "第7行 区划代码：区划代码“999999”不存在",
        "第8行 区划代码：徐州市（320300）不在本次导入范围“乳山市”内",
        "第9行 级别：“区级”不是可选值（可选：县级、市级、省级、国家级）",
        "第10行 名称：必填，不能为空",
        "第11行 年开放天数：应为整数",
    ]
    for start in expected:
        assert any(line.startswith(start) for line in lines), (start, lines)
    assert len(lines) == len(expected)
    assert not OutreachBase.objects.exists() and not BaseApplication.objects.exists()
    assert "导入未写入任何数据，共 9 处问题" in str(refused.value)


def test_missing_required_columns_refuse_the_whole_file(county):
    data = workbook_bytes(["名称", "依托单位", "展教面积(平方米)", "年接待人次", "年开放天数"], [
        ["甲馆", "某单位", 1, 1, 1],
    ])
    with pytest.raises(ImportRefused) as refused:
        import_records(actor=None, kind="base", data=data, region=county, skip_invalid=True)
    assert messages(refused.value) == ["第1行：缺少必填列：级别、区划代码。请使用科普教育基地导入模板，第1行为列名"]
    assert not OutreachBase.objects.exists()


def test_a_file_that_is_not_a_workbook_is_refused(county):
    with pytest.raises(ImportRefused, match="不是有效的 Excel 工作簿"):
        import_records(actor=None, kind="base", data=b"name,level\n", region=county)


def test_skip_invalid_writes_the_good_rows_and_lists_the_skipped(county):
    data = workbook_bytes(BASE_HEADERS, [base_row("甲馆"), base_row("乙馆", days=999), base_row("丙馆")])
    result = import_records(actor=None, kind="base", data=data, region=county, skip_invalid=True)
    assert result.created == 2 and result.skipped_rows == [3]
    assert str(result.skipped[0]).startswith("第3行 年开放天数：不能超过366")
    assert set(OutreachBase.objects.values_list("name", flat=True)) == {"甲馆", "丙馆"}


def test_reimporting_the_same_file_creates_nothing(county):
    data = workbook_bytes([*BASE_HEADERS, "认定年度"], [[*base_row("甲馆"), 2020], [*base_row("乙馆"), 2022]])
    first = import_records(actor=None, kind="base", data=data, region=county)
    second = import_records(actor=None, kind="base", data=data, region=county)
    assert (first.created, second.created, second.updated, second.unchanged) == (2, 0, 0, 2)
    assert OutreachBase.objects.count() == 2 and BaseApplication.objects.count() == 2
    changed = workbook_bytes([*BASE_HEADERS, "认定年度"], [[*base_row("甲馆", days=300), 2020], [*base_row("乙馆"), 2022]])
    third = import_records(actor=None, kind="base", data=changed, region=county)
    assert (third.created, third.updated, third.unchanged) == (0, 1, 1)
    assert OutreachBase.objects.get(name="甲馆").open_days == 300


def test_an_upgrade_in_the_register_is_recorded_and_a_downgrade_refused(county):
    import_records(actor=None, kind="base", data=workbook_bytes([*BASE_HEADERS, "认定年度"], [[*base_row("甲馆"), 2019]]),
                   region=county)
    upgrade = workbook_bytes([*BASE_HEADERS, "认定年度"], [[*base_row("甲馆", level="市级"), 2023]])
    assert import_records(actor=None, kind="base", data=upgrade, region=county).updated == 1
    base = OutreachBase.objects.get()
    assert (base.level, base.recognised_year) == (BaseLevel.CITY, 2023)
    downgrade = workbook_bytes([*BASE_HEADERS, "认定年度"], [[*base_row("甲馆", level="县级"), 2024]])
    with pytest.raises(ImportRefused) as refused:
        import_records(actor=None, kind="base", data=downgrade, region=county)
    assert messages(refused.value)[0].startswith("第2行 级别：该基地现为市级")


def test_a_refusal_found_while_writing_undoes_the_other_rows_too(county, make_base, county_office):
    from kesu.resources import lifecycle

    lifecycle.apply(actor=county_office, base=make_base("甲馆"), level="county", year=2024)
    data = workbook_bytes(BASE_HEADERS, [base_row("新馆"), base_row("甲馆")])
    with pytest.raises(ImportRefused) as refused:
        import_records(actor=None, kind="base", data=data, region=county)
    assert messages(refused.value) == ["第3行 级别：该基地有一份申报正在办理，不能直接登记认定结果"]
    assert not OutreachBase.objects.filter(name="新馆").exists()


def test_an_earlier_recognition_in_the_register_is_history(county):
    headers = [*BASE_HEADERS, "认定年度"]
    import_records(actor=None, kind="base", data=workbook_bytes(headers, [[*base_row("甲馆", "市级"), 2022]]),
                   region=county)
    result = import_records(actor=None, kind="base", data=workbook_bytes(headers, [[*base_row("甲馆"), 2018]]),
                            region=county)
    assert result.updated == 1
    base = OutreachBase.objects.get()
    assert (base.level, base.recognised_year) == (BaseLevel.CITY, 2022)
    assert sorted(base.applications.values_list("year", "level")) == [(2018, "county"), (2022, "city")]


def test_duplicate_rows_in_one_file_are_flagged_naming_both(county):
    data = workbook_bytes(BASE_HEADERS, [base_row("甲馆"), base_row("乙馆"), base_row("甲馆", days=100)])
    with pytest.raises(ImportRefused) as refused:
        import_records(actor=None, kind="base", data=data, region=county)
    assert messages(refused.value) == ["第4行 名称：与第2行重复（区划、名称相同），同一条记录只能出现一次"]
    assert not OutreachBase.objects.exists()


def test_an_office_sheet_with_a_title_row_and_extra_columns_in_its_own_order(county, world):
    headers = ["序号", "区划代码", "名称", "备注", "年开放天数", "依托单位", "展教面积（平方米）", "级别", "年接待人次", "地址"]
    data = workbook_bytes(headers, [
        [1, 371083, "乳山市青少年科技馆", "重点", 250, "乳山市教育和体育局", "1,200", "县级", 30000, "胜利街1号"],
        [2, "371083", "乳山市海洋馆", "", 400, "某公司", 800, "县级", 10000, ""],
    ], title="乳山市科普教育基地名录（2024年）")
    parsed = read("base", data, region=county)
    assert parsed.header_row == 2 and parsed.ignored_headers == ("序号", "备注")
    assert [str(e) for e in parsed.errors] == ["第4行 年开放天数：不能超过366（填写了400）"]
    assert parsed.rows[0].row == 3 and parsed.rows[0].values["exhibition_area"] == 1200.0
    assert parsed.rows[0].values["address"] == "胜利街1号"


def test_a_person_without_rights_in_the_region_is_refused_row_by_row(county, county2_office):
    data = workbook_bytes(BASE_HEADERS, [base_row("甲馆")])
    with pytest.raises(ImportRefused) as refused:
        import_records(actor=county2_office, kind="base", data=data, region=county)
    assert messages(refused.value) == ["第2行：仅乳山市及其上级纲要办管理员可以维护该区划的登记册"]


# --- other kinds --------------------------------------------------------------------------------

EXPERT_HEADERS = ["姓名", "区划代码", "职称", "专长", "可邀请情况", "应急科普专家", "联系电话", "身份证号"]


def test_experts_with_tags_choices_and_flags(county):
    data = workbook_bytes(EXPERT_HEADERS, [
        ["王医生", "371083", "主任医师", "医疗健康、公共卫生与传染病防控", "需提前预约", "是", "13900001111", ""],
        ["赵老师", "371083", "", "剪纸", "", "否", "", ""],
        ["钱工", "371083", "", "", "随叫随到", "也许", "", ""],
    ], sheet="科普专家")
    with pytest.raises(ImportRefused) as refused:
        import_records(actor=None, kind="expert", data=data, region=county)
    assert messages(refused.value) == [
        "第3行 专长：“剪纸”不在专长领域目录中（目录见模板的“填写说明”页）",
        "第4行 可邀请情况：“随叫随到”不是可选值（可选：可随时邀请、需提前预约、暂不可用）",
        "第4行 应急科普专家：“也许”应填“是”或“否”",
    ]
    result = import_records(actor=None, kind="expert", data=data, region=county, skip_invalid=True)
    assert result.created == 1 and result.skipped_rows == [3, 4]
    expert = Expert.objects.get()
    assert expert.is_emergency and expert.availability == "limited"
    assert sorted(t.code for t in expert.tags.all()) == ["health", "public_health"]


def test_volunteers_resolve_their_team_in_the_region(county, city):
    VolunteerTeam.objects.create(name="乳山市科技志愿服务队", region=county)
    headers = ["姓名", "区划代码", "所属队伍", "注册日期", "银龄志愿者"]
    data = workbook_bytes(headers, [
        ["孙一", "371083", "乳山市科技志愿服务队", datetime.datetime(2023, 3, 1), "否"],
        ["孙二", "371083", "不存在的队", "2023年3月2日", "是"],
        ["孙三", "371083", "", "2023-02-30", ""],
    ], sheet="科普志愿者")
    with pytest.raises(ImportRefused) as refused:
        import_records(actor=None, kind="volunteer", data=data, region=city)
    assert messages(refused.value) == [
        "第3行 所属队伍：“不存在的队”不是乳山市已登记的志愿服务队（请先导入队伍）",
        "第4行 注册日期：“2023-02-30”不是有效日期（应写作 2024-05-01）",
    ]
    import_records(actor=None, kind="volunteer", data=data, region=city, skip_invalid=True)
    volunteer = Volunteer.objects.get()
    assert volunteer.team.name == "乳山市科技志愿服务队" and volunteer.registered_on == datetime.date(2023, 3, 1)


ACTIVITY_HEADERS = ["活动名称", "区划代码", "活动类型", "开始日期", "结束日期", "主办单位", "面向人群", "参与人次"]


def test_activities_resolve_the_organiser_by_name_and_default_the_end_date(county):
    data = workbook_bytes(ACTIVITY_HEADERS, [
        ["科普日主场活动", "371083", "全国科普日", "2024-09-20", None, "乳山市科协", "青少年、社会公众", 800],
        ["科技下乡", "371083", "科技下乡（三下乡）", "2024/5/1", "2024/5/3", "市农业农村局", "农民", 300],
        ["无名讲座", "371083", "科普讲座", "2024-06-01", None, "某某培训学校", "", 20],
    ], sheet="科普活动")
    with pytest.raises(ImportRefused) as refused:
        import_records(actor=None, kind="activity", data=data, region=county)
    assert messages(refused.value) == ["第4行 主办单位：“某某培训学校”不在乳山市及上级区划的单位名录中"]
    import_records(actor=None, kind="activity", data=data, region=county, skip_invalid=True)
    day = Activity.objects.get(name="科普日主场活动")
    assert day.organiser.name == "市科协" and day.end_date == day.start_date == datetime.date(2024, 9, 20)
    assert day.audience_list == ["youth", "public"] and day.participants == 800 and day.year == 2024
    assert Activity.objects.get(name="科技下乡").kind == "countryside"


def test_activities_of_the_same_name_on_different_days_are_different_records(county):
    rows = [["科普讲座", "371083", "科普讲座", f"2024-0{m}-01", None, "", "", 10] for m in (3, 4)]
    result = import_records(actor=None, kind="activity", data=workbook_bytes(ACTIVITY_HEADERS, rows, sheet="科普活动"),
                            region=county)
    assert result.created == 2


def test_the_statistics_are_recounted_once_per_file(county, django_capture_on_commit_callbacks, monkeypatch):
    from kesu.resources import feeds

    synced = []
    monkeypatch.setattr(feeds, "sync", lambda *, actor, year, kinds=None: synced.append((year, tuple(kinds))))
    rows = [[f"讲座{i}", "371083", "科普讲座", f"2023-03-{i:02d}", None, "", "", 10] for i in range(1, 29)]
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        import_records(actor=None, kind="activity", data=workbook_bytes(ACTIVITY_HEADERS, rows, sheet="科普活动"),
                       region=county)
    assert len(callbacks) == 1
    assert sorted(synced) == sorted({(2023, ("activity",)), (datetime.date.today().year, ("activity",))})


def test_a_refused_file_asks_for_no_recount(county, django_capture_on_commit_callbacks):
    rows = [["讲座", "371083", "科普讲座", "2023-03-01", None, "", "", -1]]
    with django_capture_on_commit_callbacks() as callbacks, pytest.raises(ImportRefused):
        import_records(actor=None, kind="activity", data=workbook_bytes(ACTIVITY_HEADERS, rows, sheet="科普活动"),
                       region=county)
    assert callbacks == []


# --- export -------------------------------------------------------------------------------------


@pytest.fixture
def registered_experts(county):
    data = workbook_bytes(EXPERT_HEADERS, [
        ["王医生", "371083", "主任医师", "医疗健康、应急避险", "需提前预约", "是", "13900001111", "370983198001011234"],
        ["赵老师", "371083", "高级教师", "科学教育", "", "否", "", ""],
    ], sheet="科普专家")
    import_records(actor=None, kind="expert", data=data, region=county)
    return Expert.objects.order_by("name")


def _sheet_rows(data: bytes, kind: str) -> list[dict]:
    sheet = load_workbook(io.BytesIO(data))[KINDS[kind].label]
    rows = list(sheet.iter_rows(values_only=True))
    return [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]


def test_export_has_the_template_headers_and_masks_personal_columns(registered_experts):
    masked = _sheet_rows(excel.export("expert", registered_experts, personal=False), "expert")
    whole = _sheet_rows(excel.export("expert", registered_experts, personal=True), "expert")
    assert list(masked[0]) == [column.header for column in KINDS["expert"].columns]
    wang = next(row for row in masked if row["姓名"] == "王医生")
    assert wang["联系电话"] == "139****1111" and wang["身份证号"] == "3709**********1234"
    assert wang["专长"] == "医疗健康、应急避险" and wang["应急科普专家"] == "是" and wang["可邀请情况"] == "需提前预约"
    assert next(row for row in whole if row["姓名"] == "王医生")["联系电话"] == "13900001111"


def test_export_reimports_unchanged_whether_masked_or_not(registered_experts, county):
    for personal in (False, True):
        data = excel.export("expert", registered_experts, personal=personal)
        result = import_records(actor=None, kind="expert", data=data, region=county)
        assert (result.created, result.updated, result.unchanged) == (0, 0, 2)
    assert Expert.objects.get(name="王医生").phone == "13900001111"


def test_a_masked_number_that_is_not_the_stored_one_is_refused(registered_experts, county):
    data = workbook_bytes(EXPERT_HEADERS, [["赵老师", "371083", "", "", "", "否", "139****0000", ""]], sheet="科普专家")
    with pytest.raises(ImportRefused) as refused:
        import_records(actor=None, kind="expert", data=data, region=county)
    assert messages(refused.value) == ["第2行 联系电话：是打码后的号码，不能导入；请填写完整号码或留空"]


@pytest.mark.parametrize("kind", ["base", "activity", "volunteer"])
def test_export_round_trip(kind, county, world):
    VolunteerTeam.objects.create(name="乳山市科技志愿服务队", region=county, leader_phone="13511112222")
    fixtures = {
        "base": ([*BASE_HEADERS, "认定年度", "牌匾编号", "类别", "联系电话"],
                 [[*base_row("甲馆"), 2020, "P-1", "场馆类", "0631-6651234"], [*base_row("乙馆", "省级"), 2021, "", "", ""]]),
        "activity": (ACTIVITY_HEADERS, [["科普日", "371083", "全国科普日", "2024-09-20", "2024-09-21", "市科协",
                                         "青少年、老年人", 500]]),
        "volunteer": (["姓名", "区划代码", "所属队伍", "注册日期", "联系电话"],
                      [["孙一", "371083", "乳山市科技志愿服务队", "2023-03-01", "13800000001"]]),
    }
    headers, rows = fixtures[kind]
    first = import_records(actor=None, kind=kind, data=workbook_bytes(headers, rows, sheet=KINDS[kind].label),
                           region=county)
    assert first.created == len(rows)
    queryset = KINDS[kind].model.objects.all()
    exported = excel.export(kind, queryset, personal=False)
    again = import_records(actor=None, kind=kind, data=exported, region=county)
    assert (again.created, again.updated, again.unchanged) == (0, 0, len(rows))
    assert _sheet_rows(excel.export(kind, queryset, personal=False), kind) == _sheet_rows(exported, kind)


def test_the_import_is_in_the_audit_log(county, county_office):
    from kesu.audit.models import AuditAction, AuditEntry

    headers = [*BASE_HEADERS, "认定年度"]
    import_records(actor=county_office, kind="base", data=workbook_bytes(headers, [[*base_row("甲馆"), 2021]]),
                   region=county)
    base = OutreachBase.objects.get()
    created = AuditEntry.objects.get(model="resources.OutreachBase", object_id=str(base.pk))
    assert (created.action, created.actor, created.reason) == (AuditAction.CREATE, county_office, "Excel导入科普教育基地")
    assert created.after["level"] == "county" and created.after["open_days"] == 250
    assert AuditEntry.objects.filter(model="resources.BaseApplication", action=AuditAction.CREATE).count() == 1
    import_records(actor=county_office, kind="base", data=workbook_bytes(headers, [[*base_row("甲馆", days=99), 2021]]),
                   region=county)
    updated = AuditEntry.objects.get(model="resources.OutreachBase", action=AuditAction.UPDATE)
    assert (updated.before["open_days"], updated.after["open_days"]) == (250, 99)
    assert base.applications.count() == 1
