"""Request and response bodies of the API, documented in Chinese in the OpenAPI document."""

from __future__ import annotations

import datetime

from ninja import Field, Schema

from kesu.progress.models import SelfAssessment


class ErrorOut(Schema):
    detail: str = Field(..., description="错误说明")


class RegionOut(Schema):
    code: str = Field(..., description="行政区划代码（GB/T 2260）")
    name: str = Field(..., description="行政区划名称")
    level: str = Field(..., description="级别：province 省级 / city 地市级 / county 县区级 / township 乡镇街道")


class UnitOut(Schema):
    id: int = Field(..., description="单位编号")
    name: str = Field(..., description="单位规范名称")
    kind: str = Field(..., description="单位类别")
    is_office: bool = Field(..., description="是否纲要办所在单位")
    is_active: bool = Field(..., description="是否在用")
    region: RegionOut = Field(..., description="所属行政区划")


class UnitDetailOut(UnitOut):
    task_count: int = Field(..., description="承担任务数（牵头与参与）")


class PlanOut(Schema):
    id: int = Field(..., description="实施方案编号")
    title: str = Field(..., description="方案标题")
    doc_number: str = Field(..., description="文号")
    region: RegionOut = Field(..., description="制定方案的行政区划")
    period_start: int | None = Field(None, description="起始年")
    period_end: int | None = Field(None, description="截止年")
    headline_indicator: str = Field(..., description="总体目标指标，通常为公民具备科学素质的比例")
    headline_value: float | None = Field(None, description="总体目标值")
    headline_unit: str = Field(..., description="总体目标值的单位")
    headline_year: int | None = Field(None, description="总体目标年")
    version: int = Field(..., description="版本号")
    is_current: bool = Field(..., description="是否现行版本")


class SectionOut(Schema):
    id: int = Field(..., description="章节编号")
    parent_id: int | None = Field(None, description="上级章节编号")
    number: str = Field(..., description="章节序号，如（一）")
    title: str = Field(..., description="章节标题")
    kind: str = Field(..., description="类别：action 提升行动 / programme 重点工程 / other 其他")


class PeriodOut(Schema):
    id: int = Field(..., description="填报周期编号")
    kind: str = Field(..., description="周期类型：quarterly 季度 / half_yearly 半年 / yearly 年度")
    label: str = Field(..., description="周期名称")
    start: datetime.date = Field(..., description="开始日期")
    end: datetime.date = Field(..., description="结束日期")
    due: datetime.date = Field(..., description="报送截止日期")


class PlanDetailOut(PlanOut):
    task_count: int = Field(..., description="任务数")
    sections: list[SectionOut] = Field(..., description="章节（提升行动、重点工程等）")
    periods: list[PeriodOut] = Field(..., description="填报周期")

    @staticmethod
    def resolve_sections(plan) -> list:
        return list(plan.sections.all())

    @staticmethod
    def resolve_periods(plan) -> list:
        return list(plan.periods.all())


class AssignmentOut(Schema):
    unit_id: int = Field(..., description="责任单位编号")
    unit_name: str = Field(..., description="责任单位名称")
    role: str = Field(..., description="职责：lead 牵头 / participating 参与")

    @staticmethod
    def resolve_unit_name(assignment) -> str:
        return assignment.unit.name


class GroupOut(Schema):
    id: int = Field(..., description="所属提升行动或重点工程的章节编号")
    title: str = Field(..., description="所属提升行动或重点工程")


class TaskOut(Schema):
    id: int = Field(..., description="任务编号")
    plan_id: int = Field(..., description="所属实施方案编号")
    code: str = Field(..., description="任务序号，如 3.1.2")
    title: str = Field(..., description="任务名称")
    group: GroupOut | None = Field(None, description="所属提升行动或重点工程")
    deadline_year: int | None = Field(None, description="完成时限（年）")
    units: list[AssignmentOut] = Field(..., description="责任单位（牵头、参与）")

    @staticmethod
    def resolve_units(task) -> list:
        return list(task.assignments.all())


class TargetOut(Schema):
    id: int = Field(..., description="量化目标编号")
    text: str = Field(..., description="目标原文")
    subject: str = Field(..., description="指标")
    value: float = Field(..., description="目标值")
    unit: str = Field(..., description="计量单位")
    comparator: str = Field(..., description="比较方式，如 >=")
    period: str = Field(..., description="期间，如 每年")
    deadline_year: int | None = Field(None, description="时限年")


class FigureOut(Schema):
    target_id: int = Field(..., description="量化目标编号")
    value: float = Field(..., description="完成值")
    note: str = Field(..., description="说明")


class ReportOut(Schema):
    id: int = Field(..., description="进度报告编号")
    task_id: int = Field(..., description="任务编号")
    task_code: str = Field(..., description="任务序号")
    unit_id: int = Field(..., description="填报单位编号")
    unit_name: str = Field(..., description="填报单位名称")
    period_id: int = Field(..., description="填报周期编号")
    period_label: str = Field(..., description="填报周期名称")
    status: str = Field(..., description="状态：draft 草稿 / submitted 已报送 / returned 已退回 / accepted 已通过")
    self_assessment: str = Field(
        ..., description="自评：on_track 按计划推进 / at_risk 存在困难 / lagging 进度滞后 / completed 已完成"
    )
    narrative: str = Field(..., description="进展情况")
    revision: int = Field(..., description="修订号；修改、报送、审核时须回传，以发现他人已作的修改")
    submitted_at: datetime.datetime | None = Field(None, description="报送时间")
    reviewed_at: datetime.datetime | None = Field(None, description="审核时间")
    review_comment: str = Field(..., description="审核意见")
    updated_at: datetime.datetime = Field(..., description="最后修改时间")
    figures: list[FigureOut] = Field(..., description="各量化目标的完成值")

    @staticmethod
    def resolve_task_code(report) -> str:
        return report.task.code

    @staticmethod
    def resolve_unit_name(report) -> str:
        return report.unit.name

    @staticmethod
    def resolve_period_label(report) -> str:
        return report.period.label

    @staticmethod
    def resolve_figures(report) -> list:
        return list(report.figures.all())


class ReviewEventOut(Schema):
    kind: str = Field(..., description="事件：submit 报送 / return 退回 / accept 通过")
    actor: str | None = Field(None, description="操作人")
    at: datetime.datetime = Field(..., description="时间")
    comment: str = Field(..., description="意见")

    @staticmethod
    def resolve_actor(event) -> str | None:
        return str(event.actor) if event.actor_id else None


class ReportDetailOut(ReportOut):
    events: list[ReviewEventOut] = Field(..., description="报送与审核记录，按时间先后")

    @staticmethod
    def resolve_events(report) -> list:
        return list(report.events.all())


class TaskDetailOut(TaskOut):
    status: str = Field(..., description="灯色：green / amber / red（单位填报员为本单位的状态）")
    text: str = Field(..., description="任务内容")
    path: list[str] = Field(..., description="所属章节（自上而下）")
    units_raw: str = Field(..., description="责任分工原文")
    targets: list[TargetOut] = Field(..., description="量化目标")
    latest_reports: list[ReportOut] = Field(..., description="各责任单位最近一期的进度报告（仅限有权查看的）")

    @staticmethod
    def resolve_targets(task) -> list:
        return list(task.targets.all())


class FigureIn(Schema):
    target_id: int = Field(..., description="量化目标编号（须属于该任务）")
    value: float = Field(..., description="完成值")
    note: str = Field("", max_length=255, description="说明")


class ReportDraftIn(Schema):
    task_id: int = Field(..., description="任务编号（须是当前用户所在单位承担的任务）")
    period_id: int = Field(..., description="填报周期编号（须属于该任务所在方案）")
    expected_revision: int = Field(
        ..., ge=0, description="读取报告时的修订号；新建报告时填 0。与当前不符时返回 409"
    )
    narrative: str = Field("", description="进展情况（报送前必填）")
    self_assessment: SelfAssessment = Field(SelfAssessment.ON_TRACK, description="自评")
    figures: list[FigureIn] = Field(
        default_factory=list, description="各量化目标的完成值；未列出的目标视为尚未填报（已有的完成值将被清除）"
    )
    confirm_large: bool = Field(
        False, description="确认数值无误：完成值达到目标值 10 倍以上时须为 true，否则返回 400"
    )


class TransitionIn(Schema):
    expected_revision: int = Field(..., description="读取报告时的修订号；与当前不符时返回 409")
    comment: str = Field("", description="意见（退回时必填）")




class FindingOut(Schema):
    colour: str = Field(..., description="灯色：green 绿灯 / amber 黄灯 / red 红灯")
    kind: str = Field(..., description="原因类别：progress 进度落后于时间 / overdue 报告逾期 / returned 报告被退回")
    reason: str = Field(..., description="说明")
    unit_id: int | None = Field(None, description="涉及的单位编号")
    period_label: str = Field("", description="涉及的填报周期")
    days: int | None = Field(None, description="逾期或退回后等待的天数")

    @staticmethod
    def resolve_colour(finding) -> str:
        return finding.colour.key


class StatusOut(Schema):
    colour: str = Field(..., description="灯色：green 绿灯（正常）/ amber 黄灯（预警）/ red 红灯（滞后）")
    label: str = Field(..., description="灯色的中文名称：正常 / 预警 / 滞后")
    reason: str = Field(..., description="定为该灯色的原因")
    summary: str = Field(..., description="进度概要")
    progress: float | None = Field(None, description="量化目标平均完成比例（0–1），仅计已审核通过的完成值")
    elapsed: float | None = Field(None, description="时间进度（0–1）")
    findings: list[FindingOut] = Field(..., description="全部预警原因，最严重的在前")

    @staticmethod
    def resolve_colour(status) -> str:
        return status.key

    @staticmethod
    def resolve_label(status) -> str:
        return status.colour.label

    @staticmethod
    def resolve_findings(status) -> list:
        return list(status.findings)


class UnitStatusOut(Schema):
    unit_id: int = Field(..., description="责任单位编号")
    unit_name: str = Field(..., description="责任单位名称")
    role: str | None = Field(None, description="职责：lead 牵头 / participating 参与")
    status: StatusOut = Field(..., description="该单位在此任务上的状态")


class TaskStatusOut(Schema):
    task_id: int = Field(..., description="任务编号")
    code: str = Field(..., description="任务序号")
    title: str = Field(..., description="任务名称")
    status: StatusOut = Field(..., description="任务状态；单位填报员看到的是本单位在此任务上的状态")
    units: list[UnitStatusOut] = Field(..., description="各责任单位的状态")


class TaskStatusPage(Schema):
    count: int = Field(..., description="符合条件的任务总数")
    items: list[TaskStatusOut] = Field(..., description="本页任务的状态")


class TaskWithStatusOut(TaskOut):
    status: str = Field(..., description="灯色：green / amber / red（单位填报员为本单位的状态）")


class TaskPage(Schema):
    count: int = Field(..., description="符合条件的任务总数")
    items: list[TaskWithStatusOut] = Field(..., description="本页任务")


def task_status_out(task, status, unit_statuses) -> dict:
    return {
        "task_id": task.pk,
        "code": task.code,
        "title": task.title,
        "status": status,
        "units": [
            {"unit_id": unit.pk, "unit_name": unit.name, "role": role, "status": unit_status}
            for unit, role, unit_status in unit_statuses
        ],
    }
