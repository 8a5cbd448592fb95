"""`kesu manage …`: Django's management commands with kesu's settings."""

from __future__ import annotations

import os

import typer

from kesu.cli import app
from kesu.cli.common import DataDir, setup_data_dir


def setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kesu.web.settings")
    import django

    django.setup()


@app.command(
    "manage",
    context_settings={"allow_extra_args": True, "ignore_unknown_options": True},
    help="运行 Django 管理命令 / run a Django management command (migrate, createsuperuser, …)",
)
def manage(ctx: typer.Context, data_dir: DataDir = None) -> None:
    # No check that the database exists: `migrate` is how it comes to exist (in a new --data-dir too).
    if data_dir is not None:
        data_dir.mkdir(parents=True, exist_ok=True)
    setup_data_dir(data_dir)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kesu.web.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["kesu manage", *ctx.args])
