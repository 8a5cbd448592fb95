"""The `kesu` command. Each domain adds its commands from its own module in this package.

Heavy imports (Django, numpy, openpyxl) happen inside the commands so that `kesu --help` and
`kesu parse` start fast.
"""

from __future__ import annotations

import typer

app = typer.Typer(
    name="kesu",
    help="kesu (科素): 全民科学素质行动 implementation, supervision and evaluation.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


@app.callback()
def _root() -> None:
    """kesu (科素): 全民科学素质行动实施、督办与评估 / implementation, supervision and evaluation."""


def _register() -> None:
    from kesu.cli import parse as _parse  # noqa: F401  (registers `kesu parse`)

    for module in ("survey", "survey_rake", "web", "demo", "plans_import", "plans_align", "report", "tokens", "indicators", "resources"):
        try:
            __import__(f"kesu.cli.{module}")
        except ModuleNotFoundError as exc:
            if exc.name != f"kesu.cli.{module}":
                raise


def main() -> None:
    _register()
    app()
