"""A small directory for the HSDS tests (import/export/API): built straight on the models so the HSDS tests do
not depend on how the directory's editing actions evolve. Also locates the shared standards folder."""

from dataclasses import dataclass
from datetime import date, time
from pathlib import Path

import pytest

from meetpoint.directory.models import (
    Address,
    Language,
    Location,
    Phone,
    Schedule,
    Service,
    ServiceAtLocation,
    TaxonomyTerm,
)

HIDDEN_STREET = "17 Quiet Alley"
HIDDEN_LAT, HIDDEN_LON = 40.44123, -79.99871
PUBLIC_AREA = "Near Elm Park"
STOP_DAY = date(2026, 12, 2)


def shared_hsds() -> Path:
    """../shared/standards/hsds beside the repository (as CI has it); skips the test when absent."""
    folder = Path(__file__).resolve().parents[3] / ".." / "shared" / "standards" / "hsds"
    if not folder.is_dir():
        pytest.skip(f"the HSDS standards folder is absent ({folder.resolve()}); it is in ../shared on CI")
    return folder.resolve()


@dataclass
class HsdsDirectory:
    naloxone: Service  # home, free, at the confidential site and the mobile unit
    detox: Service  # outsider, public site
    confidential_site: Location
    mobile_unit: Location
    hospital_site: Location
    confidential_link: ServiceAtLocation
    hospital_link: ServiceAtLocation
    stop: Schedule


def build_hsds_directory(world) -> HsdsDirectory:
    home, outsider = world.home.organization, world.outsider.organization
    confidential = Location.objects.create(
        organization=home,
        name="Riverbend syringe services",
        description="Back door, ring twice",
        transportation="Bus 12 to Quiet Alley",
        latitude=HIDDEN_LAT,
        longitude=HIDDEN_LON,
        is_confidential=True,
        public_area=PUBLIC_AREA,
    )
    Address.objects.create(
        location=confidential,
        address_1=HIDDEN_STREET,
        city="Three Rivers",
        state_province="PA",
        postal_code="15213",
    )
    mobile = Location.objects.create(
        organization=home, name="Riverbend van", is_mobile=True, latitude=40.45, longitude=-79.98
    )
    hospital = Location.objects.create(
        organization=outsider, name="Lakeside Hospital ED", latitude=40.60, longitude=-80.30
    )
    Address.objects.create(
        location=hospital, address_1="1 Lake Rd", city="Lakeside", state_province="PA", postal_code="15222"
    )
    naloxone = Service.objects.create(
        organization=home,
        name="Naloxone kits and overdose education",
        description="Free naloxone, no questions asked.",
        is_free=True,
    )
    naloxone.taxonomy_terms.add(TaxonomyTerm.objects.get(code="naloxone"))
    detox = Service.objects.create(
        organization=outsider,
        name="Medically supervised detox",
        description="Inpatient withdrawal management.",
        fees_description="Insurance or sliding scale.",
    )
    detox.taxonomy_terms.add(TaxonomyTerm.objects.get(code="detox"))
    confidential_link = ServiceAtLocation.objects.create(service=naloxone, location=confidential)
    ServiceAtLocation.objects.create(service=naloxone, location=mobile)
    hospital_link = ServiceAtLocation.objects.create(service=detox, location=hospital)
    Phone.objects.create(service=naloxone, number="555-0100", type="voice")
    Language.objects.create(service=naloxone, code="es", name="Spanish")
    Schedule.objects.create(service=naloxone, weekday=0, opens_at=time(9), closes_at=time(17))
    stop = Schedule.objects.create(
        location=mobile,
        date=STOP_DAY,
        opens_at=time(10),
        closes_at=time(14),
        stop_name="Elm Park",
        timezone="America/New_York",
    )
    Schedule.objects.create(location=hospital, weekday=6, opens_at=time(0), closes_at=time(23, 59))
    return HsdsDirectory(
        naloxone, detox, confidential, mobile, hospital, confidential_link, hospital_link, stop
    )
