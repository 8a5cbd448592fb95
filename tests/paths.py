"""Where the shared material lives: `shared/` beside the repository (seeds, the plan schema), or
KESU_SHARED_DIR when it is elsewhere."""

import os
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("KESU_SHARED_DIR", REPO.parent / "shared"))
SEEDS = SHARED / "seeds"
PLAN_SCHEMA = SHARED / "plan.schema.json"
