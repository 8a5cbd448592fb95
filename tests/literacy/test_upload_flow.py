"""Upload → mapping → confirm through the views; the stored estimates are the core's estimates."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from tests.literacy.conftest import (
    csv_bytes,
    raw_wave,
    scored_wave,
    upload,
    upload_and_confirm,
)

from kesu.audit.models import AuditAction, AuditEntry
from kesu.literacy.models import LiteracyEstimate, SurveyWave, WaveStatus
from kesu.survey import SurveyDesign, estimate
from kesu.survey.io import read_table

pytestmark = pytest.mark.django_db


def _direct_estimates(path: Path, by: str | None, ci: str) -> dict:
    table = read_table(path)
    design = SurveyDesign.from_columns(
        {name: table[name] for name in ("weight", "stratum", "psu", "psu_population", "literate", "region", "sex",
                                        "age_group", "education", "urban")},
        weight="weight", strata="stratum", psu="psu", fpc="psu_population", lonely_psu="fail",
    )
    rows = estimate(design, "prop", "literate", by=[by] if by else None, ci=ci)
    return {"" if not by else f"{by}={int(row.domain[by]) if by == 'region' else row.domain[by]}": row for row in rows}


def test_scored_wave_upload_mapping_confirm_stores_the_core_estimates(client, huzhou, media, tmp_path):
    columns = scored_wave()
    content = csv_bytes(columns)
    path = tmp_path / "wave.csv"
    path.write_bytes(content)
    client.force_login(huzhou.users["statistician"])

    response = upload(client, "330500", content)
    assert response.status_code == 302
    mapping_page = client.get(response.url)
    page = mapping_page.content.decode()
    # The design columns are guessed from their names and the guessed mapping is checked at once.
    assert '<option value="weight" selected>' in page
    assert '<option value="stratum" selected>' in page
    assert '<option value="psu" selected>' in page
    assert '<option value="region" selected>' in page
    assert "检查通过" in page
    assert "数据预览" in page and "330502" in page
    assert SurveyWave.objects.count() == 0  # nothing is kept before confirmation

    confirmed = client.post(response.url, {
        "weight": "weight", "strata": "stratum", "psu": "psu", "fpc": "psu_population", "lonely_psu": "fail",
        "region": "region", "groups": ["urban", "sex", "age_group", "education"], "action": "confirm",
    })
    assert confirmed.status_code == 302
    wave = SurveyWave.objects.get()
    assert (wave.region, wave.year, wave.row_count, wave.status) == (huzhou.city, 2024, len(columns["id"]), "active")
    assert wave.group_columns == ["urban", "sex", "age_group", "education"]
    assert len(wave.data_sha256) == 64 and Path(wave.data_file.path).is_file()
    assert Path(wave.data_file.path).is_relative_to(media)

    for ci in ("logit", "wald", "korn-graubard", "wilson"):
        stored = {row.domain_key: row for row in LiteracyEstimate.objects.filter(wave=wave, ci_method=ci)}
        expected = {}
        for by in (None, "region", "urban", "sex", "age_group", "education"):
            expected.update(_direct_estimates(path, by, ci))
        assert set(stored) == set(expected)
        for key, row in expected.items():
            mine = stored[key]
            assert mine.n == row.n
            for field in ("estimate", "se", "ci_low", "ci_high", "deff"):
                assert getattr(mine, field) == pytest.approx(getattr(row, field), rel=1e-12, abs=1e-15), (ci, key, field)
    overall = LiteracyEstimate.objects.get(wave=wave, ci_method="logit", domain_key="")
    assert 0 < overall.estimate < 1 and overall.domain == {}
    assert LiteracyEstimate.objects.get(wave=wave, ci_method="logit", domain_key="region=330502").domain == {
        "region": 330502
    }

    created = AuditEntry.objects.get(model="literacy.SurveyWave", action=AuditAction.CREATE)
    assert created.actor == huzhou.users["statistician"] and created.reason == "上传抽样调查数据"
    staging = Path(wave.data_file.storage.location) / "surveys" / "staging"
    assert not any(staging.iterdir())


def test_raw_answers_are_scored_with_the_example_config(client, huzhou, tmp_path):
    columns = raw_wave()
    content = csv_bytes(columns)
    client.force_login(huzhou.users["office"])
    response = upload(client, "330500", content, source_kind="answers", questionnaire="example-total-score")
    assert response.status_code == 302
    page = client.get(response.url).content.decode()
    assert f"文件 wave.csv：{len(columns['id'])} 名受访者，" in page
    assert "；已按“example-total-score 2024-example”评分。" in page
    # Answer columns are not offered as design columns.
    assert "<option value=\"q01\"" not in page and "<option value=\"score_total\"" not in page
    assert "<th>q01</th>" in page  # the preview still shows them
    upload_response = client.post(response.url, {
        "weight": "weight", "strata": "stratum", "psu": "psu", "lonely_psu": "fail", "region": "region",
        "groups": ["sex"], "action": "confirm",
    })
    assert upload_response.status_code == 302
    wave = SurveyWave.objects.get()
    assert (wave.source_kind, wave.questionnaire_name, wave.questionnaire_version) == (
        "answers", "example-total-score", "2024-example"
    )
    # The same answers scored outside the web page give the same literacy rate.
    scored = scored_wave()
    path = tmp_path / "scored.csv"
    path.write_bytes(csv_bytes(scored))
    table = read_table(path)
    design = SurveyDesign.from_columns(
        {name: table[name] for name in ("weight", "stratum", "psu", "literate")},
        weight="weight", strata="stratum", psu="psu",
    )
    [direct] = estimate(design, "prop", "literate", ci="logit")
    stored = LiteracyEstimate.objects.get(wave=wave, ci_method="logit", domain_key="")
    assert stored.estimate == pytest.approx(direct.estimate, rel=1e-12)
    assert stored.ci_low == pytest.approx(direct.ci_low, rel=1e-12)


def test_uploaded_yaml_config_is_validated_with_the_scoring_errors(client, huzhou):
    client.force_login(huzhou.users["statistician"])
    bad_config = b"questionnaire:\n  id: mine\n  version: '1'\nrule:\n  total_score_above: 70\ndimensions: []\nitems: []\n"
    response = upload(client, "330500", csv_bytes(raw_wave(n=60)), source_kind="answers", questionnaire="",
                      config_file=SimpleUploadedFile("mine.yaml", bad_config))
    assert response.status_code == 400
    page = response.content.decode()
    assert "评分规则有误" in page and "mine.yaml" in page
    assert SurveyWave.objects.count() == 0


def test_check_partial_over_htmx_reports_problems_without_storing(client, huzhou):
    client.force_login(huzhou.users["statistician"])
    response = upload(client, "330500", csv_bytes(scored_wave(n=200)))
    partial = client.post(response.url, {"weight": "weight", "strata": "stratum", "psu": "psu",
                                         "lonely_psu": "fail", "groups": ["weight"], "action": "check"},
                          HTTP_HX_REQUEST="true")
    assert partial.status_code == 200
    text = partial.content.decode()
    assert "<html" not in text
    assert "不能同时作为权数列和分组列" in text
    assert SurveyWave.objects.count() == 0


def test_second_upload_of_a_year_supersedes_and_recompute_and_delete_are_audited(
    client, huzhou, django_capture_on_commit_callbacks
):
    client.force_login(huzhou.users["statistician"])
    upload_and_confirm(client, "330500", csv_bytes(scored_wave(n=300, seed=1)))
    first = SurveyWave.objects.get()
    upload_and_confirm(client, "330500", csv_bytes(scored_wave(n=300, seed=2)))
    second = SurveyWave.objects.exclude(pk=first.pk).get()
    first.refresh_from_db()
    assert (first.status, second.status) == (WaveStatus.SUPERSEDED, WaveStatus.ACTIVE)

    before = {row.domain_key: row.estimate for row in second.estimates.filter(ci_method="wilson")}
    response = client.post(reverse("literacy:recompute", args=[second.pk]))
    assert response.status_code == 302
    after = {row.domain_key: row.estimate for row in second.estimates.filter(ci_method="wilson")}
    assert after == before
    update = AuditEntry.objects.filter(model="literacy.SurveyWave", object_id=str(second.pk),
                                       action=AuditAction.UPDATE).latest("pk")
    assert update.reason == "重新计算科学素质比例估计" and "estimated_at" in update.after

    stored_file = Path(second.data_file.path)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("literacy:delete", args=[second.pk]))
    assert response.status_code == 302
    assert not SurveyWave.objects.filter(pk=second.pk).exists()
    assert not LiteracyEstimate.objects.filter(wave_id=second.pk).exists()
    assert AuditEntry.objects.filter(model="literacy.SurveyWave", object_id=str(second.pk),
                                     action=AuditAction.DELETE).exists()
    first.refresh_from_db()
    assert first.status == WaveStatus.ACTIVE  # the replaced upload of that year is current again
    assert not stored_file.exists()


def test_recompute_refuses_a_changed_microdata_file(client, huzhou):
    client.force_login(huzhou.users["statistician"])
    upload_and_confirm(client, "330500", csv_bytes(scored_wave(n=200)))
    wave = SurveyWave.objects.get()
    Path(wave.data_file.path).write_bytes(b"tampered")
    response = client.post(reverse("literacy:recompute", args=[wave.pk]), follow=True)
    assert "重新计算失败" in response.content.decode() and "SHA-256" in response.content.decode()
    assert wave.estimates.count() > 0
