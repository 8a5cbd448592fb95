"""The recognition lifecycle of 科普教育基地, the only code that moves a base or an application from
one state to the next:

    apply → screen (初审: pass / return → resubmit) → assign_panel (评审) → submit_scores
          → recognise (认定: level, year, validity, plaque) | decline
    recognised base: file_annual_report (年报) · re_examine (复核: passed / rectify / revoked) · apply again
    for a higher level (upgrade).

Each verb locks the rows it moves, checks the state it expects and refuses anything out of order with
a message naming the current state; the models are audited, so every transition is in the log.
"""

from __future__ import annotations

import datetime
import functools
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from kesu.audit.context import acting_as, current_reason
from kesu.org.models import Region, User
from kesu.resources import feeds, permissions
from kesu.resources.models import (
    ApplicationStatus,
    BaseAnnualReport,
    BaseApplication,
    BaseLevel,
    BaseStatus,
    Expert,
    LevelPolicy,
    OutreachBase,
    ReExamination,
    ReExaminationOutcome,
    ReviewAssignment,
    ReviewCriterion,
    ReviewScore,
)
from kesu.resources.models.bases import (
    MAX_OPEN_DAYS,
    MAX_VISITORS,
    OPEN_APPLICATION_STATUSES,
    STANDING_STATUSES,
)


class LifecycleError(ValueError):
    """A refused transition, with a Chinese message fit to show as is; `field` names the offending
    field when there is one."""

    def __init__(self, message: str = "", field: str = ""):
        super().__init__(message)
        self.field = field


def service(function):
    @functools.wraps(function)
    def wrapper(*, actor, **kwargs):
        with acting_as(actor, reason=current_reason()), transaction.atomic():
            return function(actor=actor, **kwargs)

    return wrapper


# --- policy ----------------------------------------------------------------------------------

# Used when no office up the tree has set its own rules for a level.
DEFAULT_CRITERIA = (
    ("场地设施与展教资源", 25), ("科普活动开展情况", 25), ("科普人员队伍", 20),
    ("运行管理与制度保障", 15), ("社会效益与公众评价", 15),
)
DEFAULT_VALIDITY_YEARS = 5
DEFAULT_RE_EXAMINATION_YEARS = 3


@dataclass(frozen=True)
class Policy:
    level: str
    validity_years: int
    re_examination_years: int
    pass_score: float
    criteria: tuple[ReviewCriterion, ...]
    stored: LevelPolicy | None


def policy_for(region: Region, level: str) -> Policy:
    """The rules of the nearest office up the tree from `region` that has set them for `level`."""
    codes = [code for code in region.path.strip("/").split("/") if code]
    policies = {
        p.region.code: p
        for p in LevelPolicy.objects.filter(region__code__in=codes, level=level).select_related("region")
    }
    for code in reversed(codes):
        if code in policies:
            stored = policies[code]
            return Policy(level, stored.validity_years, stored.re_examination_years, stored.pass_score,
                          tuple(stored.criteria.all()), stored)
    return Policy(level, DEFAULT_VALIDITY_YEARS, DEFAULT_RE_EXAMINATION_YEARS, 60.0, (), None)


@service
def set_policy(*, actor: User, region: Region, level: str, validity_years: int, re_examination_years: int,
               pass_score: float, criteria: list[tuple[str, float]]) -> LevelPolicy:
    """An office's own rules for a level in its region; criteria replace the previous list."""
    level = BaseLevel(level)
    permissions.require_set_policy(actor, region, level)
    if not criteria:
        raise LifecycleError("评审指标不能为空")
    if validity_years < 1 or re_examination_years < 1:
        raise LifecycleError("有效期和复核周期至少为1年")
    if any(max_score <= 0 for _, max_score in criteria):
        raise LifecycleError("每项评审指标的满分应大于0")
    if not 0 <= pass_score <= 100:
        raise LifecycleError("通过分数线应在0到100之间（百分制）")
    policy, _ = LevelPolicy.objects.update_or_create(
        region=region, level=level,
        defaults={"validity_years": validity_years, "re_examination_years": re_examination_years, "pass_score": pass_score},
    )
    wanted = [(name, float(max_score)) for name, max_score in criteria]
    if [(c.name, c.max_score) for c in policy.criteria.all()] == wanted:
        return policy
    # Scores point at their criterion (PROTECT): a panel's scores must keep meaning what they meant.
    if ReviewScore.objects.filter(criterion__policy=policy).exists():
        raise LifecycleError("已有评审按现行评审指标评分，评审指标不能再修改（有效期、复核周期和通过分数线可以修改）")
    policy.criteria.all().delete()
    for order, (name, max_score) in enumerate(wanted):
        ReviewCriterion.objects.create(policy=policy, name=name, max_score=max_score, order=order)
    return policy


def _criteria_for(application: BaseApplication, actor: User | None) -> tuple[ReviewCriterion, ...]:
    """The criteria the panel scores; an office without its own gets the default set stored under
    the recognising office's region, so that scores always point at stored criteria."""
    policy = policy_for(application.base.region, application.level)
    if policy.criteria:
        return policy.criteria
    office_region = actor.region if actor is not None and actor.region_id else application.base.region
    stored, _ = LevelPolicy.objects.get_or_create(
        region=office_region, level=application.level,
        defaults={"validity_years": policy.validity_years, "re_examination_years": policy.re_examination_years},
    )
    if not stored.criteria.exists():
        for order, (name, max_score) in enumerate(DEFAULT_CRITERIA):
            ReviewCriterion.objects.create(policy=stored, name=name, max_score=max_score, order=order)
    return tuple(stored.criteria.all())


# --- the base --------------------------------------------------------------------------------


def check_base_figures(*, exhibition_area, annual_visitors, open_days) -> None:
    if exhibition_area is None:
        raise LifecycleError("请填写展教面积", "exhibition_area")
    if exhibition_area < 0:
        raise LifecycleError("展教面积不能为负数", "exhibition_area")
    if annual_visitors is None:
        raise LifecycleError("请填写年接待人次", "annual_visitors")
    if annual_visitors < 0 or annual_visitors > MAX_VISITORS:
        raise LifecycleError(f"年接待人次应在0到{MAX_VISITORS:,}之间", "annual_visitors")
    if open_days is None:
        raise LifecycleError("请填写年开放天数", "open_days")
    if open_days < 0 or open_days > MAX_OPEN_DAYS:
        raise LifecycleError(f"年开放天数应在0到{MAX_OPEN_DAYS}之间", "open_days")


def _locked_application(application: BaseApplication) -> BaseApplication:
    return BaseApplication.objects.select_for_update().select_related("base", "base__region").get(pk=application.pk)


def _locked_base(base: OutreachBase) -> OutreachBase:
    return OutreachBase.objects.select_for_update().select_related("region").get(pk=base.pk)


def _expect(application: BaseApplication, *statuses: str, act: str) -> None:
    if application.status not in statuses:
        wanted = "、".join(ApplicationStatus(s).label for s in statuses)
        raise LifecycleError(
            f"申报当前为“{application.get_status_display()}”，不能{act}（应为：{wanted}）"
        )


@service
def apply(*, actor: User, base: OutreachBase, level: str, year: int) -> BaseApplication:
    """申报: a candidate base for its first level, or a recognised one for a higher level."""
    base = _locked_base(base)
    if not permissions.can_apply_for(actor, base):
        raise PermissionDenied("只能为本单位申报，或由所在地纲要办代为申报")
    level = BaseLevel(level)
    if base.status == BaseStatus.REVOKED:
        raise LifecycleError("该基地已撤销（摘牌），不能再申报；如需重新申报，请以新基地登记")
    if base.is_standing and BaseLevel.rank(level) <= BaseLevel.rank(base.level):
        raise LifecycleError(
            f"该基地已是{base.get_level_display()}科普教育基地，只能申报更高级别（晋级）"
        )
    if base.applications.filter(status__in=[s.value for s in OPEN_APPLICATION_STATUSES]).exists():
        raise LifecycleError("该基地已有一份申报正在办理，办结后才能再次申报")
    _check_upgrade_year(base, year)
    return BaseApplication.objects.create(base=base, level=level, year=year, applied_by=actor)


def _check_upgrade_year(base: OutreachBase, year: int) -> None:
    # The counts take a base's latest recognition by year: an upgrade dated before the plaque it
    # replaces would leave the statistics on the old level.
    if base.is_standing and base.recognised_year and year < base.recognised_year:
        raise LifecycleError(f"该基地于{base.recognised_year}年认定为现级别，晋级的年度不能早于{base.recognised_year}年")


@service
def screen(*, actor: User, application: BaseApplication, passed: bool, comment: str = "") -> BaseApplication:
    """初审 by the office of the base's region (or an office above it)."""
    application = _locked_application(application)
    permissions.require_manage(actor, application.base.region)
    _expect(application, ApplicationStatus.APPLIED, act="初审")
    if not passed and not comment.strip():
        raise LifecycleError("初审退回时必须填写退回理由")
    application.status = ApplicationStatus.SCREENED if passed else ApplicationStatus.RETURNED
    application.screening_comment = comment.strip()
    application.save()
    return application


@service
def resubmit(*, actor: User, application: BaseApplication) -> BaseApplication:
    application = _locked_application(application)
    if not permissions.can_apply_for(actor, application.base):
        raise PermissionDenied("只能重新提交本单位的申报")
    _expect(application, ApplicationStatus.RETURNED, act="重新提交")
    application.status = ApplicationStatus.APPLIED
    application.save()
    return application


@service
def assign_panel(*, actor: User, application: BaseApplication, experts: list[Expert]) -> list[ReviewAssignment]:
    """评审: put experts on the panel. The first call opens the review; later ones add members."""
    application = _locked_application(application)
    permissions.require_recognise(actor, application.base, application.level)
    _expect(application, ApplicationStatus.SCREENED, ApplicationStatus.UNDER_REVIEW, act="安排专家评审")
    if not experts:
        raise LifecycleError("请至少选择一位评审专家")
    for expert in experts:
        if not expert.is_active:
            raise LifecycleError(f"专家“{expert.name}”已不在库，不能参加评审")
        if not expert.region.is_within(actor.region) and not actor.region.is_within(expert.region):
            raise LifecycleError(f"专家“{expert.name}”不在本地区专家库中")
    _criteria_for(application, actor)
    created = []
    for expert in experts:
        assignment, made = ReviewAssignment.objects.get_or_create(application=application, expert=expert)
        if made:
            created.append(assignment)
    if application.status != ApplicationStatus.UNDER_REVIEW:
        application.status = ApplicationStatus.UNDER_REVIEW
        application.save()
    return created


@service
def submit_scores(*, actor: User, assignment: ReviewAssignment, scores: dict[int, float],
                  comment: str = "") -> ReviewAssignment:
    """An expert's scores for every criterion (or the office entering a paper score sheet)."""
    assignment = ReviewAssignment.objects.select_for_update().select_related(
        "application__base__region", "expert"
    ).get(pk=assignment.pk)
    application = assignment.application
    own = assignment.expert.user_id is not None and assignment.expert.user_id == actor.pk
    if not own and not permissions.can_recognise(actor, application.base, application.level):
        raise PermissionDenied("只能为分配给本人的申报评分")
    _expect(application, ApplicationStatus.UNDER_REVIEW, act="评分")
    criteria = _criteria_for(application, None)
    missing = [c.name for c in criteria if c.pk not in scores or scores[c.pk] is None]
    if missing:
        raise LifecycleError("以下评审指标未评分：" + "、".join(missing))
    for criterion in criteria:
        value = float(scores[criterion.pk])
        if not 0 <= value <= criterion.max_score:
            raise LifecycleError(f"“{criterion.name}”得分应在0到{criterion.max_score:g}之间（填写了{value:g}）")
    for criterion in criteria:
        ReviewScore.objects.update_or_create(
            assignment=assignment, criterion=criterion, defaults={"score": float(scores[criterion.pk])}
        )
    assignment.comment = comment.strip()
    assignment.submitted_at = timezone.now()
    assignment.save()
    return assignment


def panel_score(application: BaseApplication) -> float | None:
    """The panel's mean score on a 100-point scale, or None until every member has scored."""
    assignments = list(application.assignments.prefetch_related("scores__criterion"))
    if not assignments or any(a.submitted_at is None for a in assignments):
        return None
    totals = []
    for assignment in assignments:
        got = sum(s.score for s in assignment.scores.all())
        possible = sum(s.criterion.max_score for s in assignment.scores.all())
        totals.append(100 * got / possible if possible else 0.0)
    return sum(totals) / len(totals)


def _recount_from(year: int) -> None:
    """A recognition or revocation in `year` changes every year's standing count since."""
    feeds.sync_after_commit("base", set(range(year, timezone.localdate().year)))


def _stand(base: OutreachBase, *, level: str, year: int, plaque_number: str, policy: Policy) -> None:
    _recount_from(year)
    take_standing(base, level=level, year=year, plaque_number=plaque_number, policy=policy)
    base.save()


def take_standing(base: OutreachBase, *, level: str, year: int, plaque_number: str, policy: Policy) -> None:
    """Set what a recognition gives a base (the caller saves it; the Excel import saves in bulk)."""
    base.level = level
    base.status = BaseStatus.RECOGNISED
    base.recognised_year = year
    base.valid_until = year + policy.validity_years
    base.next_re_examination_year = year + policy.re_examination_years
    base.plaque_number = plaque_number
    base.rectify_by = None
    base.revoked_year = None


@service
def recognise(*, actor: User, application: BaseApplication, plaque_number: str, year: int | None = None,
              comment: str = "") -> BaseApplication:
    """认定: every panel member has scored; the base takes the level, validity and plaque."""
    application = _locked_application(application)
    permissions.require_recognise(actor, application.base, application.level)
    _expect(application, ApplicationStatus.UNDER_REVIEW, act="认定")
    pending = [a.expert.name for a in application.assignments.select_related("expert") if a.submitted_at is None]
    if pending:
        raise LifecycleError("以下评审专家尚未提交评分：" + "、".join(pending))
    if not plaque_number.strip():
        raise LifecycleError("认定时必须填写牌匾编号")
    policy = policy_for(application.base.region, application.level)
    score = panel_score(application)
    if score is not None and score < policy.pass_score:
        raise LifecycleError(
            f"专家评审平均分{score:.1f}，低于通过分数线{policy.pass_score:g}，不能认定（可作出不予认定决定）"
        )
    year = year or application.year
    _check_upgrade_year(application.base, year)
    application.status = ApplicationStatus.RECOGNISED
    application.plaque_number = plaque_number.strip()
    application.decision_comment = comment.strip()
    application.decided_by = actor
    application.decided_at = timezone.now()
    application.save()
    base = _locked_base(application.base)
    _stand(base, level=application.level, year=year, plaque_number=application.plaque_number, policy=policy)
    return application


@service
def decline(*, actor: User, application: BaseApplication, comment: str) -> BaseApplication:
    application = _locked_application(application)
    permissions.require_recognise(actor, application.base, application.level)
    _expect(application, ApplicationStatus.SCREENED, ApplicationStatus.UNDER_REVIEW, act="作出不予认定决定")
    if not comment.strip():
        raise LifecycleError("不予认定时必须填写理由")
    application.status = ApplicationStatus.DECLINED
    application.decision_comment = comment.strip()
    application.decided_by = actor
    application.decided_at = timezone.now()
    application.save()
    return application


@service
def record_recognition(*, actor: User | None, base: OutreachBase, level: str, year: int,
                       plaque_number: str = "") -> BaseApplication:
    """Enter a recognition made before kesu (from an existing register): no screening or panel, the
    application is marked `recorded`. Used by the Excel import and the demo."""
    if actor is not None:
        permissions.require_manage(actor, base.region)
    base = _locked_base(base)
    level = BaseLevel(level)
    # An import run again finds its recognitions already recorded.
    recorded = base.applications.filter(status=ApplicationStatus.RECOGNISED, level=level, year=year).first()
    if recorded is not None:
        return recorded
    if base.applications.filter(status__in=[s.value for s in OPEN_APPLICATION_STATUSES]).exists():
        raise LifecycleError(f"“{base.name}”有一份申报正在办理，不能直接登记认定结果")
    if base.status == BaseStatus.REVOKED and year >= (base.revoked_year or 0):
        raise LifecycleError(f"“{base.name}”已于{base.revoked_year}年撤销（摘牌），不能登记此后的认定")
    application = BaseApplication.objects.create(
        base=base, level=level, year=year, status=ApplicationStatus.RECOGNISED, applied_by=actor,
        plaque_number=plaque_number, decided_by=actor, decided_at=timezone.now(), recorded=True,
    )
    # A register lists earlier recognitions too: they are history, and the base keeps its latest
    # standing (or its revocation).
    earlier = base.level and (year, BaseLevel.rank(level)) < (base.recognised_year or 0, BaseLevel.rank(base.level))
    if earlier or base.status == BaseStatus.REVOKED:
        _recount_from(year)
        return application
    _stand(base, level=level, year=year, plaque_number=plaque_number, policy=policy_for(base.region, level))
    return application


# --- a recognised base -----------------------------------------------------------------------


@service
def file_annual_report(*, actor: User, base: OutreachBase, year: int, visitors: int, activities: int,
                       open_days: int, summary: str = "") -> BaseAnnualReport:
    base = _locked_base(base)
    if not permissions.can_apply_for(actor, base):
        raise PermissionDenied("只有基地的申报单位或所在地纲要办可以填报年报")
    if not base.is_standing:
        raise LifecycleError(f"基地当前为“{base.get_status_display()}”，只有已认定的基地填报年报")
    if base.recognised_year and year < base.recognised_year:
        raise LifecycleError(f"基地于{base.recognised_year}年认定，不能填报此前年度的年报")
    if not 0 <= open_days <= MAX_OPEN_DAYS:
        raise LifecycleError(f"开放天数应在0到{MAX_OPEN_DAYS}之间")
    if not 0 <= visitors <= MAX_VISITORS:
        raise LifecycleError(f"接待人次应在0到{MAX_VISITORS:,}之间")
    if activities < 0:
        raise LifecycleError("活动次数不能为负数")
    report, _ = BaseAnnualReport.objects.update_or_create(
        base=base, year=year,
        defaults={"visitors": visitors, "activities": activities, "open_days": open_days,
                  "summary": summary.strip(), "submitted_by": actor},
    )
    feeds.sync_after_commit("base", {year})  # outreach_base_visitors counts the annual reports
    return report


@service
def re_examine(*, actor: User, base: OutreachBase, year: int, outcome: str, comment: str = "",
            rectify_by: datetime.date | None = None) -> ReExamination:
    """复核 by the office that recognised the base's current level: passed renews the plaque's
    validity; rectify sets a deadline (a later re-examination passes or revokes); revoked takes the plaque."""
    base = _locked_base(base)
    if not base.level:
        raise LifecycleError("该基地尚未认定，不能复核")
    permissions.require_recognise(actor, base, base.level)
    if base.status not in STANDING_STATUSES:
        raise LifecycleError(f"基地当前为“{base.get_status_display()}”，不能复核")
    outcome = ReExaminationOutcome(outcome)
    if outcome == ReExaminationOutcome.RECTIFY:
        if rectify_by is None:
            raise LifecycleError("限期整改必须填写整改期限")
        if base.status == BaseStatus.RECTIFYING:
            raise LifecycleError("该基地已在限期整改中，复核结论只能是通过或撤销")
    if outcome != ReExaminationOutcome.PASSED and not comment.strip():
        raise LifecycleError("限期整改或撤销时必须填写复核意见")
    policy = policy_for(base.region, base.level)
    if outcome == ReExaminationOutcome.PASSED:
        base.status = BaseStatus.RECOGNISED
        base.next_re_examination_year = year + policy.re_examination_years
        base.valid_until = max(base.valid_until or 0, year + policy.validity_years)
        base.rectify_by = None
    elif outcome == ReExaminationOutcome.RECTIFY:
        base.status = BaseStatus.RECTIFYING
        base.rectify_by = rectify_by
    else:
        base.status = BaseStatus.REVOKED
        base.revoked_year = year
        _recount_from(year)
    base.save()
    return ReExamination.objects.create(
        base=base, year=year, outcome=outcome, comment=comment.strip(), rectify_by=rectify_by, decided_by=actor,
    )
