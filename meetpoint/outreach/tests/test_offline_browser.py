"""The quick entry page in Chromium: record three encounters with the network off, come back online, and the
server has each exactly once."""

import pytest
from playwright.sync_api import expect

from meetpoint.directory.models import Location
from meetpoint.outreach.models import Encounter
from meetpoint.outreach.tests.conftest import ensure_catalog
from meetpoint.testworld import make_world
from meetpoint.testworld import sign_in as shared_sign_in


def sign_in(page, username: str) -> None:
    shared_sign_in(page, username, next_url="/outreach/")
    page.wait_for_url("**/outreach/")


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_three_encounters_recorded_offline_sync_exactly_once(browser_page):
    world = make_world()
    ensure_catalog()
    van = Location.objects.create(organization=world.home.organization, name="Riverbend Van", is_mobile=True)
    page = browser_page
    sign_in(page, world.home.staff.user.username)
    page.wait_for_selector("body[data-offline-ready=yes]")

    page.context.set_offline(True)
    page.reload()  # the service worker serves the saved page with no network
    page.wait_for_selector("#encounter-form")
    page.wait_for_selector("#connection.offline")
    for code in ("AAAA1111", "BBBB2222", ""):
        page.select_option("select[name=site]", str(van.pk))
        page.fill("input[name=participant_code]", code)
        page.click("button.step[data-target='item_syringe-1ml-28g'][data-step='10']")
        page.click("button.step[data-target='item_naloxone-nasal-4mg'][data-step='1']")
        page.click("button.save")
        expect(page.locator("input[name=participant_code]")).to_have_value("")
    page.wait_for_selector("#sync-status[data-waiting='3']")
    assert page.locator("#waiting-count").inner_text() == "3"
    assert page.locator("#waiting-list li").count() == 3
    assert Encounter.objects.count() == 0

    page.context.set_offline(False)
    page.wait_for_selector("#sync-status[data-waiting='0']", state="attached")
    page.wait_for_selector("#sync-status", state="hidden")
    assert Encounter.objects.count() == 3
    assert Encounter.objects.filter(location=van, participant__isnull=True).count() == 1
    # Per-site defaults: each encounter starts from the previous one's counts (0 -> 10 -> 20 -> 30 syringes).
    assert page.input_value("#item_syringe-1ml-28g") == "30"
    page.reload()  # loading the page syncs again: nothing is left to send, nothing is stored twice
    page.wait_for_selector("#connection.online")
    assert Encounter.objects.count() == 3
