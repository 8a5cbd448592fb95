import pytest

from kesu.audit.models import AuditEntry
from kesu.indicators.models import DataElement, DataSet, Indicator, ValidationRule
from kesu.indicators.services import seed_national_set

pytestmark = pytest.mark.django_db


def test_seed_loads_the_national_set_and_is_idempotent():
    first = seed_national_set(actor=None)
    entries = AuditEntry.objects.count()
    second = seed_national_set(actor=None)
    assert first == second
    assert AuditEntry.objects.count() == entries  # nothing changed, nothing logged
    assert first["elements"] >= 30 and first["indicators"] >= 12
    names = set(Indicator.objects.values_list("name", flat=True))
    assert {"每万人科普展厅面积", "人均科普经费", "每万人拥有科普人员数", "科普教育基地数量",
            "科技辅导员培训人次", "年科普活动覆盖常住人口比例"} <= names
    staff = DataElement.objects.get(code="outreach_staff")
    assert list(staff.category.options.values_list("name", flat=True)) == ["专职", "兼职"]
    assert DataElement.objects.get(code="resident_population").aggregation == "last"
    assert DataSet.objects.get(code="annual_statistics").elements.count() == first["elements"]
    assert ValidationRule.objects.filter(operator="jump").exists()
    assert all(e.definition for e in DataElement.objects.all())


def test_cli_seed(tmp_path, monkeypatch):
    from typer.testing import CliRunner

    from kesu.cli import _register, app

    _register()
    result = CliRunner().invoke(app, ["indicators", "seed"])
    assert result.exit_code == 0, result.output
    assert "数据项" in result.output and Indicator.objects.filter(code="funding_per_capita").exists()
