"""Excel in and out for the registries: the import template and the export (excel_write), reading a
workbook into typed rows (excel_read), and the import that writes them (`import_records`).

The import is all-or-nothing unless asked to skip bad rows: the whole file is written in one
transaction, so a refused file writes nothing. Every row meets the checks of the services the web
forms use (kesu.resources.services.save_record, and for a base's 级别
kesu.resources.lifecycle.record_recognition), applied in bulk by excel_save so that tens of
thousands of rows take seconds. A row whose identity (region and name; for an activity the start
date too) is already registered updates that record, so importing the same file twice registers
nothing twice. The indicator counts are recounted once per file (kesu.resources.feeds.batched),
after the commit.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.db import transaction

from kesu.audit.context import acting_as, current_reason
from kesu.org.models import Region, User
from kesu.resources import feeds
from kesu.resources.excel_read import (  # noqa: F401  (the module's public names)
    GUIDE_SHEET,
    ImportRefused,
    Parsed,
    ParsedRow,
    RowError,
    read,
)
from kesu.resources.excel_save import Writer
from kesu.resources.excel_write import describe, export, template  # noqa: F401
from kesu.resources.kinds import KINDS


@dataclass(frozen=True)
class ImportResult:
    kind: str
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped: tuple[RowError, ...] = ()  # the problems of the rows left out (with skip_invalid)
    ignored_headers: tuple[str, ...] = ()  # columns of the file the kind does not know

    @property
    def skipped_rows(self) -> list[int]:
        return sorted({error.row for error in self.skipped})

    @property
    def written(self) -> int:
        return self.created + self.updated


def import_records(*, actor: User | None, kind: str, data: bytes, region: Region, skip_invalid: bool = False,
                   progress: Callable[[int, int], None] | None = None) -> ImportResult:
    """Import the workbook `data` into registry `kind` within `region`'s subtree, as `actor` (None:
    the system, e.g. the CLI). Raises ImportRefused listing every bad row unless `skip_invalid`, in
    which case the good rows are written and the bad ones listed in the result. `progress(done,
    total)` is called as chunks of rows are written."""
    spec = KINDS[kind]
    parsed = read(kind, data, region=region)
    if parsed.file_errors:
        raise ImportRefused(parsed.file_errors)
    reason = current_reason() or f"Excel导入{spec.label}"
    with acting_as(actor, reason=reason), transaction.atomic(), feeds.batched():
        writer = Writer(actor=actor, spec=spec)
        writer.write(parsed.rows, progress)
        errors = parsed.errors + writer.errors
        if errors and not skip_invalid:
            raise ImportRefused(errors)  # inside the transaction: everything written above is undone
    return ImportResult(
        kind=spec.code, created=writer.counts["created"], updated=writer.counts["updated"],
        unchanged=writer.counts["unchanged"], skipped=tuple(sorted(errors)), ignored_headers=parsed.ignored_headers,
    )
