"""Excel export of a wave's estimates for reading: Chinese headers, rates as percentages (the stored
fractions with a percentage format, so that Excel still computes with them), the design used and the
trend."""

from __future__ import annotations

import io

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from kesu.literacy.models import CiMethod, SurveyWave
from kesu.literacy.selectors import OVERALL_LABEL, Trend, WaveResults


def interval_names(level: float) -> tuple[str, str]:
    """("95%置信区间下限", "95%置信区间上限") for the wave's confidence level."""
    interval = f"{level * 100:.4g}%置信区间"
    return f"{interval}下限", f"{interval}上限"


def estimate_header(level: float) -> tuple[str, ...]:
    return ("分组维度", "分组", "估计值", "标准误", *interval_names(level), "设计效应", "样本量", "估计可靠性")


PERCENT = "0.00%"
HEADER_FILL = PatternFill("solid", fgColor="EEF2F7")
UNRELIABLE_FILL = PatternFill("solid", fgColor="FFF3CD")


def _header(sheet, names) -> None:
    sheet.append(list(names))
    for cell in sheet[sheet.max_row]:
        cell.font = Font(bold=True)
        cell.fill = HEADER_FILL
        cell.alignment = Alignment(horizontal="center")
    sheet.freeze_panes = f"A{sheet.max_row + 1}"


def _widths(sheet, widths) -> None:
    for position, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(position)].width = width


def _design_lines(wave: SurveyWave, ci_method: str) -> list[tuple[str, object]]:
    return [
        ("区划", f"{wave.region.name}（{wave.region.code}）"),
        ("调查年份", wave.year),
        ("名称", wave.name),
        ("指标", "公民具备科学素质的比例"),
        ("数据类型", wave.get_source_kind_display()),
        ("问卷评分规则", f"{wave.questionnaire_name} {wave.questionnaire_version}".strip() or "—（已评分数据）"),
        ("原始文件", wave.original_filename),
        ("文件 SHA-256", wave.data_sha256),
        ("样本量", wave.row_count),
        ("权数列", wave.weight_column),
        ("分层列", wave.strata_column or "—"),
        ("初级抽样单元列", wave.psu_column or "—（每名受访者为一个单元）"),
        ("有限总体校正列", wave.fpc_column or "—"),
        ("单 PSU 层处理", wave.get_lonely_psu_display()),
        ("置信区间", f"{wave.ci_level:.0%}，{CiMethod(ci_method).label}"),
        ("方差估计", "泰勒线性化（设计加权）"),
        ("可靠性标注", "样本量不足 30 或置信区间宽度超过 10 个百分点的估计标为“慎用”"),
        ("上传", f"{wave.uploaded_by or '—'}，{wave.uploaded_at:%Y-%m-%d %H:%M}"),
    ]


def estimates_workbook(results: WaveResults, trend: Trend) -> bytes:
    wave = results.wave
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "估计结果"
    _header(sheet, estimate_header(wave.ci_level))
    lines = [(OVERALL_LABEL, results.overall)] if results.overall else []
    lines += [(table.label, line) for table in results.dimensions for line in table.lines]
    for dimension, line in lines:
        sheet.append([
            dimension, line.label, line.estimate, line.se, line.ci_low, line.ci_high, line.deff, line.n,
            f"慎用：{line.unreliable_reason}" if line.unreliable else "可靠",
        ])
        row = sheet.max_row
        for column in range(3, 7):
            sheet.cell(row=row, column=column).number_format = PERCENT
        sheet.cell(row=row, column=7).number_format = "0.00"
        sheet.cell(row=row, column=8).number_format = "#,##0"
        if line.unreliable:
            for cell in sheet[row]:
                cell.fill = UNRELIABLE_FILL
    _widths(sheet, (12, 18, 10, 10, 18, 18, 10, 10, 36))

    info = workbook.create_sheet("调查信息")
    _header(info, ("项目", "内容"))
    for label, value in _design_lines(wave, results.ci_method):
        info.append([label, value])
    _widths(info, (16, 70))

    history = workbook.create_sheet("历次调查")
    _header(history, ("调查年份", "估计值", *interval_names(wave.ci_level), "样本量"))
    for point in trend.points:
        history.append([point.year, point.estimate, point.ci_low, point.ci_high, point.n])
        for column in range(2, 5):
            history.cell(row=history.max_row, column=column).number_format = PERCENT
    if trend.target is not None:
        history.append([])
        history.append([f"规划目标（{trend.target_year}年）", trend.target])
        history.cell(row=history.max_row, column=2).number_format = PERCENT
        if trend.projected is not None:
            history.append([f"朴素线性外推（{trend.target_year}年，仅供参考）", trend.projected])
            history.cell(row=history.max_row, column=2).number_format = PERCENT
    _widths(history, (30, 10, 18, 18, 10))

    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
