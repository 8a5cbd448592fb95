"""应急科普 pages: start form (regions limited to the office's subtree), the event page (pushes, overdue
units, fast-track items, timeline), notes and closing, packages, the after-action download, and 404
for offices outside the region."""

from __future__ import annotations

import datetime
import io

import docx
import pytest
from django.urls import reverse
from django.utils import timezone

from kesu.content import emergency
from kesu.content.models import EmergencyEvent, EmergencyPackage, EmergencyStatus, Push, PushRecipient


@pytest.fixture
def event(county, county_office, approved_item):
    package = emergency.create_package(actor=county_office, region=county, event_type="flood", name="防汛包")
    emergency.set_package_items(actor=county_office, package=package, items=[approved_item("洪水来了怎么办")])
    return emergency.start_emergency(actor=county_office, region=county, event_type="flood", title="7·20暴雨",
                                     level="3", affected_regions=[county],
                                     started_at=timezone.now() - datetime.timedelta(hours=1),
                                     distribute_within_hours=2)


def test_start_through_the_form(client_for, county, city, approved_item, county_office):
    office = client_for("office")
    page = office.get(reverse("content:emergency_new")).content.decode()
    assert "乳山市" in page and "威海市" not in page
    response = office.post(reverse("content:emergency_new"), {
        "event_type": "flood", "title": "台风过境", "level": "4", "affected_regions": [city.pk],
        "distribute_within_hours": "6",
    })
    assert response.status_code == 400 and "管辖范围" in response.content.decode()
    assert not EmergencyEvent.objects.exists()
    response = office.post(reverse("content:emergency_new"), {
        "event_type": "typhoon", "title": "台风过境", "level": "4", "affected_regions": [county.pk],
        "distribute_within_hours": "6",
    })
    event = EmergencyEvent.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("content:emergency_detail", args=[event.pk])
    assert list(event.affected_regions.all()) == [county]


def test_event_page(client_for, event, approved_item):
    push = Push.objects.get(emergency=event)
    first = push.recipients.order_by("pk").first()
    PushRecipient.objects.filter(pk=first.pk).update(acknowledged_at=timezone.now())
    Push.objects.filter(pk=push.pk).update(due_at=timezone.now() - datetime.timedelta(minutes=5))
    approved_item("暴雨后防疫要点", emergency=event)
    page = client_for("office").get(reverse("content:emergency_detail", args=[event.pk])).content.decode()
    total = push.recipients.count()
    assert f"1/{total}" in page
    late = push.recipients.exclude(pk=first.pk).select_related("unit").first()
    assert f'<summary class="error">{total - 1} 个</summary>' in page and late.unit.name in page
    assert "应急快审" in page and "暴雨后防疫要点" in page
    assert f"{reverse('content:item_new')}?emergency={event.pk}" in page
    assert page.index("启动应急") < page.index("推送内容")


def test_note_close_and_list(client_for, event):
    office = client_for("office")
    office.post(reverse("content:emergency_note", args=[event.pk]), {"text": "已联系气象台"})
    assert event.timeline.filter(text="已联系气象台").exists()
    listing = office.get(reverse("content:emergency_list")).content.decode()
    assert listing.index("7·20暴雨") < listing.index("已结束")
    office.post(reverse("content:emergency_close", args=[event.pk]))
    event.refresh_from_db()
    assert event.status == EmergencyStatus.CLOSED
    page = office.get(reverse("content:emergency_detail", args=[event.pk])).content.decode()
    assert "新建应急内容" not in page and "结束应急科普响应</button>" not in page


def test_after_action_download(client_for, event):
    response = client_for("leader").get(reverse("content:emergency_report", args=[event.pk]))
    assert response.status_code == 200
    document = docx.Document(io.BytesIO(response.content))
    assert document.paragraphs[0].text == "7·20暴雨应急科普处置总结"


def test_other_office_gets_404(client_for, event):
    other = client_for("other_office")
    for name in ("content:emergency_detail", "content:emergency_report"):
        assert other.get(reverse(name, args=[event.pk])).status_code == 404
    for name in ("content:emergency_note", "content:emergency_close"):
        assert other.post(reverse(name, args=[event.pk]), {"text": "x"}).status_code == 404
    event.refresh_from_db()
    assert event.status == EmergencyStatus.ACTIVE
    assert "7·20暴雨" not in other.get(reverse("content:emergency_list")).content.decode()
    package = EmergencyPackage.objects.get()
    assert other.get(reverse("content:package_detail", args=[package.pk])).status_code == 404


def test_package_pages(client_for, county, approved_item):
    office = client_for("office")
    item = approved_item("地震避险要点")
    response = office.post(reverse("content:package_list"),
                           {"region": county.pk, "event_type": "earthquake", "name": "防震包"})
    package = EmergencyPackage.objects.get(name="防震包")
    assert response.status_code == 302
    assert "地震避险要点" in office.get(reverse("content:package_detail", args=[package.pk])).content.decode()
    office.post(reverse("content:package_detail", args=[package.pk]), {"items": [item.pk]})
    assert list(package.items.all()) == [item]


def test_unit_reached_by_the_push_sees_the_event_but_not_the_report(client_for, event):
    push = Push.objects.get(emergency=event)
    assert push.recipients.filter(unit__name="市科协").exists()
    from tests.factories import make_user

    from kesu.org.models import Role, Unit

    make_user("kexie", Role.UNIT_REPORTER, unit=Unit.objects.get(name="市科协"))
    unit = client_for("kexie")
    page = unit.get(reverse("content:emergency_detail", args=[event.pk]))
    assert page.status_code == 200 and "结束应急科普响应</button>" not in page.content.decode()
    assert unit.get(reverse("content:emergency_report", args=[event.pk])).status_code == 403
