"""Inventory JSON API under /api/v1/inventory/: catalog, balances, movements, receipts, transfers, adjustments,
alerts and reconciliation. Every member of the organization reads balances and alerts; staff and admins write."""

import uuid
from datetime import date, datetime

from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Query, Router, Schema
from ninja.errors import HttpError

from meetpoint.accounts.api_auth import member_auth, require_role
from meetpoint.accounts.roles import EDITING_ROLES, sees_participant_level
from meetpoint.bounds import MAX_OFFSET
from meetpoint.inventory import actions, queries
from meetpoint.inventory.models import StockLot, StockMovement, SupplyItem

router = Router(tags=["inventory"])

MAX_QUANTITY = 1_000_000


class FieldError(Schema):
    field: str
    message: str


class InventoryErrorOut(Schema):
    detail: str
    errors: list[FieldError] = []


class RefusedOut(Schema):
    detail: str
    available: int = Field(description="What the source holds of the item (or of the chosen lot).")


class SupplyItemOut(Schema):
    code: str
    name: str
    category: str
    unit: str
    doses_per_unit: int
    max_per_encounter: int
    tracks_expiry: bool


class SiteOut(Schema):
    id: uuid.UUID
    name: str
    is_mobile: bool


class LotOut(Schema):
    id: int
    lot_number: str
    expires_on: date | None
    on_hand: int
    expired: bool
    unrecorded: bool = Field(description="True for the lot that holds distributions beyond recorded stock.")


class BalanceOut(Schema):
    site: SiteOut
    item: str
    item_name: str
    on_hand: int = Field(description="Recorded balance of every lot, a negative unrecorded lot included.")
    usable: int = Field(description="Unexpired stock that may be handed out.")
    expired: int
    shortfall: int = Field(description="Units handed out beyond the records, not yet covered.")
    threshold: int
    low: bool
    lots: list[LotOut]


class MovementOut(Schema):
    id: uuid.UUID
    kind: str
    site: SiteOut
    item: str
    quantity: int
    occurred_at: datetime
    recorded_at: datetime
    reason: str
    note: str
    source: str
    transfer_id: uuid.UUID | None
    counterpart_site: SiteOut | None
    encounter_id: uuid.UUID | None = Field(None, description="Shown to staff and admins only.")
    shortfall: int
    needs_reconciliation: bool
    reconciled_at: datetime | None
    reconciliation_note: str


class MovementPage(Schema):
    total: int
    limit: int
    offset: int
    items: list[MovementOut]


class ReceiptIn(Schema):
    site: uuid.UUID
    item: str = Field(description="Supply item code, e.g. naloxone-nasal-4mg.")
    quantity: int = Field(gt=0, le=MAX_QUANTITY)
    lot_number: str = Field("", max_length=60)
    expires_on: date | None = None
    source: str = Field("", max_length=200, description="Who sent it: a supplier, the health department…")
    received_at: datetime | None = None
    note: str = Field("", max_length=2000)


class TransferIn(Schema):
    source: uuid.UUID
    destination: uuid.UUID
    item: str
    quantity: int = Field(gt=0, le=MAX_QUANTITY)
    lot: int | None = Field(None, description="A lot id at the source; default first-expiring-first.")
    occurred_at: datetime | None = None
    note: str = Field("", max_length=2000)


class TransferOut(Schema):
    transfer_id: uuid.UUID
    out: MovementOut
    into: MovementOut


class AdjustmentIn(Schema):
    site: uuid.UUID
    item: str
    quantity: int = Field(ge=-MAX_QUANTITY, le=MAX_QUANTITY, description="Signed: + adds, - removes; not 0.")
    reason: StockMovement.Reason
    note: str = Field("", max_length=2000)
    lot: int | None = Field(None, description="A lot id at the site; or give lot_number and expires_on.")
    lot_number: str = Field("", max_length=60)
    expires_on: date | None = None
    occurred_at: datetime | None = None


class ExpiringOut(Schema):
    site: SiteOut
    item: str
    lot: LotOut
    days_left: int


class AlertsOut(Schema):
    today: date
    days: int
    low_stock: list[BalanceOut]
    expiring: list[ExpiringOut]
    expired: list[ExpiringOut]
    unreconciled: int


class ReconcileIn(Schema):
    note: str = Field(min_length=1, max_length=2000)
    cover_from: int | None = Field(
        None, description="A lot id at the same site whose stock covers the shortfall."
    )


# ---------------------------------------------------------------------------------------------------------------


def site_out(location) -> dict:
    return {"id": location.pk, "name": location.name, "is_mobile": location.is_mobile}


def lot_out(lot: StockLot, today: date) -> dict:
    return {
        "id": lot.pk,
        "lot_number": lot.lot_number,
        "expires_on": lot.expires_on,
        "on_hand": lot.on_hand,
        "expired": lot.is_expired(today),
        "unrecorded": lot.unrecorded,
    }


def balance_out(balance: queries.Balance, today: date) -> dict:
    return {
        "site": site_out(balance.location),
        "item": balance.item.code,
        "item_name": balance.item.name,
        "on_hand": balance.on_hand,
        "usable": balance.usable,
        "expired": balance.expired,
        "shortfall": balance.shortfall,
        "threshold": balance.threshold,
        "low": balance.low,
        "lots": [lot_out(lot, today) for lot in balance.lots],
    }


def movement_out(movement: StockMovement, membership) -> dict:
    counterpart = movement.counterpart_location
    return {
        "id": movement.pk,
        "kind": movement.kind,
        "site": site_out(movement.location),
        "item": movement.item.code,
        "quantity": movement.quantity,
        "occurred_at": movement.occurred_at,
        "recorded_at": movement.recorded_at,
        "reason": movement.reason,
        "note": movement.note,
        "source": movement.source,
        "transfer_id": movement.transfer_id,
        "counterpart_site": site_out(counterpart) if counterpart else None,
        "encounter_id": movement.encounter_id if sees_participant_level(membership.role) else None,
        "shortfall": movement.shortfall,
        "needs_reconciliation": movement.needs_reconciliation,
        "reconciled_at": movement.reconciled_at,
        "reconciliation_note": movement.reconciliation_note,
    }


def bad_input(error: actions.InventoryError):
    if isinstance(error, actions.NotEnoughStock):
        return 409, {"detail": error.message, "available": error.available}
    return 400, {"detail": error.message, "errors": [{"field": error.field or "", "message": error.message}]}


def item_or_400(code: str) -> SupplyItem:
    item = queries.item_by_code(code)
    if item is None:
        raise HttpError(400, f"item: unknown supply item {code!r}.")
    return item


def lot_or_404(membership, lot_id: int | None) -> StockLot | None:
    return None if lot_id is None else queries.lot_for(membership, lot_id)


# ---------------------------------------------------------------------------------------------------------------


@router.get("/items", response=list[SupplyItemOut], auth=member_auth)
def list_items(request: HttpRequest):
    """The supply catalog (codes are fixed; see docs/inventory.md)."""
    return list(queries.catalog())


@router.get("/balances", response=list[BalanceOut], auth=member_auth)
def list_balances(request: HttpRequest, site: uuid.UUID | None = None, item: str | None = None):
    """Stock of each item at each of the organization's sites, with its lots and expiry dates."""
    membership = request.auth
    location = queries.site_for(membership, site) if site else None
    supply_item = item_or_400(item) if item else None
    today = timezone.localdate()
    found = queries.balances(membership.organization_id, today, location=location, item=supply_item)
    return [balance_out(balance, today) for balance in found]


@router.get("/movements", response=MovementPage, auth=member_auth)
def list_movements(
    request: HttpRequest,
    site: uuid.UUID | None = None,
    item: str | None = None,
    kind: StockMovement.Kind | None = None,
    limit: int = Query(50, ge=1, le=500),
    offset: int = Query(0, ge=0, le=MAX_OFFSET),
):
    """The ledger, newest first."""
    membership = request.auth
    location = queries.site_for(membership, site) if site else None
    supply_item = item_or_400(item) if item else None
    found = queries.movements(membership.organization_id, location=location, item=supply_item, kind=kind)
    return {
        "total": found.count(),
        "limit": limit,
        "offset": offset,
        "items": [movement_out(m, membership) for m in found[offset : offset + limit]],
    }


@router.post("/receipts", response={201: MovementOut, 400: InventoryErrorOut}, auth=member_auth)
def create_receipt(request: HttpRequest, payload: ReceiptIn):
    """Record stock received at a site. A lot already expired when received is refused (400)."""
    membership = request.auth
    require_role(membership, EDITING_ROLES)
    location = queries.site_for(membership, payload.site)
    item = item_or_400(payload.item)
    try:
        movement = actions.record_receipt(
            membership,
            location=location,
            item=item,
            quantity=payload.quantity,
            lot_number=payload.lot_number,
            expires_on=payload.expires_on,
            source=payload.source,
            received_at=payload.received_at,
            note=payload.note,
        )
    except actions.InventoryError as error:
        return bad_input(error)
    return 201, movement_out(movement, membership)


@router.post(
    "/transfers", response={201: TransferOut, 400: InventoryErrorOut, 409: RefusedOut}, auth=member_auth
)
def create_transfer(request: HttpRequest, payload: TransferIn):
    """Move stock between two of the organization's sites. Beyond the source's stock: 409 with `available`."""
    membership = request.auth
    require_role(membership, EDITING_ROLES)
    source = queries.site_for(membership, payload.source)
    destination = queries.site_for(membership, payload.destination)
    item = item_or_400(payload.item)
    lot = lot_or_404(membership, payload.lot)
    try:
        out, into = actions.record_transfer(
            membership,
            source=source,
            destination=destination,
            item=item,
            quantity=payload.quantity,
            lot=lot,
            occurred_at=payload.occurred_at,
            note=payload.note,
        )
    except actions.InventoryError as error:
        return bad_input(error)
    return 201, {
        "transfer_id": out.transfer_id,
        "out": movement_out(out, membership),
        "into": movement_out(into, membership),
    }


@router.post(
    "/adjustments", response={201: MovementOut, 400: InventoryErrorOut, 409: RefusedOut}, auth=member_auth
)
def create_adjustment(request: HttpRequest, payload: AdjustmentIn):
    """Correct a lot's stock with a reason (count_correction, damaged, expired, lost, other — with a note)."""
    membership = request.auth
    require_role(membership, EDITING_ROLES)
    location = queries.site_for(membership, payload.site)
    item = item_or_400(payload.item)
    lot = lot_or_404(membership, payload.lot)
    try:
        movement = actions.record_adjustment(
            membership,
            location=location,
            item=item,
            quantity=payload.quantity,
            reason=payload.reason,
            note=payload.note,
            lot=lot,
            lot_number=payload.lot_number,
            expires_on=payload.expires_on,
            occurred_at=payload.occurred_at,
        )
    except actions.InventoryError as error:
        return bad_input(error)
    return 201, movement_out(movement, membership)


@router.get("/alerts", response=AlertsOut, auth=member_auth)
def list_alerts(
    request: HttpRequest, site: uuid.UUID | None = None, days: int | None = Query(None, ge=0, le=3650)
):
    """Low stock, lots expiring within `days` (default MEETPOINT_INVENTORY_EXPIRY_DAYS, 60), expired stock."""
    membership = request.auth
    location = queries.site_for(membership, site) if site else None
    today = timezone.localdate()
    found = queries.alerts(membership.organization_id, today, days=days, location=location)
    return alerts_out(found)


def alerts_out(found: queries.Alerts) -> dict:
    def expiring(entry):
        lot = entry.lot
        return {
            "site": site_out(lot.location),
            "item": lot.item.code,
            "lot": lot_out(lot, found.today),
            "days_left": entry.days_left,
        }

    return {
        "today": found.today,
        "days": found.days,
        "low_stock": [balance_out(balance, found.today) for balance in found.low_stock],
        "expiring": [expiring(entry) for entry in found.expiring],
        "expired": [expiring(entry) for entry in found.expired],
        "unreconciled": found.unreconciled,
    }


@router.get("/reconciliation", response=list[MovementOut], auth=member_auth)
def list_unreconciled(request: HttpRequest):
    """Distributions that drove stock negative and wait for staff to reconcile them."""
    membership = request.auth
    require_role(membership, EDITING_ROLES)
    return [movement_out(m, membership) for m in queries.unreconciled(membership.organization_id)]


@router.post(
    "/reconciliation/{movement_id}",
    response={200: MovementOut, 400: InventoryErrorOut, 409: RefusedOut},
    auth=member_auth,
)
def reconcile_movement(request: HttpRequest, movement_id: uuid.UUID, payload: ReconcileIn):
    """Mark a flagged distribution reconciled, optionally covering its shortfall from a lot at the same site."""
    membership = request.auth
    require_role(membership, EDITING_ROLES)
    movement = queries.movement_for(membership, movement_id)
    lot = lot_or_404(membership, payload.cover_from)
    try:
        movement = actions.reconcile(membership, movement, note=payload.note, cover_from=lot)
    except actions.InventoryError as error:
        return bad_input(error)
    return 200, movement_out(queries.movement_for(membership, movement.pk), membership)


class ThresholdIn(Schema):
    item: str
    site: uuid.UUID | None = Field(None, description="One site; empty for every site of the organization.")
    minimum: int | None = Field(None, ge=0, le=MAX_QUANTITY, description="Alert below this; null removes it.")


class ThresholdOut(Schema):
    item: str
    site: SiteOut | None
    minimum: int | None


@router.get("/thresholds", response=list[ThresholdOut], auth=member_auth)
def list_thresholds(request: HttpRequest):
    """Low-stock thresholds the organization set (items without one use the default shown in /balances)."""
    membership = request.auth
    sites = {site.pk: site for site in queries.sites_of(membership)}
    items = {item.pk: item for item in SupplyItem.objects.all()}
    return [
        {
            "item": items[item_id].code,
            "site": site_out(sites[location_id]) if location_id in sites else None,
            "minimum": minimum,
        }
        for (location_id, item_id), minimum in queries.thresholds_of(membership.organization_id).items()
    ]


@router.post("/thresholds", response={200: ThresholdOut, 400: InventoryErrorOut}, auth=member_auth)
def set_threshold(request: HttpRequest, payload: ThresholdIn):
    """Set the low-stock threshold of an item at one site or at every site (minimum null: back to default)."""
    membership = request.auth
    require_role(membership, EDITING_ROLES)
    location = queries.site_for(membership, payload.site) if payload.site else None
    item = item_or_400(payload.item)
    try:
        actions.set_threshold(membership, item=item, minimum=payload.minimum, location=location)
    except actions.InventoryError as error:
        return bad_input(error)
    return 200, {
        "item": item.code,
        "site": site_out(location) if location else None,
        "minimum": payload.minimum,
    }


@router.post(
    "/lots/{lot_id}/write-off", response={201: MovementOut, 400: InventoryErrorOut}, auth=member_auth
)
def write_off_lot(request: HttpRequest, lot_id: int):
    """Write off what is left of an expired lot (400 if it has not expired or is empty)."""
    membership = request.auth
    require_role(membership, EDITING_ROLES)
    lot = queries.lot_for(membership, lot_id)
    try:
        movement = actions.write_off_expired(membership, lot)
    except actions.InventoryError as error:
        return bad_input(error)
    return 201, movement_out(movement, membership)
