"""Who may read and change survey waves: wrong role 403, region out of scope 404."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from tests.literacy.conftest import csv_bytes, scored_wave, upload, upload_and_confirm

from kesu.literacy.models import SurveyWave

pytestmark = pytest.mark.django_db


@pytest.fixture
def wave(client, huzhou):
    client.force_login(huzhou.users["statistician"])
    upload_and_confirm(client, "330500", csv_bytes(scored_wave(n=200)))
    client.logout()
    return SurveyWave.objects.get()


def test_unit_reporter_is_forbidden(client, world, huzhou):
    client.force_login(world.users["edu"])
    assert client.get(reverse("literacy:home")).status_code == 403
    assert client.get(reverse("literacy:region", args=[world.county.code])).status_code == 403
    assert client.get(reverse("literacy:upload", args=[world.county.code])).status_code == 403
    response = upload(client, world.county.code, csv_bytes(scored_wave(n=60)))
    assert response.status_code == 403
    assert SurveyWave.objects.count() == 0


def test_other_region_is_not_found(client, world, huzhou, wave):
    client.force_login(world.users["statistician"])  # 乳山市, Shandong
    assert client.get(reverse("literacy:region", args=["330500"])).status_code == 404
    assert client.get(reverse("literacy:upload", args=["330500"])).status_code == 404
    assert client.get(reverse("literacy:export", args=[wave.pk])).status_code == 404
    assert client.post(reverse("literacy:recompute", args=[wave.pk])).status_code == 404
    assert client.post(reverse("literacy:delete", args=[wave.pk])).status_code == 404
    # A county statistician cannot see the city above it either.
    client.force_login(huzhou.users["county_statistician"])
    assert client.get(reverse("literacy:region", args=["330500"])).status_code == 404
    assert client.get(reverse("literacy:region", args=["330502"])).status_code == 200
    assert SurveyWave.objects.count() == 1


def test_leader_reads_but_cannot_upload_or_change(client, huzhou, wave):
    client.force_login(huzhou.users["leader"])
    page = client.get(reverse("literacy:region", args=["330500"]))
    assert page.status_code == 200
    assert "上传调查数据" not in page.content.decode() and "重新计算" not in page.content.decode()
    assert client.get(reverse("literacy:export", args=[wave.pk])).status_code == 200
    assert client.get(reverse("literacy:upload", args=["330500"])).status_code == 403
    assert upload(client, "330500", csv_bytes(scored_wave(n=60))).status_code == 403
    assert client.post(reverse("literacy:recompute", args=[wave.pk])).status_code == 403
    assert client.post(reverse("literacy:delete", args=[wave.pk])).status_code == 403
    assert SurveyWave.objects.count() == 1

    # A leader of an ancestor region (the province) reads the city's results too.
    client.force_login(huzhou.users["province_leader"])
    assert client.get(reverse("literacy:region", args=["330500"])).status_code == 200


def test_uploads_belong_to_their_uploader(client, huzhou):
    client.force_login(huzhou.users["statistician"])
    response = upload(client, "330500", csv_bytes(scored_wave(n=60)))
    mapping_url = response.url
    client.force_login(huzhou.users["office"])
    assert client.get(mapping_url).status_code == 404
    assert client.post(mapping_url, {"weight": "weight", "action": "confirm"}).status_code == 404
    assert client.get(mapping_url.replace(mapping_url.rstrip("/").rsplit("/", 1)[1], "not-a-token")).status_code == 404


def test_statistician_of_a_county_uploads_for_the_county(client, huzhou):
    client.force_login(huzhou.users["county_statistician"])
    data = {"file": SimpleUploadedFile("wave.csv", csv_bytes(scored_wave(n=200))), "source_kind": "scored",
            "year": 2024}
    response = client.post(reverse("literacy:upload", args=["330502"]), data)
    assert response.status_code == 302
    assert "/literacy/330502/upload/" in response.url
