"""A role's home page says what needs attention today, with counts as badges: new and overdue referrals, stock
running out or expiring, and where the organization's van stops next. Nothing of another organization shows."""

from datetime import time, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from meetpoint.directory import actions as directory
from meetpoint.directory.models import Location
from meetpoint.inventory import actions as inventory
from meetpoint.inventory.catalog import load_catalog
from meetpoint.inventory.models import SupplyItem
from meetpoint.referrals.models import Referral
from meetpoint.referrals.tests.conftest import make_referral, receiver, service  # noqa: F401 -- fixtures


def _home(client) -> str:
    response = client.get(reverse("accounts:home"))
    assert response.status_code == 200
    return response.content.decode()


def _badge(body: str, label: str) -> str | None:
    """The count shown beside `label` in the attention list, or None when the item is not there."""
    start = body.find(f"<span>{label}")
    if start < 0:
        return None
    count = body.find('class="count">', start)
    end = body.find("</a>", start)
    return body[count + len('class="count">') : body.find("<", count + 1)] if 0 <= count < end else ""


@pytest.mark.django_db
def test_new_and_overdue_referrals_show_as_badges_on_the_receivers_home(world, receiver, make_referral):  # noqa: F811
    make_referral()
    make_referral()
    late = make_referral()
    Referral.objects.filter(pk=late.pk).update(sent_at=timezone.now() - timedelta(days=5))
    body = _home(world.client(receiver.staff))
    assert _badge(body, "New referrals") == "2"
    assert _badge(body, "Overdue referrals") == "1"
    assert body.index("Overdue referrals") < body.index("New referrals")  # the urgent first
    # The sender, an unrelated organization and an analyst of the receiver see no such item.
    for client in (
        world.client(world.home.staff),
        world.client(world.outsider.staff),
        world.client(receiver.analyst),
    ):
        body = _home(client)
        assert _badge(body, "New referrals") is None and _badge(body, "Overdue referrals") is None


@pytest.mark.django_db
def test_stock_running_out_shows_on_home_and_the_van_s_next_stop(world):
    load_catalog(SupplyItem)
    site = Location.objects.create(organization=world.home.organization, name="Riverbend Drop-in")
    van = Location.objects.create(organization=world.home.organization, name="Riverbend Van", is_mobile=True)
    inventory.record_receipt(
        world.home.staff,
        location=site,
        item="naloxone-nasal-4mg",
        quantity=3,
        lot_number="L1",
        source="County",
        expires_on=timezone.localdate() + timedelta(days=400),
    )
    inventory.set_threshold(world.home.admin, item="naloxone-nasal-4mg", minimum=10, location=site)
    today = timezone.localdate()
    directory.add_schedule(
        directory.ScheduleInput(
            opens_at=time(23, 58), closes_at=time(23, 59), date=today, stop_name="Library lot"
        ),
        location=van,
    )
    body = _home(world.client(world.home.viewer))
    assert _badge(body, "Stock running out or expiring") == "1"
    assert "Riverbend Van: next stop 23:58–23:59, Library lot" in body or "Riverbend Van is at" in body
    outsider = _home(world.client(world.outsider.admin))
    assert _badge(outsider, "Stock running out or expiring") is None
    assert "Riverbend Van" not in outsider
    assert "Nothing waits for you today." in outsider


@pytest.mark.django_db
def test_the_home_page_sends_the_anonymous_to_sign_in(world):
    response = world.client().get(reverse("accounts:home"))
    assert response.status_code == 302 and "/account/sign-in/" in response["Location"]
