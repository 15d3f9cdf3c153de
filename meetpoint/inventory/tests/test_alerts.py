"""Alerts: lots expiring within N days (boundary included), expired stock, low stock against thresholds."""

from datetime import timedelta

from django.utils import timezone

from meetpoint.inventory import actions, queries


def test_lot_expiring_in_exactly_n_days_is_an_alert_and_one_day_later_is_not(world, sites, naloxone, receive):
    receive(sites.van, naloxone, 30, lot="EDGE", days=60)
    receive(sites.van, naloxone, 30, lot="AFTER", days=61)
    found = queries.alerts(world.home.organization.pk, timezone.localdate(), days=60)
    assert [(e.lot.lot_number, e.days_left) for e in found.expiring] == [("EDGE", 60)]


def test_expiry_window_follows_the_setting(world, sites, naloxone, receive, settings):
    receive(sites.van, naloxone, 30, lot="L", days=80)
    assert queries.alerts(world.home.organization.pk, timezone.localdate()).expiring == []
    settings.MEETPOINT_INVENTORY_EXPIRY_DAYS = 90
    assert len(queries.alerts(world.home.organization.pk, timezone.localdate()).expiring) == 1


def test_expired_stock_is_listed_apart(world, sites, naloxone, receive):
    receive(sites.van, naloxone, 30, lot="L", days=5)
    later = timezone.localdate() + timedelta(days=6)
    found = queries.alerts(world.home.organization.pk, later)
    assert found.expiring == [] and [e.days_left for e in found.expired] == [-1]
    assert found.low_stock[0].usable == 0 and found.low_stock[0].expired == 30


def test_low_stock_uses_the_default_then_the_organizations_threshold(world, sites, syringes, receive):
    receive(sites.fixed, syringes, 400, lot="")  # default for syringes is 500
    today = timezone.localdate()
    low = queries.alerts(world.home.organization.pk, today).low_stock
    assert [(b.location, b.item, b.usable, b.threshold) for b in low] == [(sites.fixed, syringes, 400, 500)]
    actions.set_threshold(world.home.admin, item=syringes, minimum=300)
    assert queries.alerts(world.home.organization.pk, today).low_stock == []
    actions.set_threshold(world.home.admin, item=syringes, minimum=1000, location=sites.fixed)
    assert queries.alerts(world.home.organization.pk, today).low_stock[0].threshold == 1000


def test_sites_that_never_held_an_item_raise_no_alert(world, sites, syringes):
    assert queries.alerts(world.home.organization.pk, timezone.localdate()).low_stock == []


def test_alerts_never_show_another_organizations_stock(world, sites, naloxone):
    actions.record_receipt(
        world.outsider.staff,
        location=sites.foreign,
        item=naloxone,
        quantity=1,
        expires_on=timezone.localdate() + timedelta(days=3),
    )
    found = queries.alerts(world.home.organization.pk, timezone.localdate())
    assert found.expiring == [] and found.low_stock == []
