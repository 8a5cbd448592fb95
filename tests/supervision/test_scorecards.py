"""Scorecard formula on the world fixture, computed by hand (see scored_world in conftest.py).

Year 2024, judged on 2025-02-01 (both half-years past due), default weights 30/40/30:

- 市农业农村局 (leads 3.2.1, target 1000 by 2025): both reports on time and accepted first time →
  on-time 2/2, review 2/2. Completion: 550 reached by the end of 2024, when 1461 of 1826 days of
  2021–2025 had passed → 0.55 ÷ 0.80011 = 0.68741. 30 + 40 × 0.68741 + 30 = 87.50; +2 adjustment = 89.50.
- 市教育和体育局 (leads 3.1.1 and 3.1.2, 4 reports due): 3.1.1 H1 on time, 3.1.1 H2 late (1-20 for
  1-15), 3.1.2 H1 first submitted on time then returned and accepted, 3.1.2 H2 missing → on-time 2/4;
  reviewed 3, accepted without return 2 → 2/3. Completion: 3.1.2 yearly 200, 150 accepted for 2024,
  the whole year elapsed → 0.75. 30 × 0.5 + 40 × 0.75 + 30 × 2/3 = 15 + 30 + 20 = 65.
- 市科协 (leads 3.1.1 without targets, takes part in 3.2.1, 4 due): one on time (submitted, not yet
  reviewed) → on-time 1/4, no completion or review rate → 30 × 0.25 scaled by 100/30 = 25.
- 团市委 (takes part in 3.1.2, 2 due): H1 on time but returned → on-time 1/2, review 0/1, no
  completion → (15 + 0) × 100/60 = 25. Ties with 市科协 for third place.
"""

import datetime

import pytest

from kesu.audit.context import acting_as
from kesu.audit.registry import history_for
from kesu.supervision.models import ScoreAdjustment
from kesu.supervision.scorecards import (
    ScorecardError,
    add_score_adjustment,
    plan_scorecard,
    update_score_weights,
)

pytestmark = pytest.mark.django_db
JUDGED_ON = datetime.date(2025, 2, 1)


def by_unit(scores):
    return {s.unit.name: s for s in scores}


def test_scorecard_matches_hand_computation(scored_world):
    world = scored_world
    add_score_adjustment(actor=world.users["office"], plan=world.plan, unit=world.units["市农业农村局"],
                         year=2024, points=2, reason="获省级表彰")
    data = plan_scorecard(world.plan, 2024, JUDGED_ON)
    scores = by_unit(data["scores"])
    agri, edu, cast, youth = (scores[n] for n in ("市农业农村局", "市教育和体育局", "市科协", "团市委"))

    assert agri.rates == pytest.approx({"on_time_reporting": 1, "target_completion": 0.55 / (1461 / 1826),
                                        "review_outcome": 1})
    assert agri.points == {"on_time_reporting": 30, "target_completion": 27.5, "review_outcome": 30}
    assert agri.base == 87.5 and agri.adjustment_points == 2 and agri.total == 89.5

    assert (edu.due_reports, edu.on_time_reports, edu.reviewed_reports, edu.first_pass_reports) == (4, 2, 3, 2)
    assert edu.rates["target_completion"] == pytest.approx(0.75)
    assert edu.total == 65

    assert cast.rates == {"on_time_reporting": 0.25, "target_completion": None, "review_outcome": None}
    assert cast.total == 25
    assert youth.rates == {"on_time_reporting": 0.5, "target_completion": None, "review_outcome": 0}
    assert youth.total == 25

    assert [(s.unit.name, s.rank) for s in data["scores"]] == [
        ("市农业农村局", 1), ("市教育和体育局", 2), ("团市委", 3), ("市科协", 3),
    ]
    assert data["years"] == [2024]


def test_changed_weights_change_the_score(scored_world):
    world = scored_world
    update_score_weights(actor=world.users["office"], plan=world.plan,
                         on_time_reporting="50", target_completion="50", review_outcome="0")
    scores = by_unit(plan_scorecard(world.plan, 2024, JUDGED_ON)["scores"])
    # 50 × 0.5 + 50 × 0.75 + 0 × 2/3 = 62.5
    assert scores["市教育和体育局"].total == 62.5


def test_score_edits_are_validated_and_audited(scored_world):
    world = scored_world
    office = world.users["office"]
    with pytest.raises(ScorecardError, match="按时报送权重须为数字"):
        update_score_weights(actor=office, plan=world.plan, on_time_reporting="三十",
                             target_completion=40, review_outcome=30)
    with pytest.raises(ScorecardError, match="目标完成权重不能为负数"):
        update_score_weights(actor=office, plan=world.plan, on_time_reporting=110,
                             target_completion=-10, review_outcome=0)
    with pytest.raises(ScorecardError, match="年度须在方案期限 2021—2025 年之内"):
        add_score_adjustment(actor=office, plan=world.plan, unit=world.units["市科协"], year=2030,
                             points=1, reason="x")
    outsider = world.other_plan.tasks.get().units.get()
    with pytest.raises(ScorecardError, match="徐州市教育局不是本方案任务的责任单位"):
        add_score_adjustment(actor=office, plan=world.plan, unit=outsider, year=2024, points=1, reason="x")
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        add_score_adjustment(actor=world.users["leader"], plan=world.plan, unit=world.units["市科协"],
                             year=2024, points=1, reason="x")
    with acting_as(None):
        adjustment = add_score_adjustment(actor=office, plan=world.plan, unit=world.units["市科协"],
                                          year=2024, points=-1.5, reason="报送材料不实")
    entry = history_for(adjustment).get()
    assert entry.actor == office and entry.reason == "报送材料不实" and entry.after["points"] == -1.5
    assert ScoreAdjustment.objects.count() == 1
