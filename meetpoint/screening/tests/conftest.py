"""Screening fixtures on top of the shared test world: a few directory services near the home organization's
site (the screening site), and a helper that records a screening through the real action."""

from datetime import time

import pytest

from meetpoint.directory import actions as directory
from meetpoint.directory.taxonomy import load_taxonomy
from meetpoint.screening import actions, catalog

CENTRE = (40.4406, -79.9959)


@pytest.fixture(autouse=True)
def _fresh_catalog():
    catalog.clear_cache()
    yield
    catalog.clear_cache()


def _site(organization, name, lat, lon, languages=("en",)):
    return directory.save_location(
        organization,
        directory.LocationInput(
            name=name,
            latitude=lat,
            longitude=lon,
            address_1="1 Main St",
            city="Three Rivers",
            state_province="PA",
            postal_code="15201",
            languages=languages,
        ),
    )


def _open_every_day(location):
    for day in range(7):
        directory.add_schedule(
            directory.ScheduleInput(opens_at=time(0, 0), closes_at=time(23, 59), weekday=day),
            location=location,
        )


def _service(organization, name, codes, location, **extra):
    return directory.save_service(
        organization,
        directory.ServiceInput(
            name=name, taxonomy_codes=tuple(codes), location_ids=(str(location.pk),), **extra
        ),
    )


@pytest.fixture
def services(world):
    """The home side screens at its clinic; the outsider runs a naloxone service 1 km away (open all day,
    Spanish), a food pantry 2 km away, and a far-away naloxone service (200 km)."""
    load_taxonomy()
    lat, lon = CENTRE
    clinic = _site(world.home.organization, "Riverbend clinic", lat, lon)
    near = _site(world.outsider.organization, "Lakeside outreach", lat + 0.009, lon, languages=("en", "es"))
    _open_every_day(near)
    far = _site(world.outsider.organization, "Faraway depot", lat + 1.8, lon)
    return {
        "clinic": clinic,
        "naloxone": _service(
            world.outsider.organization, "Lakeside naloxone", ["naloxone"], near, languages=("en", "es")
        ),
        "food": _service(world.outsider.organization, "Lakeside pantry", ["food"], near),
        "far_naloxone": _service(world.outsider.organization, "Faraway naloxone", ["naloxone"], far),
        "no_referrals": _service(
            world.outsider.organization,
            "Walk-in test strips",
            ["fentanyl-test-strips"],
            near,
            accepts_referrals=False,
        ),
    }


@pytest.fixture
def record(world):
    """Records a screening through the real action (home staff by default)."""

    def make(instrument="phq-9", answers=None, membership=None, code="MA0785", **extra):
        answers = answers if answers is not None else [0, 0, 0, 0, 0, 0, 0, 0, 1]
        return actions.record_screening(
            membership or world.home.staff,
            instrument=instrument,
            answers=answers,
            participant_code=code,
            **extra,
        )

    return make
