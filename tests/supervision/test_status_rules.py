"""Status rules (预警) on plain data: each colour and reason, thresholds, and the monotonicity property."""

import datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kesu.supervision.status import (
    Colour,
    FigureInput,
    Obligation,
    PeriodInput,
    StatusThresholds,
    TargetInput,
    TaskStatusInput,
    completion_for_year,
    compute_task_status,
    thresholds_from_settings,
)

D = datetime.date
FIRST_HALF = PeriodInput("2024年上半年", D(2024, 1, 1), D(2024, 6, 30), D(2024, 7, 15))
SECOND_HALF = PeriodInput("2024年下半年", D(2024, 7, 1), D(2024, 12, 31), D(2025, 1, 15))
PERIODS = (FIRST_HALF, SECOND_HALF)


def farmers_target(*values_h1_by_unit):
    """“十四五”期间培训高素质农民1000名: cumulative, deadline 2025."""
    figures = tuple(FigureInput(FIRST_HALF.start, FIRST_HALF.end, v, unit) for unit, v in enumerate(values_h1_by_unit))
    return TargetInput("高素质农民培训", 1000, "名", ">=", "“十四五”期间", 2025, figures)


def task(targets=(), obligations=()):
    return TaskStatusInput(2021, 2025, None, tuple(targets), PERIODS, tuple(obligations))


# 2021-01-01 … 2025-12-31 with the horizon at the end of 2024-H1: 1277 of 1826 days = 70 %.
AFTER_FIRST_DUE = D(2024, 8, 1)


@pytest.mark.parametrize(("achieved", "colour", "reason"), [
    (700, Colour.GREEN, "高素质农民培训 进度 70%，时间已过 70%（截至2024年上半年）"),
    (450, Colour.AMBER, "高素质农民培训 进度 45%，时间已过 70%（截至2024年上半年）"),
    (300, Colour.RED, "高素质农民培训 进度 30%，时间已过 70%（截至2024年上半年）"),
])
def test_cumulative_progress_against_time(achieved, colour, reason):
    status = compute_task_status(task([farmers_target(achieved)]), AFTER_FIRST_DUE)
    assert status.colour == colour
    assert status.findings[0].reason == reason
    if colour != Colour.GREEN:
        assert status.reason == reason
    else:
        assert status.reason == "进度 70%，时间已过 70%"


def test_units_figures_add_up_and_only_the_latest_per_unit_counts():
    target = TargetInput("高素质农民培训", 1000, "名", ">=", "", 2025, (
        FigureInput(FIRST_HALF.start, FIRST_HALF.end, 300, unit_id=1),
        FigureInput(SECOND_HALF.start, SECOND_HALF.end, 500, unit_id=1),
        FigureInput(FIRST_HALF.start, FIRST_HALF.end, 200, unit_id=2),
    ))
    status = compute_task_status(task([target]), D(2025, 2, 1))
    assert status.progress == pytest.approx(0.7)


def test_yearly_target_is_judged_per_year():
    def tutors(*figures):
        return TargetInput("科技辅导员培训", 200, "人次", ">=", "每年", None, tuple(figures))

    h1 = FigureInput(FIRST_HALF.start, FIRST_HALF.end, 100, 1)
    on_track = compute_task_status(task([tutors(h1)]), AFTER_FIRST_DUE)
    assert on_track.colour == Colour.GREEN and on_track.findings[0].reason == (
        "科技辅导员培训 2024年进度 50%，时间已过 50%（截至2024年上半年）")
    behind = compute_task_status(task([tutors(FigureInput(FIRST_HALF.start, FIRST_HALF.end, 30, 1))]), AFTER_FIRST_DUE)
    assert behind.colour == Colour.RED and "2024年进度 15%，时间已过 50%" in behind.reason
    # After the year closes, the year's total must reach the whole target.
    year_end = compute_task_status(task([tutors(h1, FigureInput(SECOND_HALF.start, SECOND_HALF.end, 170, 1))]), D(2025, 2, 1))
    assert year_end.colour == Colour.AMBER and "2024年进度 85%，时间已过 100%" in year_end.reason


def test_level_target_uses_latest_figure_and_ceiling():
    coverage = TargetInput("覆盖率", 90, "%", ">=", "", 2025, (
        FigureInput(FIRST_HALF.start, FIRST_HALF.end, 60, 1), FigureInput(FIRST_HALF.start, FIRST_HALF.end, 66, 2),
    ))
    assert compute_task_status(task([coverage]), AFTER_FIRST_DUE).progress == pytest.approx(66 / 90)
    ceiling = TargetInput("事故率", 5, "‰", "<=", "", 2025, (FigureInput(FIRST_HALF.start, FIRST_HALF.end, 4, 1),))
    assert compute_task_status(task([ceiling]), AFTER_FIRST_DUE).progress == 1


def test_overdue_report_amber_then_red():
    owed = Obligation(7, "团市委", FIRST_HALF, None)
    amber = compute_task_status(task(obligations=[owed]), D(2024, 7, 27))
    assert amber.colour == Colour.AMBER and amber.reason == "团市委 2024年上半年报告逾期 12 天未报送"
    assert amber.overdue[0].days == 12 and amber.overdue[0].unit_id == 7
    red = compute_task_status(task(obligations=[owed]), D(2024, 8, 20))
    assert red.colour == Colour.RED and red.reason == "团市委 2024年上半年报告逾期 36 天未报送"
    draft = Obligation(7, "团市委", FIRST_HALF, "draft")
    assert compute_task_status(task(obligations=[draft]), D(2024, 7, 27)).colour == Colour.AMBER
    submitted = Obligation(7, "团市委", FIRST_HALF, "submitted")
    status = compute_task_status(task(obligations=[submitted]), D(2024, 8, 20))
    assert status.colour == Colour.GREEN and status.reason == "到期报告均已报送"


def test_returned_report_not_resubmitted():
    returned = Obligation(3, "市科协", FIRST_HALF, "returned", returned_on=D(2024, 7, 20))
    amber = compute_task_status(task(obligations=[returned]), D(2024, 8, 1))
    assert amber.colour == Colour.AMBER and amber.reason == "市科协 2024年上半年报告被退回未重新报送"
    red = compute_task_status(task(obligations=[returned]), D(2024, 9, 1))
    assert red.colour == Colour.RED and red.reason == "市科协 2024年上半年报告被退回 43 天未重新报送"


def test_nothing_due_yet_is_green():
    status = compute_task_status(task([farmers_target()], [Obligation(1, "市科协", FIRST_HALF, None)]), D(2024, 3, 1))
    assert status.colour == Colour.GREEN and status.reason == "进度 0%，时间已过 0%"
    assert compute_task_status(task(), D(2024, 3, 1)).reason == "尚无到期报告"


def test_worst_finding_wins_and_thresholds_are_configurable(settings):
    data = task([farmers_target(450)], [Obligation(1, "市科协", FIRST_HALF, None)])
    status = compute_task_status(data, D(2024, 8, 20))
    assert status.colour == Colour.RED and status.reason == "市科协 2024年上半年报告逾期 36 天未报送"
    assert [f.kind for f in status.findings] == ["overdue", "progress"]
    lenient = StatusThresholds(amber_gap=0.3, red_gap=0.5, overdue_red_days=60)
    assert compute_task_status(data, D(2024, 8, 20), lenient).colour == Colour.AMBER
    settings.KESU_STATUS_THRESHOLDS = {"amber_gap": 0.3, "red_gap": 0.5}
    assert thresholds_from_settings() == StatusThresholds(amber_gap=0.3, red_gap=0.5)
    assert thresholds_from_settings({"overdue_red_days": 60}).overdue_red_days == 60
    with pytest.raises(ValueError, match="未知的预警阈值设置：amber"):
        thresholds_from_settings({"amber": 0.1})
    with pytest.raises(ValueError, match="预警阈值无效"):
        StatusThresholds(amber_gap=0.5, red_gap=0.2)


def test_completion_for_year_divides_progress_by_time():
    # 550 of 1000 reached by the end of 2024, when 1461 of 1826 days (80.05 %) had passed.
    target = TargetInput("高素质农民培训", 1000, "名", ">=", "", 2025, (
        FigureInput(FIRST_HALF.start, FIRST_HALF.end, 400, 1), FigureInput(SECOND_HALF.start, SECOND_HALF.end, 550, 1),
    ))
    assert completion_for_year(task([target]), 2024, D(2025, 2, 1)) == pytest.approx(0.55 / (1461 / 1826))
    assert completion_for_year(task([target]), 2024, D(2024, 3, 1)) is None


figure_values = st.lists(st.floats(min_value=0, max_value=1500, allow_nan=False), min_size=1, max_size=4)


@settings(max_examples=200, deadline=None)
@given(
    cumulative=figure_values,
    yearly=figure_values,
    extra=st.floats(min_value=0, max_value=800, allow_nan=False),
    which=st.integers(min_value=0, max_value=7),
    today=st.dates(min_value=D(2024, 1, 1), max_value=D(2026, 6, 30)),
    report_status=st.sampled_from([None, "draft", "submitted", "returned", "accepted"]),
)
def test_more_progress_never_worsens_the_colour(cumulative, yearly, extra, which, today, report_status):
    def build(cumulative_values, yearly_values):
        periods = [FIRST_HALF, SECOND_HALF]
        def figures(values):
            return tuple(FigureInput(periods[i % 2].start, periods[i % 2].end, v, i // 2) for i, v in enumerate(values))
        return task(
            [TargetInput("累计", 1000, "名", ">=", "", 2025, figures(cumulative_values)),
             TargetInput("每年", 200, "人次", ">=", "每年", None, figures(yearly_values))],
            [Obligation(1, "市科协", FIRST_HALF, report_status, D(2024, 7, 20))],
        )

    before = compute_task_status(build(cumulative, yearly), today)
    more_cumulative, more_yearly = list(cumulative), list(yearly)
    if which % 2:
        more_cumulative[which % len(cumulative)] += extra
    else:
        more_yearly[which % len(yearly)] += extra
    after = compute_task_status(build(more_cumulative, more_yearly), today)
    assert after.colour <= before.colour
    assert (after.progress or 0) >= (before.progress or 0) - 1e-9
