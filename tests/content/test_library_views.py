"""The library and review pages: scoping (404 outside scope), forms showing the services' errors,
and the expert's queue."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from tests.content.test_files import SAMPLES

from kesu.content.authoring import create_item, submit_item
from kesu.content.models import ContentItem, ContentReview, ContentStatus, ReviewPolicy

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def article(actor, region, title="防溺水", topics=("emergency",), **fields):
    return create_item(actor=actor, region=region, kind="article", title=title, topics=list(topics),
                       body_html="<p>不私自下水</p>", **fields)


def form_data(**changes):
    data = {"kind": "article", "title": "秋冬季流感防护", "summary": "", "body_html": "<p>接种疫苗</p>",
            "topics": ["health"], "audiences": ["elderly"], "source": "own", "licence": "own",
            "broadcast_text": "", "region": "371083"}
    data.update(changes)
    return data


def test_another_regions_item_is_missing(world, client_for, county_office, other_office):
    item = article(county_office, world.county)
    client = client_for("other_office")
    for url in (f"/content/{item.pk}/", f"/content/{item.pk}/edit/", f"/content/{item.pk}/versions/1/"):
        assert client.get(url).status_code == 404
    assert client.post(f"/content/{item.pk}/submit/").status_code == 404
    assert "防溺水" not in client.get("/content/").content.decode()


def test_office_sees_library_with_status_tabs(world, client_for, county_office, approved_item):
    article(county_office, world.county, title="草稿一篇")
    approved_item("已通过一篇")
    page = client_for("office").get("/content/").content.decode()
    assert "草稿一篇" in page and "已通过一篇" in page
    assert "草稿 <span class=\"small muted\">1</span>" in page
    only = client_for("office").get("/content/?status=approved").content.decode()
    assert "已通过一篇" in only and "草稿一篇" not in only
    assert "草稿一篇" not in client_for("office").get("/content/?q=已通过").content.decode()


def test_unit_reporter_sees_only_its_units_items(world, client_for, county_office, reporter):
    article(county_office, world.county, title="纲要办自有")
    own = article(reporter, world.county, title="教体局提供")
    other = create_item(actor=county_office, region=world.county, kind="article", title="农业局提供",
                        topics=["agriculture"], body_html="<p>x</p>", source="unit",
                        source_unit=world.units["市农业农村局"])
    client = client_for("edu")
    page = client.get("/content/").content.decode()
    assert "教体局提供" in page and "纲要办自有" not in page and "农业局提供" not in page
    assert client.get(f"/content/{own.pk}/").status_code == 200
    assert client.get(f"/content/{other.pk}/").status_code == 404


def test_new_item_form_shows_errors_and_writes_nothing(world, client_for):
    client = client_for("office")
    response = client.post("/content/new/", form_data(broadcast_text="汛" * 71))
    page = response.content.decode()
    assert response.status_code == 200 and "现为 71 个字" in page
    response = client.post("/content/new/", form_data(kind="image", body_html="",
                                                      upload=SimpleUploadedFile("x.jpg", SAMPLES["pdf"])))
    assert "文件“x.jpg”的内容不是图片（实际为 PDF 文档）" in response.content.decode()
    assert not ContentItem.objects.exists()


def test_new_then_edit_then_submit(world, client_for, experts):
    client = client_for("office")
    response = client.post("/content/new/", form_data(body_html='<p>接种疫苗<script>x()</script></p>'))
    item = ContentItem.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/content/{item.pk}/"
    assert item.current_version.body_html == "<p>接种疫苗</p>"
    assert client.get("/content/new/").status_code == 200
    assert "rich-source" in client.get(f"/content/{item.pk}/edit/").content.decode()
    client.post(f"/content/{item.pk}/edit/", form_data(body_html="<p>接种疫苗，勤洗手</p>", note="补充"))
    item.refresh_from_db()
    assert item.current_version.number == 2
    client.post(f"/content/{item.pk}/submit/")
    item.refresh_from_db()
    assert item.status == ContentStatus.UNDER_REVIEW and item.rounds.get().reviews.count() == 2
    page = client.get(f"/content/{item.pk}/").content.decode()
    assert "王医生" in page and "李护师" in page and "第 2 版" in page
    assert "接种疫苗，勤洗手" in page


def test_missing_reviewers_message_and_assignment(world, client_for, county_office, experts):
    item = article(county_office, world.county, topics=("frontier",))
    submit_item(actor=county_office, item=item)
    page = client_for("office").get(f"/content/{item.pk}/").content.decode()
    assert "需纲要办指派审查专家" in page


def test_expert_sees_only_assigned_and_gives_verdict(world, client_for, county_office, experts):
    mine = article(county_office, world.county, title="防溺水")
    theirs = article(county_office, world.county, title="合理用药", topics=("medicine",))
    submit_item(actor=county_office, item=mine)
    submit_item(actor=county_office, item=theirs)
    quake = client_for("quake")
    queue = quake.get("/content/reviews/").content.decode()
    assert "防溺水" in queue and "合理用药" not in queue
    assert quake.get(f"/content/{theirs.pk}/").status_code == 404
    assert quake.get(f"/content/{mine.pk}/").status_code == 200
    other_review = ContentReview.objects.filter(round__item=theirs).first()
    assert quake.get(f"/content/reviews/{other_review.pk}/").status_code == 404
    review = ContentReview.objects.get(round__item=mine)
    response = quake.post(f"/content/reviews/{review.pk}/", {"verdict": "reject", "comments": ""})
    assert "须填写审查意见" in response.content.decode()
    quake.post(f"/content/reviews/{review.pk}/", {"verdict": "approve", "comments": "准确"})
    mine.refresh_from_db()
    assert mine.status == ContentStatus.APPROVED


def test_fast_track_marked_in_queue(world, client_for, county_office, experts):
    from django.utils import timezone

    from kesu.content.models import EmergencyEvent

    event = EmergencyEvent.objects.create(region=world.county, event_type="flood", title="汛情", started_at=timezone.now())
    submit_item(actor=county_office, item=article(county_office, world.county, emergency=event))
    assert "应急快审" in client_for("quake").get("/content/reviews/").content.decode()


def test_policy_page(world, client_for):
    client = client_for("office")
    assert "默认规则" in client.get("/content/policy/").content.decode()
    response = client.post("/content/policy/", {"reviewers": 9, "medical_reviewers": 2, "review_days": 7,
                                                "fast_track_hours": 4})
    assert response.status_code == 200 and not ReviewPolicy.objects.exists()
    client.post("/content/policy/", {"reviewers": 2, "medical_reviewers": 3, "review_days": 5, "fast_track_hours": 2})
    assert ReviewPolicy.objects.get(region=world.county).medical_reviewers == 3
    assert client_for("leader").get("/content/policy/").status_code == 403


def test_withdraw_from_page(world, client_for, county_office):
    item = article(county_office, world.county)
    client_for("office").post(f"/content/{item.pk}/withdraw/", {"reason": "已过时"})
    item.refresh_from_db()
    assert item.status == ContentStatus.WITHDRAWN
    client_for("office").post(f"/content/{item.pk}/edit/", form_data())
    page = client_for("office").get(f"/content/{item.pk}/").content.decode()
    assert "已过时" in page and "修改记录" in page and "撤下该内容" not in page


def test_office_assigns_a_reviewer_from_the_page(world, client_for, county_office, experts):
    item = article(county_office, world.county, topics=("frontier",))
    submit_item(actor=county_office, item=item)
    experts["farm"].tags.add(*item.topics.get().fields.all()[:1])
    client = client_for("office")
    assert "孙农技" in client.get(f"/content/{item.pk}/").content.decode()
    client.post(f"/content/{item.pk}/assign/", {"experts": [experts["nurse"].pk]})
    assert item.rounds.get().reviews.count() == 0  # not a candidate: refused
    client.post(f"/content/{item.pk}/assign/", {"experts": [experts["farm"].pk]})
    item.refresh_from_db()
    assert item.status == ContentStatus.UNDER_REVIEW and item.rounds.get().reviews.get().expert == experts["farm"]
    assert client_for("leader").post(f"/content/{item.pk}/assign/", {"experts": [experts["quake"].pk]}).status_code == 403


def test_unit_reporter_creates_through_the_form(world, client_for):
    client = client_for("edu")
    assert 'value="unit" selected' in client.get("/content/new/").content.decode().replace("\n", "")
    unit = world.units["市教育和体育局"]
    client.post("/content/new/", form_data(source="unit", source_unit=unit.pk, topics=["science_education"]))
    item = ContentItem.objects.get()
    assert item.source_unit == unit and item.author.username == "edu"


def test_overdue_review_is_marked(world, client_for, county_office, experts):
    import datetime

    from django.utils import timezone

    item = article(county_office, world.county)
    round_ = submit_item(actor=county_office, item=item)
    round_.due_at = timezone.now() - datetime.timedelta(hours=1)
    round_.save()
    assert "已逾期" in client_for("office").get(f"/content/{item.pk}/").content.decode()
    assert "已逾期" in client_for("quake").get("/content/reviews/").content.decode()
