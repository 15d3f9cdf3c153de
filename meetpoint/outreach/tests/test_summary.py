"""The unit's numbers: one function behind the page, the API and the CLI, checked against raw rows."""

import json
from datetime import datetime, timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from meetpoint.outreach.tests.conftest import encounter_record

SUMMARY = "/api/v1/outreach/summary"


@pytest.fixture
def recorded(world, sites):
    """Encounters on known days at two sites, and one out of range."""
    zone = timezone.get_current_timezone()

    def at(day, hour=10):
        return datetime(2026, 3, day, hour, tzinfo=zone).isoformat()

    records = [
        encounter_record(sites["fixed"], occurred_at=at(1), participant_code="AAAA1111"),
        encounter_record(
            sites["fixed"],
            occurred_at=at(2, 23),
            participant_code="AAAA1111",
            hiv_test="positive",
            hiv_linked=True,
            referrals_made=2,
            reversals_reported=1,
            supplies=[
                {"item": "xylazine-test-strip", "quantity": 3},
                {"item": "wound-care-kit", "quantity": 1},
            ],
        ),
        encounter_record(
            sites["van"], occurred_at=at(3), participant_code="", syringes_collected=0, hcv_test="negative"
        ),
        encounter_record(sites["van"], occurred_at=at(5), participant_code="BBBB2222"),  # outside 1-3 March
    ]
    client = world.client(world.home.staff)
    answer = client.post("/api/v1/outreach/sync", {"encounters": records}, content_type="application/json")
    assert answer.json()["stored"] == 4
    return records


def test_summary_counts_what_was_recorded_with_both_dates_inclusive(world, sites, recorded):
    answer = world.client(world.home.analyst).get(SUMMARY, {"from": "2026-03-01", "to": "2026-03-03"})
    assert answer.status_code == 200
    numbers = answer.json()
    assert numbers["encounters"] == 3
    assert numbers["unique_participants"] == 1
    assert numbers["anonymous_encounters"] == 1
    assert numbers["syringes_distributed"] == 20 + 20
    assert numbers["syringes_collected"] == 15 + 15 + 0
    assert numbers["naloxone_kits"] == 2 + 2 and numbers["naloxone_doses"] == 8
    assert numbers["fentanyl_test_strips"] == 5 + 5
    assert numbers["xylazine_test_strips"] == 3 and numbers["wound_care_kits"] == 1
    assert numbers["referrals_made"] == 2 and numbers["reversals_reported"] == 1
    assert (numbers["hiv_tests"], numbers["hiv_positive"], numbers["hiv_linked_to_care"]) == (1, 1, 1)
    assert numbers["tests"] == 2 and numbers["positives"] == 1
    assert numbers["syringe_exchange_ratio"] == 0.75


def test_summary_for_one_site(world, sites, recorded):
    answer = world.client(world.home.viewer).get(
        SUMMARY, {"from": "2026-03-01", "to": "2026-03-31", "site": str(sites["van"].pk)}
    )
    assert answer.json()["encounters"] == 2
    by_name = world.client(world.home.viewer).get(
        SUMMARY, {"from": "2026-03-01", "to": "2026-03-31", "site": "Riverbend Van"}
    )
    assert by_name.json()["encounters"] == 2


def test_summary_of_another_organization_or_site_is_404(world, sites, recorded):
    outsider = world.client(world.outsider.admin)
    assert (
        outsider.get(SUMMARY, {"org": "riverbend", "from": "2026-03-01", "to": "2026-03-31"}).status_code
        == 404
    )
    own = world.client(world.home.staff)
    other_site = {"from": "2026-03-01", "to": "2026-03-31", "site": str(sites["outsider"].pk)}
    assert own.get(SUMMARY, other_site).status_code == 404
    # The outsider's own summary does not include the home side's encounters.
    assert outsider.get(SUMMARY, {"from": "2026-03-01", "to": "2026-03-31"}).json()["encounters"] == 0


def test_summary_refuses_anonymous_and_bad_dates(world, recorded):
    assert world.client().get(SUMMARY, {"from": "2026-03-01", "to": "2026-03-31"}).status_code == 401
    client = world.client(world.home.staff)
    assert client.get(SUMMARY, {"from": "2026-03-31", "to": "2026-03-01"}).status_code == 400
    assert client.get(SUMMARY, {"from": "March", "to": "2026-03-01"}).status_code == 400


def test_summary_by_token(world, recorded):
    answer = world.client().get(
        SUMMARY,
        {"org": "riverbend", "from": "2026-03-01", "to": "2026-03-03"},
        headers=world.token(world.home.viewer),
    )
    assert answer.status_code == 200 and answer.json()["encounters"] == 3


def test_cli_prints_the_same_numbers_as_the_api(world, sites, recorded):
    out = StringIO()
    call_command(
        "outreach_summary", "--org", "riverbend", "--from", "2026-03-01", "--to", "2026-03-03", stdout=out
    )
    printed = json.loads(out.getvalue())
    api = world.client(world.home.staff).get(SUMMARY, {"from": "2026-03-01", "to": "2026-03-03"}).json()
    for key in (
        "encounters",
        "unique_participants",
        "syringes_distributed",
        "syringes_collected",
        "naloxone_kits",
        "fentanyl_test_strips",
        "xylazine_test_strips",
        "wound_care_kits",
        "referrals_made",
        "reversals_reported",
    ):
        assert printed[key] == api[key]
        assert isinstance(printed[key], int)
    out = StringIO()
    call_command(
        "outreach_summary",
        "--org",
        str(world.home.organization.pk),
        "--from",
        "2026-03-01",
        "--to",
        "2026-03-31",
        "--site",
        "Riverbend Van",
        stdout=out,
    )
    assert json.loads(out.getvalue())["encounters"] == 2


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["--org", "nobody", "--from", "2026-03-01", "--to", "2026-03-02"], "nobody"),
        (["--org", "riverbend", "--from", "1 March", "--to", "2026-03-02"], "not a date"),
        (["--org", "riverbend", "--from", "2026-03-05", "--to", "2026-03-02"], "before"),
        (
            ["--org", "riverbend", "--from", "2026-03-01", "--to", "2026-03-02", "--site", "Lakeside ED"],
            "not one of",
        ),
    ],
)
def test_cli_errors_are_clear(world, sites, arguments, message):
    with pytest.raises(CommandError, match=message):
        call_command("outreach_summary", *arguments, stdout=StringIO())


def test_summary_page_shows_the_numbers_to_every_member(world, sites, recorded):
    page = world.client(world.home.viewer).get(
        "/outreach/summary/", {"from": "2026-03-01", "to": "2026-03-03"}
    )
    assert page.status_code == 200
    assert page.context["numbers"]["encounters"] == 3
    assert b"Syringes distributed" in page.content
    other = world.client(world.outsider.viewer).get(
        "/outreach/summary/", {"from": "2026-03-01", "to": "2026-03-03"}
    )
    assert other.context["numbers"]["encounters"] == 0
    foreign_site = world.client(world.outsider.viewer).get(
        "/outreach/summary/", {"site": str(sites["fixed"].pk)}
    )
    assert foreign_site.status_code == 404
    anonymous = world.client().get("/outreach/summary/")
    assert anonymous.status_code == 302 and "/account/" in anonymous["Location"]


def test_summary_page_default_range_is_the_last_30_days(world, sites):
    record = encounter_record(sites["fixed"], occurred_at=(timezone.now() - timedelta(days=1)).isoformat())
    world.client(world.home.staff).post(
        "/api/v1/outreach/sync", {"encounters": [record]}, content_type="application/json"
    )
    page = world.client(world.home.analyst).get("/outreach/summary/")
    assert page.context["numbers"]["encounters"] == 1


def test_summary_page_names_each_item_in_the_readers_language(world, sites, recorded):
    client = world.client(world.home.staff)
    english = client.get("/outreach/summary/", {"from": "2026-03-01", "to": "2026-03-03"}).content.decode()
    assert "Xylazine test strip" in english and "xylazine-test-strip" not in english
    assert "/api/v1/" not in english  # a page for outreach staff, not for developers
    client.cookies["django_language"] = "es"
    spanish = client.get("/outreach/summary/", {"from": "2026-03-01", "to": "2026-03-03"}).content.decode()
    assert "Tira reactiva de xilacina" in spanish and "Kit de cuidado de heridas" in spanish
