import uuid
from datetime import timedelta

import pytest
from django.utils import timezone

from meetpoint.directory.models import Location, Service, ServiceAtLocation, TaxonomyTerm
from meetpoint.directory.taxonomy import load_taxonomy
from meetpoint.inventory.catalog import load_catalog
from meetpoint.inventory.models import SupplyItem
from meetpoint.outreach import actions as outreach
from meetpoint.outreach.records import EncounterIn, OverdoseIn


def encounter(site: Location, **overrides) -> dict:
    """An encounter as an outreach worker's phone sends it."""
    record = {
        "client_uuid": str(uuid.uuid4()),
        "occurred_at": (timezone.now() - timedelta(hours=2)).isoformat(),
        "site": str(site.pk),
        "participant_code": "MA0307P85",
        "supplies": [
            {"item": "syringe-1ml-28g", "quantity": 20},
            {"item": "naloxone-nasal-4mg", "quantity": 2},
        ],
        "syringes_collected": 15,
        "naloxone_kit_status": "first",
    }
    record.update(overrides)
    return record


@pytest.fixture
def populated(world):
    """A small world with real records: services with taxonomy links, a site, encounters (with participants and
    supply lines), an overdose report, API tokens, and text that JSON and SQL must carry safely."""
    # A transactional test before this one may have emptied what migrations load; load it again.
    load_catalog(SupplyItem)
    load_taxonomy()
    home = world.home
    site = Location.objects.create(
        organization=home.organization, name='Riverbend Drop-in — café "Ñ"', latitude=40.44, longitude=-79.99
    )
    service = Service.objects.create(
        organization=home.organization, name="Syringe services'; DROP TABLE x;--"
    )
    service.taxonomy_terms.set(TaxonomyTerm.objects.filter(code__in=["syringe-services", "naloxone"]))
    ServiceAtLocation.objects.create(service=service, location=site)
    for index in range(12):
        record = encounter(site, participant_code=f"MA03{index:02d}P85", wound_care=index % 2 == 0)
        outreach.record_encounter(home.staff, EncounterIn.model_validate(record))
    outreach.record_encounter(home.staff, EncounterIn.model_validate(encounter(site, participant_code="")))
    outreach.record_overdose(
        home.staff,
        OverdoseIn.model_validate(
            {
                "client_uuid": str(uuid.uuid4()),
                "occurred_at": (timezone.now() - timedelta(days=1)).isoformat(),
                "place_kind": "stop",
                "site": str(site.pk),
                "naloxone_doses_staff": 2,
                "substances": ["fentanyl", "xylazine"],
            }
        ),
    )
    world.token(home.staff)
    return world
