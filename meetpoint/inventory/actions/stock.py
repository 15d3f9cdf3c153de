"""Receipts, transfers, adjustments, expiry write-offs, reconciliation and thresholds: what staff and admins of
the organization record. Each takes the acting membership first."""

import uuid
from datetime import date, datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from meetpoint.accounts import audit
from meetpoint.directory.models import Location
from meetpoint.inventory.actions.ledger import (
    InventoryError,
    Kind,
    NotEnoughStock,
    Reason,
    allocate,
    check_positive,
    check_when,
    lot_of,
    lots_query,
    max_receipt_quantity,
    require_editor,
    require_own_site,
    resolve_item,
    usable,
    write_entries,
)
from meetpoint.inventory.models import StockLot, StockMovement, StockThreshold, SupplyItem


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
    require_editor(membership)
    item = resolve_item(item, field="item")
    require_own_site(membership, location, "location")
    check_positive(quantity, max_receipt_quantity(), "quantity")
    received_at = check_when(received_at, "received_at")
    lot_number = (lot_number or "").strip()
    if len(lot_number) > 60:
        raise InventoryError(_("The lot number is longer than 60 characters."), "lot_number")
    if item.tracks_expiry and expires_on is None:
        raise InventoryError(
            _("%(item)s tracks expiry: give the lot's expiry date.") % {"item": item.name}, "expires_on"
        )
    if expires_on is not None and expires_on < timezone.localdate(received_at):
        raise InventoryError(
            _(
                "This lot expired on %(date)s, before it was received; expired stock is not accepted into "
                "distributable stock."
            )
            % {"date": expires_on.isoformat()},
            "expires_on",
        )
    with transaction.atomic():
        lot = lot_of(location, item, lot_number, expires_on, received_at)
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
        write_entries(movement, [(lot, quantity)])
        _record("inventory.receipt.recorded", membership, movement, source=movement.source)
    return movement


def _record(action: str, membership, movement: StockMovement, **detail) -> None:
    """The movement's event: what moved, how much and where (a person reads it in the audit log)."""
    audit.record(
        action,
        membership=membership,
        obj=movement,
        detail={
            "item": movement.item.name,
            "quantity": movement.quantity,
            "site": movement.location.name,
            **detail,
        },
    )


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
    require_editor(membership)
    item = resolve_item(item, field="item")
    require_own_site(membership, source, "source")
    require_own_site(membership, destination, "destination")
    if source.pk == destination.pk:
        raise InventoryError(_("The source and destination are the same site."), "destination")
    check_positive(quantity, max_receipt_quantity(), "quantity")
    occurred_at = check_when(occurred_at, "occurred_at")
    on = timezone.localdate(occurred_at)
    with transaction.atomic():
        if lot is not None:
            if lot.location_id != source.pk or lot.item_id != item.pk or lot.unrecorded:
                raise InventoryError(_("That lot is not stock of this item at the source site."), "lot")
            lots = list(StockLot.objects.select_for_update().filter(pk=lot.pk))
            available = max(lots[0].on_hand, 0)
            allocations = [(lots[0], quantity)] if quantity <= available else []
        else:
            lots = list(lots_query(source, item).select_for_update())
            available = sum(lot.on_hand for lot in lots if usable(lot, on) and lot.on_hand > 0)
            allocations, _uncovered = allocate(lots, quantity, on)
        if quantity > available:
            raise NotEnoughStock(
                _(
                    "Only %(available)s %(unit)s of %(item)s available at %(site)s; cannot transfer %(quantity)s."
                )
                % {
                    "available": available,
                    "unit": item.unit,
                    "item": item.name,
                    "site": source.name or _("the source"),
                    "quantity": quantity,
                },
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
        write_entries(out, [(source_lot, -qty) for source_lot, qty in allocations])
        into = StockMovement.objects.create(
            location=destination,
            counterpart_location=source,
            kind=Kind.TRANSFER_IN,
            quantity=quantity,
            **common,
        )
        arriving = [
            (lot_of(destination, item, source_lot.lot_number, source_lot.expires_on, occurred_at), qty)
            for source_lot, qty in allocations
        ]
        write_entries(into, arriving)
        _record("inventory.transfer.recorded", membership, out, to=destination.name)
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
    require_editor(membership)
    item = resolve_item(item, field="item")
    require_own_site(membership, location, "location")
    if reason not in Reason.values:
        raise InventoryError(
            _("Give a reason for the adjustment: one of %(reasons)s.")
            % {"reasons": ", ".join(Reason.values)},
            "reason",
        )
    note = (note or "").strip()
    if reason == Reason.OTHER and not note:
        raise InventoryError(_("Explain an adjustment for another reason in the note."), "note")
    if not isinstance(quantity, int) or isinstance(quantity, bool) or quantity == 0:
        raise InventoryError(
            _("The adjustment must be a whole number other than zero (+ adds, − removes)."), "quantity"
        )
    if abs(quantity) > max_receipt_quantity():
        raise InventoryError(
            _("An adjustment of %(quantity)s is beyond the ceiling.") % {"quantity": quantity}, "quantity"
        )
    occurred_at = check_when(occurred_at, "occurred_at")
    with transaction.atomic():
        if lot is not None:
            if lot.location_id != location.pk or lot.item_id != item.pk:
                raise InventoryError(_("That lot is not stock of this item at this site."), "lot")
            target = StockLot.objects.select_for_update().get(pk=lot.pk)
        else:
            target = lot_of(
                location, item, (lot_number or "").strip(), expires_on, occurred_at if quantity > 0 else None
            )
            target = StockLot.objects.select_for_update().get(pk=target.pk)
        if quantity < 0 and target.on_hand + quantity < 0:
            available = max(target.on_hand, 0)
            raise NotEnoughStock(
                _("This lot holds %(available)s %(unit)s; an adjustment cannot remove %(quantity)s.")
                % {"available": available, "unit": item.unit, "quantity": -quantity},
                available,
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
        write_entries(movement, [(target, quantity)])
        _record("inventory.adjustment.recorded", membership, movement, reason=reason)
    return movement


def write_off_expired(membership, lot: StockLot, *, occurred_at: datetime | None = None) -> StockMovement:
    """Remove everything left of a lot that has expired (it may not be handed out)."""
    require_editor(membership)
    require_own_site(membership, lot.location, "lot")
    occurred_at = check_when(occurred_at, "occurred_at")
    with transaction.atomic():
        lot = StockLot.objects.select_for_update().select_related("item").get(pk=lot.pk)
        if not lot.is_expired(timezone.localdate(occurred_at)):
            raise InventoryError(_("This lot has not expired; use an adjustment instead."), "lot")
        if lot.on_hand <= 0:
            raise InventoryError(_("Nothing left of this lot to write off."), "lot")
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
        write_entries(movement, [(lot, -lot.on_hand)])
        _record("inventory.expired.written_off", membership, movement, lot=lot.lot_number)
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
    require_editor(membership)
    note = (note or "").strip()
    if not note:
        raise InventoryError(_("Say what was found (e.g. 'receipt of 3 Oct recorded late')."), "note")
    with transaction.atomic():
        movement = StockMovement.objects.select_for_update().get(pk=movement.pk)
        if movement.organization_id != membership.organization_id:
            raise InventoryError(_("That movement is not your organization's."), "movement")
        if not movement.needs_reconciliation or movement.reconciled_at is not None:
            raise InventoryError(_("This movement is not waiting for reconciliation."), "movement")
        if cover_from is not None:
            _cover_shortfall(membership, movement, cover_from)
        movement.reconciled_at = timezone.now()
        movement.reconciled_by = membership.user
        movement.reconciliation_note = note
        movement.save(update_fields=["reconciled_at", "reconciled_by", "reconciliation_note"])
        _record("inventory.shortfall.reconciled", membership, movement, shortfall=movement.shortfall)
    return movement


def set_threshold(
    membership, *, item: SupplyItem | str, minimum: int | None, location: Location | None = None
):
    """Set (or with minimum None, remove) the low-stock threshold of an item at one site or at all sites."""
    require_editor(membership)
    item = resolve_item(item, field="item")
    if location is not None:
        require_own_site(membership, location, "location")
    with transaction.atomic():
        lookup = {"organization": membership.organization, "item": item, "location": location}
        where = {"item": item.name, "site": location.name if location else "all sites"}
        if minimum is None:
            if StockThreshold.objects.filter(**lookup).delete()[0]:
                audit.record("inventory.threshold.removed", membership=membership, detail=where)
            return None
        check_positive(minimum, max_receipt_quantity(), "minimum", allow_zero=True)
        threshold, _ = StockThreshold.objects.update_or_create(**lookup, defaults={"minimum": minimum})
        audit.record(
            "inventory.threshold.set",
            membership=membership,
            obj=threshold,
            detail={**where, "minimum": minimum},
        )
    return threshold


def _cover_shortfall(membership, movement: StockMovement, cover_from: StockLot) -> None:
    lot = StockLot.objects.select_for_update().get(pk=cover_from.pk)
    if lot.location_id != movement.location_id or lot.item_id != movement.item_id or lot.unrecorded:
        raise InventoryError(
            _("Cover the shortfall from a lot of the same item at the same site."), "cover_from"
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
            _("Lot %(lot)s holds %(available)s; the shortfall is %(amount)s.")
            % {"lot": lot.lot_number or "—", "available": max(lot.on_hand, 0), "amount": amount},
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
    write_entries(cover, [(lot, -amount), (unrecorded, amount)])
