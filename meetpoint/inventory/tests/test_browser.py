"""On a phone: staff sign in, receive a lot of naloxone at the van, and see it in the stock with its expiry."""

from datetime import timedelta

import pytest
from django.utils import timezone

from meetpoint.testworld import sign_in


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_staff_receive_naloxone_on_a_phone_and_see_it_in_stock(browser_page):
    from meetpoint.directory.models import Location
    from meetpoint.inventory.catalog import load_catalog
    from meetpoint.inventory.models import SupplyItem
    from meetpoint.testworld import make_world

    load_catalog(SupplyItem)
    world = make_world()
    Location.objects.create(organization=world.home.organization, name="Riverbend Van", is_mobile=True)
    page = browser_page
    sign_in(page, "riverbend-staff")
    page.goto("/inventory/receive/")
    page.get_by_label("Site or mobile unit").select_option(label="Riverbend Van (mobile unit)")
    page.get_by_label("Item", exact=True).select_option("naloxone-nasal-4mg")
    page.get_by_label("Quantity").fill("36")
    page.get_by_label("Lot number").fill("NX-2291")
    expiry = timezone.localdate() + timedelta(days=30)
    page.get_by_label("Expiry date").fill(expiry.isoformat())
    page.get_by_role("button", name="Record receipt").click()
    assert page.get_by_text("Receipt recorded.").is_visible()
    assert page.get_by_text("NX-2291").is_visible()
    assert page.get_by_text("expires soon").is_visible()
