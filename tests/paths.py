"""Where the shared material lives: `shared/` beside the repository (seeds, the plan schema), or
KESU_SHARED_DIR when it is elsewhere; and what a test does when something it needs is missing."""

import json
import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("KESU_SHARED_DIR", REPO.parent / "shared"))
SEEDS = SHARED / "seeds"
PLAN_SCHEMA = SHARED / "plan.schema.json"
# The seed plans the parser and demo tests read by name (tests/plans/test_parser_seeds.py).
SEED_NAMES = (
    "000_47cc18a54f420551.txt",
    "001_4bddc11958e96dea.txt",
    "002_356e93e89e1c749d.txt",
    "003_1dcaa5441ab4a16c.txt",
    "004_c7ded379b80c80a1.txt",
)


def missing_shared_material() -> list[str]:
    """What of the shared material is absent or unreadable, in words; empty when all is there."""
    problems = []
    absent = [name for name in SEED_NAMES if not (SEEDS / name).is_file()]
    if absent:
        problems.append(f"seed plans {', '.join(absent)} in {SEEDS}")
    try:
        json.loads(PLAN_SCHEMA.read_text(encoding="utf-8"))
    except FileNotFoundError:
        problems.append(f"plan schema {PLAN_SCHEMA}")
    except (OSError, ValueError) as error:
        problems.append(f"plan schema {PLAN_SCHEMA} (unreadable: {error})")
    return problems


def in_ci() -> bool:
    """True under `make test` in CI (CI=true, as CI services set it), where nothing may be skipped."""
    return os.environ.get("CI", "").strip().lower() in ("1", "true", "yes")


def unavailable(reason: str) -> None:
    """A prerequisite that `make test` installs is missing: fail in CI, skip in an ad-hoc run."""
    if in_ci():
        pytest.fail(f"{reason} (CI=true: `make test` must provide it, so this is a failure, not a skip)",
                    pytrace=False)
    pytest.skip(reason)
