"""`kesu plans align`: the links a plan's tasks would get to a parent plan or the national 纲要, from
the pure alignment core. A plan file against `national` needs no database; a plan id (either side)
reads the stored plan."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from kesu.cli.common import (
    DataDir,
    bilingual,
    fail,
    format_option,
    open_database,
    output_option,
    report_written,
)
from kesu.cli.plans_import import plans_app


def _file_items(path: Path):
    from kesu.plans import PlanParseError, parse_file
    from kesu.plans.alignment import AlignItem

    if not path.is_file():
        fail(bilingual(f"文件“{path}”不存在", f"no such file: {path}"))
    try:
        parsed = parse_file(path)
    except PlanParseError as exc:
        fail(bilingual(f"无法解析方案文件：{exc}", f"cannot parse the plan file: {exc}"))
    return [AlignItem(id=task.id, title=task.title, text=task.text, path=tuple(task.path)) for task in parsed.tasks]


def _stored_items(plan_id: str, role: str):
    """(items, code of each item id): the stored plan's tasks, ids being primary keys."""
    from kesu.cascade.matching import task_items
    from kesu.planning.models import Plan, Task

    plan = Plan.objects.filter(pk=int(plan_id)).first() if plan_id.isdigit() else None
    if plan is None:
        fail(bilingual(f"没有编号为 {plan_id} 的{role}", f"no plan with id {plan_id}"))
    tasks = list(Task.objects.filter(plan=plan).order_by("order", "pk"))
    return task_items(tasks), {str(task.pk): task.code for task in tasks}


def _rows(children, codes: dict[str, str], parents, parent_codes: dict[str, str], top: int) -> list[dict]:
    from kesu.plans.alignment import align

    found = align(children, parents, top=top)
    return [{"id": codes.get(item.id, item.id), "title": item.title,
             "links": [{"parent": parent_codes.get(link.parent, link.parent), "title": link.title,
                        "score": round(float(link.score), 4)} for link in found.get(item.id, [])]}
            for item in children]


def _write_xlsx(rows: list[dict], top: int, output: Path) -> None:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = "任务对应"
    header = ["任务编号", "任务"]
    for rank in range(1, top + 1):
        header += [f"对应{rank}", f"对应{rank}名称", f"相似度{rank}"]
    sheet.append(header)
    for row in rows:
        cells = [row["id"], row["title"]]
        for link in row["links"][:top]:
            cells += [link["parent"], link["title"], link["score"]]
        sheet.append(cells)
    book.save(output)


@plans_app.command("align", help="为方案任务生成上级对应 / propose each task's links to a parent plan or the national outline")
def plans_align(
    plan: Annotated[str, typer.Argument(help="方案编号（数据库中）或方案文件 / plan id or plan file")],
    parent: Annotated[str, typer.Option("--parent", help="上级方案编号，或 national（国家纲要）")],
    fmt: Annotated[str, format_option("json, xlsx")] = "json",
    output: Annotated[Path | None, output_option()] = None,
    top: Annotated[int, typer.Option("--top", help="每项任务列出的对应数 / links per task", min=1)] = 3,
    data_dir: DataDir = None,
) -> None:
    if fmt not in ("json", "xlsx"):
        fail(bilingual(f"不支持的格式“{fmt}”（可用 json、xlsx）", f"unknown format {fmt!r} (json, xlsx)"))
    if fmt == "xlsx" and output is None:
        fail(bilingual("xlsx 格式须用 -o 指定输出文件", "xlsx needs an output file: -o FILE"))
    national = parent.strip().lower() == "national"
    if not national and not parent.isdigit():
        fail(bilingual(f"--parent 须为方案编号或 national，而不是“{parent}”", f"--parent takes a plan id or national, not {parent!r}"))
    from_file = not plan.isdigit()
    if not from_file or not national:
        open_database(data_dir)
    if from_file:
        children, codes = _file_items(Path(plan)), {}
    else:
        children, codes = _stored_items(plan, "方案")
    if national:
        from kesu.plans.alignment import national_parents

        parents, parent_codes = national_parents(), {}
    else:
        parents, parent_codes = _stored_items(parent, "上级方案")
    rows = _rows(children, codes, parents, parent_codes, top)
    if fmt == "xlsx":
        _write_xlsx(rows, top, output)
        report_written(output, f"{len(rows)} 项任务")
        return
    text = json.dumps(rows, ensure_ascii=False, indent=2)
    if output is None:
        typer.echo(text)
    else:
        output.write_text(text + "\n", encoding="utf-8")
        report_written(output, f"{len(rows)} 项任务")
