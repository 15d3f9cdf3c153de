"""Every write to stock goes through here, so pages, API, CLI, the outreach app and tests share one path.

The ledger is append-only: each action writes one StockMovement (two for a transfer) with one LedgerEntry per
lot it touches, and updates the cached `StockLot.on_hand` of those lots in the same transaction. Validation comes
first; nothing is half-written. Errors are `InventoryError` (a ValueError naming the field and what is wrong);
a refusal for lack of stock is `NotEnoughStock`, which carries the available figure.
"""

import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import DEFAULT_DB_ALIAS, IntegrityError, connection, connections, transaction
from django.db.models import F
from django.utils import timezone

from meetpoint.accounts.roles import may_edit
from meetpoint.directory.models import Location
from meetpoint.inventory.models import LedgerEntry, StockLot, StockMovement, StockThreshold, SupplyItem

Kind = StockMovement.Kind
Reason = StockMovement.Reason

# A clock skew allowance for "not in the future": phones that sync a little ahead of the server.
FUTURE_SKEW = timedelta(minutes=10)


class InventoryError(ValueError):
    """Bad input to a stock action: `field` names what is wrong (for a form, an API error or a CLI message)."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field


class NotEnoughStock(InventoryError):
    """A deliberate movement out (transfer, adjustment, write-off) larger than the stock recorded."""

    def __init__(self, message: str, available: int, field: str = "quantity"):
        super().__init__(message, field)
        self.available = available


def max_receipt_quantity() -> int:
    return int(getattr(settings, "MEETPOINT_INVENTORY_MAX_RECEIPT", 1_000_000))


# ---------------------------------------------------------------------------------------------------------------
# Distribution: the contract the outreach app codes against.
# ---------------------------------------------------------------------------------------------------------------


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
    item = _resolve_item(supply_item)
    _check_distribution(location, item, quantity, occurred_at)
    encounter_id = _as_uuid(encounter_id)
    with transaction.atomic():
        existing = _active_distribution(encounter_id, item)
        if existing is not None:
            if -existing.quantity != quantity:
                raise InventoryError(
                    f"Encounter {encounter_id} already took {-existing.quantity} of {item.code}; "
                    f"reverse it before recording {quantity}.",
                    "quantity",
                )
            return existing
        lots = list(_lots_query(location, item).select_for_update())
        allocations, shortfall = _allocate(lots, quantity, timezone.localdate(occurred_at))
        if shortfall:
            allocations.append((_unrecorded_lot(location, item), shortfall))
        movement = StockMovement(
            organization_id=location.organization_id,
            location=location,
            item=item,
            kind=Kind.DISTRIBUTION,
            quantity=-quantity,
            occurred_at=occurred_at,
            recorded_by=_as_user(user),
            encounter_id=encounter_id,
            shortfall=shortfall,
            needs_reconciliation=bool(shortfall),
        )
        movement.save()
        _write_entries(movement, [(lot, -qty) for lot, qty in allocations])
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
    encounter_id = _as_uuid(encounter_id)
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
                recorded_by=_as_user(user),
                encounter_id=encounter_id,
                reverses=original,
                note="Distribution reversed (encounter corrected).",
            )
            entries = list(original.entries.select_related("lot"))
            lots = {entry.lot_id: entry.lot for entry in entries}
            list(
                StockLot.objects.select_for_update().filter(pk__in=lots).values_list("pk", flat=True)
            )  # lock
            _write_entries(reversal, [(entry.lot, -entry.quantity) for entry in entries])
            if original.needs_reconciliation and original.reconciled_at is None:
                original.reconciled_at = now
                original.reconciled_by = _as_user(user)
                original.reconciliation_note = "Reversed: the distribution was corrected."
                original.save(update_fields=["reconciled_at", "reconciled_by", "reconciliation_note"])
            written.append(reversal)
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
            _check_distribution(row.location, item, row.quantity, row.occurred_at, latest)
            encounter_id = _as_uuid(row.encounter_id)
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
            lots.sort(key=_fefo_key)
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
            allocations, shortfall = _allocate(
                lots, row.quantity, occurred_at.astimezone(zone).date(), presorted=True
            )
            if shortfall:
                unrecorded = next((lot for lot in lots if lot.unrecorded), None)
                if unrecorded is None:
                    unrecorded = _unrecorded_lot(location, item)
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
                    "recorded_by_id": getattr(_as_user(row.user), "pk", None),
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
        _insert_rows(StockMovement, movements)
        _insert_rows(LedgerEntry, entries)
        StockLot.objects.bulk_update(list(touched.values()), ["on_hand"], batch_size=1000)
    return result


# ---------------------------------------------------------------------------------------------------------------
# Receipts, transfers, adjustments, write-offs, reconciliation, thresholds: staff and admins of the organization.
# ---------------------------------------------------------------------------------------------------------------


def record_receipt(
    membership,
    *,
    location: Location,
    item: SupplyItem | str,
    quantity: int,
    lot_number: str = "",
    expires_on: date | None = None,
    source: str = "",
    received_at: datetime | None = None,
    note: str = "",
) -> StockMovement:
    """Stock arrives at a site: `quantity` units of one lot (number and expiry) from `source` (who sent it).

    Items that track expiry (naloxone, test strips) need an expiry date. A lot that has already expired on the
    day it is received is refused: it cannot be handed out, so it does not belong in distributable stock
    (record it, if at all, as received and written off the same day by a receipt and an expiry write-off).
    """
    _require_editor(membership)
    item = _resolve_item(item, field="item")
    _require_own_site(membership, location, "location")
    _check_positive(quantity, max_receipt_quantity(), "quantity")
    received_at = _check_when(received_at, "received_at")
    lot_number = (lot_number or "").strip()
    if len(lot_number) > 60:
        raise InventoryError("The lot number is longer than 60 characters.", "lot_number")
    if item.tracks_expiry and expires_on is None:
        raise InventoryError(f"{item.name} tracks expiry: give the lot's expiry date.", "expires_on")
    if expires_on is not None and expires_on < timezone.localdate(received_at):
        raise InventoryError(
            f"This lot expired on {expires_on.isoformat()}, before it was received; expired stock is not "
            "accepted into distributable stock.",
            "expires_on",
        )
    with transaction.atomic():
        lot = _lot(location, item, lot_number, expires_on, received_at)
        movement = StockMovement.objects.create(
            organization_id=location.organization_id,
            location=location,
            item=item,
            kind=Kind.RECEIPT,
            quantity=quantity,
            occurred_at=received_at,
            recorded_by=membership.user,
            source=(source or "").strip()[:200],
            note=note or "",
        )
        _write_entries(movement, [(lot, quantity)])
    return movement


def record_transfer(
    membership,
    *,
    source: Location,
    destination: Location,
    item: SupplyItem | str,
    quantity: int,
    lot: StockLot | None = None,
    occurred_at: datetime | None = None,
    note: str = "",
) -> tuple[StockMovement, StockMovement]:
    """Move stock between two of the organization's own sites: both sides are written or neither.

    Without `lot`, the source's usable lots are taken first-expiring-first; with `lot`, only that lot. A
    transfer larger than the source holds is refused with NotEnoughStock naming the available figure. Lot
    numbers and expiry dates travel with the stock. Returns (transfer out, transfer in).
    """
    _require_editor(membership)
    item = _resolve_item(item, field="item")
    _require_own_site(membership, source, "source")
    _require_own_site(membership, destination, "destination")
    if source.pk == destination.pk:
        raise InventoryError("The source and destination are the same site.", "destination")
    _check_positive(quantity, max_receipt_quantity(), "quantity")
    occurred_at = _check_when(occurred_at, "occurred_at")
    on = timezone.localdate(occurred_at)
    with transaction.atomic():
        if lot is not None:
            if lot.location_id != source.pk or lot.item_id != item.pk or lot.unrecorded:
                raise InventoryError("That lot is not stock of this item at the source site.", "lot")
            lots = list(StockLot.objects.select_for_update().filter(pk=lot.pk))
            available = max(lots[0].on_hand, 0)
            allocations = [(lots[0], quantity)] if quantity <= available else []
        else:
            lots = list(_lots_query(source, item).select_for_update())
            available = sum(lot.on_hand for lot in lots if _usable(lot, on) and lot.on_hand > 0)
            allocations, _ = _allocate(lots, quantity, on)
        if quantity > available:
            raise NotEnoughStock(
                f"Only {available} {item.unit} of {item.name} available at {source.name or 'the source'}; "
                f"cannot transfer {quantity}.",
                available,
            )
        transfer_id = uuid.uuid4()
        common = {
            "organization_id": source.organization_id,
            "item": item,
            "occurred_at": occurred_at,
            "recorded_by": membership.user,
            "transfer_id": transfer_id,
            "note": note or "",
        }
        out = StockMovement.objects.create(
            location=source,
            counterpart_location=destination,
            kind=Kind.TRANSFER_OUT,
            quantity=-quantity,
            **common,
        )
        _write_entries(out, [(source_lot, -qty) for source_lot, qty in allocations])
        into = StockMovement.objects.create(
            location=destination,
            counterpart_location=source,
            kind=Kind.TRANSFER_IN,
            quantity=quantity,
            **common,
        )
        arriving = [
            (_lot(destination, item, source_lot.lot_number, source_lot.expires_on, occurred_at), qty)
            for source_lot, qty in allocations
        ]
        _write_entries(into, arriving)
    return out, into


def record_adjustment(
    membership,
    *,
    location: Location,
    item: SupplyItem | str,
    quantity: int,
    reason: str,
    note: str = "",
    lot: StockLot | None = None,
    lot_number: str = "",
    expires_on: date | None = None,
    occurred_at: datetime | None = None,
) -> StockMovement:
    """Correct the stock of one lot by a signed `quantity`, with a reason (count correction, damaged, expired,
    lost, other — "other" needs a note).

    The lot is `lot`, or the site's lot with `lot_number` and `expires_on` (created for a positive count
    correction of stock nobody recorded). An adjustment cannot take a lot below zero: NotEnoughStock names what
    the lot holds.
    """
    _require_editor(membership)
    item = _resolve_item(item, field="item")
    _require_own_site(membership, location, "location")
    if reason not in Reason.values:
        raise InventoryError(
            f"Give a reason for the adjustment: one of {', '.join(Reason.values)}.",
            "reason",
        )
    note = (note or "").strip()
    if reason == Reason.OTHER and not note:
        raise InventoryError("Explain an adjustment for another reason in the note.", "note")
    if not isinstance(quantity, int) or isinstance(quantity, bool) or quantity == 0:
        raise InventoryError(
            "The adjustment must be a whole number other than zero (+ adds, − removes).", "quantity"
        )
    if abs(quantity) > max_receipt_quantity():
        raise InventoryError(f"An adjustment of {quantity} is beyond the ceiling.", "quantity")
    occurred_at = _check_when(occurred_at, "occurred_at")
    with transaction.atomic():
        if lot is not None:
            if lot.location_id != location.pk or lot.item_id != item.pk:
                raise InventoryError("That lot is not stock of this item at this site.", "lot")
            target = StockLot.objects.select_for_update().get(pk=lot.pk)
        else:
            target = _lot(
                location, item, (lot_number or "").strip(), expires_on, occurred_at if quantity > 0 else None
            )
            target = StockLot.objects.select_for_update().get(pk=target.pk)
        if quantity < 0 and target.on_hand + quantity < 0:
            available = max(target.on_hand, 0)
            raise NotEnoughStock(
                f"This lot holds {available} {item.unit}; an adjustment cannot remove {-quantity}.", available
            )
        movement = StockMovement.objects.create(
            organization_id=location.organization_id,
            location=location,
            item=item,
            kind=Kind.ADJUSTMENT,
            quantity=quantity,
            occurred_at=occurred_at,
            recorded_by=membership.user,
            reason=reason,
            note=note,
        )
        _write_entries(movement, [(target, quantity)])
    return movement


def write_off_expired(membership, lot: StockLot, *, occurred_at: datetime | None = None) -> StockMovement:
    """Remove everything left of a lot that has expired (it may not be handed out)."""
    _require_editor(membership)
    _require_own_site(membership, lot.location, "lot")
    occurred_at = _check_when(occurred_at, "occurred_at")
    with transaction.atomic():
        lot = StockLot.objects.select_for_update().select_related("item").get(pk=lot.pk)
        if not lot.is_expired(timezone.localdate(occurred_at)):
            raise InventoryError("This lot has not expired; use an adjustment instead.", "lot")
        if lot.on_hand <= 0:
            raise InventoryError("Nothing left of this lot to write off.", "lot")
        movement = StockMovement.objects.create(
            organization_id=lot.organization_id,
            location_id=lot.location_id,
            item_id=lot.item_id,
            kind=Kind.EXPIRY_WRITE_OFF,
            quantity=-lot.on_hand,
            occurred_at=occurred_at,
            recorded_by=membership.user,
            reason=Reason.EXPIRED,
            note=f"Lot {lot.lot_number or '—'} expired {lot.expires_on.isoformat()}.",
        )
        _write_entries(movement, [(lot, -lot.on_hand)])
    return movement


def reconcile(
    membership, movement: StockMovement, *, note: str, cover_from: StockLot | None = None
) -> StockMovement:
    """Close a distribution that drove stock negative, once staff have found why.

    Typically staff first record the missing receipt (or a count correction); with `cover_from` (a lot of the
    same item at the same site, e.g. that receipt's lot) the shortfall is moved from that lot to the site's
    unrecorded lot, so the unrecorded lot returns toward zero and the books balance. A note saying what was
    found is required. Returns the movement, now reconciled.
    """
    _require_editor(membership)
    note = (note or "").strip()
    if not note:
        raise InventoryError("Say what was found (e.g. 'receipt of 3 Oct recorded late').", "note")
    with transaction.atomic():
        movement = StockMovement.objects.select_for_update().get(pk=movement.pk)
        if movement.organization_id != membership.organization_id:
            raise InventoryError("That movement is not your organization's.", "movement")
        if not movement.needs_reconciliation or movement.reconciled_at is not None:
            raise InventoryError("This movement is not waiting for reconciliation.", "movement")
        if cover_from is not None:
            _cover_shortfall(membership, movement, cover_from)
        movement.reconciled_at = timezone.now()
        movement.reconciled_by = membership.user
        movement.reconciliation_note = note
        movement.save(update_fields=["reconciled_at", "reconciled_by", "reconciliation_note"])
    return movement


def set_threshold(
    membership, *, item: SupplyItem | str, minimum: int | None, location: Location | None = None
):
    """Set (or with minimum None, remove) the low-stock threshold of an item at one site or at all sites."""
    _require_editor(membership)
    item = _resolve_item(item, field="item")
    if location is not None:
        _require_own_site(membership, location, "location")
    with transaction.atomic():
        lookup = {"organization": membership.organization, "item": item, "location": location}
        if minimum is None:
            StockThreshold.objects.filter(**lookup).delete()
            return None
        _check_positive(minimum, max_receipt_quantity(), "minimum", allow_zero=True)
        threshold, _ = StockThreshold.objects.update_or_create(**lookup, defaults={"minimum": minimum})
    return threshold


# ---------------------------------------------------------------------------------------------------------------
# Internals
# ---------------------------------------------------------------------------------------------------------------


def _insert_rows(model, rows: list[dict], batch: int = 5000) -> None:
    """INSERT plain rows with executemany: what bulk_create does, without building a model instance and
    compiling SQL for every ~80 rows (the bulk path's hot spot). Fields left out of the dicts take their
    defaults; values are prepared per field for the database at hand (UUIDs, datetimes)."""
    if not rows:
        return
    fields = [
        field
        for field in model._meta.concrete_fields
        if not (field.primary_key and field.name not in rows[0])
    ]
    given = {name for name in rows[0]}
    prepared_fields = []
    for field in fields:
        if field.attname in given:
            prepared_fields.append((field, field.attname, None))
        else:
            prepared_fields.append((field, None, field.get_db_prep_save(field.get_default(), connection)))
    # Only UUIDs and datetimes need converting; ints, strings and booleans go as they are.
    db = connections[DEFAULT_DB_ALIAS]
    converters = []
    for field, _attname, _default in prepared_fields:
        target = field.target_field if field.is_relation else field
        internal = target.get_internal_type()
        if internal == "UUIDField":
            converters.append(None if db.features.has_native_uuid_field else _uuid_hex)
        elif internal == "DateTimeField":
            converters.append(db.ops.adapt_datetimefield_value)
        else:
            converters.append(None)
    table = connection.ops.quote_name(model._meta.db_table)
    columns = ", ".join(connection.ops.quote_name(field.column) for field, _a, _d in prepared_fields)
    placeholders = ", ".join(["%s"] * len(prepared_fields))
    sql = f"INSERT INTO {table} ({columns}) VALUES ({placeholders})"  # noqa: S608 — names from model metadata
    columns_of = list(zip(prepared_fields, converters, strict=True))
    last: list = [(object(), None)] * len(columns_of)  # per column: the last value and its conversion
    values = []
    for row in rows:
        record = []
        for index, ((_field, attname, default), convert) in enumerate(columns_of):
            if attname is None:
                record.append(default)
                continue
            value = row[attname]
            if convert is None or value is None:
                record.append(value)
            elif value is last[index][0]:  # repeated values (the site, the time recorded) convert once
                record.append(last[index][1])
            else:
                converted = convert(value)
                last[index] = (value, converted)
                record.append(converted)
        values.append(record)
    with connection.cursor() as cursor:
        for start in range(0, len(values), batch):
            cursor.executemany(sql, values[start : start + batch])


def _as_user(user):
    """A User from a User or a Membership (callers hold either), or None."""
    return getattr(user, "user", user)


def _uuid_hex(value) -> str:
    return value.hex if isinstance(value, uuid.UUID) else uuid.UUID(str(value)).hex


def _cover_shortfall(membership, movement: StockMovement, cover_from: StockLot) -> None:
    lot = StockLot.objects.select_for_update().get(pk=cover_from.pk)
    if lot.location_id != movement.location_id or lot.item_id != movement.item_id or lot.unrecorded:
        raise InventoryError(
            "Cover the shortfall from a lot of the same item at the same site.", "cover_from"
        )
    unrecorded = StockLot.objects.select_for_update().filter(
        location_id=movement.location_id, item_id=movement.item_id, unrecorded=True
    )
    unrecorded = unrecorded.first()
    deficit = -unrecorded.on_hand if unrecorded is not None else 0
    amount = min(movement.shortfall, deficit)
    if amount <= 0:
        return  # already covered (e.g. by a count correction of the unrecorded lot)
    if lot.on_hand < amount:
        raise NotEnoughStock(
            f"Lot {lot.lot_number or '—'} holds {max(lot.on_hand, 0)}; the shortfall is {amount}.",
            max(lot.on_hand, 0),
            "cover_from",
        )
    cover = StockMovement.objects.create(
        organization_id=movement.organization_id,
        location_id=movement.location_id,
        item_id=movement.item_id,
        kind=Kind.RECONCILIATION,
        quantity=0,
        occurred_at=timezone.now(),
        recorded_by=membership.user,
        note=f"Shortfall of {amount} covered from lot {lot.lot_number or '—'}.",
    )
    _write_entries(cover, [(lot, -amount), (unrecorded, amount)])


def _resolve_item(item: SupplyItem | str, field: str = "supply_item") -> SupplyItem:
    if isinstance(item, SupplyItem):
        return item
    found = SupplyItem.objects.filter(code=str(item)).first()
    if found is None:
        raise InventoryError(f"Unknown supply item {item!r}.", field)
    return found


def _as_uuid(value) -> uuid.UUID:
    try:
        return value if isinstance(value, uuid.UUID) else uuid.UUID(str(value))
    except ValueError as error:
        raise InventoryError(f"{value!r} is not a UUID.", "encounter_id") from error


def _check_positive(value, ceiling: int, field: str, *, allow_zero: bool = False) -> None:
    if not isinstance(value, int) or isinstance(value, bool):
        raise InventoryError("Give a whole number.", field)
    if value < 0 or (value == 0 and not allow_zero):
        raise InventoryError(f"{value} is not a valid quantity: it must be at least 1.", field)
    if value > ceiling:
        raise InventoryError(f"{value} is beyond the ceiling of {ceiling}.", field)


def _check_when(when: datetime | None, field: str) -> datetime:
    if when is None:
        return timezone.now()
    if timezone.is_naive(when):
        when = timezone.make_aware(when)
    if when > timezone.now() + FUTURE_SKEW:
        raise InventoryError("The date is in the future.", field)
    return when


def _check_distribution(
    location, item: SupplyItem, quantity, occurred_at, latest: datetime | None = None
) -> None:
    if not isinstance(location, Location) or location.organization_id is None:
        raise InventoryError("The site is not a location of an organization.", "location")
    if not isinstance(quantity, int) or isinstance(quantity, bool) or quantity < 1:
        raise InventoryError(f"{quantity!r} is not a valid quantity of {item.code}: at least 1.", "quantity")
    if quantity > item.max_per_encounter:
        raise InventoryError(
            f"{quantity} {item.code} is beyond the ceiling of {item.max_per_encounter} per encounter.",
            "quantity",
        )
    if not isinstance(occurred_at, datetime):
        raise InventoryError("occurred_at must be a date and time.", "occurred_at")
    latest = latest or timezone.now() + FUTURE_SKEW
    if occurred_at.utcoffset() is None or occurred_at > latest:
        raise InventoryError("occurred_at must be an aware date-time, not in the future.", "occurred_at")


def _require_editor(membership) -> None:
    if membership is None or not may_edit(membership.role):
        raise PermissionDenied("Only staff and admins record stock.")


def _require_own_site(membership, location: Location, field: str) -> None:
    if not isinstance(location, Location) or location.organization_id != membership.organization_id:
        raise InventoryError("That site is not one of your organization's.", field)


def _active_distribution(encounter_id: uuid.UUID, item: SupplyItem) -> StockMovement | None:
    return StockMovement.objects.filter(
        encounter_id=encounter_id, item=item, kind=Kind.DISTRIBUTION, reversals__isnull=True
    ).first()


def _lots_query(location: Location, item: SupplyItem):
    return StockLot.objects.filter(location=location, item=item)


def _fefo_key(lot: StockLot):
    # Earliest expiry first; undated lots after dated ones, oldest receipt first; the unrecorded lot last.
    return (
        lot.unrecorded,
        lot.expires_on is None,
        lot.expires_on or date.max,
        lot.first_received_at or timezone.now(),
        lot.pk,
    )


def _usable(lot: StockLot, on: date) -> bool:
    return not lot.is_expired(on)


def _allocate(
    lots: list[StockLot], quantity: int, on: date, *, presorted: bool = False
) -> tuple[list[tuple[StockLot, int]], int]:
    """FEFO: which lots give how much; returns the allocations and what no usable lot covers."""
    allocations, remaining = [], quantity
    for lot in lots if presorted else sorted(lots, key=_fefo_key):
        if remaining == 0:
            break
        if lot.on_hand <= 0 or not _usable(lot, on):
            continue
        take = min(lot.on_hand, remaining)
        allocations.append((lot, take))
        remaining -= take
    return allocations, remaining


def _lot(location: Location, item: SupplyItem, lot_number: str, expires_on, received_at) -> StockLot:
    lookup = {"location": location, "item": item, "lot_number": lot_number, "expires_on": expires_on}
    return _get_or_create_lot(lookup, unrecorded=False, first_received_at=received_at)


def _unrecorded_lot(location: Location, item: SupplyItem) -> StockLot:
    return _get_or_create_lot({"location": location, "item": item}, unrecorded=True, first_received_at=None)


def _get_or_create_lot(lookup: dict, *, unrecorded: bool, first_received_at) -> StockLot:
    """The lot, locked; created when missing. Two writers creating the same lot at once: the unique constraint
    stops the second, which then takes the first one's lot."""
    found = StockLot.objects.select_for_update().filter(unrecorded=unrecorded, **lookup).first()
    if found is not None:
        return found
    try:
        with transaction.atomic():
            return StockLot.objects.create(
                organization_id=lookup["location"].organization_id,
                unrecorded=unrecorded,
                first_received_at=first_received_at,
                **lookup,
            )
    except IntegrityError:
        return StockLot.objects.select_for_update().get(unrecorded=unrecorded, **lookup)


def _write_entries(movement: StockMovement, changes: list[tuple[StockLot, int]]) -> None:
    """Append the movement's entries and move the cached balances by the same amounts (same transaction)."""
    LedgerEntry.objects.bulk_create(
        [LedgerEntry(movement=movement, lot=lot, quantity=qty) for lot, qty in changes if qty]
    )
    for lot, qty in changes:
        if qty:
            lot.on_hand += qty
            StockLot.objects.filter(pk=lot.pk).update(on_hand=F("on_hand") + qty)


__all__ = [
    "BulkResult",
    "DistributionRow",
    "InventoryError",
    "NotEnoughStock",
    "record_adjustment",
    "record_distribution",
    "record_distributions_bulk",
    "record_receipt",
    "record_transfer",
    "reconcile",
    "reverse_distribution",
    "set_threshold",
    "write_off_expired",
]
