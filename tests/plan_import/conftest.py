from __future__ import annotations

import pytest

# (seed file, region code the plan governs)
SEED_REGIONS = {
    "000_47cc18a54f420551.txt": "371083",  # 乳山市
    "001_4bddc11958e96dea.txt": "430503",  # 大祥区
    "002_356e93e89e1c749d.txt": "371000",  # 威海市
    "003_1dcaa5441ab4a16c.txt": "320300",  # 徐州市
    "004_c7ded379b80c80a1.txt": "370105",  # 天桥区
}




@pytest.fixture
def seed_regions(db):
    from kesu.org.services import SEED_REGIONS_CSV, import_regions_csv

    import_regions_csv(actor=None, source=SEED_REGIONS_CSV)
