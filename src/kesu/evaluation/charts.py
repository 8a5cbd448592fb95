"""Static charts for the documents: one layout, drawn as SVG (inline in the PDF) or PNG (Pillow, for docx).

A :class:`ChartSpec` is plain data (categories × series, as on the dashboard). The layout functions
draw on a small canvas interface that two backends implement, so the PDF and the Word file show the
same picture. Bars are horizontal: Chinese category names (行动, 单位, 县区) are long and read best
on the left. Text widths are estimated (CJK characters are one em wide, others about half), which is
accurate enough for the label truncation and margins here.
"""

from __future__ import annotations

import io
import math
from dataclasses import dataclass
from functools import lru_cache
from xml.sax.saxutils import escape

STATUS_COLOURS = ("#1a9c54", "#d98b00", "#c62828")
SERIES_COLOURS = ("#1d5fa8", "#e07b24", "#2e9c8f", "#8b5fb0", "#c94f6d", "#7a8a99")
TEXT = "#222222"
MUTED = "#666666"
GRID = "#dddddd"
WIDTH = 640
BAR_BAND = 26
LABEL_WIDTH = 170
FONT_SIZE = 12


@dataclass
class ChartSpec:
    kind: str  # "bar", "stacked_bar" or "pie"
    title: str
    categories: list[str]
    series: list[tuple[str, list[float | None]]]
    unit: str = ""
    colours: tuple[str, ...] = SERIES_COLOURS
    value_max: float | None = None  # e.g. 100 for percentages

    @property
    def rows(self) -> list[list]:
        """The same numbers as a table: category, then one value per series."""
        return [[c, *(values[i] for _, values in self.series)] for i, c in enumerate(self.categories)]

    @property
    def is_empty(self) -> bool:
        return not any(v for _, values in self.series for v in values if v)

    def payload(self) -> dict:
        """JSON for the page's charts.js (its table view and PNG export come with it)."""
        return {
            "type": self.kind, "title": self.title, "unit": self.unit, "categories": self.categories,
            "colours": list(self.colours), "series": [{"name": n, "data": v} for n, v in self.series],
            "rows": self.rows,
        }


def text_width(text: str, size: float) -> float:
    return sum(size if ord(ch) > 0x2E80 else size * 0.55 for ch in text)


def fit(text: str, size: float, width: float) -> str:
    if text_width(text, size) <= width:
        return text
    while text and text_width(text + "…", size) > width:
        text = text[:-1]
    return text + "…"


def nice_max(value: float) -> float:
    if value <= 0:
        return 1.0
    magnitude = 10 ** math.floor(math.log10(value))
    for step in (1, 2, 2.5, 5, 10):
        if value <= step * magnitude:
            return step * magnitude
    return 10 * magnitude


def format_value(value: float) -> str:
    return f"{value:g}" if abs(value) < 1e6 else f"{value:.3g}"


# --- Canvases --------------------------------------------------------------------------------------


class SvgCanvas:
    def __init__(self, width: int, height: int, title: str):
        self.width, self.height = width, height
        self.parts = [
            f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
            f'viewBox="0 0 {width} {height}" role="img" aria-label="{escape(title)}" '
            'font-family="Noto Sans CJK SC, sans-serif">',
            f'<rect x="0" y="0" width="{width}" height="{height}" fill="#ffffff"/>',
        ]

    def rect(self, x, y, w, h, fill):
        self.parts.append(f'<rect x="{x:.1f}" y="{y:.1f}" width="{max(w, 0):.1f}" height="{h:.1f}" fill="{fill}"/>')

    def line(self, x1, y1, x2, y2, stroke, width=1):
        self.parts.append(
            f'<line x1="{x1:.1f}" y1="{y1:.1f}" x2="{x2:.1f}" y2="{y2:.1f}" stroke="{stroke}" stroke-width="{width}"/>'
        )

    def text(self, x, y, text, size=FONT_SIZE, fill=TEXT, anchor="start", bold=False):
        weight = ' font-weight="bold"' if bold else ""
        # dy centres the text on y (dominant-baseline support varies between renderers).
        self.parts.append(
            f'<text x="{x:.1f}" y="{y:.1f}" dy="{size * 0.35:.1f}" font-size="{size}" fill="{fill}" '
            f'text-anchor="{anchor}"{weight}>{escape(text)}</text>'
        )

    def wedge(self, cx, cy, r, start, end, fill):
        if end - start >= 359.999:
            self.parts.append(f'<circle cx="{cx}" cy="{cy}" r="{r}" fill="{fill}"/>')
            return
        x1, y1 = cx + r * math.cos(math.radians(start)), cy + r * math.sin(math.radians(start))
        x2, y2 = cx + r * math.cos(math.radians(end)), cy + r * math.sin(math.radians(end))
        large = 1 if end - start > 180 else 0
        self.parts.append(
            f'<path d="M{cx:.1f},{cy:.1f} L{x1:.2f},{y1:.2f} A{r},{r} 0 {large} 1 {x2:.2f},{y2:.2f} Z" '
            f'fill="{fill}" stroke="#ffffff" stroke-width="1"/>'
        )

    def finish(self) -> str:
        return "".join([*self.parts, "</svg>"])


class PngCanvas:
    SCALE = 2  # drawn at twice the size so that it stays sharp when Word scales it to the page

    def __init__(self, width: int, height: int, title: str):
        from PIL import Image, ImageDraw

        self.image = Image.new("RGB", (width * self.SCALE, height * self.SCALE), "#ffffff")
        self.draw = ImageDraw.Draw(self.image)

    def rect(self, x, y, w, h, fill):
        s = self.SCALE
        if w > 0 and h > 0:
            self.draw.rectangle([x * s, y * s, (x + w) * s - 1, (y + h) * s - 1], fill=fill)

    def line(self, x1, y1, x2, y2, stroke, width=1):
        s = self.SCALE
        self.draw.line([x1 * s, y1 * s, x2 * s, y2 * s], fill=stroke, width=max(1, int(width * s)))

    def text(self, x, y, text, size=FONT_SIZE, fill=TEXT, anchor="start", bold=False):
        s = self.SCALE
        pillow_anchor = {"start": "lm", "middle": "mm", "end": "rm"}[anchor]
        self.draw.text((x * s, y * s), text, fill=fill, font=_pillow_font(int(size * s), bold), anchor=pillow_anchor)

    def wedge(self, cx, cy, r, start, end, fill):
        s = self.SCALE
        self.draw.pieslice([(cx - r) * s, (cy - r) * s, (cx + r) * s, (cy + r) * s], start, end,
                           fill=fill, outline="#ffffff", width=s)

    def finish(self) -> bytes:
        buffer = io.BytesIO()
        self.image.save(buffer, format="PNG", optimize=False)
        return buffer.getvalue()


@lru_cache(maxsize=16)
def _pillow_font(size: int, bold: bool):
    from PIL import ImageFont

    from kesu.evaluation.fonts import sans_font_file

    font = sans_font_file(bold)
    return ImageFont.truetype(font.path, size, index=font.index)


# --- Layouts -----------------------------------------------------------------------------------------


def _bar_height(spec: ChartSpec) -> int:
    legend = 24 if len(spec.series) > 1 else 0
    return 16 + legend + len(spec.categories) * BAR_BAND + 30


def _draw_legend(canvas, names: list[str], colours, y: float, x: float = LABEL_WIDTH) -> None:
    for name, colour in zip(names, colours, strict=False):
        canvas.rect(x, y - 5, 10, 10, colour)
        canvas.text(x + 14, y, name, size=11, fill=MUTED)
        x += 14 + text_width(name, 11) + 18


def _draw_bars(spec: ChartSpec, canvas) -> None:
    stacked = spec.kind == "stacked_bar"
    legend = 24 if len(spec.series) > 1 else 0
    top = 16 + legend
    plot_left, plot_right = LABEL_WIDTH, WIDTH - 50
    plot_width = plot_right - plot_left
    if len(spec.series) > 1:
        _draw_legend(canvas, [n for n, _ in spec.series], spec.colours, 16)
    if stacked:
        totals = [sum(v or 0 for _, values in spec.series for v in [values[i]]) for i in range(len(spec.categories))]
        largest = max(totals, default=0)
    else:
        largest = max((v or 0 for _, values in spec.series for v in values), default=0)
    maximum = spec.value_max or nice_max(largest)
    counts = all(float(v).is_integer() for _, values in spec.series for v in values if v is not None)
    if counts and not spec.value_max:
        maximum = max(4, math.ceil(maximum / 4) * 4)  # whole-number ticks for counts of tasks
    bottom = top + len(spec.categories) * BAR_BAND
    for step in range(5):
        value = maximum * step / 4
        x = plot_left + plot_width * step / 4
        canvas.line(x, top, x, bottom, GRID)
        canvas.text(x, bottom + 12, format_value(value), size=10, fill=MUTED, anchor="middle")
    if spec.unit:
        canvas.text(plot_right + 8, bottom + 12, spec.unit, size=10, fill=MUTED)
    canvas.line(plot_left, top, plot_left, bottom, MUTED)
    inner = BAR_BAND - 8
    for index, category in enumerate(spec.categories):
        y = top + index * BAR_BAND
        canvas.text(plot_left - 6, y + BAR_BAND / 2, fit(category, FONT_SIZE, plot_left - 12), anchor="end")
        if stacked:
            x = plot_left
            for (_, values), colour in zip(spec.series, spec.colours, strict=False):
                value = values[index] or 0
                w = plot_width * value / maximum if maximum else 0
                canvas.rect(x, y + 4, w, inner, colour)
                if value and w > 16:
                    canvas.text(x + w / 2, y + BAR_BAND / 2, format_value(value), size=10, fill="#ffffff",
                                anchor="middle")
                x += w
        else:
            height = inner / len(spec.series)
            for position, ((_, values), colour) in enumerate(zip(spec.series, spec.colours, strict=False)):
                value = values[index]
                by = y + 4 + position * height
                if value is None:
                    canvas.text(plot_left + 4, by + height / 2, "无数据", size=10, fill=MUTED)
                    continue
                w = plot_width * min(value, maximum) / maximum if maximum else 0
                canvas.rect(plot_left, by, w, height - 1, colour)
                canvas.text(plot_left + w + 4, by + height / 2, format_value(value), size=10, fill=TEXT)


def _pie_height(spec: ChartSpec) -> int:
    return max(220, 40 + len(spec.categories) * 22)


def _draw_pie(spec: ChartSpec, canvas) -> None:
    values = [v or 0 for v in spec.series[0][1]]
    total = sum(values)
    height = _pie_height(spec)
    cx, cy, r = 150, height / 2, min(95, height / 2 - 15)
    angle = -90.0
    for value, colour in zip(values, spec.colours, strict=False):
        if value <= 0:
            continue
        sweep = 360 * value / total
        canvas.wedge(cx, cy, r, angle, angle + sweep, colour)
        angle += sweep
    if total == 0:
        canvas.text(cx, cy, "暂无数据", fill=MUTED, anchor="middle")
    y = cy - (len(spec.categories) - 1) * 11
    for category, value, colour in zip(spec.categories, values, spec.colours, strict=False):
        share = f"（{value / total * 100:.1f}%）" if total else ""
        canvas.rect(300, y - 6, 12, 12, colour)
        canvas.text(318, y, f"{category}：{format_value(value)}{spec.unit}{share}")
        y += 22


def _draw(spec: ChartSpec, canvas_class):
    if spec.kind == "pie":
        canvas = canvas_class(WIDTH, _pie_height(spec), spec.title)
        _draw_pie(spec, canvas)
    elif spec.kind in ("bar", "stacked_bar"):
        canvas = canvas_class(WIDTH, _bar_height(spec), spec.title)
        _draw_bars(spec, canvas)
    else:
        raise ValueError(f"不支持的图表类型：{spec.kind}")
    return canvas.finish()


def render_svg(spec: ChartSpec) -> str:
    return _draw(spec, SvgCanvas)


def render_png(spec: ChartSpec) -> bytes:
    return _draw(spec, PngCanvas)


def size_of(spec: ChartSpec) -> tuple[int, int]:
    return WIDTH, (_pie_height(spec) if spec.kind == "pie" else _bar_height(spec))


# --- The charts of the annual report and the region dashboard ----------------------------------------


def _pct(share: float | None) -> float | None:
    return None if share is None else round(share * 100, 1)


def report_charts(data) -> dict[str, ChartSpec]:
    """Charts for an :class:`~kesu.evaluation.figures.EvaluationFigures`; empty ones are left out."""
    from kesu.evaluation.narrative import share_percent
    from kesu.supervision.status import Colour

    status_names = [f"{c.lamp}（{c.label}）" for c in Colour]
    charts = {
        "status_pie": ChartSpec(
            "pie", "任务状态分布", status_names,
            [("任务数", [data.colour_totals[c.key] for c in Colour])], "项", STATUS_COLOURS,
        ),
        "group_status": ChartSpec(
            "stacked_bar", "各行动/工程任务状态", [g.title for g in data.groups],
            [(status_names[0], [g.green for g in data.groups]), (status_names[1], [g.amber for g in data.groups]),
             (status_names[2], [g.red for g in data.groups])], "项", STATUS_COLOURS,
        ),
        "group_progress": ChartSpec(
            "bar", "各行动/工程量化目标平均完成进度", [g.title for g in data.groups],
            [("平均进度", [_pct(g.mean_progress) for g in data.groups])], "%", value_max=100,
        ),
        "period_on_time": ChartSpec(
            "bar", "各填报周期按时报送率", [t.label for t in data.trends],
            [("按时报送率", [_pct(t.on_time_rate) for t in data.trends])], "%", value_max=100,
        ),
        "unit_scores": ChartSpec(
            "bar", f"{data.year}年度成员单位考核得分", [s.unit_name for s in data.scores],
            [("总分", [s.total for s in data.scores])], "分",
        ),
    }
    if data.literacy_trend:
        charts["literacy_trend"] = ChartSpec(
            "bar", "公民具备科学素质的比例（历次调查）", [f"{p.year}年" for p in data.literacy_trend],
            [("比例", [share_percent(p.share) for p in data.literacy_trend])], "%",
        )
    groups = [e for e in data.literacy if e is not data.headline.estimate]
    if groups:
        charts["literacy_groups"] = ChartSpec(
            "bar", "分群体公民科学素质比例", [e.domain or e.region_name for e in groups],
            [("比例", [share_percent(e.share) for e in groups])], "%",
        )
    charts.update(resource_charts(data.resources))
    lower = [r for r in data.lower_regions if r.has_plan]
    if lower:
        charts["lower_completion"] = ChartSpec(
            "bar", "下级地区量化目标平均完成进度", [r.name for r in lower],
            [("平均进度", [_pct(r.completion) for r in lower]),
             ("按时报送率", [_pct(r.on_time_rate) for r in lower])], "%", value_max=100,
        )
    return {key: spec for key, spec in charts.items() if spec.categories}


def resource_charts(resources) -> dict[str, ChartSpec]:
    """The registries' charts (kesu.resources.summaries), only where the registries have records."""
    charts = {}
    if resources.standing or resources.new:
        charts["resource_levels"] = ChartSpec(
            "bar", "各级科普教育基地数量", [line.label for line in resources.levels],
            [(f"截至{resources.year}年底在册", [line.standing for line in resources.levels]),
             (f"{resources.year}年新认定", [line.new for line in resources.levels])], "家",
        )
    if resources.activities:
        charts["activities_by_month"] = ChartSpec(
            "bar", f"{resources.year}年各月科普活动场次", [f"{month}月" for month in range(1, 13)],
            [("活动场次", list(resources.by_month))], "场",
        )
        kinds = [line for line in resources.by_kind if line.activities]
        charts["activities_by_kind"] = ChartSpec(
            "bar", f"{resources.year}年各类科普活动场次", [line.label for line in kinds],
            [("活动场次", [line.activities for line in kinds])], "场",
        )
    return charts
