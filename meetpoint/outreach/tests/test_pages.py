"""Quick entry, the PWA files, possible duplicates and the code recipe pages — with outsiders and anonymous."""

import uuid

import pytest

from meetpoint.outreach.models import Encounter
from meetpoint.participants import actions as participant_actions
from meetpoint.participants.models import PossibleDuplicate


def test_quick_entry_page_offers_sites_counters_and_the_offline_app(world, sites):
    page = world.client(world.home.staff).get("/outreach/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "Riverbend Van" in html and "Lakeside ED" not in html
    assert 'data-step="1"' in html and 'name="item_naloxone-nasal-4mg"' in html
    assert 'rel="manifest"' in html and "outreach/entry.js" in html
    assert "<script>" not in html and "onclick" not in html


def test_quick_entry_without_javascript_saves_remembers_the_site_and_counts_from_zero(world, sites):
    client = world.client(world.home.staff)
    form = {
        "client_uuid": str(uuid.uuid4()),
        "site": str(sites["van"].pk),
        "participant_code": "MA0307P85",
        "item_syringe-1ml-28g": "30",
        "item_naloxone-nasal-4mg": "1",
        "naloxone_kit_status": "refill",
        "refill_reason": "used",
        "reversals_reported": "1",
        "syringes_collected": "12",
    }
    answer = client.post("/outreach/", form)
    assert answer.status_code == 302
    encounter = Encounter.objects.get()
    assert encounter.location == sites["van"] and encounter.setting == "mobile_stop"
    assert encounter.refill_reason == "used" and encounter.reversals_reported == 1
    assert client.post("/outreach/", form).status_code == 302  # the same form posted twice
    assert Encounter.objects.count() == 1
    again = client.get("/outreach/")
    assert again.context["site_id"] == str(sites["van"].pk)
    counters = {counter["item"].code: counter["value"] for counter in again.context["counters"]}
    assert counters["syringe-1ml-28g"] == 0  # each encounter counts from 0; the site is remembered


def test_quick_entry_shows_what_is_wrong(world, sites):
    client = world.client(world.home.staff)
    answer = client.post("/outreach/", {"site": str(sites["outsider"].pk), "item_wound-care-kit": "99"})
    assert answer.status_code == 400
    text = answer.content.decode()
    assert "is not one of Riverbend Harm Reduction" in text
    assert Encounter.objects.count() == 0


@pytest.mark.parametrize("role", ["analyst", "viewer"])
def test_quick_entry_is_for_staff_only(world, sites, role):
    assert world.client(getattr(world.home, role)).get("/outreach/").status_code == 403


def test_quick_entry_anonymous_goes_to_sign_in(world):
    answer = world.client().get("/outreach/")
    assert answer.status_code == 302 and "/account/" in answer["Location"]


def test_outsider_cannot_record_at_home_sites_from_the_page(world, sites):
    answer = world.client(world.outsider.staff).post("/outreach/", {"site": str(sites["fixed"].pk)})
    assert answer.status_code == 400
    assert Encounter.objects.count() == 0


def test_service_worker_scope_and_manifest(world):
    worker = world.client().get("/outreach/sw.js")
    assert worker.status_code == 200
    assert worker["Content-Type"].startswith("application/javascript")
    body = worker.content.decode()
    assert 'const ENTRY = "/outreach/"' in body and "/static/outreach/entry.js" in body
    manifest = world.client().get("/outreach/manifest.webmanifest").json()
    assert manifest["start_url"] == "/outreach/" and manifest["scope"] == "/outreach/"


def test_duplicates_page_merges_within_the_organization(world, sites):
    org = world.home.organization
    participant_actions.find_or_create_participant(org, "MA0307P85")
    participant_actions.find_or_create_participant(org, "MA0307P84")
    flag = PossibleDuplicate.objects.get()
    page = world.client(world.home.staff).get("/outreach/participants/duplicates/")
    assert page.status_code == 200 and flag in page.context["duplicates"]
    url = f"/outreach/participants/duplicates/{flag.pk}/merge/"
    assert world.client(world.outsider.staff).post(url).status_code == 404
    assert world.client(world.home.analyst).post(url).status_code == 403
    assert world.client().post(url).status_code == 302
    assert world.client(world.home.staff).post(url).status_code == 302
    flag.refresh_from_db()
    assert flag.status == PossibleDuplicate.Status.MERGED
    assert (
        world.client(world.outsider.staff)
        .get("/outreach/participants/duplicates/")
        .context["duplicates"]
        .count()
        == 0
    )


def test_recipe_page_for_admins(world):
    url = "/outreach/participants/recipe/"
    assert world.client(world.home.staff).get(url).status_code == 403
    assert world.client().get(url).status_code == 302
    admin = world.client(world.home.admin)
    assert (
        admin.post(
            url, {"part_0": "birth_year", "part_1": "mother_first_name", "part_2": "birth_day"}
        ).status_code
        == 302
    )
    assert participant_actions.recipe_of(world.home.organization) == (
        "birth_year",
        "mother_first_name",
        "birth_day",
    )
    assert participant_actions.recipe_of(world.outsider.organization)[0] == "mother_first_name"
    assert admin.post(url, {"part_0": "birth_city"}).status_code == 400


def test_impossible_dates_are_answered_not_crashed(world, sites):
    client = world.client(world.home.staff)
    answer = client.post("/outreach/", {"site": str(sites["fixed"].pk), "occurred_at": "2026-02-30T10:00"})
    assert answer.status_code == 400 and Encounter.objects.count() == 0
    page = world.client(world.home.viewer).get(
        "/outreach/summary/", {"from": "2026-02-30", "to": "2099-12-31"}
    )
    assert page.status_code == 200
