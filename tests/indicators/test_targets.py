"""Target ↔ indicator suggestions on the seed plans' targets, confirmation, and progress."""


import pytest
from tests.paths import SEEDS

from kesu.indicators import targets
from kesu.indicators.models import DataElement, DataValue, Indicator, TargetLink
from kesu.planning.models import Target

pytestmark = pytest.mark.django_db



@pytest.fixture
def seed_targets():
    from kesu.plans import parse_file

    found = []
    for path in sorted(SEEDS.glob("*.txt")):
        for task in parse_file(path).tasks:
            found.extend(task.targets)
    return found


def suggestion_for(seed_targets, words, indicators):
    target = next(t for t in seed_targets if words in t.text)
    best = targets.suggest(f"{target.subject or ''} {target.text}", target.unit, indicators)
    return best.indicator.code if best else None


def test_suggestions_on_seed_plan_targets(national, seed_targets):
    indicators = list(Indicator.objects.all())
    assert suggestion_for(seed_targets, "每万人拥有科普展厅面积", indicators) == "exhibition_area_per_10k"
    assert suggestion_for(seed_targets, "培训科技辅导员200人次", indicators) == "science_tutor_training_count"
    assert suggestion_for(seed_targets, "每年培训20名以上科技辅导员", indicators) == "science_tutor_training_count"
    assert suggestion_for(seed_targets, "新评定市级科普教育基地30家", indicators) == "new_municipal_bases"
    assert suggestion_for(seed_targets, "省级科普教育基地10家", indicators) == "outreach_bases_provincial"
    assert suggestion_for(seed_targets, "年科普活动覆盖面", indicators) == "activity_coverage_rate"
    assert suggestion_for(seed_targets, "居民健康素养水平", indicators) is None


def put(code, region, year, value):
    DataValue.objects.create(element=DataElement.objects.get(code=code), region=region, year=year, value=value)


def test_projection_is_the_least_squares_line_at_the_deadline(world, national):
    target = Target.objects.get(subject="科技辅导员培训")  # 每年…200人次: yearly, judged on each year's value
    link = TargetLink.objects.create(target=target, indicator=Indicator.objects.get(code="science_tutor_training_count"),
                                     status="confirmed")
    for year, value in ((2021, 100), (2022, 120), (2023, 140)):
        put("science_tutor_training", world.county, year, value)
    [progress] = targets.progress_for([link], 2023)
    assert progress.deadline_year == 2025 and progress.projected == pytest.approx(180)
    DataValue.objects.filter(year__lt=2023).delete()
    [progress] = targets.progress_for([link], 2023)
    assert progress.projected is None and progress.verdict == "数据不足"


def test_suggest_confirm_and_progress(client, world, national):
    from tests.factories import PASSWORD

    tutor_target = Target.objects.get(subject="科技辅导员培训")
    tutor_target.deadline_year = 2025
    tutor_target.save()
    assert client.login(username="office", password=PASSWORD)
    client.post(f"/indicators/targets/plan/{world.plan.pk}/suggest/")
    link = TargetLink.objects.get(target=tutor_target)
    assert link.indicator.code == "science_tutor_training_count" and link.status == "suggested"
    client.post(f"/indicators/targets/{tutor_target.pk}/decide/",
                {"indicator": "science_tutor_training_count", "decision": "confirm"})
    link.refresh_from_db()
    assert link.status == "confirmed" and link.decided_by == world.users["office"]
    for year, value in ((2021, 120), (2022, 150), (2023, 180)):
        put("science_tutor_training", world.county, year, value)
    [progress] = targets.progress_for([link], 2023)
    assert progress.current == (2023, 180) and progress.gap == 20
    assert progress.projected == pytest.approx(240) and progress.verdict == "预计可完成"
    page = client.get(f"/indicators/targets/?plan={world.plan.pk}").content.decode()
    assert "预计可完成" in page and "尚差 20" in page


def test_only_the_plan_office_confirms(client, world, national):
    from tests.factories import PASSWORD

    target = Target.objects.get(subject="科技辅导员培训")
    assert client.login(username="leader", password=PASSWORD)
    response = client.post(f"/indicators/targets/{target.pk}/decide/",
                           {"indicator": "science_tutor_training_count", "decision": "confirm"})
    assert response.status_code == 403
    client.logout()
    assert client.login(username="other_office", password=PASSWORD)
    response = client.post(f"/indicators/targets/{target.pk}/decide/",
                           {"indicator": "science_tutor_training_count", "decision": "confirm"})
    assert response.status_code == 404
    assert not TargetLink.objects.exists()


def test_declining_projection_is_hard_to_reach(world, national):
    target = Target.objects.get(subject="科技辅导员培训")
    link = TargetLink.objects.create(target=target, indicator=Indicator.objects.get(code="science_tutor_training_count"),
                                     status="confirmed")
    put("science_tutor_training", world.county, 2022, 190)
    put("science_tutor_training", world.county, 2023, 150)
    [progress] = targets.progress_for([link], 2023)
    assert progress.deadline_year == 2025 and progress.verdict == "难以完成"
