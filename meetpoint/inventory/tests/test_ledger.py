"""The stock ledger: receipts, FEFO distribution, shortfalls flagged, reversals, transfers, adjustments."""

import uuid
from datetime import timedelta

import pytest
from django.apps import apps as django_apps
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from meetpoint.inventory import actions, queries
from meetpoint.inventory.catalog import CATALOG, load_catalog
from meetpoint.inventory.models import StockLot, StockMovement, SupplyItem


def on_hand(site, item) -> int:
    return sum(lot.on_hand for lot in StockLot.objects.filter(location=site, item=item))


def lot_balance(site, item, number) -> int:
    return StockLot.objects.get(location=site, item=item, lot_number=number).on_hand


def distribute(site, item, quantity, encounter_id=None, when=None):
    return actions.record_distribution(
        site,
        item,
        quantity,
        encounter_id=encounter_id or uuid.uuid4(),
        occurred_at=when or timezone.now(),
        user=None,
    )


def test_catalog_has_every_fixed_code_and_reloading_changes_nothing(db):
    codes = set(SupplyItem.objects.values_list("code", flat=True))
    assert {row[0] for row in CATALOG} <= codes
    nasal = SupplyItem.objects.get(code="naloxone-nasal-8mg")
    assert nasal.doses_per_unit == 2 and nasal.tracks_expiry and nasal.unit == "kit"
    assert SupplyItem.objects.get(code="fentanyl-test-strip").tracks_expiry
    assert SupplyItem.objects.get(code="syringe-3ml-25g").max_per_encounter == 1000
    before = SupplyItem.objects.count()
    load_catalog(django_apps.get_model("inventory", "SupplyItem"))
    assert SupplyItem.objects.count() == before


def test_distribution_takes_first_expiring_lot_first_across_lots(sites, naloxone, receive):
    receive(sites.van, naloxone, 10, lot="LATE", days=300)
    receive(sites.van, naloxone, 4, lot="SOON", days=20)
    movement = distribute(sites.van, naloxone, 6)
    assert lot_balance(sites.van, naloxone, "SOON") == 0
    assert lot_balance(sites.van, naloxone, "LATE") == 8
    assert movement.quantity == -6 and not movement.needs_reconciliation
    assert sorted(entry.quantity for entry in movement.entries.all()) == [-4, -2]


def test_distribution_skips_expired_lots(sites, naloxone, receive):
    receive(sites.van, naloxone, 5, lot="OLD", days=3)
    receive(sites.van, naloxone, 5, lot="NEW", days=200)
    StockLot.objects.filter(lot_number="OLD").update(expires_on=timezone.localdate() - timedelta(days=1))
    distribute(sites.van, naloxone, 2)
    assert lot_balance(sites.van, naloxone, "OLD") == 5
    assert lot_balance(sites.van, naloxone, "NEW") == 3


def test_distribution_beyond_stock_is_stored_and_flagged_not_refused(sites, naloxone, receive):
    receive(sites.van, naloxone, 3, days=100)
    movement = distribute(sites.van, naloxone, 5)
    assert movement.pk and movement.quantity == -5
    assert movement.needs_reconciliation and movement.shortfall == 2
    assert on_hand(sites.van, naloxone) == -2
    unrecorded = StockLot.objects.get(location=sites.van, item=naloxone, unrecorded=True)
    assert unrecorded.on_hand == -2
    assert list(queries.unreconciled(sites.van.organization_id)) == [movement]
    assert queries.ledger_mismatches() == []


def test_distribution_with_no_stock_at_all_is_flagged(sites, syringes):
    movement = distribute(sites.fixed, syringes, 100)
    assert movement.shortfall == 100 and on_hand(sites.fixed, syringes) == -100


def test_distribution_is_idempotent_per_encounter_and_item(sites, syringes, receive):
    receive(sites.fixed, syringes, 500)
    encounter = uuid.uuid4()
    first = distribute(sites.fixed, syringes, 40, encounter)
    again = distribute(sites.fixed, syringes, 40, encounter)
    assert first.pk == again.pk and on_hand(sites.fixed, syringes) == 460
    with pytest.raises(actions.InventoryError):
        distribute(sites.fixed, syringes, 50, encounter)


@pytest.mark.parametrize("quantity", [0, -3, 1001])
def test_distribution_refuses_absurd_quantities(sites, syringes, quantity):
    with pytest.raises(actions.InventoryError) as error:
        distribute(sites.fixed, syringes, quantity)
    assert error.value.field == "quantity"
    assert not StockMovement.objects.exists()


def test_distribution_refuses_unknown_item_and_future_date(sites):
    with pytest.raises(actions.InventoryError, match="Unknown supply item"):
        distribute(sites.fixed, "syringe-9ml", 1)
    with pytest.raises(actions.InventoryError, match="future"):
        distribute(sites.fixed, "hygiene-kit", 1, when=timezone.now() + timedelta(days=2))


def test_reversal_puts_stock_back_and_clears_the_flag(sites, naloxone, receive):
    receive(sites.van, naloxone, 3, days=100)
    encounter = uuid.uuid4()
    movement = distribute(sites.van, naloxone, 5, encounter)
    distribute(sites.van, "hygiene-kit", 1, encounter)
    reversals = actions.reverse_distribution(encounter)
    assert len(reversals) == 2
    assert on_hand(sites.van, naloxone) == 3
    assert StockLot.objects.get(location=sites.van, item=naloxone, unrecorded=True).on_hand == 0
    movement.refresh_from_db()
    assert movement.reconciled_at is not None
    assert actions.reverse_distribution(encounter) == []
    assert list(queries.unreconciled(sites.van.organization_id)) == []
    # After a reversal the encounter can be recorded again with a corrected count.
    distribute(sites.van, naloxone, 2, encounter)
    assert on_hand(sites.van, naloxone) == 1


def test_bulk_distribution_takes_first_expiring_lots_and_flags_shortfalls(sites, naloxone, syringes, receive):
    receive(sites.van, naloxone, 10, lot="A", days=30)
    receive(sites.van, naloxone, 10, lot="B", days=90)
    receive(sites.van, syringes, 100, lot="")
    start = timezone.now() - timedelta(days=3)
    rows = []
    for n in range(12):
        encounter = uuid.uuid4()
        when = start + timedelta(hours=n)
        rows.append(
            {
                "location": sites.van,
                "supply_item": "naloxone-nasal-4mg",
                "quantity": 2,
                "encounter_id": encounter,
                "occurred_at": when,
            }
        )
        rows.append(actions.DistributionRow(sites.van, syringes, 10, encounter, when))
    rows.append(actions.DistributionRow(sites.van, syringes, 0, uuid.uuid4(), start))
    result = actions.record_distributions_bulk(rows)
    assert (result.movements, result.flagged, result.skipped) == (24, 4, 0)
    assert lot_balance(sites.van, naloxone, "A") == 0 and lot_balance(sites.van, naloxone, "B") == 0
    assert on_hand(sites.van, naloxone) == -4
    assert on_hand(sites.van, syringes) == -20
    assert queries.ledger_mismatches() == []
    again = actions.record_distributions_bulk(rows)
    assert (again.movements, again.skipped) == (0, 24)


def test_bulk_distribution_names_the_bad_row_and_writes_nothing(sites, syringes):
    good = actions.DistributionRow(sites.van, syringes, 10, uuid.uuid4(), timezone.now())
    bad = actions.DistributionRow(sites.van, "no-such-item", 1, uuid.uuid4(), timezone.now())
    with pytest.raises(actions.InventoryError, match="Row 2"):
        actions.record_distributions_bulk([good, bad])
    assert not StockMovement.objects.exists()


def test_receipt_needs_expiry_for_naloxone_and_refuses_expired_lots(world, sites, naloxone):
    with pytest.raises(actions.InventoryError) as error:
        actions.record_receipt(world.home.staff, location=sites.fixed, item=naloxone, quantity=5)
    assert error.value.field == "expires_on"
    with pytest.raises(actions.InventoryError, match="expired"):
        actions.record_receipt(
            world.home.staff,
            location=sites.fixed,
            item=naloxone,
            quantity=5,
            expires_on=timezone.localdate() - timedelta(days=1),
        )
    assert not StockMovement.objects.exists()


def test_receipt_refuses_another_organizations_site_and_readers(world, sites, syringes):
    with pytest.raises(actions.InventoryError):
        actions.record_receipt(world.home.staff, location=sites.foreign, item=syringes, quantity=5)
    with pytest.raises(PermissionDenied):
        actions.record_receipt(world.home.analyst, location=sites.fixed, item=syringes, quantity=5)


def test_transfer_moves_lots_between_sites_atomically(world, sites, naloxone, receive):
    receive(sites.fixed, naloxone, 10, lot="SOON", days=30)
    receive(sites.fixed, naloxone, 10, lot="LATE", days=300)
    out, into = actions.record_transfer(
        world.home.staff, source=sites.fixed, destination=sites.van, item=naloxone, quantity=12
    )
    assert out.transfer_id == into.transfer_id and out.quantity == -12 and into.quantity == 12
    assert on_hand(sites.fixed, naloxone) == 8
    assert lot_balance(sites.van, naloxone, "SOON") == 10
    assert lot_balance(sites.van, naloxone, "LATE") == 2
    van_lot = StockLot.objects.get(location=sites.van, lot_number="SOON")
    assert van_lot.expires_on == StockLot.objects.get(location=sites.fixed, lot_number="SOON").expires_on


def test_transfer_beyond_stock_is_refused_with_the_available_figure(world, sites, naloxone, receive):
    receive(sites.fixed, naloxone, 7, days=30)
    with pytest.raises(actions.NotEnoughStock) as error:
        actions.record_transfer(
            world.home.staff, source=sites.fixed, destination=sites.van, item=naloxone, quantity=8
        )
    assert error.value.available == 7 and "Only 7" in str(error.value)
    assert StockMovement.objects.filter(kind__startswith="transfer").count() == 0
    assert on_hand(sites.fixed, naloxone) == 7 and on_hand(sites.van, naloxone) == 0


def test_transfer_to_another_organizations_site_is_refused(world, sites, syringes, receive):
    receive(sites.fixed, syringes, 100)
    with pytest.raises(actions.InventoryError) as error:
        actions.record_transfer(
            world.home.staff, source=sites.fixed, destination=sites.foreign, item=syringes, quantity=10
        )
    assert error.value.field == "destination"
    assert on_hand(sites.fixed, syringes) == 100


def test_adjustment_requires_a_reason_and_a_note_for_other(world, sites, syringes, receive):
    receive(sites.fixed, syringes, 100, lot="")
    kwargs = {"location": sites.fixed, "item": syringes, "quantity": -5}
    with pytest.raises(actions.InventoryError) as error:
        actions.record_adjustment(world.home.staff, reason="", **kwargs)
    assert error.value.field == "reason"
    with pytest.raises(actions.InventoryError) as error:
        actions.record_adjustment(world.home.staff, reason="other", **kwargs)
    assert error.value.field == "note"
    movement = actions.record_adjustment(world.home.staff, reason="damaged", note="box got wet", **kwargs)
    assert movement.reason == "damaged" and on_hand(sites.fixed, syringes) == 95


def test_adjustment_cannot_take_a_lot_below_zero(world, sites, syringes, receive):
    receive(sites.fixed, syringes, 10, lot="")
    with pytest.raises(actions.NotEnoughStock) as error:
        actions.record_adjustment(
            world.home.staff, location=sites.fixed, item=syringes, quantity=-11, reason="lost"
        )
    assert error.value.available == 10


def test_reconciliation_covers_the_shortfall_from_the_late_receipt(world, sites, naloxone, receive):
    movement = distribute(sites.van, naloxone, 4)
    receipt = receive(sites.van, naloxone, 24, lot="LATE-RECEIPT", days=200)
    lot = receipt.entries.get().lot
    with pytest.raises(actions.InventoryError):
        actions.reconcile(world.home.staff, movement, note="")
    actions.reconcile(world.home.staff, movement, note="Receipt recorded late", cover_from=lot)
    movement.refresh_from_db()
    assert movement.reconciled_at is not None and movement.reconciliation_note == "Receipt recorded late"
    assert lot_balance(sites.van, naloxone, "LATE-RECEIPT") == 20
    assert StockLot.objects.get(location=sites.van, item=naloxone, unrecorded=True).on_hand == 0
    assert on_hand(sites.van, naloxone) == 20
    with pytest.raises(actions.InventoryError, match="not waiting"):
        actions.reconcile(world.home.staff, movement, note="again")


def test_expired_lot_is_written_off(world, sites, naloxone, receive):
    receipt = receive(sites.fixed, naloxone, 6, days=10)
    lot = receipt.entries.get().lot
    with pytest.raises(actions.InventoryError, match="not expired"):
        actions.write_off_expired(world.home.staff, lot)
    StockLot.objects.filter(pk=lot.pk).update(expires_on=timezone.localdate() - timedelta(days=1))
    lot.refresh_from_db()
    movement = actions.write_off_expired(world.home.staff, lot)
    assert movement.quantity == -6 and on_hand(sites.fixed, naloxone) == 0


def test_cached_balances_agree_with_the_ledger_after_everything(world, sites, naloxone, receive):
    receive(sites.fixed, naloxone, 30, lot="A", days=40)
    actions.record_transfer(
        world.home.staff, source=sites.fixed, destination=sites.van, item=naloxone, quantity=9
    )
    distribute(sites.van, naloxone, 12)
    actions.record_adjustment(
        world.home.staff,
        location=sites.fixed,
        item=naloxone,
        quantity=-1,
        reason="lost",
        lot_number="A",
        expires_on=timezone.localdate() + timedelta(days=40),
    )
    assert queries.ledger_mismatches() == []
    assert on_hand(sites.fixed, naloxone) == 20 and on_hand(sites.van, naloxone) == -3


def test_bulk_distribution_uses_the_same_few_queries_for_any_number_of_rows(sites, syringes, receive):
    receive(sites.van, syringes, 100_000, lot="")

    def queries_for(count: int) -> int:
        start = timezone.now() - timedelta(days=1)
        rows = [actions.DistributionRow(sites.van, syringes, 5, uuid.uuid4(), start) for _ in range(count)]
        with CaptureQueriesContext(connection) as captured:
            actions.record_distributions_bulk(rows)
        return len(captured)

    assert queries_for(10) == queries_for(400)
