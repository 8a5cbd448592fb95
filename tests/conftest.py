import pytest
from tests.paths import SHARED, missing_shared_material, unavailable


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # The world fixture creates eight users; the production PBKDF2 rounds would dominate test time.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _empty_fragment_cache():
    # The per-process cache outlives a test's database; a later test reusing primary keys and version
    # tokens must not be served pages cached by an earlier one.
    from kesu.caching import fragments

    fragments.clear()


@pytest.fixture
def world(db):
    from tests.factories import build_world

    return build_world()


@pytest.fixture
def client_for(db):
    """client_for("edu") → a test Client logged in as that user (the world's users share one password)."""
    from django.test import Client
    from tests.factories import PASSWORD

    def make(username: str) -> Client:
        client = Client()
        assert client.login(username=username, password=PASSWORD)
        return client

    return make


@pytest.fixture
def chromium(monkeypatch):
    """A launched headless Chromium; the test opens its own contexts and pages."""
    from tests.browser import CHROMIUM, CHROMIUM_ARGS

    if not CHROMIUM.exists():
        unavailable("Debian's /usr/bin/chromium is not installed (make test installs it)")
    from playwright.sync_api import sync_playwright

    # Playwright's sync API keeps an event loop running in this thread; the test's own ORM calls
    # (set-up and state checks) are still plain synchronous code.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()
            # The test's own ORM calls ran beside Playwright's event loop on connections of their own,
            # which pytest-django does not close: on PostgreSQL the test database could not be dropped.
            from django.db import connections

            connections.close_all()


@pytest.fixture
def browser_page(chromium):
    context = chromium.new_context(viewport={"width": 1280, "height": 900}, accept_downloads=True)
    try:
        yield context.new_page()
    finally:
        context.close()


def pytest_sessionstart(session):
    # The five seed plans and the plan schema are the first tests of the parser, the importer and the
    # demo; without them the run stops here, saying plainly what is missing, rather than skipping those
    # tests or failing them with confusing errors.
    missing = missing_shared_material()
    if missing:
        raise pytest.UsageError(
            f"shared material missing or unreadable in {SHARED}: {'; '.join(missing)}. Put the project's shared/ folder "
            "beside the repository or set KESU_SHARED_DIR to where it is."
        )
