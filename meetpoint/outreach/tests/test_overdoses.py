"""Overdose reports: coarse places only, no identity; page and API, with outsiders and anonymous."""

import uuid
from datetime import timedelta

import pytest
from django.utils import timezone

from meetpoint.outreach.models import OverdoseReport

API = "/api/v1/outreach/overdoses"


def report(**overrides) -> dict:
    body = {
        "client_uuid": str(uuid.uuid4()),
        "occurred_at": (timezone.now() - timedelta(hours=3)).isoformat(),
        "place_kind": "grid_cell",
        "latitude": 40.4461234,
        "longitude": -79.9912345,
        "fatal": False,
        "naloxone_doses_bystander": 2,
        "naloxone_doses_ems": 1,
        "called_911": "yes",
        "substances": ["fentanyl", "xylazine"],
        "reported_by": "participant",
    }
    body.update(overrides)
    return body


def test_a_point_is_snapped_to_its_grid_cell_and_never_kept(world):
    client = world.client(world.home.staff)
    answer = client.post(API, report(), content_type="application/json")
    assert answer.status_code == 201
    saved = OverdoseReport.objects.get()
    assert saved.grid_cell == "40.44,-80.00"
    assert "40.446" not in str(answer.json())
    assert saved.naloxone_doses == 3
    again = client.post(API, report(client_uuid=str(saved.client_uuid)), content_type="application/json")
    assert again.status_code == 200 and OverdoseReport.objects.count() == 1


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"place_kind": "home"}, "place_kind"),
        ({"place_kind": "block_group", "block_group": "4200301"}, "12-digit"),
        ({"occurred_at": (timezone.now() + timedelta(days=1)).isoformat()}, "future"),
        ({"substances": ["glitter"]}, "substances"),
        ({"naloxone_doses_ems": 500}, "ceiling"),
    ],
)
def test_bad_reports_are_refused_with_the_reason(world, overrides, message):
    answer = world.client(world.home.staff).post(API, report(**overrides), content_type="application/json")
    assert answer.status_code == 400 and message in answer.json()["detail"]
    assert OverdoseReport.objects.count() == 0


def test_a_stop_must_be_one_of_our_sites(world, sites):
    client = world.client(world.home.staff)
    foreign = report(place_kind="stop", site=str(sites["outsider"].pk))
    assert client.post(API, foreign, content_type="application/json").status_code == 400
    own = report(place_kind="stop", site="Riverbend Van")
    assert client.post(API, own, content_type="application/json").status_code == 201


def test_reports_are_read_by_members_of_the_organization_only(world):
    world.client(world.home.staff).post(API, report(fatal=True), content_type="application/json")
    assert len(world.client(world.home.viewer).get(API).json()) == 1
    assert world.client(world.outsider.admin).get(API).json() == []
    assert world.client().get(API).status_code == 401
    assert (
        world.client(world.home.viewer).post(API, report(), content_type="application/json").status_code
        == 403
    )
    assert world.client().post(API, report(), content_type="application/json").status_code == 401


def test_overdose_page_records_and_lists(world, sites):
    client = world.client(world.home.staff)
    form = {
        "client_uuid": str(uuid.uuid4()),
        "occurred_at": (timezone.localtime() - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"),
        "place_kind": "block_group",
        "block_group": "420030101001",
        "fatal": "yes",
        "naloxone_doses_staff": "2",
        "called_911": "yes",
        "substances": ["fentanyl"],
        "reported_by": "staff",
    }
    assert client.post("/outreach/overdoses/", form).status_code == 302
    page = client.get("/outreach/overdoses/")
    assert b"Block group 420030101001" in page.content
    assert world.client(world.outsider.staff).get("/outreach/overdoses/").context["reports"].count() == 0
    assert world.client(world.home.viewer).post("/outreach/overdoses/", form).status_code == 403
    assert world.client().get("/outreach/overdoses/").status_code == 302
    bad = client.post("/outreach/overdoses/", {**form, "client_uuid": str(uuid.uuid4()), "block_group": "12"})
    assert bad.status_code == 400 and OverdoseReport.objects.count() == 1
