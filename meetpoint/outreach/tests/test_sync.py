"""Exactly-once sync: records carry their device's UUID, and each is stored once however often it is sent."""

import uuid
from datetime import timedelta

import pytest
from django.utils import timezone

from meetpoint.outreach import actions
from meetpoint.outreach.models import Encounter, EncounterSupply
from meetpoint.outreach.tests.conftest import encounter_record

SYNC = "/api/v1/outreach/sync"


def post(client, records, **kwargs):
    return client.post(SYNC, {"encounters": records}, content_type="application/json", **kwargs)


def test_same_batch_sent_twice_is_stored_once(world, sites):
    client = world.client(world.home.staff)
    batch = [encounter_record(sites["fixed"]) for _ in range(5)]
    first = post(client, batch)
    assert first.status_code == 200
    assert first.json()["stored"] == 5
    second = post(client, batch)
    assert second.json()["already_stored"] == 5 and second.json()["stored"] == 0
    assert [result["status"] for result in second.json()["results"]] == ["already_stored"] * 5
    assert Encounter.objects.count() == 5
    assert EncounterSupply.objects.count() == 15


def test_a_batch_cut_off_halfway_and_resent_stores_each_once(world, sites):
    client = world.client(world.home.staff)
    batch = [encounter_record(sites["van"]) for _ in range(6)]
    # The connection dropped after the server stored the first half; the phone never saw the answer.
    post(client, batch[:3])
    answer = post(client, batch).json()
    assert [result["status"] for result in answer["results"]] == ["already_stored"] * 3 + ["stored"] * 3
    assert Encounter.objects.count() == 6


def test_a_sync_interrupted_by_a_server_error_keeps_what_it_stored(world, sites, monkeypatch):
    client = world.client(world.home.staff)
    client.raise_request_exception = False
    batch = [encounter_record(sites["fixed"]) for _ in range(4)]
    real = actions.record_encounter
    calls = {"n": 0}

    def crash_on_third(*args, **kwargs):
        calls["n"] += 1
        if calls["n"] == 3:
            raise RuntimeError("power cut")
        return real(*args, **kwargs)

    monkeypatch.setattr(actions, "record_encounter", crash_on_third)
    assert post(client, batch).status_code == 500
    assert Encounter.objects.count() == 2  # each record had its own savepoint: the first two are kept
    monkeypatch.setattr(actions, "record_encounter", real)
    answer = post(client, batch).json()
    assert [result["status"] for result in answer["results"]] == ["already_stored"] * 2 + ["stored"] * 2
    assert Encounter.objects.count() == 4


def test_good_records_are_stored_when_others_are_bad(world, sites):
    client = world.client(world.home.staff)
    future = (timezone.now() + timedelta(days=2)).isoformat()
    batch = [
        encounter_record(sites["fixed"]),
        encounter_record(sites["outsider"]),  # another organization's site
        encounter_record(sites["fixed"], occurred_at=future),
        encounter_record(sites["fixed"], supplies=[{"item": "syringe-1ml-28g", "quantity": 5000}]),
        encounter_record(sites["fixed"], supplies=[{"item": "unicorn-horn", "quantity": 1}]),
        encounter_record(sites["fixed"], supplies=[{"item": "naloxone-im", "quantity": -1}]),
        encounter_record(sites["fixed"], naloxone_kit_status="refill"),
        {"client_uuid": "not-a-uuid", "occurred_at": "yesterday"},
        "not even an object",
        encounter_record(sites["van"], participant_code=""),
    ]
    answer = post(client, batch).json()
    statuses = [result["status"] for result in answer["results"]]
    assert statuses == ["stored"] + ["rejected"] * 8 + ["stored"]
    reasons = [result["reason"] for result in answer["results"]]
    assert "is not one of Riverbend Harm Reduction's locations" in reasons[1]
    assert "future" in reasons[2]
    assert "ceiling of 1000" in reasons[3]
    assert "unknown supply item 'unicorn-horn'" in reasons[4]
    assert "must not be negative" in reasons[5]
    assert "refill_reason" in reasons[6]
    assert "client_uuid" in reasons[7]
    assert Encounter.objects.count() == 2
    assert Encounter.objects.filter(participant__isnull=True).count() == 1  # the anonymous walk-up


def test_the_same_uuid_from_another_organization_is_rejected(world, sites):
    record = encounter_record(sites["fixed"])
    post(world.client(world.home.staff), [record])
    outsider_site = encounter_record(sites["outsider"], client_uuid=record["client_uuid"])
    answer = post(world.client(world.outsider.staff), [outsider_site]).json()
    assert answer["results"][0]["status"] == "rejected"
    assert Encounter.objects.get().organization == world.home.organization


def test_sync_with_a_bearer_token(world, sites):
    client = world.client()
    answer = post(client, [encounter_record(sites["fixed"])], headers=world.token(world.home.staff))
    assert answer.status_code == 200 and answer.json()["stored"] == 1


def test_session_sync_needs_the_csrf_token(world, sites):
    from django.test import Client

    from meetpoint.testworld import sign_in_verified

    client = sign_in_verified(Client(enforce_csrf_checks=True), world.home.staff.user)
    assert post(client, [encounter_record(sites["fixed"])]).status_code in (401, 403)
    page = client.get("/outreach/")
    token = page.context["csrf_token"]
    answer = post(client, [encounter_record(sites["fixed"])], headers={"X-CSRFToken": str(token)})
    assert answer.status_code == 200 and answer.json()["stored"] == 1


@pytest.mark.parametrize("role", ["analyst", "viewer"])
def test_aggregate_roles_may_not_record(world, sites, role):
    answer = post(world.client(getattr(world.home, role)), [encounter_record(sites["fixed"])])
    assert answer.status_code == 403
    assert Encounter.objects.count() == 0


def test_anonymous_sync_is_refused(world, sites):
    assert post(world.client(), [encounter_record(sites["fixed"])]).status_code == 401
    assert Encounter.objects.count() == 0


def test_an_oversized_batch_is_refused_whole(world, sites):
    batch = [encounter_record(sites["fixed"]) for _ in range(501)]
    answer = post(world.client(world.home.staff), batch)
    assert answer.status_code == 400 and "at most 500" in answer.json()["detail"]


def test_single_record_endpoint_answers_201_then_200(world, sites):
    client = world.client(world.home.staff)
    record = encounter_record(sites["fixed"])
    first = client.post("/api/v1/outreach/encounters", record, content_type="application/json")
    again = client.post("/api/v1/outreach/encounters", record, content_type="application/json")
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json()["status"] == "already_stored"
    bad = client.post(
        "/api/v1/outreach/encounters", encounter_record(sites["outsider"]), content_type="application/json"
    )
    assert bad.status_code == 400 and "site" in bad.json()["detail"]
    assert Encounter.objects.count() == 1


def test_collected_syringes_estimated_from_volume_or_weight(world, sites, settings):
    settings.MEETPOINT_SYRINGES_PER_POUND = 281
    client = world.client(world.home.staff)
    by_volume = encounter_record(sites["fixed"], collected_method="volume", collected_measure=1.5)
    by_weight = encounter_record(sites["fixed"], collected_method="weight", collected_measure=2)
    post(client, [by_volume, by_weight])
    volume = Encounter.objects.get(client_uuid=by_volume["client_uuid"])
    weight = Encounter.objects.get(client_uuid=by_weight["client_uuid"])
    assert (volume.syringes_collected, volume.collected_estimated) == (150, True)
    assert (weight.syringes_collected, weight.collected_estimated) == (562, True)


def test_street_outreach_keeps_only_a_coarse_place(world, sites):
    client = world.client(world.home.staff)
    record = encounter_record(
        sites["fixed"], site=None, setting="street", latitude=40.443322, longitude=-79.995511
    )
    answer = post(client, [record]).json()
    assert answer["stored"] == 1
    encounter = Encounter.objects.get()
    assert encounter.area_cell == "grid:40.44,-80.00"
    no_place = encounter_record(sites["fixed"], site=None, setting="street")
    assert "street outreach needs" in post(client, [no_place]).json()["results"][0]["reason"]


def test_naloxone_doses_are_kits_times_doses_per_kit(world, sites):
    post(world.client(world.home.staff), [encounter_record(sites["fixed"])])
    line = EncounterSupply.objects.get(supply_item__code="naloxone-nasal-4mg")
    assert (line.quantity, line.doses) == (2, 4)


def test_code_answers_build_the_code_with_the_organization_recipe(world, sites):
    client = world.client(world.home.staff)
    answers = {
        "mother_first_name": "Maria",
        "birth_month": "3",
        "birth_day": "7",
        "birth_city": "Pittsburgh",
        "birth_year": "1985",
    }
    by_answers = encounter_record(sites["fixed"], participant_code="", code_answers=answers)
    by_code = encounter_record(sites["fixed"], participant_code="MA0307P85")
    post(client, [by_answers, by_code])
    assert Encounter.objects.values("participant").distinct().count() == 1


def test_uuid_is_unique_in_the_database(world, sites):
    from django.db import IntegrityError, transaction

    post(
        world.client(world.home.staff), [encounter_record(sites["fixed"], client_uuid=str(uuid.UUID(int=7)))]
    )
    existing = Encounter.objects.get()
    with pytest.raises(IntegrityError), transaction.atomic():
        Encounter.objects.create(
            client_uuid=existing.client_uuid, organization=existing.organization, occurred_at=timezone.now()
        )


def test_single_record_endpoint_refuses_anonymous_and_aggregate_roles(world, sites):
    record = encounter_record(sites["fixed"])
    url = "/api/v1/outreach/encounters"
    assert world.client().post(url, record, content_type="application/json").status_code == 401
    assert (
        world.client(world.home.viewer).post(url, record, content_type="application/json").status_code == 403
    )
    assert Encounter.objects.count() == 0


def test_a_batch_cut_short_by_the_database_says_which_records_were_stored(world, sites, monkeypatch):
    from django.db import OperationalError

    client = world.client(world.home.staff)
    batch = [encounter_record(sites["fixed"]) for _ in range(4)]
    real = actions.record_encounter
    calls = {"n": 0}

    def unavailable_on_third(*args, **kwargs):
        calls["n"] += 1
        if calls["n"] == 3:
            raise OperationalError("the database is restarting")
        return real(*args, **kwargs)

    monkeypatch.setattr(actions, "record_encounter", unavailable_on_third)
    answer = post(client, batch)
    assert answer.status_code == 503 and answer["Retry-After"]
    body = answer.json()
    assert "Nothing was saved" not in body["detail"] and "2 record(s) were stored" in body["detail"]
    assert [result["status"] for result in body["results"]] == ["stored"] * 2 + ["not_stored"] * 2
    assert (body["stored"], body["not_stored"]) == (2, 2)
    assert Encounter.objects.count() == 2
    monkeypatch.setattr(actions, "record_encounter", real)
    again = post(client, batch).json()
    assert [result["status"] for result in again["results"]] == ["already_stored"] * 2 + ["stored"] * 2
