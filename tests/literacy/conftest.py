"""Fixtures of the survey pages: a prefecture (湖州市) whose counties are the regions of the synthetic
wave (tests/survey/fixtures/make_wave.py), its users and plan, and helpers that drive the upload →
mapping → confirm steps through the real views."""

from __future__ import annotations

import csv
import importlib.util
import io
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from tests.factories import make_user

from kesu.org.models import Region, RegionLevel, Role
from kesu.planning.models import Plan
from kesu.survey.scoring import load_questionnaire, score_answers

MAKE_WAVE_PATH = Path(__file__).parents[1] / "survey" / "fixtures" / "make_wave.py"
DESIGN_COLUMNS = ("id", "region", "urban", "stratum", "psu", "psu_population", "sex", "age_group", "education",
                  "weight")


def _load_make_wave():
    spec = importlib.util.spec_from_file_location("kesu_surveys_web_make_wave", MAKE_WAVE_PATH)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


make_wave = _load_make_wave()


def csv_bytes(columns: dict[str, np.ndarray]) -> bytes:
    stream = io.StringIO()
    writer = csv.writer(stream)
    writer.writerow(list(columns))
    for row in zip(*columns.values(), strict=True):
        writer.writerow([int(value) if isinstance(value, float) and value.is_integer() else value for value in row])
    return stream.getvalue().encode("utf-8")


def raw_wave(n: int = 600, seed: int = 2024) -> dict[str, np.ndarray]:
    """Design columns and answers to the example questionnaire, as make_wave writes them."""
    return make_wave.make_wave(n, seed)


def scored_wave(n: int = 600, seed: int = 2024) -> dict[str, np.ndarray]:
    """Design columns and a 0/1 literate column (answers scored with the example questionnaire)."""
    columns = raw_wave(n, seed)
    scores = score_answers(columns, load_questionnaire(make_wave.QUESTIONNAIRE))
    scored = {name: columns[name] for name in DESIGN_COLUMNS}
    scored["literate"] = scores["literate"]
    return scored


@dataclass
class Huzhou:
    province: Region
    city: Region
    counties: dict[str, Region]
    users: dict[str, object]
    plan: Plan


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "private"
    return settings.MEDIA_ROOT


@pytest.fixture
def huzhou(db, media) -> Huzhou:
    province = Region.objects.create(code="330000", name="浙江省", level=RegionLevel.PROVINCE)
    city = Region.objects.create(code="330500", name="湖州市", level=RegionLevel.CITY, parent=province)
    counties = {
        name: Region.objects.create(code=str(code), name=name, level=RegionLevel.COUNTY, parent=city)
        for code, name in make_wave.REGIONS.items()
    }
    users = {
        "statistician": make_user("hz_stat", Role.STATISTICIAN, region=city),
        "office": make_user("hz_office", Role.OFFICE_ADMIN, region=city),
        "leader": make_user("hz_leader", Role.LEADER, region=city),
        "province_leader": make_user("zj_leader", Role.LEADER, region=province),
        "county_statistician": make_user("wx_stat", Role.STATISTICIAN, region=counties["吴兴区"]),
    }
    plan = Plan.objects.create(
        region=city, title="湖州市全民科学素质行动规划纲要实施方案（2021—2025年）", period_start=2021,
        period_end=2025, headline_indicator="公民具备科学素质的比例", headline_value=15.5, headline_unit="%",
        headline_year=2025,
    )
    return Huzhou(province, city, counties, users, plan)


def upload(client, region_code: str, content: bytes, filename: str = "wave.csv", **fields):
    data = {"file": SimpleUploadedFile(filename, content), "source_kind": "scored", "year": 2024, "name": ""}
    data.update(fields)
    return client.post(reverse("literacy:upload", args=[region_code]), data)


STANDARD_MAPPING = {
    "weight": "weight", "strata": "stratum", "psu": "psu", "fpc": "psu_population", "lonely_psu": "fail",
    "region": "region", "groups": ["urban", "sex", "age_group", "education"],
}


def confirm(client, mapping_url: str, **overrides):
    data = {**STANDARD_MAPPING, **overrides, "action": "confirm"}
    return client.post(mapping_url, {key: value for key, value in data.items() if value is not None})


def upload_and_confirm(client, region_code: str, content: bytes, year: int = 2024, **mapping):
    response = upload(client, region_code, content, year=year)
    assert response.status_code == 302, response.content.decode()[:2000]
    confirmed = confirm(client, response.url, **mapping)
    assert confirmed.status_code == 302, confirmed.content.decode()[:4000]
    return confirmed
