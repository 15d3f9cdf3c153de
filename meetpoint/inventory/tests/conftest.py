from dataclasses import dataclass
from datetime import timedelta

import pytest
from django.utils import timezone

from meetpoint.directory.models import Location
from meetpoint.inventory import actions
from meetpoint.inventory.catalog import load_catalog
from meetpoint.inventory.models import SupplyItem


@pytest.fixture(autouse=True)
def catalog(db):
    """The catalog the `supply_items` migration loads (again: a transactional test elsewhere may have flushed it)."""
    load_catalog(SupplyItem)


@dataclass
class Sites:
    fixed: object  # the home organization's fixed site
    van: object  # its mobile unit
    foreign: object  # the outsider's site


@pytest.fixture
def sites(world) -> Sites:
    return Sites(
        fixed=Location.objects.create(organization=world.home.organization, name="Riverbend Drop-in"),
        van=Location.objects.create(
            organization=world.home.organization, name="Riverbend Van", is_mobile=True
        ),
        foreign=Location.objects.create(organization=world.outsider.organization, name="Lakeside ED"),
    )


@pytest.fixture
def naloxone(db) -> SupplyItem:
    return SupplyItem.objects.get(code="naloxone-nasal-4mg")


@pytest.fixture
def syringes(db) -> SupplyItem:
    return SupplyItem.objects.get(code="syringe-1ml-28g")


@pytest.fixture
def receive(world):
    """Receive stock at a site as the home organization's staff; expiry given in days from today."""

    def receive(site, item, quantity, *, lot="L1", days=None, source="County health department"):
        expires_on = timezone.localdate() + timedelta(days=days) if days is not None else None
        return actions.record_receipt(
            world.home.staff,
            location=site,
            item=item,
            quantity=quantity,
            lot_number=lot,
            expires_on=expires_on,
            source=source,
        )

    return receive
