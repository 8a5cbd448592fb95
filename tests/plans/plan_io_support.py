"""Paths shared by the plan input/output tests (readers, export, `kesu parse`)."""

from __future__ import annotations

import json
from pathlib import Path

from tests.paths import PLAN_SCHEMA, SEEDS

REPO = Path(__file__).resolve().parents[2]
FIXTURES = Path(__file__).resolve().parent / "fixtures" / "io"
SCHEMA_PATH = PLAN_SCHEMA


def seed_files() -> list[Path]:
    return sorted(SEEDS.glob("*.txt"))


def plan_schema() -> dict:
    return json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
