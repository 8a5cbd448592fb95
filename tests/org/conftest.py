import pytest


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # The world fixture creates eight users; the default PBKDF2 rounds dominate test time here.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
