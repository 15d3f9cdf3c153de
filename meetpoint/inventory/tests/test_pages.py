"""Inventory pages: what each role sees and may do; outsiders get 404s, anonymous visitors the sign-in page."""

import uuid
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from meetpoint.inventory import actions
from meetpoint.inventory.models import StockLot, StockMovement

READERS = ("admin", "staff", "analyst", "viewer")


@pytest.fixture
def stocked(world, sites, naloxone, syringes, receive):
    receive(sites.van, naloxone, 30, lot="NX-SOON", days=20)
    receive(sites.van, naloxone, 50, lot="NX-LATE", days=400)
    receive(sites.fixed, syringes, 2000, lot="")
    return sites


def member(world, role):
    return getattr(world.home, role)


@pytest.mark.parametrize("role", READERS)
def test_every_member_sees_stock_by_site_with_lots_and_expiry(world, stocked, role):
    response = world.client(member(world, role)).get(reverse("inventory:stock"))
    page = response.content.decode()
    assert response.status_code == 200
    assert "Riverbend Van" in page and "NX-SOON" in page and "NX-LATE" in page
    assert "expires soon" in page  # NX-SOON is inside the 60-day window
    assert ">80<" in page and ">2000<" in page
    assert ("Record receipt" in page or "Receive" in page) == (role in ("admin", "staff"))


def test_outsider_sees_none_of_the_stock(world, stocked):
    client = world.client(world.outsider.staff)
    page = client.get(reverse("inventory:stock")).content.decode()
    assert "Riverbend Van" not in page and "NX-SOON" not in page
    assert client.get(reverse("inventory:stock"), {"site": stocked.van.pk}).status_code == 404
    assert client.get(reverse("inventory:alerts"), {"site": stocked.van.pk}).status_code == 404
    lot = StockLot.objects.get(lot_number="NX-SOON")
    assert client.get(reverse("inventory:adjust"), {"lot": lot.pk}).status_code == 404


@pytest.mark.parametrize(
    "name", ["stock", "receive", "transfer", "adjust", "alerts", "thresholds", "movements", "reconciliation"]
)
def test_anonymous_visitors_are_sent_to_sign_in(world, name):
    response = world.client().get(reverse(f"inventory:{name}"))
    assert response.status_code == 302 and reverse("accounts:login") in response["Location"]


@pytest.mark.parametrize("name", ["receive", "transfer", "adjust", "thresholds", "reconciliation"])
@pytest.mark.parametrize("role", ["analyst", "viewer"])
def test_readers_may_not_open_the_recording_pages(world, name, role):
    assert world.client(member(world, role)).get(reverse(f"inventory:{name}")).status_code == 403


def test_staff_receives_stock_through_the_form(world, sites):
    client = world.client(world.home.staff)
    assert client.get(reverse("inventory:receive"), {"site": sites.van.pk}).status_code == 200
    expiry = (timezone.localdate() + timedelta(days=300)).isoformat()
    response = client.post(
        reverse("inventory:receive"),
        {
            "location": str(sites.van.pk),
            "item": "naloxone-nasal-4mg",
            "quantity": "48",
            "lot_number": "AB123",
            "expires_on": expiry,
            "source": "State naloxone program",
        },
    )
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert "Receipt recorded." in page and "AB123" in page and ">48<" in page


def test_receipt_form_shows_what_is_wrong_and_writes_nothing(world, sites):
    client = world.client(world.home.staff)
    response = client.post(
        reverse("inventory:receive"),
        {"location": str(sites.van.pk), "item": "naloxone-nasal-4mg", "quantity": "10", "lot_number": "X"},
    )
    assert response.status_code == 400 and "tracks expiry" in response.content.decode()
    response = client.post(
        reverse("inventory:receive"),
        {"location": str(sites.foreign.pk), "item": "hygiene-kit", "quantity": "10"},
    )
    assert response.status_code == 400  # another organization's site is not a choice
    response = client.post(
        reverse("inventory:receive"), {"location": str(sites.van.pk), "item": "hygiene-kit", "quantity": "-4"}
    )
    assert response.status_code == 400
    assert not StockMovement.objects.exists()


def test_transfer_form_refuses_beyond_stock_with_the_figure(world, stocked):
    client = world.client(world.home.staff)
    data = {"source": str(stocked.fixed.pk), "destination": str(stocked.van.pk), "item": "syringe-1ml-28g"}
    response = client.post(reverse("inventory:transfer"), {**data, "quantity": "2500"})
    assert response.status_code == 400 and "Only 2000" in response.content.decode()
    response = client.post(reverse("inventory:transfer"), {**data, "quantity": "500"})
    assert response.status_code == 302
    assert StockMovement.objects.filter(kind="transfer_in", location=stocked.van, quantity=500).exists()


def test_adjust_form_requires_a_reason(world, stocked):
    lot = StockLot.objects.get(lot_number="NX-LATE")
    client = world.client(world.home.staff)
    page = client.get(reverse("inventory:adjust"), {"lot": lot.pk}).content.decode()
    assert "NX-LATE" in page
    data = {
        "location": str(stocked.van.pk),
        "item": "naloxone-nasal-4mg",
        "lot": str(lot.pk),
        "quantity": "-2",
    }
    response = client.post(reverse("inventory:adjust"), data)
    assert response.status_code == 400 and "Give a reason" in response.content.decode()
    response = client.post(reverse("inventory:adjust"), {**data, "reason": "damaged"})
    assert response.status_code == 302
    lot.refresh_from_db()
    assert lot.on_hand == 48


def test_alerts_page_lists_expiring_and_expired_lots_and_writes_off(world, stocked):
    StockLot.objects.filter(lot_number="NX-SOON").update(expires_on=timezone.localdate() - timedelta(days=2))
    page = world.client(world.home.viewer).get(reverse("inventory:alerts")).content.decode()
    assert "NX-SOON" in page and "Write off" not in page
    lot = StockLot.objects.get(lot_number="NX-SOON")
    url = reverse("inventory:write_off", args=[lot.pk])
    assert world.client(world.outsider.staff).post(url).status_code == 404
    assert world.client(world.home.viewer).post(url).status_code == 403
    assert world.client(world.home.staff).post(url).status_code == 302
    lot.refresh_from_db()
    assert lot.on_hand == 0


def test_reconciliation_page_lists_flagged_distributions_and_closes_them(world, sites):
    movement = actions.record_distribution(
        sites.van, "hygiene-kit", 2, encounter_id=uuid.uuid4(), occurred_at=timezone.now()
    )
    client = world.client(world.home.staff)
    page = client.get(reverse("inventory:reconciliation")).content.decode()
    assert "Hygiene kit" in page and "2 beyond recorded stock" in page
    assert (
        "Hygiene kit"
        not in world.client(world.outsider.staff).get(reverse("inventory:reconciliation")).content.decode()
    )
    url = reverse("inventory:reconcile", args=[movement.pk])
    prefix = str(movement.pk)
    assert world.client(world.outsider.staff).post(url, {f"{prefix}-note": "x"}).status_code == 404
    assert world.client(world.home.analyst).post(url, {f"{prefix}-note": "x"}).status_code == 403
    assert client.post(url, {f"{prefix}-note": ""}).status_code == 400
    assert client.post(url, {f"{prefix}-note": "Counted the van"}).status_code == 302
    assert "Nothing to reconcile" in client.get(reverse("inventory:reconciliation")).content.decode()


def test_thresholds_page_sets_the_organizations_threshold(world, stocked):
    client = world.client(world.home.admin)
    response = client.post(reverse("inventory:thresholds"), {"item": "syringe-1ml-28g", "minimum": "2500"})
    assert response.status_code == 302
    alerts = world.client(world.home.viewer).get(reverse("inventory:alerts")).content.decode()
    assert "2500" in alerts


def test_history_page_shows_movements_of_the_organization_only(world, stocked):
    page = world.client(world.home.analyst).get(reverse("inventory:movements")).content.decode()
    assert "County health department" in page and "Receipt" in page
    outsider_page = world.client(world.outsider.staff).get(reverse("inventory:movements")).content.decode()
    assert "County health department" not in outsider_page


def test_pages_speak_spanish(world, stocked):
    client = world.client(world.home.staff)
    page = client.get(reverse("inventory:stock"), headers={"Accept-Language": "es"}).content.decode()
    assert "Existencias por sitio" in page and "vence pronto" in page
    data = {"source": str(stocked.fixed.pk), "destination": str(stocked.van.pk), "item": "syringe-1ml-28g"}
    response = client.post(
        reverse("inventory:transfer"), {**data, "quantity": "2500"}, headers={"Accept-Language": "es"}
    )
    assert response.status_code == 400 and "Solo hay 2000" in response.content.decode()
