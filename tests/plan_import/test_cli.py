"""`kesu plans import`, `kesu regions import`, `kesu users create` against the test database."""

from __future__ import annotations

import pytest
from tests.paths import SEEDS
from typer.testing import CliRunner

from kesu.cli import _register, app
from kesu.org.models import Region, User
from kesu.planning.models import Plan

pytestmark = pytest.mark.django_db
_register()
runner = CliRunner()


def test_regions_then_plan_then_user(tmp_path):
    result = runner.invoke(app, ["regions", "import"])
    assert result.exit_code == 0, result.output
    assert Region.objects.filter(level="province").count() == 31

    result = runner.invoke(app, ["plans", "import", str(SEEDS / "001_4bddc11958e96dea.txt"), "--region", "430503",
                                 "--yes"])
    assert result.exit_code == 0, result.output
    plan = Plan.objects.get(region__code="430503")
    assert plan.tasks.count() == 9 and plan.doc_number == "大政办发〔2022〕12号"

    result = runner.invoke(app, ["users", "create", "dx-edu", "--role", "unit_reporter", "--region", "430503",
                                 "--unit", plan.tasks.first().units.first().name, "--password", "kesu-cli-pass-1"])
    assert result.exit_code == 0, result.output
    assert User.objects.get(username="dx-edu").unit.region.code == "430503"


def test_cli_errors_are_clear_and_write_nothing(tmp_path):
    bad = tmp_path / "regions.csv"
    bad.write_text("code,name,level,parent_code\n12,x,province,\n", encoding="utf-8")
    result = runner.invoke(app, ["regions", "import", str(bad)])
    assert result.exit_code == 2 and "第2行" in result.output
    assert Region.objects.count() == 0

    result = runner.invoke(app, ["plans", "import", str(SEEDS / "001_4bddc11958e96dea.txt"), "--region", "999999"])
    assert result.exit_code == 2 and "地区代码“999999”不存在" in result.output

    runner.invoke(app, ["regions", "import"])
    declined = runner.invoke(app, ["plans", "import", str(SEEDS / "001_4bddc11958e96dea.txt"), "--region", "430503"],
                             input="n\n")
    assert declined.exit_code == 1 and "未写入任何数据" in declined.output
    assert Plan.objects.count() == 0

    result = runner.invoke(app, ["users", "create", "lead-x", "--role", "leader", "--password", "kesu-cli-pass-1"])
    assert result.exit_code == 2 and "必须指定所属地区" in result.output


def test_purge_drafts_deletes_only_expired_ones(world, settings):
    import datetime

    from django.utils import timezone
    from tests.plan_import.sample import fresh_plan

    from kesu.plan_import import services
    from kesu.plan_import.models import ImportDraft

    settings.KESU_IMPORT_DRAFT_DAYS = 7
    office = world.users["office"]
    old, _ = services.start_import(actor=office, region=world.county, parsed=fresh_plan())
    kept, _ = services.start_import(actor=office, region=world.county, parsed=fresh_plan(), file_sha256="x" * 64)
    ImportDraft.objects.filter(pk=old.pk).update(updated_at=timezone.now() - datetime.timedelta(days=8))
    result = runner.invoke(app, ["plans", "purge-drafts"])
    assert result.exit_code == 0, result.output
    assert "已清除 1 份超过 7 天未修改的导入草稿" in result.output
    assert list(ImportDraft.objects.values_list("pk", flat=True)) == [kept.pk]
