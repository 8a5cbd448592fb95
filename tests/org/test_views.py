"""The office's unit, user and region pages through Django's test client."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from tests.factories import PASSWORD

from kesu.org.models import Region, Unit, User
from kesu.planning.models import TaskUnit

pytestmark = pytest.mark.django_db


def _login(client, user):
    assert client.login(username=user.username, password=PASSWORD)
    return client


@pytest.mark.parametrize("role", ["edu", "leader", "statistician"])
@pytest.mark.parametrize("url", ["org:unit_list", "org:user_list", "org:region_import"])
def test_non_office_roles_get_403(world, client, role, url):
    _login(client, world.users[role])
    assert client.get(reverse(url)).status_code == 403


def test_other_regions_objects_are_404(world, client):
    _login(client, world.users["other_office"])
    edu = world.units["市教育和体育局"]
    assert client.get(reverse("org:unit_edit", args=[edu.pk])).status_code == 404
    assert client.post(reverse("org:user_reset_password", args=[world.users["edu"].pk]),
                       {"password": "new-pass-123456"}).status_code == 404
    assert client.get(reverse("org:unit_list"), {"region": world.county.code}).status_code == 404


def test_city_office_sees_and_manages_its_counties(world, client):
    _login(client, world.users["city_office"])
    page = client.get(reverse("org:unit_list"), {"region": world.county.code})
    assert page.status_code == 200 and "市教育和体育局" in page.content.decode()
    edu = world.units["市教育和体育局"]
    assert client.get(reverse("org:unit_edit", args=[edu.pk])).status_code == 200


def test_unit_list_query_count_is_bounded(world, client, django_assert_max_num_queries):
    _login(client, world.users["office"])
    for n in range(15):
        Unit.objects.create(region=world.county, name=f"测试单位{n}").aliases.create(alias=f"别名{n}")
    with django_assert_max_num_queries(12):
        page = client.get(reverse("org:unit_list"))
    assert page.status_code == 200 and "别名14" in page.content.decode()


def test_create_edit_and_merge_units(world, client):
    _login(client, world.users["office"])
    response = client.post(reverse("org:unit_list"), {
        "region_code": world.county.code, "name": "市教体局", "kind": "government", "aliases": "教体局、教育体育局",
        "is_active": "on",
    })
    assert response.status_code == 302
    duplicate = Unit.objects.get(region=world.county, name="市教体局")
    assert set(duplicate.aliases.values_list("alias", flat=True)) == {"教体局", "教育体育局"}
    # A duplicate name is refused with a message.
    again = client.post(reverse("org:unit_list"), {"region_code": world.county.code, "name": "市教体局",
                                                   "kind": "government"})
    assert "已有名为“市教体局”的单位" in again.content.decode()

    TaskUnit.objects.create(task=world.tasks[0], unit=duplicate, role="participating")
    edu = world.units["市教育和体育局"]
    response = client.post(reverse("org:unit_merge", args=[duplicate.pk]), {"target": edu.pk}, follow=True)
    assert "已将“市教体局”并入“市教育和体育局”" in response.content.decode()
    assert not Unit.objects.filter(name="市教体局").exists()
    assert edu.aliases.filter(alias="市教体局").exists()


def test_office_creates_users_and_resets_passwords(world, client):
    _login(client, world.users["office"])
    youth = world.units["团市委"]
    response = client.post(reverse("org:user_list"), {
        "username": "youth1", "display_name": "团委填报员", "role": "unit_reporter", "unit": youth.pk,
        "password": "kesu-new-pass-9",
    })
    assert response.status_code == 302
    created = User.objects.get(username="youth1")
    assert created.unit == youth and created.region == world.county and created.role == "unit_reporter"

    leader = client.post(reverse("org:user_list"), {
        "username": "leader2", "role": "leader", "region": world.county.pk, "password": "kesu-new-pass-9",
    })
    assert leader.status_code == 302 and User.objects.get(username="leader2").region == world.county

    weak = client.post(reverse("org:user_list"), {
        "username": "weak", "role": "leader", "region": world.county.pk, "password": "12345678",
    })
    assert "密码不符合要求" in weak.content.decode() and not User.objects.filter(username="weak").exists()
    # A unit of another region is not offered.
    foreign = Unit.objects.get(name="徐州市教育局")
    bad = client.post(reverse("org:user_list"), {
        "username": "spy", "role": "unit_reporter", "unit": foreign.pk, "password": "kesu-new-pass-9",
    })
    assert bad.status_code == 200 and not User.objects.filter(username="spy").exists()

    client.post(reverse("org:user_reset_password", args=[created.pk]), {"password": "another-pass-77"})
    created.refresh_from_db()
    assert created.check_password("another-pass-77")


def test_region_csv_page_reports_lines(world, client):
    _login(client, world.users["city_office"])
    csv = "code,name,level,parent_code\n371082,荣成市,county,371000\n371099,坏,county,999999\n"
    response = client.post(reverse("org:region_import"), {"file": SimpleUploadedFile("r.csv", csv.encode())})
    html = response.content.decode()
    assert "第3行" in html and "999999" in html and not Region.objects.filter(code="371082").exists()
    good = "code,name,level,parent_code\n371082,荣成市,county,371000\n"
    response = client.post(reverse("org:region_import"), {"file": SimpleUploadedFile("r.csv", good.encode())})
    assert "新增 1 个" in response.content.decode()
    assert Region.objects.get(code="371082").parent == world.city
