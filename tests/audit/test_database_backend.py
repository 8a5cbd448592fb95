import os

import pytest
from django.db import connection

pytestmark = pytest.mark.django_db


def test_the_configured_database_is_the_one_in_use():
    # `make test` runs the suite a second time with KESU_DATABASE_URL set; this proves that run
    # really talks to PostgreSQL rather than silently falling back to SQLite.
    expected = "postgresql" if os.environ.get("KESU_DATABASE_URL", "").startswith("postgres") else "sqlite"
    assert connection.vendor == expected
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        assert cursor.fetchone() == (1,)
