"""Region CSV import: every bad row named by its line number, nothing written on error; an office
admin imports only below its own region; region paths follow a moved parent."""

from __future__ import annotations

import pytest

from kesu.audit.models import AuditEntry
from kesu.org.models import Region, Role, User
from kesu.org.services import SEED_REGIONS_CSV, OrgPermissionError, RegionImportError, import_regions_csv

pytestmark = pytest.mark.django_db

GOOD = """code,name,level,parent_code
370000,山东省,province,
371083,乳山市,county,371000
371000,威海市,city,370000
371083101,城区街道,township,371083
"""


def test_good_file_creates_the_tree_in_any_order():
    result = import_regions_csv(actor=None, source=GOOD)
    assert sorted(result.created) == ["370000", "371000", "371083", "371083101"]
    assert Region.objects.get(code="371083101").path == "/370000/371000/371083/371083101/"
    assert AuditEntry.objects.filter(model="org.Region", action="create").count() == 4
    again = import_regions_csv(actor=None, source=GOOD)
    assert again.created == [] and again.updated == [] and again.unchanged == 4


def test_every_bad_row_is_reported_with_its_line_and_nothing_is_written():
    bad = """code,name,level,parent_code
370000,山东省,province,
371000,威海市,city,370000
37108,短代码,county,371000
371083,乳山市,town,371000
371000,威海市重复,city,370000
371084,某县,county,999999
371085,错级,county,370000
371086101,某街道,township,371000
320301,前缀不符,county,371000
"""
    with pytest.raises(RegionImportError) as caught:
        import_regions_csv(actor=None, source=bad)
    problems = caught.value.problems
    text = "\n".join(problems)
    assert problems[0].startswith("第4行") and "6位、9位或12位" in problems[0]
    assert "第5行" in text and "级别“town”无效" in text
    assert "第6行" in text and "重复（第3行已出现）" in text
    assert "第7行" in text and "上级代码“999999”不存在" in text
    assert "第9行" in text and "级别不一致" in text
    assert "第10行" in text and "前4位不一致" in text
    assert "第8行" not in text  # a county directly under a province is legal (省直辖县级)
    assert Region.objects.count() == 0


def test_township_code_length_and_header_are_checked():
    with pytest.raises(RegionImportError, match="第1行：表头应为"):
        import_regions_csv(actor=None, source="id,name\n1,x\n")
    with pytest.raises(RegionImportError, match="乡镇街道的代码“371083”应为9位或12位"):
        import_regions_csv(actor=None, source="code,name,level,parent_code\n371083,某镇,township,371000\n")


def test_an_office_imports_only_below_its_region():
    import_regions_csv(actor=None, source=GOOD)
    county = Region.objects.get(code="371083")
    office = User.objects.create_user("county", role=Role.OFFICE_ADMIN, region=county)
    with pytest.raises(RegionImportError, match="不在乳山市的下级区划中"):
        import_regions_csv(actor=office, source="code,name,level,parent_code\n371082,荣成市,county,371000\n")
    import_regions_csv(actor=office, source="code,name,level,parent_code\n371083102,夏村镇,township,371083\n")
    assert Region.objects.filter(code="371083102").exists()
    leader = User.objects.create_user("leader", role=Role.LEADER, region=county)
    with pytest.raises(OrgPermissionError, match="仅纲要办管理员"):
        import_regions_csv(actor=leader, source="code,name,level,parent_code\n371083103,某镇,township,371083\n")
    superuser = User.objects.create_user("root", role=Role.LEADER, is_superuser=True)
    import_regions_csv(actor=superuser, source="code,name,level,parent_code\n371082,荣成市,county,371000\n")
    assert Region.objects.filter(code="371082").exists()


def test_moving_a_region_moves_the_paths_of_its_whole_subtree():
    import_regions_csv(actor=None, source=GOOD)
    other_city = Region.objects.create(code="371100", name="日照市", level="city", parent=Region.objects.get(code="370000"))
    county = Region.objects.get(code="371083")
    county.parent = other_city
    county.save()  # as the Django admin does: no service involved
    assert Region.objects.get(code="371083").path == "/370000/371100/371083/"
    assert Region.objects.get(code="371083101").path == "/370000/371100/371083/371083101/"
    assert Region.objects.get(code="371000").path == "/370000/371000/"
    # Through the import, the file's parent wins and the subtree follows again.
    result = import_regions_csv(actor=None, source="code,name,level,parent_code\n371083,乳山市,county,371000\n")
    assert result.updated == ["371083"]
    assert Region.objects.get(code="371083101").path == "/370000/371000/371083/371083101/"


def test_seed_csv_loads_31_provinces_and_the_plan_chains():
    import_regions_csv(actor=None, source=SEED_REGIONS_CSV)
    assert Region.objects.filter(level="province").count() == 31
    assert Region.objects.get(code="371083").parent.code == "371000"
    assert Region.objects.get(code="430503").name == "大祥区"
