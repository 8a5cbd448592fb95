"""Paths shared by the plan input/output tests (extract, export, `kesu parse`)."""

from __future__ import annotations

import json
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
FIXTURES = Path(__file__).resolve().parent / "fixtures" / "io"
SEEDS = REPO.parent / "shared" / "seeds"
SCHEMA_PATH = REPO.parent / "shared" / "plan.schema.json"


def seed_files() -> list[Path]:
    return sorted(SEEDS.glob("*.txt"))


def plan_schema() -> dict:
    return json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
