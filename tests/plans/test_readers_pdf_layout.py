"""PDF page layout (issue 15, item 5): two-column pages read column by column, running headers,
footers and page numbers removed, tasks running across a page break joined."""

from __future__ import annotations

from pathlib import Path

import pytest

from kesu.plans import parse_file
from kesu.plans.readers import read_plan_text

weasyprint = pytest.importorskip("weasyprint")

_FONT = '"Noto Sans CJK SC", "Noto Serif CJK SC", sans-serif'

_TASKS = [
    (
        "开展青少年科学调查体验活动，组织中小学生走进科技场馆和科研院所参观学习",
        "市教育局",
        "市科协、市科技局",
    ),
    (
        "实施农民科学素质提升工程，围绕乡村振兴开展农业实用技术培训和科普宣传",
        "市农业农村局",
        "市科协、市妇联",
    ),
    (
        "推进产业工人技能培训，依托职业院校和企业培训中心开展岗位技能提升培训",
        "市人力资源社会保障局",
        "市总工会",
    ),
    (
        "加强老年人智能技术运用培训，帮助老年人跨越数字鸿沟并防范电信网络诈骗",
        "市卫生健康委",
        "市民政局、市公安局",
    ),
    ("提升领导干部和公务员科学素质，将科学素质教育纳入干部教育培训的重要内容", "市委组织部", "市委党校"),
    (
        "建设基层科普阵地，推动社区科普活动室和乡村科普e站在各镇街全覆盖",
        "市科协",
        "市财政局、市住房城乡建设局",
    ),
]


# Repeated rounds of the tasks differ in words of different lengths, so that no wrapped line repeats
# (real pages never repeat one): a line found at the same place on most pages is page furniture.
_ROUNDS = ["", "继续", "深入推进", "在全市范围"]


def _task_lines(count: int = 1) -> list[str]:
    return [
        f"{number}.{_ROUNDS[round_]}{task}。（由{lead}牵头，{part}配合）"
        for round_ in range(count)
        for number, (task, lead, part) in enumerate(_TASKS, start=1)
    ]


def _paragraphs(count: int = 1) -> str:
    return "\n".join(f"<p>{line}</p>" for line in _task_lines(count))


def _render(html: str, path: Path) -> Path:
    weasyprint.HTML(string=html).write_pdf(path)
    return path


def _two_column_pdf(tmp_path: Path) -> Path:
    html = f"""<html><head><style>
      @page {{ size: A4; margin: 2.5cm 2cm; }}
      body {{ font-family: {_FONT}; font-size: 11pt; line-height: 1.6; }}
      h1 {{ text-align: center; font-size: 16pt; }}
      .cols {{ columns: 2; column-gap: 1.2cm; }}
      p {{ margin: 0 0 0.4em 0; text-indent: 2em; text-align: justify; }}
    </style></head><body>
      <h1>某市全民科学素质行动实施方案</h1>
      <div class="cols">{_paragraphs()}</div>
    </body></html>"""
    return _render(html, tmp_path / "two_columns.pdf")


def test_two_column_page_is_read_column_by_column(tmp_path: Path) -> None:
    path = _two_column_pdf(tmp_path)
    lines = [line for line in read_plan_text(path).splitlines() if line.strip()]

    assert lines[0] == "某市全民科学素质行动实施方案"
    for number, (task, lead, part) in enumerate(_TASKS, start=1):
        assert f"{number}.{task}。（由{lead}牵头，{part}配合）" in lines

    plan = parse_file(path)
    assert [(t.lead_units, t.participating_units) for t in plan.tasks] == [
        (["市教育局"], ["市科协", "市科技局"]),
        (["市农业农村局"], ["市科协", "市妇联"]),
        (["市人力资源社会保障局"], ["市总工会"]),
        (["市卫生健康委"], ["市民政局", "市公安局"]),
        (["市委组织部"], ["市委党校"]),
        (["市科协"], ["市财政局", "市住房城乡建设局"]),
    ]


@pytest.mark.parametrize(
    "page_number", ['"— " counter(page) " —"', '"-" counter(page) "-"', '"第" counter(page) "页"']
)
def test_running_header_footer_and_page_numbers_removed_and_tasks_joined_across_pages(
    tmp_path: Path, page_number: str
) -> None:
    html = f"""<html><head><style>
      @page {{
        size: A5; margin: 2.2cm 1.8cm;
        @top-center {{ content: "某市科学技术协会年鉴·2027"; font-family: {_FONT}; font-size: 9pt; }}
        @bottom-center {{ content: {page_number}; font-family: {_FONT}; font-size: 9pt; }}
      }}
      body {{ font-family: {_FONT}; font-size: 11pt; line-height: 1.6; }}
      p {{ margin: 0; text-indent: 2em; text-align: justify; }}
    </style></head><body>{_paragraphs(3)}</body></html>"""
    path = _render(html, tmp_path / "furniture.pdf")
    lines = [line for line in read_plan_text(path).splitlines() if line.strip()]

    assert not any("年鉴" in line for line in lines)
    assert not any(line.strip("—-第页 ").isdigit() for line in lines)
    assert lines == _task_lines(3)


def test_two_column_yearbook_pages_lose_their_split_running_header(tmp_path: Path) -> None:
    html = f"""<html><head><style>
      @page {{
        size: A4; margin: 2.5cm 2cm;
        @top-left {{ content: "某市年鉴（2027）"; font-family: {_FONT}; font-size: 9pt; }}
        @top-right {{ content: "科学普及"; font-family: {_FONT}; font-size: 9pt; }}
        @bottom-center {{ content: "· " counter(page) " ·"; font-family: {_FONT}; font-size: 9pt; }}
      }}
      body {{ font-family: {_FONT}; font-size: 11pt; line-height: 1.6; }}
      .cols {{ columns: 2; column-gap: 1.2cm; }}
      p {{ margin: 0 0 0.4em 0; text-indent: 2em; text-align: justify; }}
    </style></head><body><div class="cols">{_paragraphs(4)}</div></body></html>"""
    path = _render(html, tmp_path / "yearbook.pdf")
    lines = [line for line in read_plan_text(path).splitlines() if line.strip()]

    assert lines == _task_lines(4)


def test_text_flattened_from_two_columns_is_read_column_by_column(tmp_path: Path) -> None:
    left = [
        "一、主要任务",
        "（一）青少年科学素质提升行动。由市",
        "教育局牵头，市科协、团市委参加。开",
        "展青少年科技节。",
        "（二）农民科学素质提升行动。由市农",
        "业农村局牵头，市科协参加。",
    ]
    right = [
        "（三）老年人科学素质提升行动。由市",
        "卫生健康委牵头，市民政局参加。",
        "（四）科普信息化提升工程。由市委宣",
        "传部牵头，市委网信办参加。",
    ]
    flattened = [f"{a:<20}    {b}" for a, b in zip(left, right, strict=False)] + left[len(right) :]
    path = tmp_path / "flattened.txt"
    path.write_text("\n".join(flattened) + "\n", encoding="utf-8")

    plan = parse_file(path)

    assert [(t.lead_units, t.participating_units) for t in plan.tasks] == [
        (["市教育局"], ["市科协", "团市委"]),
        (["市农业农村局"], ["市科协"]),
        (["市卫生健康委"], ["市民政局"]),
        (["市委宣传部"], ["市委网信办"]),
    ]
    assert any("两栏" in warning for warning in plan.warnings)
