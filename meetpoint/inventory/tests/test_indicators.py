"""Inventory indicators: naloxone kits received and distributions beyond recorded stock."""

import uuid
from datetime import timedelta

from django.utils import timezone

from meetpoint.indicators import Scope, registry
from meetpoint.inventory import actions


def test_kits_received_and_stock_outs_by_site(world, sites, naloxone, receive):
    receive(sites.van, naloxone, 24, days=300)
    receive(sites.fixed, naloxone, 12, days=300)
    receive(sites.fixed, "hygiene-kit", 50, lot="")
    actions.record_transfer(
        world.home.staff, source=sites.fixed, destination=sites.van, item=naloxone, quantity=5
    )
    for quantity in (20, 10):  # the second one goes beyond the van's 29 kits
        actions.record_distribution(
            sites.van, naloxone, quantity, encounter_id=uuid.uuid4(), occurred_at=timezone.now()
        )
    today = timezone.localdate()
    scope = Scope(organization_ids=(world.home.organization.pk,), start=today - timedelta(days=1), end=today)
    received = registry["naloxone_kits_received"].value(scope, ("site",))
    assert received == {(str(sites.van.pk),): 24, (str(sites.fixed.pk),): 12}
    assert registry["stock_out_distributions"].value(scope, ()) == {(): 1}
    outsider = Scope(organization_ids=(world.outsider.organization.pk,), start=today, end=today)
    assert registry["naloxone_kits_received"].value(outsider, ()) == {}
