"""Directory models → HSDS 3.1 objects: schedules, cost, the confidential rule, and reading back what we write."""

from datetime import date, time

import pytest

from meetpoint.directory.hsds import serialize
from meetpoint.directory.hsds.readers import infer_type
from meetpoint.directory.hsds.testing import HIDDEN_LAT, PUBLIC_AREA, build_hsds_directory
from meetpoint.directory.hsds.validation import problems
from meetpoint.directory.models import Schedule, Service


@pytest.fixture
def hsds(world):
    return build_hsds_directory(world)


def test_weekly_hours_become_a_weekly_rule_per_day(db):
    row = Schedule(weekday=6, opens_at=time(8, 30), closes_at=time(12), description="Sunday mornings")
    obj = serialize.schedule_object(row)
    assert obj["freq"] == "WEEKLY" and obj["byday"] == "SU" and obj["wkst"] == "MO"
    assert (obj["opens_at"], obj["closes_at"]) == ("08:30:00", "12:00:00")
    assert "dtstart" not in obj
    assert problems({"id": obj["id"], "name": "x", "status": "active", "schedules": [obj]}, "service") == []


def test_a_mobile_unit_stop_becomes_a_dated_schedule_named_after_the_stop(db):
    stop = Schedule(
        date=date(2026, 7, 4),
        opens_at=time(10),
        closes_at=time(13),
        stop_name="Riverside Park",
        timezone="America/Chicago",
    )
    obj = serialize.schedule_object(stop)
    assert obj["dtstart"] == obj["valid_from"] == obj["valid_to"] == "2026-07-04"
    assert obj["description"] == "Riverside Park"
    assert obj["timezone"] == -5  # Chicago in summer
    assert "freq" not in obj


def test_cost_options_follow_is_free_and_fees(db):
    free = serialize.cost_options(Service(is_free=True))
    assert free[0]["amount"] == 0 and free[0]["option"] == "Free"
    paid = serialize.cost_options(Service(is_free=False, fees_description="$10 a visit"))
    assert "amount" not in paid[0] and paid[0]["amount_description"] == "$10 a visit"
    assert serialize.cost_options(Service(is_free=False)) == []


def test_the_public_location_has_no_address_and_the_member_one_does(world, hsds):
    public = serialize.location_object(hsds.confidential_site, None)
    assert public["description"] == PUBLIC_AREA and "addresses" not in public
    assert public["latitude"] != HIDDEN_LAT
    member = serialize.location_object(hsds.confidential_site, world.home.viewer)
    assert member["latitude"] == HIDDEN_LAT and member["addresses"]
    for obj in (public, member):
        assert problems(obj, "location") == []


def test_a_service_is_fetched_in_a_fixed_number_of_queries(world, hsds, django_assert_max_num_queries):
    with django_assert_max_num_queries(20):
        objects = [serialize.service_object(s, None) for s in serialize.service_queryset()]
    assert len(objects) == 2
    assert all(problems(obj, "service") == [] for obj in objects)


def test_what_we_write_is_recognised_when_read_back(world, hsds):
    service = serialize.service_object(serialize.service_queryset().get(pk=hsds.naloxone.pk), None)
    organization = serialize.organization_object(world.home.organization, None)
    assert infer_type(service) == "service"
    assert infer_type(organization) == "organization"
    assert infer_type(service["service_at_locations"][0]["location"]) == "location"
    assert infer_type(service["attributes"][0]["taxonomy_term"]) == "taxonomy_term"
    assert infer_type(service["attributes"][0]["taxonomy_term"]["taxonomy_detail"]) == "taxonomy"
