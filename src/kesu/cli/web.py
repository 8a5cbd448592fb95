"""`kesu manage …`: Django's management commands with kesu's settings."""

from __future__ import annotations

import os

import typer

from kesu.cli import app


def setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kesu.web.settings")
    import django

    django.setup()


@app.command(
    "manage",
    context_settings={"allow_extra_args": True, "ignore_unknown_options": True},
    help="运行 Django 管理命令 / run a Django management command (migrate, createsuperuser, …)",
)
def manage(ctx: typer.Context) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kesu.web.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["kesu manage", *ctx.args])
