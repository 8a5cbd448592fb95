import pytest


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # The world fixture creates eight users; the production PBKDF2 rounds would dominate test time.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def world(db):
    from tests.factories import build_world

    return build_world()
