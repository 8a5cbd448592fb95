"""kesu.plans.attainment: the one rule for target kind, amount reached, progress, projection and
expected share, with the identities that tie the kinds together and the issue's worked example."""

from __future__ import annotations

import datetime
import itertools

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kesu.plans.attainment import (
    Basis,
    Figure,
    Kind,
    Target,
    Verdict,
    amount_reached,
    expected_share,
    fit_line,
    gap,
    is_ceiling,
    is_met,
    is_rate_unit,
    periods_per_year,
    progress,
    project,
    series,
    target_kind,
)
from kesu.plans.targets import extract_targets

D = datetime.date
PER_YEAR, TO_DATE = Basis.PER_YEAR, Basis.TO_DATE
BASES = (PER_YEAR, TO_DATE)

# --- kind ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("comparator", "period", "unit", "text", "kind"), [
    (">=", "每年", "人次", "每年培训科技辅导员200人次以上", Kind.YEARLY),
    (">=", "每年度", "场", "", Kind.YEARLY),
    (">=", "年均", "人次", "", Kind.YEARLY),
    (">=", "年度", "人次", "", Kind.YEARLY),  # the task page used to read this one as cumulative
    (">=", "年", "人次", "", Kind.YEARLY),
    (">=", "annually", "times", "", Kind.YEARLY),
    (">=", "", "人次/年", "", Kind.YEARLY),
    (">=", "每季度", "次", "每季度开展1次", Kind.YEARLY),
    (">=", "2025年度", "人次", "", Kind.CUMULATIVE),  # a year before 年度: a deadline, not a rate per year
    (">=", "“十四五”期间", "名", "“十四五”期间培训高素质农民1000名", Kind.CUMULATIVE),
    (">=", "到2025年", "人次", "累计参与学生达到3万人次", Kind.CUMULATIVE),
    (">=", "", "个", "新增省级科普教育基地2个以上", Kind.CUMULATIVE),
    (">=", "", "个", "新建成科普活动站3个", Kind.CUMULATIVE),  # 新建 before 建成: the explicit word wins
    (">=", "", "%", "公民具备科学素质的比例达到15%", Kind.LEVEL),
    (">=", "累计", "%", "", Kind.LEVEL),  # a rate is never a sum, whatever the period says
    (">=", "", "个百分点", "提高3个百分点", Kind.LEVEL),
    (">=", "", "人/万人", "", Kind.LEVEL),
    (">=", "", "个", "社区科普活动室覆盖率", Kind.LEVEL),
    (">=", "", "个", "建成1个科普活动站", Kind.LEVEL),
    (">=", "", "册", "人均拥有科普图书2册", Kind.LEVEL),
    ("=", "", "名", "培训科技辅导员300名", Kind.CUMULATIVE),
    ("<=", "", "%", "控制在5%以内", Kind.CEILING),
    ("<", "", "%", "", Kind.CEILING),  # indicators/targets.py did not treat < as a ceiling
    ("≤", "", "%", "", Kind.CEILING),  # nor did the task page
    ("不超过", "", "个", "", Kind.CEILING),
    ("低于", "", "%", "", Kind.CEILING),
    ("<=", "每年", "%", "每年新增不超过5%", Kind.CEILING),  # ceiling before period
])
def test_kind_rules(comparator, period, unit, text, kind):
    assert target_kind(comparator, period, unit, text=text) == kind


def test_floor_words_are_not_ceilings():
    for comparator in (">=", ">", "=", "~", "不低于", "不少于", "至少", "", "达到"):
        assert not is_ceiling(comparator), comparator
    for comparator in ("<", "<=", "≤", "＜", "不超过", "不高于", "低于", "少于", "以内", "控制在"):
        assert is_ceiling(comparator), comparator


def test_the_office_override_wins_over_every_rule():
    assert target_kind("<=", "每年", "%", override=Kind.CUMULATIVE) == Kind.CUMULATIVE
    assert target_kind(">=", "每年", "人次", override="level") == Kind.LEVEL  # as stored in a CharField
    assert target_kind(">=", "每年", "人次", override="") == Kind.YEARLY  # blank: no correction
    with pytest.raises(ValueError):
        target_kind(">=", "", "", override="monthly")


def test_rate_units_and_sub_year_periods():
    assert is_rate_unit("%") and is_rate_unit(" ％ ") and is_rate_unit("‰") and is_rate_unit("册/人")
    assert not is_rate_unit("人次/年") and not is_rate_unit("名") and not is_rate_unit("")
    assert [periods_per_year(p) for p in ("每年", "每季度", "每月", "每学期", "")] == [1, 4, 12, 2, 1]


def test_classify_reads_a_plan_target():
    quarterly = Target.classify(1, ">=", "每季度", "次", text="每季度开展1次")
    assert quarterly.kind == Kind.YEARLY and quarterly.goal == 4 and quarterly.value == 1
    per_capita = Target.classify(2, ">=", "", "册", text="人均拥有科普图书2册")
    assert per_capita.kind == Kind.LEVEL and not per_capita.adds_up  # a ratio, despite its count unit
    assert Target.classify(1000, ">=", "", "名").adds_up
    assert not Target(15, Kind.LEVEL, "%").adds_up
    assert Target(15, "ceiling").kind is Kind.CEILING and Target(15, "ceiling").lower_is_better
    # A cumulative goal is not multiplied by a per-period count: only yearly targets are judged per year.
    assert Target(10, Kind.CUMULATIVE, periods_per_year=4).goal == 10


def test_kinds_of_targets_read_by_the_plan_parser():
    text = (
        "每年开展青少年科技教育活动不少于100场次。“十四五”期间累计培训高素质农民1500名以上。"
        "到2025年，公民具备科学素质的比例达到15%。各村建成1个科普活动站。"
        "科普场馆安全事故发生率控制在1%以内。"
    )
    kinds = [target_kind(t.comparator, t.period or "", t.unit, text=t.text) for t in extract_targets(text, 2021)]
    assert kinds == [Kind.YEARLY, Kind.CUMULATIVE, Kind.LEVEL, Kind.LEVEL, Kind.CEILING]


# --- amount reached --------------------------------------------------------------------------------


def test_each_kind_reads_its_own_amount():
    figures = [Figure(2021, 100), Figure(2022, 200), Figure(2023, 120)]
    assert amount_reached(Target(150, Kind.YEARLY), figures, 2022, basis=PER_YEAR) == 200
    assert amount_reached(Target(150, Kind.CUMULATIVE), figures, 2022, basis=PER_YEAR) == 300
    assert amount_reached(Target(150, Kind.CUMULATIVE), figures, 2022, basis=TO_DATE) == 200
    assert amount_reached(Target(150, Kind.LEVEL), figures, 2022, basis=PER_YEAR) == 200
    assert amount_reached(Target(150, Kind.CEILING), figures, 2023, basis=PER_YEAR) == 120
    assert amount_reached(Target(150, Kind.CUMULATIVE), figures, basis=PER_YEAR) == 420  # default: latest year


def test_no_figure_is_no_amount_not_zero():
    assert amount_reached(Target(1, Kind.LEVEL), [], basis=PER_YEAR) is None
    assert amount_reached(Target(1, Kind.LEVEL), [Figure(2024, 5)], 2023, basis=PER_YEAR) is None
    # A yearly target has nothing for a year without its own figure; a level carries the last one.
    figures = [Figure(2022, 5)]
    assert amount_reached(Target(1, Kind.YEARLY), figures, 2023, basis=PER_YEAR) is None
    assert amount_reached(Target(1, Kind.LEVEL), figures, 2023, basis=PER_YEAR) == 5


def test_units_add_up_and_only_each_units_latest_report_counts():
    # The status rule's own example: unit 1 reported 300 then 500, unit 2 reported 200.
    figures = [
        Figure(2024, 300, 1, D(2024, 6, 30)), Figure(2024, 500, 1, D(2024, 12, 31)), Figure(2024, 200, 2, D(2024, 6, 30)),
    ]
    assert amount_reached(Target(1000), figures, basis=TO_DATE) == 700
    assert amount_reached(Target(200, Kind.YEARLY), figures, 2024, basis=TO_DATE) == 700
    assert amount_reached(Target(200, Kind.LEVEL, "个"), figures, basis=TO_DATE) == 700


def test_rates_are_not_added_the_best_of_the_latest_period_counts():
    figures = [
        Figure(2024, 60, 1, D(2024, 6, 30)), Figure(2024, 66, 2, D(2024, 6, 30)), Figure(2023, 95, 3),
    ]
    assert amount_reached(Target(90, Kind.LEVEL, "%"), figures, basis=TO_DATE) == 66
    assert amount_reached(Target(5, Kind.CEILING, "%"), figures, basis=TO_DATE) == 60
    # The later period wins over a better earlier one.
    later = [*figures, Figure(2024, 61, 1, D(2024, 12, 31))]
    assert amount_reached(Target(90, Kind.LEVEL, "%"), later, basis=TO_DATE) == 61


def test_a_later_figure_of_the_same_year_replaces_the_earlier_one():
    figures = [Figure(2021, 100), Figure(2022, 50, as_of=D(2022, 6, 30)), Figure(2022, 80, as_of=D(2022, 12, 31))]
    assert amount_reached(Target(1), figures, 2022, basis=PER_YEAR) == 180  # corrected, not 230
    assert amount_reached(Target(1), figures, 2022, basis=TO_DATE) == 80


def test_figures_after_the_year_asked_do_not_count():
    figures = [Figure(2021, 1), Figure(2022, 2), Figure(2023, 4)]
    assert amount_reached(Target(1), figures, 2022, basis=PER_YEAR) == 3
    assert series(Target(1), figures, basis=PER_YEAR, until=2022) == ((2021, 1), (2022, 3))


@pytest.mark.parametrize("basis", BASES)
def test_yearly_of_a_single_year_is_cumulative_of_that_year(basis):
    figures = [Figure(2023, 40, "a", D(2023, 6, 30)), Figure(2023, 70, "a"), Figure(2023, 25, "b")]
    yearly = amount_reached(Target(100, Kind.YEARLY), figures, 2023, basis=basis)
    cumulative = amount_reached(Target(100, Kind.CUMULATIVE), figures, 2023, basis=basis)
    assert yearly == cumulative == 95


def test_level_of_a_monotone_series_is_its_last_figure():
    figures = [Figure(2021, 10), Figure(2022, 14), Figure(2023, 20)]
    level = amount_reached(Target(25, Kind.LEVEL, "个"), figures, basis=PER_YEAR)
    assert level == 20
    assert level != 10 + 14 + 20  # not the cumulative sum
    assert level != 20 - 14  # and not the last increment either


values = st.floats(min_value=0, max_value=1e6, allow_nan=False)
increments = st.lists(values, min_size=1, max_size=8)


@settings(max_examples=150, deadline=None)
@given(increments=increments, units=st.integers(min_value=1, max_value=3))
def test_per_year_amounts_and_to_date_totals_say_the_same(increments, units):
    """A source's per-year amounts summed are its to-date totals: both bases give one cumulative."""
    per_year, to_date = [], []
    for unit in range(units):
        running = 0.0
        for i, amount in enumerate(increments):
            running += amount * (unit + 1)
            per_year.append(Figure(2021 + i, amount * (unit + 1), unit))
            to_date.append(Figure(2021 + i, running, unit))
    target = Target(1, Kind.CUMULATIVE)
    for year in range(2021, 2021 + len(increments)):
        assert amount_reached(target, per_year, year, basis=PER_YEAR) == pytest.approx(
            amount_reached(target, to_date, year, basis=TO_DATE))


figure_lists = st.lists(
    st.builds(Figure, year=st.integers(2021, 2026), value=values, source=st.sampled_from([None, 1, 2]),
              as_of=st.none() | st.dates(D(2021, 1, 1), D(2026, 12, 31))),
    max_size=10,
)


@settings(max_examples=150, deadline=None)
@given(figures=figure_lists, kind=st.sampled_from(list(Kind)), unit=st.sampled_from(["人次", "%"]),
       basis=st.sampled_from(BASES), seed=st.randoms())
def test_the_amount_does_not_depend_on_the_order_figures_come_in(figures, kind, unit, basis, seed):
    target = Target(100, kind, unit)
    shuffled = list(figures)
    seed.shuffle(shuffled)
    for year in (None, 2023, 2026):
        assert amount_reached(target, shuffled, year, basis=basis) == amount_reached(target, figures, year, basis=basis)


# --- progress --------------------------------------------------------------------------------------


def test_progress_and_gap():
    reach = Target(200)
    assert progress(reach, 150) == 0.75 and progress(reach, 300) == 1.5  # not capped
    assert progress(reach, -20) == 0 and progress(reach, None) is None
    assert gap(reach, 150) == 50 and gap(reach, 250) == -50
    ceiling = Target(10, Kind.CEILING, "%")
    assert progress(ceiling, 4) == 1 and progress(ceiling, 10) == 1 and progress(ceiling, 20) == 0.5
    assert gap(ceiling, 12) == 2 and gap(ceiling, 4) == -6
    assert progress(Target(0), 0) == 1 and progress(Target(0), -1) == 0
    assert progress(Target(0, Kind.CEILING), 0) == 1 and progress(Target(0, Kind.CEILING), 3) == 0
    quarterly = Target(1, Kind.YEARLY, periods_per_year=4)
    assert progress(quarterly, 2) == 0.5 and not is_met(quarterly, 3) and is_met(quarterly, 4)


def test_boundaries_are_met():
    assert is_met(Target(15, Kind.LEVEL), 15) and not is_met(Target(15, Kind.LEVEL), 14.99)
    assert is_met(Target(5, Kind.CEILING), 5) and not is_met(Target(5, Kind.CEILING), 5.01)
    assert is_met(Target(5), None) is None


goals = st.floats(min_value=-100, max_value=1e6, allow_nan=False)
amounts = st.floats(min_value=-1e6, max_value=1e7, allow_nan=False)


@settings(max_examples=300, deadline=None)
@given(goal=goals, a=amounts, b=amounts, kind=st.sampled_from([Kind.YEARLY, Kind.CUMULATIVE, Kind.LEVEL]))
def test_progress_rises_with_the_amount_for_at_least_targets(goal, a, b, kind):
    low, high = sorted((a, b))
    target = Target(goal, kind)
    assert progress(target, low) <= progress(target, high)
    assert progress(target, high) >= 0
    if is_met(target, high):
        assert progress(target, high) >= 1


@settings(max_examples=300, deadline=None)
@given(goal=goals, a=amounts, b=amounts)
def test_progress_falls_with_the_amount_for_ceilings(goal, a, b):
    low, high = sorted((a, b))
    target = Target(goal, Kind.CEILING)
    assert progress(target, low) >= progress(target, high)
    assert 0 <= progress(target, high) <= 1
    if is_met(target, low):
        assert progress(target, low) == 1


# --- projection ------------------------------------------------------------------------------------

WORKED = [Figure(2021, 100), Figure(2022, 200), Figure(2023, 120)]


def test_the_worked_example_from_the_issue():
    target = Target(150, Kind.LEVEL, deadline_year=2025)
    result = project(target, WORKED, basis=PER_YEAR)
    assert result.line.slope == pytest.approx(10)
    assert result.line.at(2022) == pytest.approx(140)
    assert result.value == pytest.approx(170)
    assert result.verdict == Verdict.ON_TRACK and result.verdict.label == "预计可完成"
    assert result.current == (2023, 120)
    # The annual report's old first-and-last line said 140 and “off track” on the same data.
    first_last = 120 + (120 - 100) / (2023 - 2021) * (2025 - 2023)
    assert first_last == 140 and not is_met(target, first_last)


def test_cumulative_targets_project_the_running_total_yearly_ones_the_year():
    figures = [Figure(2021, 100), Figure(2022, 100), Figure(2023, 100)]
    cumulative = project(Target(450, Kind.CUMULATIVE, deadline_year=2025), figures, basis=PER_YEAR)
    assert cumulative.points == ((2021, 100), (2022, 200), (2023, 300))
    assert cumulative.value == pytest.approx(500) and cumulative.verdict == Verdict.ON_TRACK
    yearly = project(Target(120, Kind.YEARLY, deadline_year=2025), figures, basis=PER_YEAR)
    assert yearly.value == pytest.approx(100) and yearly.verdict == Verdict.OFF_TRACK
    # Reports (to-date totals) give the cumulative the same points.
    reports = [Figure(2021, 100), Figure(2022, 200), Figure(2023, 300)]
    assert project(Target(450, deadline_year=2025), reports, basis=TO_DATE).points == cumulative.points


def test_verdicts():
    level = Target(150, Kind.LEVEL, deadline_year=2025)
    assert project(level, [], basis=PER_YEAR).verdict == Verdict.UNKNOWN
    assert project(level, [Figure(2023, 120)], basis=PER_YEAR).verdict == Verdict.UNKNOWN
    assert project(level, [Figure(2023, 160)], basis=PER_YEAR).verdict == Verdict.MET
    assert project(level, [*WORKED, Figure(2024, 150)], basis=PER_YEAR).verdict == Verdict.MET
    # At the deadline the figure itself decides, not the line.
    assert project(level, [Figure(2024, 100), Figure(2025, 140)], basis=PER_YEAR).verdict == Verdict.OFF_TRACK
    falling = project(level, [Figure(2022, 140), Figure(2023, 120)], basis=PER_YEAR)
    assert falling.value == pytest.approx(80) and falling.verdict == Verdict.OFF_TRACK
    ceiling = Target(15, Kind.CEILING, "%", deadline_year=2025)
    assert project(ceiling, [Figure(2022, 30), Figure(2023, 20)], basis=PER_YEAR).verdict == Verdict.ON_TRACK
    assert project(ceiling, [Figure(2022, 20), Figure(2023, 25)], basis=PER_YEAR).verdict == Verdict.OFF_TRACK


def test_only_counts_are_floored():
    falling = [Figure(2021, 30), Figure(2022, 20), Figure(2023, 10)]
    count = project(Target(5, Kind.CEILING, "起", deadline_year=2026), falling, basis=PER_YEAR)
    assert count.value == 0 and count.line.at(2026) == pytest.approx(-20)
    rate = project(Target(5, Kind.CEILING, "个百分点", deadline_year=2026), falling, basis=PER_YEAR)
    assert rate.value == pytest.approx(-20)
    # No ceiling at 100 % either (the literacy page clamped to [0, 1]).
    share = project(Target(0.5, Kind.LEVEL, "%", deadline_year=2030),
                    [Figure(2020, 0.6), Figure(2025, 0.9)], basis=PER_YEAR)
    assert share.value == pytest.approx(1.2)


def test_projection_year_and_cut_off():
    result = project(Target(150, Kind.LEVEL), WORKED, basis=PER_YEAR, year=2024, until=2022)
    assert result.year == 2024 and result.points == ((2021, 100), (2022, 200))
    assert result.value == pytest.approx(400) and result.verdict == Verdict.MET
    with pytest.raises(ValueError):
        project(Target(150, Kind.LEVEL), WORKED, basis=PER_YEAR)


def test_a_line_needs_two_distinct_years():
    assert fit_line([]) is None and fit_line([(2023, 1.0)]) is None and fit_line([(2023, 1.0), (2023, 2.0)]) is None
    assert fit_line([(2022, 1.0), (2023, 3.0)]).at(2025) == pytest.approx(7)


years = st.lists(st.integers(2000, 2040), min_size=2, max_size=8, unique=True)


@settings(max_examples=200, deadline=None)
@given(years=years, intercept=st.floats(-1e4, 1e4), slope=st.floats(-1e3, 1e3), deadline=st.integers(2000, 2060))
def test_an_exactly_linear_series_is_its_own_projection(years, intercept, slope, deadline):
    figures = [Figure(y, intercept + slope * (y - 2000)) for y in years]
    result = project(Target(0, Kind.LEVEL, "%", deadline_year=deadline), figures, basis=PER_YEAR)
    expected = intercept + slope * (deadline - 2000)
    assert result.line.slope == pytest.approx(slope, abs=1e-6)
    assert result.value == pytest.approx(expected, rel=1e-9, abs=1e-5)


@settings(max_examples=200, deadline=None)
@given(points=st.lists(st.tuples(st.integers(2000, 2040), st.floats(-1e6, 1e6)), min_size=2, max_size=8,
                       unique_by=lambda p: p[0]), seed=st.randoms())
def test_the_projection_does_not_depend_on_the_order_points_come_in(points, seed):
    shuffled = list(points)
    seed.shuffle(shuffled)
    target = Target(0, Kind.LEVEL, "%", deadline_year=2045)
    one = project(target, [Figure(y, v) for y, v in points], basis=PER_YEAR)
    other = project(target, [Figure(y, v) for y, v in shuffled], basis=PER_YEAR)
    assert one == other
    assert fit_line(points) == fit_line(shuffled)


@settings(max_examples=100, deadline=None)
@given(points=st.lists(st.tuples(st.integers(2015, 2030), st.floats(-1e3, 1e3)), min_size=2, max_size=8,
                       unique_by=lambda p: p[0]))
def test_the_line_is_the_least_squares_one(points):
    line = fit_line(points)
    if line is None:
        return
    def sse(slope, level):
        return sum((y - (level + slope * (x - line.mean_year))) ** 2 for x, y in points)
    best = sse(line.slope, line.mean_value)
    for d_slope, d_level in itertools.product((-0.01, 0.01), repeat=2):
        assert best <= sse(line.slope + d_slope, line.mean_value + d_level) + 1e-6


# --- expected share --------------------------------------------------------------------------------


def test_expected_share_over_the_plan_and_within_a_year():
    # 2021-01-01 … 2025-12-31 is 1826 days; by the end of 2024-H1, 1277 of them have passed.
    assert expected_share(2021, 2025, D(2024, 6, 30)) == pytest.approx(1277 / 1826)
    assert expected_share(2021, 2025, D(2024, 12, 31)) == pytest.approx(1461 / 1826)
    assert expected_share(2024, 2024, D(2024, 6, 30)) == pytest.approx(182 / 366)
    assert expected_share(2024, 2024, D(2023, 12, 31)) == 0
    assert expected_share(2024, 2024, D(2024, 1, 1)) == pytest.approx(1 / 366)
    assert expected_share(2024, 2024, D(2024, 12, 30)) == pytest.approx(365 / 366)
    assert expected_share(2024, 2024, D(2024, 12, 31)) == 1
    assert expected_share(2025, 2021, D(2024, 6, 30)) in (0, 1)  # a deadline before the start: no crash


@given(a=st.dates(D(2019, 1, 1), D(2027, 12, 31)), b=st.dates(D(2019, 1, 1), D(2027, 12, 31)))
def test_expected_share_grows_with_time(a, b):
    low, high = sorted((a, b))
    assert 0 <= expected_share(2021, 2025, low) <= expected_share(2021, 2025, high) <= 1
