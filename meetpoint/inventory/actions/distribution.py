"""Distribution: stock taken out for encounters (the contract the outreach app codes against), its reversal,
and the bulk path for the demo and CSV imports."""

import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.utils import timezone

from meetpoint.accounts import audit
from meetpoint.directory.models import Location
from meetpoint.inventory.actions.ledger import (
    FUTURE_SKEW,
    InventoryError,
    Kind,
    active_distribution,
    allocate,
    as_user,
    as_uuid,
    check_distribution,
    fefo_key,
    insert_rows,
    lots_query,
    resolve_item,
    unrecorded_lot,
    write_entries,
)
from meetpoint.inventory.models import LedgerEntry, StockLot, StockMovement, SupplyItem


def record_distribution(
    location: Location,
    supply_item: SupplyItem | str,
    quantity: int,
    *,
    encounter_id: uuid.UUID | str,
    occurred_at: datetime,
    user=None,
) -> StockMovement:
    """Take `quantity` units of `supply_item` out of the stock of `location` for one encounter.

    - `location`: a directory Location of the organization that held the encounter (a fixed site or a mobile
      unit). The movement belongs to `location.organization`.
    - `supply_item`: a SupplyItem or its catalog code (e.g. "naloxone-nasal-4mg").
    - `quantity`: whole units in the item's unit (kits, not doses), 1 ≤ quantity ≤ item.max_per_encounter.
      Callers skip items with a zero count.
    - `encounter_id`: the encounter's client-generated UUID; `reverse_distribution` finds movements by it.
    - `occurred_at`: when the encounter happened (aware datetime, not in the future).
    - `user`: who recorded it (may be None for imports).

    Stock is decremented first-expiring-first (FEFO): lots that have not expired on the encounter's date,
    earliest expiry first, then undated lots in order of receipt. When recorded stock does not cover the
    quantity, the movement is still stored (the encounter happened): the rest is taken from the site's
    *unrecorded* lot of the item, which goes negative, and the movement is flagged `needs_reconciliation` with
    its `shortfall`, to appear on the reconciliation list. Never refused for lack of stock.

    Idempotent per (encounter_id, item): recording the same distribution again returns the existing movement;
    a different quantity for the same encounter and item raises InventoryError (reverse it first).
    Raises InventoryError for bad input (unknown item, quantity out of range, future date, location without an
    organization). Runs in one transaction; returns the StockMovement (kind "distribution", quantity negative).
    """
    item = resolve_item(supply_item)
    check_distribution(location, item, quantity, occurred_at)
    encounter_id = as_uuid(encounter_id)
    with transaction.atomic():
        existing = active_distribution(encounter_id, item)
        if existing is not None:
            if -existing.quantity != quantity:
                raise InventoryError(
                    f"Encounter {encounter_id} already took {-existing.quantity} of {item.code}; "
                    f"reverse it before recording {quantity}.",
                    "quantity",
                )
            return existing
        lots = list(lots_query(location, item).select_for_update())
        allocations, shortfall = allocate(lots, quantity, timezone.localdate(occurred_at))
        if shortfall:
            allocations.append((unrecorded_lot(location, item), shortfall))
        movement = StockMovement(
            organization_id=location.organization_id,
            location=location,
            item=item,
            kind=Kind.DISTRIBUTION,
            quantity=-quantity,
            occurred_at=occurred_at,
            recorded_by=as_user(user),
            encounter_id=encounter_id,
            shortfall=shortfall,
            needs_reconciliation=bool(shortfall),
        )
        movement.save()
        write_entries(movement, [(lot, -qty) for lot, qty in allocations])
    return movement


def reverse_distribution(
    encounter_id: uuid.UUID | str, *, user=None, organization=None
) -> list[StockMovement]:
    """Put back every distribution of an encounter (a correction: the encounter was deleted or re-entered).

    Writes one "reversal" movement per distribution, returning each unit to the lot it came from (including the
    unrecorded lot, so a shortfall disappears). A flagged distribution that is reversed is marked reconciled.
    Idempotent: distributions already reversed are skipped. `organization`, when given, limits the reversal
    to that organization's movements. Returns the reversal movements written (empty if there was nothing).
    """
    encounter_id = as_uuid(encounter_id)
    written = []
    with transaction.atomic():
        originals = StockMovement.objects.select_for_update(of=("self",)).filter(
            encounter_id=encounter_id, kind=Kind.DISTRIBUTION, reversals__isnull=True
        )
        if organization is not None:
            originals = originals.filter(organization=organization)
        now = timezone.now()
        for original in originals.order_by("occurred_at"):
            reversal = StockMovement.objects.create(
                organization_id=original.organization_id,
                location_id=original.location_id,
                item_id=original.item_id,
                kind=Kind.REVERSAL,
                quantity=-original.quantity,
                occurred_at=now,
                recorded_by=as_user(user),
                encounter_id=encounter_id,
                reverses=original,
                note="Distribution reversed (encounter corrected).",
            )
            entries = list(original.entries.select_related("lot"))
            lots = {entry.lot_id: entry.lot for entry in entries}
            list(
                StockLot.objects.select_for_update().filter(pk__in=lots).values_list("pk", flat=True)
            )  # lock
            write_entries(reversal, [(entry.lot, -entry.quantity) for entry in entries])
            if original.needs_reconciliation and original.reconciled_at is None:
                original.reconciled_at = now
                original.reconciled_by = as_user(user)
                original.reconciliation_note = "Reversed: the distribution was corrected."
                original.save(update_fields=["reconciled_at", "reconciled_by", "reconciliation_note"])
            written.append(reversal)
        if written:
            audit.record(
                "inventory.distribution.reversed",
                user=as_user(user),
                organization=written[0].organization,
                object_type="outreach.encounter",
                object_id=str(encounter_id),
                detail={"movements": len(written)},
            )
    return written


@dataclass
class DistributionRow:
    """One row for `record_distributions_bulk` (a dict with the same keys works too)."""

    location: Location
    supply_item: SupplyItem | str
    quantity: int
    encounter_id: uuid.UUID | str
    occurred_at: datetime
    user: object = None


@dataclass
class BulkResult:
    movements: int = 0  # distributions written
    flagged: int = 0  # of which drove stock negative (need reconciliation)
    skipped: int = 0  # already recorded for the same encounter and item


def record_distributions_bulk(
    rows: Iterable[DistributionRow | dict], *, skip_existing: bool = True
) -> BulkResult:
    """The fast path of `record_distribution` for many rows (the outreach demo and CSV import).

    Same rules as `record_distribution` (FEFO, shortfalls flagged, same validation), but rows are validated
    all first (InventoryError names the 1-based row number; nothing is written), then applied in order of
    `occurred_at` with the lots held in memory, and written with a few bulk INSERTs and one bulk UPDATE of the
    cached balances, in one transaction. Rows with a zero quantity are ignored. With `skip_existing`, an
    (encounter_id, item) pair already recorded is skipped (counted in `skipped`), so a resumed import does not
    double-count. Call it in batches (e.g. 10,000 encounters) to bound memory.
    """
    items_by_code = {item.code: item for item in SupplyItem.objects.all()}
    latest = timezone.now() + FUTURE_SKEW
    prepared = []
    for number, raw in enumerate(rows, start=1):
        row = raw if isinstance(raw, DistributionRow) else DistributionRow(**raw)
        if row.quantity == 0:
            continue
        if isinstance(row.supply_item, SupplyItem):
            item = row.supply_item
        else:
            item = items_by_code.get(str(row.supply_item))
            if item is None:
                raise InventoryError(f"Row {number}: unknown supply item {row.supply_item!r}.", "supply_item")
        try:
            check_distribution(row.location, item, row.quantity, row.occurred_at, latest)
            encounter_id = as_uuid(row.encounter_id)
        except InventoryError as error:
            raise InventoryError(f"Row {number}: {error.message}", error.field) from error
        prepared.append((row.occurred_at, number, row, item, encounter_id))
    prepared.sort(key=lambda entry: (entry[0], entry[1]))
    result = BulkResult()
    if not prepared:
        return result
    with transaction.atomic():
        done: set[tuple[uuid.UUID, int]] = set()
        if skip_existing:
            ids = list({entry[4] for entry in prepared})
            for start in range(0, len(ids), 500):
                done.update(
                    StockMovement.objects.filter(
                        encounter_id__in=ids[start : start + 500],
                        kind=Kind.DISTRIBUTION,
                        reversals__isnull=True,
                    ).values_list("encounter_id", "item_id")
                )
        pairs = {(entry[2].location.pk, entry[3].pk) for entry in prepared}
        lots_by_pair: dict[tuple, list[StockLot]] = {pair: [] for pair in pairs}
        location_ids = {pair[0] for pair in pairs}
        item_ids = {pair[1] for pair in pairs}
        for lot in StockLot.objects.select_for_update().filter(
            location_id__in=location_ids, item_id__in=item_ids
        ):
            if (lot.location_id, lot.item_id) in lots_by_pair:
                lots_by_pair[(lot.location_id, lot.item_id)].append(lot)
        for lots in lots_by_pair.values():
            lots.sort(key=fefo_key)
        movements, entries, touched = [], [], {}
        now = timezone.now()
        zone = timezone.get_current_timezone()
        for occurred_at, _number, row, item, encounter_id in prepared:
            if (encounter_id, item.pk) in done:
                result.skipped += 1
                continue
            done.add((encounter_id, item.pk))
            location = row.location
            lots = lots_by_pair[(location.pk, item.pk)]
            allocations, shortfall = allocate(
                lots, row.quantity, occurred_at.astimezone(zone).date(), presorted=True
            )
            if shortfall:
                unrecorded = next((lot for lot in lots if lot.unrecorded), None)
                if unrecorded is None:
                    unrecorded = unrecorded_lot(location, item)
                    lots.append(unrecorded)
                allocations.append((unrecorded, shortfall))
            movement_id = uuid.uuid4()
            movements.append(
                {
                    "id": movement_id,
                    "organization_id": location.organization_id,
                    "location_id": location.pk,
                    "item_id": item.pk,
                    "kind": Kind.DISTRIBUTION.value,
                    "quantity": -row.quantity,
                    "occurred_at": occurred_at,
                    "recorded_at": now,
                    "recorded_by_id": getattr(as_user(row.user), "pk", None),
                    "encounter_id": encounter_id,
                    "shortfall": shortfall,
                    "needs_reconciliation": bool(shortfall),
                }
            )
            for lot, qty in allocations:
                lot.on_hand -= qty
                touched[lot.pk] = lot
                entries.append({"movement_id": movement_id, "lot_id": lot.pk, "quantity": -qty})
            result.movements += 1
            result.flagged += bool(shortfall)
        insert_rows(StockMovement, movements)
        insert_rows(LedgerEntry, entries)
        StockLot.objects.bulk_update(list(touched.values()), ["on_hand"], batch_size=1000)
    return result
