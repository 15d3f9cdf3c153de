"""The demo stock: enough for a mobile unit's 180 days, with lots expiring soon and a flagged-free history."""

import uuid
from datetime import datetime, time, timedelta

import pytest
from django.utils import timezone

from meetpoint.demo.region import Region
from meetpoint.directory import demo as directory_demo
from meetpoint.inventory import actions, demo, queries
from meetpoint.inventory.models import StockMovement


@pytest.fixture
def region(db):
    region = Region(seed=7)
    directory_demo.load(region)
    demo.load(region)
    return region


def test_demo_stocks_both_mobile_units_and_the_ssp(region):
    unit = region.extra["mobile_units"][0]
    ssp = region.extra["ssp_site"]
    today = timezone.localdate()
    for site in (*region.extra["mobile_units"], ssp):
        stock = {b.item.code: b for b in queries.balances(site.organization_id, today, location=site)}
        assert stock["naloxone-nasal-4mg"].usable >= 1400
        syringes = sum(b.usable for code, b in stock.items() if code.startswith("syringe-"))
        assert syringes >= 41_000
    alerts = queries.alerts(unit.organization_id, today)
    assert any(entry.lot.item.code == "naloxone-nasal-4mg" for entry in alerts.expiring)
    assert queries.alerts(ssp.organization_id, today).expired  # the satellite's expired strips
    assert StockMovement.objects.filter(kind="transfer_in", location=region.extra["mobile_units"][1]).exists()
    assert StockMovement.objects.filter(kind="expiry_write_off").count() == 1
    assert queries.ledger_mismatches() == []


def test_a_units_180_days_of_distributions_fit_in_its_demo_stock(region):
    unit = region.extra["mobile_units"][0]
    start = timezone.make_aware(datetime.combine(region.today - timedelta(days=180), time(10)))
    rows = []
    syringes = {"syringe-1ml-28g": 60, "syringe-1ml-27g": 30, "syringe-half-ml-29g": 20, "syringe-3ml-25g": 5}
    for day in range(180):
        for visit in range(2):  # 360 visits: 1,440 kits and 41,400 syringes
            encounter, when = uuid.uuid4(), start + timedelta(days=day, hours=visit)
            rows.append(actions.DistributionRow(unit, "naloxone-nasal-4mg", 4, encounter, when))
            rows.extend(
                actions.DistributionRow(unit, code, n, encounter, when) for code, n in syringes.items()
            )
    result = actions.record_distributions_bulk(rows)
    assert result.movements == 1800 and result.flagged == 0
    assert queries.ledger_mismatches() == []
