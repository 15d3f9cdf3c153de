"""A small directory on top of the shared test world: the home organization (a harm reduction program) with a
public site, a confidential site and a mobile unit; the outsider (a hospital) with a 24-hour site."""

from dataclasses import dataclass
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from meetpoint.directory import actions
from meetpoint.directory.taxonomy import load_taxonomy

TZ = ZoneInfo("America/New_York")
CENTRE = (40.4406, -79.9959)
# A fixed instant for "now": Wednesday 2026-11-25 at 10:30 in New York.
NOW = datetime(2026, 11, 25, 10, 30, tzinfo=TZ)


def at(hour: int, minute: int = 0, day: int = 25) -> datetime:
    return datetime(2026, 11, day, hour, minute, tzinfo=TZ)


@dataclass
class Directory:
    public_site: object
    confidential_site: object
    mobile_unit: object
    hospital_site: object
    naloxone: object  # home: at the public site and the mobile unit
    syringes: object  # home: at the confidential site only
    spanish_food: object  # home: food, Spanish, not free
    hospital_naloxone: object  # outsider: 24 hours
    stop_now: object  # the mobile unit's stop at NOW


def site(organization, name, lat, lon, **extra):
    data = actions.LocationInput(
        name=name,
        latitude=lat,
        longitude=lon,
        address_1="100 Market St",
        city="Three Rivers",
        state_province="PA",
        postal_code=extra.pop("postal_code", "15201"),
        **extra,
    )
    return actions.save_location(organization, data)


def weekly(location, days, opens, closes, tz=""):
    for day in days:
        actions.add_schedule(
            actions.ScheduleInput(opens_at=opens, closes_at=closes, weekday=day, timezone=tz),
            location=location,
        )


def service(organization, name, codes, locations, **extra):
    data = actions.ServiceInput(
        name=name,
        taxonomy_codes=tuple(codes),
        location_ids=tuple(str(loc.pk) for loc in locations),
        **extra,
    )
    return actions.save_service(organization, data)


@pytest.fixture
def taxonomy(db):
    load_taxonomy()


@pytest.fixture
def directory(world, taxonomy) -> Directory:
    home, outsider = world.home.organization, world.outsider.organization
    lat, lon = CENTRE
    public_site = site(home, "Riverbend Main Street", lat + 0.01, lon, languages=("en",))  # ~1.1 km north
    weekly(public_site, range(5), time(9), time(17))
    confidential_site = site(
        home,
        "Riverbend Hidden Door",
        lat + 0.0342,
        lon + 0.0071,
        is_confidential=True,
        public_area="Near Elm Park",
    )  # ~3.9 km north-north-east
    weekly(confidential_site, range(7), time(8), time(20))
    mobile_unit = actions.save_location(
        home, actions.LocationInput(name="Riverbend Van", is_mobile=True, latitude=lat, longitude=lon)
    )
    stop_now = actions.add_schedule(
        actions.ScheduleInput(
            date=NOW.date(),
            opens_at=time(10),
            closes_at=time(12),
            stop_name="Far Lot",
            stop_latitude=lat + 0.2,  # ~22 km north
            stop_longitude=lon,
        ),
        location=mobile_unit,
    )
    actions.add_schedule(
        actions.ScheduleInput(
            date=NOW.date(),
            opens_at=time(13),
            closes_at=time(15),
            stop_name="Near Lot",
            stop_latitude=lat + 0.005,
            stop_longitude=lon,
        ),
        location=mobile_unit,
    )
    hospital_site = site(
        outsider, "Lakeside Emergency", lat - 0.05, lon, postal_code="15299"
    )  # ~5.6 km south
    weekly(hospital_site, range(7), time(0), time(23, 59))
    return Directory(
        public_site=public_site,
        confidential_site=confidential_site,
        mobile_unit=mobile_unit,
        hospital_site=hospital_site,
        naloxone=service(
            home,
            "Riverbend naloxone kits",
            ["naloxone"],
            [public_site, mobile_unit],
            is_free=True,
            description="Free nasal naloxone and training.",
            languages=("en",),
        ),
        syringes=service(
            home, "Riverbend syringe services", ["syringe-services"], [confidential_site], is_free=True
        ),
        spanish_food=service(
            home, "Despensa Riverbend", ["food"], [public_site], languages=("es",), is_free=False
        ),
        hospital_naloxone=service(
            outsider, "Lakeside ED naloxone", ["naloxone"], [hospital_site], is_free=True, languages=("en",)
        ),
        stop_now=stop_now,
    )


def later(days: int) -> datetime:
    return NOW + timedelta(days=days)


@pytest.fixture
def named_partner(world):
    """The outsider, named by the home organization as a partner that sees its confidential sites exactly;
    the coalition stays an unnamed partner (it sees the approximate area, as the public does)."""
    from meetpoint.directory.models import ExactPlaceGrant

    ExactPlaceGrant.objects.create(organization=world.home.organization, partner=world.outsider.organization)
    return world.outsider
