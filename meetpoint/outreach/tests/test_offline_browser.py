"""The quick entry page in Chromium: record encounters with the network off in a few taps, come back online, and
the server has each exactly once; a record the phone's rules catch is not queued until fixed, and one the server
refuses is opened, corrected and sent again with nothing retyped."""

import pytest
from playwright.sync_api import expect

from meetpoint.directory.models import Location
from meetpoint.inventory.models import SupplyItem
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
    # Each encounter counts from 0 (the previous one's quantities are not carried over).
    assert page.input_value("#item_syringe-1ml-28g") == "0"
    assert set(Encounter.objects.values_list("naloxone_kit_status", flat=True)) == {"first"}  # one control
    page.reload()  # loading the page syncs again: nothing is left to send, nothing is stored twice
    page.wait_for_selector("#connection.online")
    assert Encounter.objects.count() == 3


class Thumb:
    """Counts the taps a worker makes."""

    def __init__(self, page):
        self.page, self.taps = page, 0

    def tap(self, selector: str) -> None:
        self.page.click(selector)
        self.taps += 1


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_an_encounter_takes_few_taps_offline_and_a_refused_one_is_corrected_and_resent(browser_page):
    world = make_world()
    ensure_catalog()
    van = Location.objects.create(organization=world.home.organization, name="Riverbend Van", is_mobile=True)
    page = browser_page
    sign_in(page, world.home.staff.user.username)
    page.wait_for_selector("body[data-offline-ready=yes]")
    page.context.set_offline(True)
    page.reload()
    page.wait_for_selector("#connection.offline")
    assert page.input_value("select[name=site]") == str(van.pk)  # the only site is chosen already

    # A usual encounter: 10 syringes, a first naloxone kit, 2 fentanyl test strips, saved.
    thumb = Thumb(page)
    page.fill("input[name=participant_code]", "AAAA1111")
    thumb.tap("button.step[data-target='item_syringe-1ml-28g'][data-step='10']")
    thumb.tap("#naloxone-control button.step[data-step='1']")
    thumb.tap("button.step[data-target='item_fentanyl-test-strip'][data-step='1']")
    thumb.tap("button.step[data-target='item_fentanyl-test-strip'][data-step='1']")
    thumb.tap("button.save")
    page.wait_for_selector("#sync-status[data-waiting='1']")
    assert thumb.taps <= 8
    assert page.input_value("#item_syringe-1ml-28g") == "0"  # the next one counts from 0

    # The phone applies the server's rules before queueing: a refill needs a reason.
    page.fill("input[name=participant_code]", "BBBB2222")
    page.click("#naloxone-control button.step[data-step='1']")
    page.click("#naloxone-control button.step[data-step='1']")
    page.check("input[name=naloxone_kit_status][value=refill]")
    page.click("button.step[data-target='item_syringe-1ml-28g'][data-step='10']")
    page.click("button.save")
    expect(page.locator("#check-problems")).to_contain_text("say why a refill was needed")
    assert page.get_attribute("#sync-status", "data-waiting") == "1"  # not queued
    page.check("input[name=refill_reason][value=used]")
    page.click("button.save")
    page.wait_for_selector("#sync-status[data-waiting='2']")

    # Meanwhile the program lowers its naloxone ceiling: the server now refuses 2 kits in one encounter.
    SupplyItem.objects.filter(code="naloxone-nasal-4mg").update(max_per_encounter=1)
    page.context.set_offline(False)
    page.wait_for_selector("#rejected:not([hidden])")
    page.wait_for_selector("#sync-status[data-waiting='0']")
    assert Encounter.objects.count() == 1
    refused = page.locator("#rejected-list li")
    expect(refused).to_contain_text(SupplyItem.objects.get(code="naloxone-nasal-4mg").name)
    assert "naloxone-nasal-4mg" not in refused.inner_text()  # the supply's name, not its code

    refused.get_by_role("button", name="Open to correct").click()
    assert page.input_value("input[name=participant_code]") == "BBBB2222"
    assert page.input_value("#item_syringe-1ml-28g") == "10"  # nothing to retype
    page.click("#naloxone-control button.step[data-step='-1']")
    page.click("button.save")
    page.wait_for_selector("#rejected", state="hidden")
    page.wait_for_selector("#sync-status", state="hidden")
    assert Encounter.objects.count() == 2
    corrected = Encounter.objects.get(participant__isnull=False, refill_reason="used")
    lines = {line.supply_item.code: line.quantity for line in corrected.supplies.all()}
    assert lines == {"syringe-1ml-28g": 10, "naloxone-nasal-4mg": 1}
    assert corrected.naloxone_kit_status == "refill"


DEVICE = """async () => {
  const keys = await caches.keys();
  const pages = keys.includes("meetpoint-outreach-pages") ? await (await caches.open("meetpoint-outreach-pages")).keys() : [];
  const db = await new Promise((resolve) => { const r = indexedDB.open("meetpoint-outreach", 1); r.onsuccess = () => resolve(r.result); });
  const stored = await new Promise((resolve) => { const t = db.transaction("queue").objectStore("queue").getAll(); t.onsuccess = () => resolve(t.result); });
  db.close();
  return {pages: pages.length, site: localStorage.getItem("meetpoint.outreach.site"),
          queue: stored.length, text: JSON.stringify(stored.map((e) => Object.assign({}, e, {sealed: e.sealed ? Array.from(e.sealed) : null})))};
}"""


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_sign_out_leaves_nothing_readable_on_the_phone_and_the_same_worker_gets_the_waiting_record(
    browser_page,
):
    world = make_world()
    ensure_catalog()
    Location.objects.create(organization=world.home.organization, name="Riverbend Van", is_mobile=True)
    page = browser_page
    sign_in(page, world.home.staff.user.username)
    page.wait_for_selector("body[data-offline-ready=yes]")
    page.route("**/api/v1/outreach/sync", lambda route: route.abort())  # the record cannot be sent yet
    page.fill("input[name=participant_code]", "ZQ7731XK")
    page.click("button.step[data-target='item_syringe-1ml-28g'][data-step='10']")
    page.click("button.save")
    page.wait_for_selector("#sync-status[data-waiting='1']")
    before = page.evaluate(DEVICE)
    assert before["pages"] == 1 and before["site"] is not None and before["queue"] == 1
    assert "ZQ7731XK" not in before["text"]  # sealed even while signed in

    page.click("#menu > summary")
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_load_state()
    after = page.evaluate(DEVICE)
    assert (
        after["pages"] == 0 and after["site"] is None
    )  # the saved page with the organization's name is gone
    assert after["queue"] == 1 and "ZQ7731XK" not in after["text"]  # the unsent record waits, unreadable

    page.context.set_offline(True)
    page.goto("/outreach/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Partner sign-in")
    assert world.home.organization.name not in page.content()
    assert "Record an encounter" not in page.content()

    page.context.set_offline(False)
    page.unroute("**/api/v1/outreach/sync")
    sign_in(page, world.home.staff.user.username)  # the same worker: the record is opened and sent
    # (a generous wait: the page registers its worker, opens the sealed record and syncs, on a busy machine)
    page.wait_for_selector("#sync-status[data-waiting='0']", state="attached", timeout=60000)
    assert Encounter.objects.filter(participant__isnull=False).count() == 1
