"""Test-wide set-up: every test run gets its own data directory (SQLite file, uploads)."""

import os
import tempfile

os.environ.setdefault("KESU_DATA_DIR", tempfile.mkdtemp(prefix="kesu-test-"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kesu.web.settings")
