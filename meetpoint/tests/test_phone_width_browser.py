"""No page is wider than a 360 px phone: every page the authorization matrix enumerates, opened in Chromium at
360x740 by each role of the home organization and by the anonymous public, in English and in Spanish, must not
scroll sideways, and its content starts within the first 120 px. One browser for the whole run, one context per role and language."""

from __future__ import annotations

import re

import pytest
from django.conf import settings

from meetpoint.tests.authorization_matrix import PAGES, Lit
from meetpoint.tests.home_world import build_home_world

WIDTH, HEIGHT = 360, 740
CONTENT_TOP = 120  # the page's own content starts within the first 120 px (the navigation is a menu button)
NOT_PAGES = (
    "/fhir/",
    ".ics",
    ".js",
    ".webmanifest",
    "download.",
    "data.",
    "/api/v1/schema/",
    "/i18n/",
    "sign-out",
)
# Who looks, and in which language: every role in English; Spanish (the longer words) for the public and the
# admin, who between them reach every page.
LOOKERS = [(role, "en") for role in ("anonymous", "viewer", "analyst", "staff", "admin")] + [
    ("anonymous", "es"),
    ("admin", "es"),
]
# Measures what a person would see scroll: the page wider than the screen.
OVERFLOW = """() => {
  const width = document.documentElement.clientWidth;
  const main = document.querySelector('main');
  const top = main ? main.getBoundingClientRect().top : 0;
  if (document.documentElement.scrollWidth <= width) return top > 120 ? {scroll: width, culprits: [], top} : null;
  const wide = [...document.querySelectorAll('body *')].filter(el => el.getBoundingClientRect().right > width + 1)
    .map(el => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') + (el.className && el.className.baseVal === undefined ? '.' + String(el.className).split(' ').join('.') : ''));
  return {scroll: document.documentElement.scrollWidth, culprits: wide.slice(-4), top};
}"""


def _paths(hw) -> list[str]:
    from meetpoint.tests.test_authorization_matrix import _path

    paths = []
    for key, entry in PAGES.items():
        method, route = key.split(" ", 1)
        if method != "GET" or any(marker in route for marker in NOT_PAGES):
            continue
        path = _path(hw, key, entry)
        if entry.query:
            continue  # exports (the audit CSV)
        paths.append(path)
    assert all(not isinstance(value, Lit) for value in paths)
    return paths


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_no_page_is_wider_than_a_360_px_phone_and_content_comes_first(live_server):
    from pathlib import Path

    from meetpoint.conftest import CHROMIUM, CHROMIUM_ARGS

    if not Path(CHROMIUM).exists():
        pytest.skip(f"browser test needs Debian's chromium at {CHROMIUM} (apt-get install chromium)")
    playwright_sync = pytest.importorskip("playwright.sync_api", reason="browser test needs Playwright")
    import os

    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    hw = build_home_world()
    paths = _paths(hw)
    too_wide = []
    host = re.sub(r"^https?://", "", live_server.url).split(":")[0]
    with playwright_sync.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        try:
            for role, language in LOOKERS:
                context = browser.new_context(
                    viewport={"width": WIDTH, "height": HEIGHT},
                    base_url=live_server.url,
                    service_workers="block",
                )
                cookies = [
                    {"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "domain": host, "path": "/"}
                ]
                if role != "anonymous":
                    client = hw.clients[hw.world.home.members[role].pk]
                    session = client.cookies[settings.SESSION_COOKIE_NAME].value
                    cookies.append(
                        {"name": settings.SESSION_COOKIE_NAME, "value": session, "domain": host, "path": "/"}
                    )
                context.add_cookies(cookies)
                page = context.new_page()
                page.set_default_timeout(15000)
                for path in paths:
                    response = page.goto(path)
                    if response is None or "text/html" not in (response.headers.get("content-type") or ""):
                        continue
                    found = page.evaluate(OVERFLOW)
                    if found and found["scroll"] > WIDTH:
                        too_wide.append(
                            f"{path} [{role}, {language}]: {found['scroll']} px {found['culprits']}"
                        )
                    if found and found["top"] > CONTENT_TOP:
                        too_wide.append(f"{path} [{role}, {language}]: content starts at {found['top']} px")
                context.close()
        finally:
            browser.close()
    assert not too_wide, "Pages wider than a 360 px phone:\n" + "\n".join(too_wide)
