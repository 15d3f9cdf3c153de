import uuid
from datetime import timedelta

import pytest
from django.utils import timezone

from meetpoint.directory.models import Location
from meetpoint.inventory.models import SupplyItem

# The supply codes fixed in the common brief (the inventory app's data migration loads them; tests make sure).
CATALOG = [
    ("syringe-1ml-27g", "syringe", 1, 1000),
    ("syringe-1ml-28g", "syringe", 1, 1000),
    ("syringe-half-ml-29g", "syringe", 1, 1000),
    ("syringe-3ml-25g", "syringe", 1, 1000),
    ("naloxone-nasal-4mg", "naloxone", 2, 10),
    ("naloxone-nasal-8mg", "naloxone", 2, 10),
    ("naloxone-nasal-3mg", "naloxone", 2, 10),
    ("naloxone-im", "naloxone", 1, 10),
    ("fentanyl-test-strip", "test_strip", 1, 100),
    ("xylazine-test-strip", "test_strip", 1, 100),
    ("wound-care-kit", "wound_care", 1, 10),
    ("safer-smoking-kit", "safer_smoking", 1, 20),
    ("safer-sex-kit", "safer_sex", 1, 20),
    ("hygiene-kit", "hygiene", 1, 10),
    ("sharps-container", "other", 1, 10),
]


def ensure_catalog() -> dict:
    items = {}
    for code, category, doses, ceiling in CATALOG:
        item, _ = SupplyItem.objects.get_or_create(
            code=code,
            defaults={
                "name": code.replace("-", " ").title(),
                "category": category,
                "doses_per_unit": doses,
                "max_per_encounter": ceiling,
                "tracks_expiry": category == "naloxone",
            },
        )
        items[code] = item
    return items


@pytest.fixture
def catalog(db):
    return ensure_catalog()


@pytest.fixture
def sites(world, catalog):
    """A fixed site and a mobile unit of the home organization, and a site of the outsider."""
    return {
        "fixed": Location.objects.create(organization=world.home.organization, name="Riverbend Drop-in"),
        "van": Location.objects.create(
            organization=world.home.organization, name="Riverbend Van", is_mobile=True
        ),
        "outsider": Location.objects.create(organization=world.outsider.organization, name="Lakeside ED"),
    }


def encounter_record(site_location, **overrides) -> dict:
    """A typical encounter as the phone sends it."""
    record = {
        "client_uuid": str(uuid.uuid4()),
        "occurred_at": (timezone.now() - timedelta(hours=1)).isoformat(),
        "site": str(site_location.pk),
        "participant_code": "MA0307P85",
        "supplies": [
            {"item": "syringe-1ml-28g", "quantity": 20},
            {"item": "naloxone-nasal-4mg", "quantity": 2},
            {"item": "fentanyl-test-strip", "quantity": 5},
        ],
        "syringes_collected": 15,
        "naloxone_kit_status": "first",
    }
    record.update(overrides)
    return record
