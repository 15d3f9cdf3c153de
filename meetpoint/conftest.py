import contextlib

import pytest

from meetpoint.testworld import make_world


@pytest.fixture
def world(db):
    """Two unrelated organizations with a member of every role each, and a coalition (meetpoint/testworld.py)."""
    return make_world()


@pytest.fixture(scope="session", autouse=True)
def _own_cache_folder(tmp_path_factory):
    """The suite never shares the checkout's var/cache: a developer's running server (or another run of the suite)
    would otherwise read what a test cached, and a test what they did. Each test process gets its own folder."""
    from django.conf import settings
    from django.core.cache import caches

    folder = tmp_path_factory.mktemp("cache")
    for alias, config in settings.CACHES.items():
        if config["BACKEND"].endswith("FileBasedCache"):
            config["LOCATION"] = str(folder / alias)
    for alias in list(settings.CACHES):
        with contextlib.suppress(AttributeError):
            del caches[alias]  # a cache opened before this point would keep its old folder
    return folder


@pytest.fixture(autouse=True)
def _english():
    """Each test starts in English: a request made in Spanish leaves its language active on the thread, and the
    next test on the same worker would otherwise see Spanish text (notifications, messages)."""
    from django.utils import translation

    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # Argon2 is deliberately slow; tests check behaviour, not hashing cost.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture
def browser_page(live_server):
    """A Playwright page in Debian's chromium, phone-sized, pointed at the live test server.

    Skips with the reason when chromium or Playwright is missing (.ci/run installs both).
    """
    import os
    from pathlib import Path

    if not Path(CHROMIUM).exists():
        pytest.skip(f"browser test needs Debian's chromium at {CHROMIUM} (apt-get install chromium)")
    playwright_sync = pytest.importorskip("playwright.sync_api", reason="browser test needs Playwright")
    # Playwright's sync API runs an event loop; Django's ORM guard would otherwise refuse the live server's DB.
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with playwright_sync.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        context = browser.new_context(viewport={"width": 390, "height": 844}, base_url=live_server.url)
        page = context.new_page()
        page.set_default_timeout(15000)
        try:
            yield page
        finally:
            context.close()
            browser.close()
