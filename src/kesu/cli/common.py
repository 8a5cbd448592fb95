"""What every `kesu` command shares: the -f/-o/--data-dir options, opening the database, one-line
bilingual errors (exit code 2) and the line naming a file written.

Opening the database is where a command run outside the checkout used to die with Django's traceback
(`unable to open database file`): the settings read KESU_DATA_DIR once, at import, and default to
./var. `open_database` sets KESU_DATA_DIR from --data-dir before Django starts, then checks that the
database is there and initialised before any command touches it.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path
from typing import Annotated, Any, NoReturn

import typer

USER_ERROR_EXIT = 2


def format_option(help_text: str) -> Any:
    return typer.Option("-f", "--format", help=f"输出格式 / output format: {help_text}", show_default=False)


def output_option(help_text: str = "输出文件 / output file") -> Any:
    return typer.Option("-o", "--output", help=help_text, show_default=False)


DataDir = Annotated[
    Path | None,
    typer.Option(
        "--data-dir",
        help="数据目录（存放 kesu.sqlite3；默认取环境变量 KESU_DATA_DIR，否则 ./var）/ data directory",
        show_default=False,
        file_okay=False,
    ),
]


def bilingual(zh: str, en: str) -> str:
    return f"{zh} / {en}"


def fail(message: str) -> NoReturn:
    """One line on stderr and exit code 2: a user's mistake, never a traceback."""
    typer.echo("错误 / error: " + " ".join(str(message).split()), err=True)
    raise typer.Exit(USER_ERROR_EXIT)


def names(values: Iterable[str] | str | None, *, unique: bool = True) -> list[str]:
    """A repeatable option's values, each of which may also be comma-separated (`--by a,b --by c`),
    in order and (`unique`) without repeats."""
    if values is None:
        return []
    if isinstance(values, str):
        values = [values]
    found = [part.strip() for value in values for part in value.replace("，", ",").split(",")]
    found = [part for part in found if part]
    return list(dict.fromkeys(found)) if unique else found


def file_size(size: int) -> str:
    if size < 1024:
        return f"{size} B"
    if size < 10 * 1024 * 1024:
        return f"{size / 1024:,.0f} KB"
    return f"{size / (1024 * 1024):,.1f} MB"


def report_written(path: Path, detail: str = "") -> None:
    """The one line a command prints, on stderr, for each file it wrote."""
    path = Path(path)
    size = file_size(path.stat().st_size) if path.is_file() else ""
    extra = f"，{detail}" if detail else ""
    typer.echo(f"已写出 / wrote {path}（{size}{extra}）", err=True)


def setup_data_dir(data_dir: Path | None) -> None:
    """Point the settings at --data-dir; must happen before Django reads its settings."""
    if data_dir is not None:
        os.environ["KESU_DATA_DIR"] = str(data_dir.expanduser().resolve())


def open_database(data_dir: Path | None = None) -> None:
    """Start Django on the database of --data-dir (else KESU_DATA_DIR, else ./var) and make sure it is
    there: a missing or unreadable database ends the command with one line naming where it looked."""
    setup_data_dir(data_dir)
    from django.core.exceptions import ImproperlyConfigured

    from kesu.cli.web import setup_django

    try:
        setup_django()
    except (ImproperlyConfigured, ValueError) as exc:
        fail(bilingual("配置有误", "bad configuration") + f": {exc}")
    _check_database()


def _check_database() -> None:
    from django.db import DatabaseError, connections

    from kesu.org.models import Region

    connection = connections["default"]
    settings = connection.settings_dict
    from_url = bool(os.environ.get("KESU_DATABASE_URL"))
    if connection.vendor == "sqlite":
        name = str(settings["NAME"])
        # SQLite would create a missing file (or fail deep inside Django if its directory is missing).
        if not _in_memory(name) and not Path(name).is_file():
            fail(_not_found(Path(name), from_url))
        where = name
    else:
        where = f"{settings.get('NAME') or ''}@{settings.get('HOST') or 'localhost'}"
        if settings.get("PORT"):
            where += f":{settings['PORT']}"
    try:
        connection.ensure_connection()
        tables = set(connection.introspection.table_names())
    except DatabaseError as exc:
        reason = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
        hint_zh = "请检查环境变量 KESU_DATABASE_URL" if from_url else "请用 --data-dir 指定数据目录，或设置环境变量 KESU_DATA_DIR"
        hint_en = "check KESU_DATABASE_URL" if from_url else "give the data directory with --data-dir or set KESU_DATA_DIR"
        fail(bilingual(f"无法打开数据库 {where}（{reason}）：{hint_zh}", f"cannot open the database {where} ({reason}): {hint_en}"))
    if Region._meta.db_table not in tables:
        fail(bilingual(
            f"数据库 {where} 尚未初始化：请先运行 kesu manage migrate",
            f"the database {where} has no kesu tables: run kesu manage migrate first",
        ))


def _in_memory(name: str) -> bool:
    return name in ("", ":memory:") or (name.startswith("file:") and "mode=memory" in name)


def _not_found(path: Path, from_url: bool) -> str:
    if from_url:
        return bilingual(
            f"找不到数据库 {path}：请检查环境变量 KESU_DATABASE_URL",
            f"database not found: {path}; check KESU_DATABASE_URL",
        )
    return bilingual(
        f"找不到数据库 {path}：请用 --data-dir 指定数据目录，或设置环境变量 KESU_DATA_DIR"
        "（新安装请先运行 kesu manage migrate）",
        f"database not found: {path}; give the data directory with --data-dir or set KESU_DATA_DIR "
        "(a new installation runs kesu manage migrate first)",
    )
