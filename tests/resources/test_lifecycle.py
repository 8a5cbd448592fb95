"""The recognition lifecycle of 科普教育基地 (kesu.resources.lifecycle): 申报 → 初审 → 评审 → 认定 with
per-criterion scores, 年报, 复核 and upgrades; every step out of order refused with a message that
names the state, the permission rules of each step, and the audit trail every transition leaves."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied

from kesu.audit.models import AuditAction, AuditEntry
from kesu.resources import lifecycle, permissions, selectors
from kesu.resources.lifecycle import DEFAULT_CRITERIA, LifecycleError
from kesu.resources.models import (
    ApplicationStatus,
    BaseAnnualReport,
    BaseApplication,
    BaseLevel,
    BaseStatus,
    LevelPolicy,
    ReExamination,
    ReviewAssignment,
    ReviewScore,
)

pytestmark = pytest.mark.django_db

YEAR = 2024


def criteria_of(application):
    return lifecycle.policy_for(application.base.region, application.level).criteria


def marks(application, share: float = 0.8) -> dict[int, float]:
    """A score sheet giving every criterion `share` of its maximum."""
    return {c.pk: c.max_score * share for c in criteria_of(application)}


def assignment_of(application, expert) -> ReviewAssignment:
    return ReviewAssignment.objects.get(application=application, expert=expert)


def score_all(application, experts, share: float = 0.8) -> None:
    for expert in experts:
        lifecycle.submit_scores(actor=expert.user, assignment=assignment_of(application, expert),
                                scores=marks(application, share))


def recognised(base, level, *, office, screener=None, experts, year=YEAR, plaque="WH-2024-001", applicant=None):
    """Take `base` through the whole path at `level`; `office` recognises, `screener` (default
    `office`) screens, `applicant` (default `screener`) applies."""
    screener = screener or office
    application = lifecycle.apply(actor=applicant or screener, base=base, level=level, year=year)
    lifecycle.screen(actor=screener, application=application, passed=True)
    lifecycle.assign_panel(actor=office, application=application, experts=experts)
    score_all(application, experts)
    return lifecycle.recognise(actor=office, application=application, plaque_number=plaque)


# --- the whole path ---------------------------------------------------------------------------


def test_apply_screen_review_recognise_with_default_criteria(make_base, reporter, county_office, expert,
                                                             other_expert, county):
    base = make_base()
    application = lifecycle.apply(actor=reporter, base=base, level=BaseLevel.COUNTY, year=YEAR)
    assert application.status == ApplicationStatus.APPLIED and application.applied_by == reporter

    lifecycle.screen(actor=county_office, application=application, passed=True, comment=" 材料齐全 ")
    application.refresh_from_db()
    assert application.status == ApplicationStatus.SCREENED and application.screening_comment == "材料齐全"

    made = lifecycle.assign_panel(actor=county_office, application=application, experts=[expert, other_expert])
    assert {a.expert for a in made} == {expert, other_expert}
    application.refresh_from_db()
    assert application.status == ApplicationStatus.UNDER_REVIEW
    # No office up the tree has its own rules: the defaults are stored under the recognising office.
    criteria = criteria_of(application)
    assert [(c.name, c.max_score) for c in criteria] == [(n, float(m)) for n, m in DEFAULT_CRITERIA]
    assert {c.policy.region for c in criteria} == {county}
    # A later call adds members without repeating those already on the panel.
    assert lifecycle.assign_panel(actor=county_office, application=application, experts=[expert]) == []

    with pytest.raises(LifecycleError, match="尚未提交评分：张教授、李研究员"):
        lifecycle.recognise(actor=county_office, application=application, plaque_number="RS-001")
    lifecycle.submit_scores(actor=expert.user, assignment=assignment_of(application, expert),
                            scores=marks(application, 0.9), comment="展教资源丰富")
    assert lifecycle.panel_score(application) is None  # one member still to score
    with pytest.raises(LifecycleError, match="尚未提交评分：李研究员"):
        lifecycle.recognise(actor=county_office, application=application, plaque_number="RS-001")
    lifecycle.submit_scores(actor=other_expert.user, assignment=assignment_of(application, other_expert),
                            scores=marks(application, 0.7))
    assert lifecycle.panel_score(application) == pytest.approx(80)
    assert ReviewScore.objects.filter(assignment__application=application).count() == 2 * len(DEFAULT_CRITERIA)

    with pytest.raises(LifecycleError, match="牌匾编号"):
        lifecycle.recognise(actor=county_office, application=application, plaque_number="  ")
    lifecycle.recognise(actor=county_office, application=application, plaque_number=" RS-001 ", comment="同意")
    application.refresh_from_db()
    base.refresh_from_db()
    assert application.status == ApplicationStatus.RECOGNISED and application.decided_by == county_office
    assert (base.status, base.level, base.recognised_year, base.plaque_number) == (
        BaseStatus.RECOGNISED, BaseLevel.COUNTY, YEAR, "RS-001")
    assert (base.valid_until, base.next_re_examination_year) == (
        YEAR + lifecycle.DEFAULT_VALIDITY_YEARS, YEAR + lifecycle.DEFAULT_RE_EXAMINATION_YEARS)


def test_return_and_resubmit(make_base, reporter, county_office):
    application = lifecycle.apply(actor=reporter, base=make_base(), level=BaseLevel.COUNTY, year=YEAR)
    with pytest.raises(LifecycleError, match="退回理由"):
        lifecycle.screen(actor=county_office, application=application, passed=False)
    lifecycle.screen(actor=county_office, application=application, passed=False, comment="缺少场地照片")
    application.refresh_from_db()
    assert application.status == ApplicationStatus.RETURNED and application.screening_comment == "缺少场地照片"
    with pytest.raises(LifecycleError, match="“初审退回”，不能初审"):
        lifecycle.screen(actor=county_office, application=application, passed=True)
    lifecycle.resubmit(actor=reporter, application=application)
    application.refresh_from_db()
    assert application.status == ApplicationStatus.APPLIED
    with pytest.raises(LifecycleError, match="“已申报”，不能重新提交"):
        lifecycle.resubmit(actor=reporter, application=application)


def test_scores_per_criterion_of_the_level_policy(make_base, city_office, county_office, expert, city, county):
    lifecycle.set_policy(actor=city_office, region=city, level=BaseLevel.CITY, validity_years=4,
                         re_examination_years=2, pass_score=70,
                         criteria=[("展教资源", 40), ("活动开展", 35), ("社会效益", 25)])
    policy = lifecycle.policy_for(county, BaseLevel.CITY)
    assert (policy.validity_years, policy.re_examination_years, policy.pass_score) == (4, 2, 70)
    assert [c.name for c in policy.criteria] == ["展教资源", "活动开展", "社会效益"]
    # Another level keeps the defaults.
    assert lifecycle.policy_for(county, BaseLevel.COUNTY).stored is None

    application = lifecycle.apply(actor=county_office, base=make_base(), level=BaseLevel.CITY, year=YEAR)
    lifecycle.screen(actor=county_office, application=application, passed=True)
    lifecycle.assign_panel(actor=city_office, application=application, experts=[expert])
    assignment = assignment_of(application, expert)
    by_name = {c.name: c for c in criteria_of(application)}
    with pytest.raises(LifecycleError, match="未评分：社会效益"):
        lifecycle.submit_scores(actor=expert.user, assignment=assignment,
                                scores={by_name["展教资源"].pk: 30, by_name["活动开展"].pk: 30})
    with pytest.raises(LifecycleError, match="“展教资源”得分应在0到40之间（填写了41）"):
        lifecycle.submit_scores(actor=expert.user, assignment=assignment,
                                scores={by_name["展教资源"].pk: 41, by_name["活动开展"].pk: 30,
                                        by_name["社会效益"].pk: 20})
    lifecycle.submit_scores(actor=expert.user, assignment=assignment,
                            scores={by_name["展教资源"].pk: 36, by_name["活动开展"].pk: 30, by_name["社会效益"].pk: 20})
    assert lifecycle.panel_score(application) == pytest.approx(86)
    # The office may re-enter a paper score sheet; the expert's scores are replaced, not added.
    lifecycle.submit_scores(actor=city_office, assignment=assignment,
                            scores={by_name["展教资源"].pk: 30, by_name["活动开展"].pk: 30, by_name["社会效益"].pk: 20})
    assert lifecycle.panel_score(application) == pytest.approx(80)
    assert ReviewScore.objects.filter(assignment=assignment).count() == 3


def test_set_policy_checks(city_office, county_office, city, county):
    with pytest.raises(LifecycleError, match="评审指标不能为空"):
        lifecycle.set_policy(actor=city_office, region=city, level=BaseLevel.CITY, validity_years=5,
                             re_examination_years=3, pass_score=60, criteria=[])
    with pytest.raises(LifecycleError, match="满分应大于0"):
        lifecycle.set_policy(actor=city_office, region=city, level=BaseLevel.CITY, validity_years=5,
                             re_examination_years=3, pass_score=60, criteria=[("展教资源", 0)])
    with pytest.raises(LifecycleError, match="至少为1年"):
        lifecycle.set_policy(actor=city_office, region=city, level=BaseLevel.CITY, validity_years=0,
                             re_examination_years=3, pass_score=60, criteria=[("展教资源", 100)])
    with pytest.raises(LifecycleError, match="通过分数线"):
        lifecycle.set_policy(actor=city_office, region=city, level=BaseLevel.CITY, validity_years=5,
                             re_examination_years=3, pass_score=120, criteria=[("展教资源", 100)])
    # A county office neither sets the city's rules nor its own rules for 市级 recognition.
    with pytest.raises(PermissionDenied):
        lifecycle.set_policy(actor=county_office, region=city, level=BaseLevel.COUNTY, validity_years=5,
                             re_examination_years=3, pass_score=60, criteria=[("展教资源", 100)])
    with pytest.raises(PermissionDenied, match="市级"):
        lifecycle.set_policy(actor=county_office, region=county, level=BaseLevel.CITY, validity_years=9,
                             re_examination_years=9, pass_score=0, criteria=[("展教资源", 100)])
    assert not LevelPolicy.objects.exists()
    # A city office may set the 县级 rules for all its counties.
    lifecycle.set_policy(actor=city_office, region=city, level=BaseLevel.COUNTY, validity_years=6,
                         re_examination_years=2, pass_score=60, criteria=[("展教资源", 100)])
    assert lifecycle.policy_for(county, BaseLevel.COUNTY).validity_years == 6


def test_changing_criteria_in_use_is_refused_but_other_rules_change(make_base, county_office, expert, county):
    base = make_base()
    recognised(base, BaseLevel.COUNTY, office=county_office, experts=[expert])
    in_use = [(n, float(m)) for n, m in DEFAULT_CRITERIA]
    with pytest.raises(LifecycleError, match="已有评审按现行评审指标评分"):
        lifecycle.set_policy(actor=county_office, region=county, level=BaseLevel.COUNTY, validity_years=5,
                             re_examination_years=3, pass_score=60, criteria=[("展教资源", 100)])
    lifecycle.set_policy(actor=county_office, region=county, level=BaseLevel.COUNTY, validity_years=8,
                         re_examination_years=4, pass_score=65, criteria=in_use)
    policy = lifecycle.policy_for(county, BaseLevel.COUNTY)
    assert (policy.validity_years, policy.re_examination_years, policy.pass_score) == (8, 4, 65)
    assert [(c.name, c.max_score) for c in policy.criteria] == in_use


def test_recognition_below_the_pass_score_is_refused(make_base, county_office, expert):
    application = lifecycle.apply(actor=county_office, base=make_base(), level=BaseLevel.COUNTY, year=YEAR)
    lifecycle.screen(actor=county_office, application=application, passed=True)
    lifecycle.assign_panel(actor=county_office, application=application, experts=[expert])
    score_all(application, [expert], share=0.5)
    with pytest.raises(LifecycleError, match=r"平均分50\.0，低于通过分数线60"):
        lifecycle.recognise(actor=county_office, application=application, plaque_number="RS-002")
    with pytest.raises(LifecycleError, match="理由"):
        lifecycle.decline(actor=county_office, application=application, comment="")
    lifecycle.decline(actor=county_office, application=application, comment="专家评审未达到通过分数线")
    application.refresh_from_db()
    assert application.status == ApplicationStatus.DECLINED
    assert application.base.status == BaseStatus.CANDIDATE
    # A declined application is closed: the base may apply again.
    lifecycle.apply(actor=county_office, base=application.base, level=BaseLevel.COUNTY, year=YEAR + 1)


# --- out of order -----------------------------------------------------------------------------


def test_steps_out_of_order_are_refused(make_base, county_office, expert):
    base = make_base()
    application = lifecycle.apply(actor=county_office, base=base, level=BaseLevel.COUNTY, year=YEAR)
    with pytest.raises(LifecycleError, match="已有一份申报正在办理"):
        lifecycle.apply(actor=county_office, base=base, level=BaseLevel.CITY, year=YEAR)
    with pytest.raises(LifecycleError, match="“已申报”，不能安排专家评审"):
        lifecycle.assign_panel(actor=county_office, application=application, experts=[expert])
    with pytest.raises(LifecycleError, match="“已申报”，不能认定"):
        lifecycle.recognise(actor=county_office, application=application, plaque_number="RS-003")
    lifecycle.screen(actor=county_office, application=application, passed=True)
    with pytest.raises(LifecycleError, match="“初审通过”，不能初审"):
        lifecycle.screen(actor=county_office, application=application, passed=True)
    with pytest.raises(LifecycleError, match="“初审通过”，不能认定"):
        lifecycle.recognise(actor=county_office, application=application, plaque_number="RS-003")
    with pytest.raises(LifecycleError, match="至少选择一位评审专家"):
        lifecycle.assign_panel(actor=county_office, application=application, experts=[])
    expert.is_active = False
    expert.save()
    with pytest.raises(LifecycleError, match="不在库"):
        lifecycle.assign_panel(actor=county_office, application=application, experts=[expert])
    expert.is_active = True
    expert.save()
    lifecycle.assign_panel(actor=county_office, application=application, experts=[expert])
    score_all(application, [expert])
    lifecycle.recognise(actor=county_office, application=application, plaque_number="RS-003")
    with pytest.raises(LifecycleError, match="“已认定”，不能评分"):
        lifecycle.submit_scores(actor=expert.user, assignment=assignment_of(application, expert),
                                scores=marks(application))
    with pytest.raises(LifecycleError, match="“已认定”，不能认定"):
        lifecycle.recognise(actor=county_office, application=application, plaque_number="RS-003")
    with pytest.raises(LifecycleError, match="“已认定”，不能作出不予认定决定"):
        lifecycle.decline(actor=county_office, application=application, comment="重复")


def test_upgrade_must_be_to_a_higher_level(make_base, county_office, city_office, expert):
    base = make_base()
    recognised(base, BaseLevel.CITY, office=city_office, screener=county_office, experts=[expert])
    for level in (BaseLevel.CITY, BaseLevel.COUNTY):
        with pytest.raises(LifecycleError, match="已是市级科普教育基地，只能申报更高级别"):
            lifecycle.apply(actor=county_office, base=base, level=level, year=YEAR + 1)
    with pytest.raises(LifecycleError, match="晋级的年度不能早于2024年"):
        lifecycle.apply(actor=county_office, base=base, level=BaseLevel.PROVINCE, year=YEAR - 1)
    assert lifecycle.apply(actor=county_office, base=base, level=BaseLevel.PROVINCE, year=YEAR + 1)


def test_recognised_base_only_files_annual_reports_and_is_re_examined(make_base, county_office):
    base = make_base()
    with pytest.raises(LifecycleError, match="“申报中”，只有已认定的基地填报年报"):
        lifecycle.file_annual_report(actor=county_office, base=base, year=YEAR, visitors=100, activities=2,
                                     open_days=100)
    with pytest.raises(LifecycleError, match="尚未认定，不能复核"):
        lifecycle.re_examine(actor=county_office, base=base, year=YEAR, outcome="passed")
    assert not BaseAnnualReport.objects.exists() and not ReExamination.objects.exists()


# --- permissions ------------------------------------------------------------------------------


def test_recognition_belongs_to_the_office_of_the_level(make_base, county_office, city_office, expert):
    application = lifecycle.apply(actor=county_office, base=make_base(), level=BaseLevel.CITY, year=YEAR)
    lifecycle.screen(actor=county_office, application=application, passed=True)
    with pytest.raises(PermissionDenied, match="市级科普教育基地由市级纲要办"):
        lifecycle.assign_panel(actor=county_office, application=application, experts=[expert])
    lifecycle.assign_panel(actor=city_office, application=application, experts=[expert])
    score_all(application, [expert])
    assert not permissions.can_recognise(county_office, application.base, BaseLevel.CITY)
    with pytest.raises(PermissionDenied, match="市级科普教育基地由市级纲要办"):
        lifecycle.recognise(actor=county_office, application=application, plaque_number="WH-001")
    with pytest.raises(PermissionDenied):
        lifecycle.decline(actor=county_office, application=application, comment="不同意")
    lifecycle.recognise(actor=city_office, application=application, plaque_number="WH-001")
    base = application.base
    base.refresh_from_db()
    assert base.level == BaseLevel.CITY
    # 复核 is the recognising office's too.
    with pytest.raises(PermissionDenied):
        lifecycle.re_examine(actor=county_office, base=base, year=YEAR + 1, outcome="passed")
    lifecycle.re_examine(actor=city_office, base=base, year=YEAR + 1, outcome="passed")


def test_expert_scores_only_own_assignments(make_base, county_office, expert, other_expert):
    application = lifecycle.apply(actor=county_office, base=make_base(), level=BaseLevel.COUNTY, year=YEAR)
    lifecycle.screen(actor=county_office, application=application, passed=True)
    lifecycle.assign_panel(actor=county_office, application=application, experts=[other_expert])
    with pytest.raises(PermissionDenied, match="分配给本人"):
        lifecycle.submit_scores(actor=expert.user, assignment=assignment_of(application, other_expert),
                                scores=marks(application))
    assert not ReviewScore.objects.exists()
    # What an expert sees: their own assignments and the applications behind them, nothing else.
    assert not permissions.visible_applications(expert.user).exists()
    assert list(permissions.visible_applications(other_expert.user)) == [application]
    assert list(selectors.assignments_for(other_expert.user)) == [assignment_of(application, other_expert)]
    assert not selectors.assignments_for(expert.user).exists()
    assert not permissions.visible_bases(expert.user).exists()


def test_unit_reporter_applies_only_for_its_own_unit(make_base, reporter, other_reporter, county_office):
    base = make_base()
    with pytest.raises(PermissionDenied, match="只能为本单位申报"):
        lifecycle.apply(actor=other_reporter, base=base, level=BaseLevel.COUNTY, year=YEAR)
    application = lifecycle.apply(actor=reporter, base=base, level=BaseLevel.COUNTY, year=YEAR)
    lifecycle.screen(actor=county_office, application=application, passed=False, comment="补充材料")
    with pytest.raises(PermissionDenied):
        lifecycle.resubmit(actor=other_reporter, application=application)
    with pytest.raises(PermissionDenied):  # a reporter does not screen
        lifecycle.screen(actor=reporter, application=application, passed=True)
    assert list(permissions.visible_bases(reporter)) == [base]
    assert not permissions.visible_bases(other_reporter).exists()


def test_another_countys_office_and_a_leader_are_refused(make_base, county2_office, leader, county_office, expert):
    base = make_base()
    with pytest.raises(PermissionDenied):
        lifecycle.apply(actor=county2_office, base=base, level=BaseLevel.COUNTY, year=YEAR)
    application = lifecycle.apply(actor=county_office, base=base, level=BaseLevel.COUNTY, year=YEAR)
    for actor in (county2_office, leader):
        with pytest.raises(PermissionDenied):
            lifecycle.screen(actor=actor, application=application, passed=True)
    lifecycle.screen(actor=county_office, application=application, passed=True)
    with pytest.raises(PermissionDenied):
        lifecycle.assign_panel(actor=county2_office, application=application, experts=[expert])
    lifecycle.assign_panel(actor=county_office, application=application, experts=[expert])
    with pytest.raises(PermissionDenied):
        lifecycle.submit_scores(actor=county2_office, assignment=assignment_of(application, expert),
                                scores=marks(application))
    score_all(application, [expert])
    with pytest.raises(PermissionDenied):
        lifecycle.recognise(actor=county2_office, application=application, plaque_number="RS-004")
    assert not permissions.visible_applications(county2_office).exists()
    assert list(permissions.visible_applications(leader)) == [application]


# --- a recognised base ------------------------------------------------------------------------


def test_annual_report(make_base, reporter, other_reporter, county_office, expert):
    base = make_base()
    recognised(base, BaseLevel.COUNTY, office=county_office, experts=[expert])
    with pytest.raises(PermissionDenied):
        lifecycle.file_annual_report(actor=other_reporter, base=base, year=YEAR, visitors=1, activities=1,
                                     open_days=1)
    with pytest.raises(LifecycleError, match="2024年认定，不能填报此前年度"):
        lifecycle.file_annual_report(actor=reporter, base=base, year=YEAR - 1, visitors=1, activities=1,
                                     open_days=1)
    with pytest.raises(LifecycleError, match="开放天数应在0到366之间"):
        lifecycle.file_annual_report(actor=reporter, base=base, year=YEAR, visitors=1, activities=1, open_days=367)
    with pytest.raises(LifecycleError, match="接待人次"):
        lifecycle.file_annual_report(actor=reporter, base=base, year=YEAR, visitors=100_000_001, activities=1,
                                     open_days=1)
    with pytest.raises(LifecycleError, match="活动次数"):
        lifecycle.file_annual_report(actor=reporter, base=base, year=YEAR, visitors=1, activities=-1, open_days=1)
    lifecycle.file_annual_report(actor=reporter, base=base, year=YEAR, visitors=52000, activities=36,
                                 open_days=300, summary=" 全年开放 ")
    # Filing the same year again corrects it.
    report = lifecycle.file_annual_report(actor=county_office, base=base, year=YEAR, visitors=53000,
                                          activities=36, open_days=300)
    assert BaseAnnualReport.objects.get() == report
    assert (report.visitors, report.submitted_by) == (53000, county_office)


def test_re_examination_passed_rectify_revoked(make_base, county_office, expert):
    base = make_base()
    recognised(base, BaseLevel.COUNTY, office=county_office, experts=[expert])
    lifecycle.re_examine(actor=county_office, base=base, year=2027, outcome="passed")
    base.refresh_from_db()
    assert (base.status, base.next_re_examination_year, base.valid_until) == (BaseStatus.RECOGNISED, 2030, 2032)

    with pytest.raises(LifecycleError, match="整改期限"):
        lifecycle.re_examine(actor=county_office, base=base, year=2030, outcome="rectify", comment="展品老化")
    with pytest.raises(LifecycleError, match="复核意见"):
        lifecycle.re_examine(actor=county_office, base=base, year=2030, outcome="rectify",
                             rectify_by=datetime.date(2030, 12, 31))
    lifecycle.re_examine(actor=county_office, base=base, year=2030, outcome="rectify", comment="展品老化",
                         rectify_by=datetime.date(2030, 12, 31))
    base.refresh_from_db()
    assert base.status == BaseStatus.RECTIFYING and base.rectify_by == datetime.date(2030, 12, 31)
    assert base.is_standing
    with pytest.raises(LifecycleError, match="已在限期整改中"):
        lifecycle.re_examine(actor=county_office, base=base, year=2030, outcome="rectify", comment="再整改",
                             rectify_by=datetime.date(2031, 6, 30))
    lifecycle.re_examine(actor=county_office, base=base, year=2031, outcome="passed", comment="整改到位")
    base.refresh_from_db()
    assert (base.status, base.rectify_by, base.next_re_examination_year) == (BaseStatus.RECOGNISED, None, 2034)

    lifecycle.re_examine(actor=county_office, base=base, year=2033, outcome="revoked", comment="长期闭馆")
    base.refresh_from_db()
    assert (base.status, base.revoked_year) == (BaseStatus.REVOKED, 2033)
    assert [r.outcome for r in ReExamination.objects.order_by("decided_at", "id")] == [
        "passed", "rectify", "passed", "revoked"]
    with pytest.raises(LifecycleError, match="“已撤销（摘牌）”，不能复核"):
        lifecycle.re_examine(actor=county_office, base=base, year=2034, outcome="passed")
    with pytest.raises(LifecycleError, match="已撤销（摘牌），不能再申报"):
        lifecycle.apply(actor=county_office, base=base, level=BaseLevel.COUNTY, year=2034)
    with pytest.raises(LifecycleError, match="只有已认定的基地填报年报"):
        lifecycle.file_annual_report(actor=county_office, base=base, year=2034, visitors=1, activities=1,
                                     open_days=1)


def test_upgrade_keeps_the_base_and_takes_the_new_levels_policy(make_base, reporter, county_office, city_office,
                                                                expert, city):
    lifecycle.set_policy(actor=city_office, region=city, level=BaseLevel.CITY, validity_years=4,
                         re_examination_years=2, pass_score=60, criteria=[("展教资源", 50), ("活动开展", 50)])
    base = make_base()
    first = recognised(base, BaseLevel.COUNTY, office=county_office, experts=[expert], year=2022,
                       plaque="RS-2022-01", applicant=reporter)
    lifecycle.file_annual_report(actor=reporter, base=base, year=2023, visitors=40000, activities=20, open_days=280)

    upgrade = recognised(base, BaseLevel.CITY, office=city_office, screener=county_office, experts=[expert],
                         year=YEAR, plaque="WH-2024-07", applicant=reporter)
    base.refresh_from_db()
    assert upgrade.base_id == first.base_id == base.pk
    assert (base.level, base.status, base.recognised_year, base.plaque_number) == (
        BaseLevel.CITY, BaseStatus.RECOGNISED, YEAR, "WH-2024-07")
    assert (base.valid_until, base.next_re_examination_year) == (YEAR + 4, YEAR + 2)
    assert base.annual_reports.count() == 1
    assert list(base.applications.order_by("year").values_list("level", "status")) == [
        ("county", "recognised"), ("city", "recognised")]


# --- imports of earlier recognitions ----------------------------------------------------------


def test_record_recognition_keeps_the_latest_standing(make_base, county_office, city_office):
    base = make_base()
    lifecycle.record_recognition(actor=city_office, base=base, level=BaseLevel.CITY, year=2023, plaque_number="W-1")
    # The register also lists the earlier 县级 recognition: history, not a downgrade.
    lifecycle.record_recognition(actor=county_office, base=base, level=BaseLevel.COUNTY, year=2020)
    base.refresh_from_db()
    assert (base.level, base.recognised_year, base.plaque_number) == (BaseLevel.CITY, 2023, "W-1")
    # Re-running the import records nothing twice.
    lifecycle.record_recognition(actor=county_office, base=base, level=BaseLevel.COUNTY, year=2020)
    lifecycle.record_recognition(actor=city_office, base=base, level=BaseLevel.CITY, year=2023)
    assert base.applications.count() == 2 and base.applications.filter(recorded=True).count() == 2


def test_record_recognition_is_the_managing_offices(make_base, county2_office, county_office):
    base = make_base()
    with pytest.raises(PermissionDenied):
        lifecycle.record_recognition(actor=county2_office, base=base, level=BaseLevel.COUNTY, year=2021)
    application = lifecycle.apply(actor=county_office, base=base, level=BaseLevel.COUNTY, year=YEAR)
    with pytest.raises(LifecycleError, match="有一份申报正在办理，不能直接登记认定结果"):
        lifecycle.record_recognition(actor=county_office, base=base, level=BaseLevel.COUNTY, year=2021)
    application.refresh_from_db()
    assert application.status == ApplicationStatus.APPLIED


# --- audit ------------------------------------------------------------------------------------


def history(instance):
    return list(AuditEntry.objects.filter(model=instance._meta.label, object_id=str(instance.pk)).order_by("id"))


def status_moves(instance):
    return [
        ((e.before or {}).get("status"), (e.after or {}).get("status"))
        for e in history(instance) if e.action in (AuditAction.CREATE, AuditAction.UPDATE)
    ]


def test_every_transition_is_in_the_audit_log(make_base, reporter, county_office, expert):
    base = make_base()
    application = lifecycle.apply(actor=reporter, base=base, level=BaseLevel.COUNTY, year=YEAR)
    lifecycle.screen(actor=county_office, application=application, passed=False, comment="补充材料")
    lifecycle.resubmit(actor=reporter, application=application)
    lifecycle.screen(actor=county_office, application=application, passed=True)
    lifecycle.assign_panel(actor=county_office, application=application, experts=[expert])
    score_all(application, [expert])
    lifecycle.recognise(actor=county_office, application=application, plaque_number="RS-009")
    lifecycle.file_annual_report(actor=reporter, base=base, year=YEAR, visitors=10, activities=1, open_days=10)
    lifecycle.re_examine(actor=county_office, base=base, year=2027, outcome="rectify", comment="整改",
                         rectify_by=datetime.date(2027, 12, 31))
    lifecycle.re_examine(actor=county_office, base=base, year=2028, outcome="revoked", comment="未整改")

    assert status_moves(application) == [
        (None, "applied"), ("applied", "returned"), ("returned", "applied"), ("applied", "screened"),
        ("screened", "under_review"), ("under_review", "recognised"),
    ]
    entries = history(application)
    assert [e.actor for e in entries] == [reporter, county_office, reporter, county_office, county_office,
                                          county_office]
    assert entries[-1].after["plaque_number"] == "RS-009" and entries[-1].before["plaque_number"] == ""
    assert status_moves(base)[1:] == [
        ("candidate", "recognised"), ("recognised", "rectifying"), ("rectifying", "revoked")]
    assert history(base)[-1].before["revoked_year"] is None and history(base)[-1].after["revoked_year"] == 2028

    assignment = assignment_of(application, expert)
    assert history(assignment)[0].action == AuditAction.CREATE
    scored = [e for e in history(assignment) if e.action == AuditAction.UPDATE]
    assert scored and scored[0].actor == expert.user and scored[0].before["submitted_at"] is None
    score = ReviewScore.objects.filter(assignment=assignment).first()
    assert history(score)[0].after["score"] == score.score
    for model in (BaseAnnualReport, ReExamination):
        for row in model.objects.all():
            assert history(row)[0].action == AuditAction.CREATE and history(row)[0].after is not None
    assert {e.actor for e in AuditEntry.objects.filter(model="resources.ReExamination")} == {county_office}


def test_refused_transition_leaves_nothing(make_base, county_office):
    application = lifecycle.apply(actor=county_office, base=make_base(), level=BaseLevel.COUNTY, year=YEAR)
    before = AuditEntry.objects.count()
    with pytest.raises(LifecycleError):
        lifecycle.recognise(actor=county_office, application=application, plaque_number="X")
    assert AuditEntry.objects.count() == before
    assert BaseApplication.objects.get().status == ApplicationStatus.APPLIED
