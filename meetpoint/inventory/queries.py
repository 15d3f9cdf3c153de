"""Reads of stock that enforce who may see what: everything starts from the acting membership's organization.

An object of another organization is a 404 (Http404), never a 403: its existence is not disclosed.
"""

import uuid
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.conf import settings
from django.db.models import QuerySet, Sum
from django.db.models.functions import Coalesce
from django.http import Http404

from meetpoint.directory.models import Location
from meetpoint.inventory.catalog import DEFAULT_LOW_STOCK_BY_CATEGORY
from meetpoint.inventory.models import StockLot, StockMovement, StockThreshold, SupplyItem


def expiry_warning_days() -> int:
    return int(getattr(settings, "MEETPOINT_INVENTORY_EXPIRY_DAYS", 60))


def _uuid_or_404(value) -> uuid.UUID:
    try:
        return value if isinstance(value, uuid.UUID) else uuid.UUID(str(value))
    except ValueError as error:
        raise Http404("No such record.") from error


def sites_of(membership) -> QuerySet[Location]:
    """The organization's fixed sites and mobile units (directory locations)."""
    return Location.objects.filter(organization_id=membership.organization_id).order_by("is_mobile", "name")


def site_for(membership, site_id) -> Location:
    site = sites_of(membership).filter(pk=_uuid_or_404(site_id)).first()
    if site is None:
        raise Http404("No such site in your organization.")
    return site


def lot_for(membership, lot_id) -> StockLot:
    try:
        lot_id = int(lot_id)
    except (TypeError, ValueError) as error:
        raise Http404("No such lot.") from error
    lot = (
        StockLot.objects.select_related("item", "location")
        .filter(pk=lot_id, organization_id=membership.organization_id)
        .first()
    )
    if lot is None:
        raise Http404("No such lot in your organization.")
    return lot


def movement_for(membership, movement_id) -> StockMovement:
    movement = (
        StockMovement.objects.select_related("item", "location")
        .filter(pk=_uuid_or_404(movement_id), organization_id=membership.organization_id)
        .first()
    )
    if movement is None:
        raise Http404("No such movement in your organization.")
    return movement


def catalog() -> QuerySet[SupplyItem]:
    return SupplyItem.objects.filter(active=True).order_by("category", "name")


def item_by_code(code: str) -> SupplyItem | None:
    return SupplyItem.objects.filter(code=code).first()


def movements(
    organization_id,
    *,
    location: Location | None = None,
    item: SupplyItem | None = None,
    kind: str | None = None,
) -> QuerySet[StockMovement]:
    found = StockMovement.objects.filter(organization_id=organization_id).select_related(
        "item", "location", "counterpart_location", "recorded_by"
    )
    if location is not None:
        found = found.filter(location=location)
    if item is not None:
        found = found.filter(item=item)
    if kind:
        found = found.filter(kind=kind)
    return found.order_by("-occurred_at", "-recorded_at")


def unreconciled(organization_id) -> QuerySet[StockMovement]:
    """Movements that drove stock negative and still wait for staff to reconcile them, oldest first."""
    return (
        StockMovement.objects.filter(
            organization_id=organization_id, needs_reconciliation=True, reconciled_at__isnull=True
        )
        .select_related("item", "location", "recorded_by")
        .order_by("occurred_at")
    )


# ---------------------------------------------------------------------------------------------------------------
# Balances and alerts
# ---------------------------------------------------------------------------------------------------------------


@dataclass
class Balance:
    """The stock of one item at one site, from its lots."""

    location: Location
    item: SupplyItem
    lots: list[StockLot] = field(default_factory=list)
    on_hand: int = 0  # the recorded balance: every lot, the negative unrecorded lot included
    usable: int = 0  # what may be handed out: unexpired lots with stock
    expired: int = 0  # stock in lots that have expired (to write off)
    shortfall: int = 0  # units handed out beyond the records, not yet covered
    threshold: int = 0
    low: bool = False


def low_stock_default(item: SupplyItem) -> int:
    """The threshold when the organization set none: settings by item code or category, else the catalog's."""
    overrides = getattr(settings, "MEETPOINT_INVENTORY_LOW_STOCK_DEFAULTS", {}) or {}
    if item.code in overrides:
        return int(overrides[item.code])
    if item.category in overrides:
        return int(overrides[item.category])
    return int(
        DEFAULT_LOW_STOCK_BY_CATEGORY.get(
            item.category, getattr(settings, "MEETPOINT_INVENTORY_LOW_STOCK_DEFAULT", 10)
        )
    )


def thresholds_of(organization_id) -> dict[tuple, int]:
    """(location id or None, item id) → minimum, as the organization set them."""
    return {
        (threshold.location_id, threshold.item_id): threshold.minimum
        for threshold in StockThreshold.objects.filter(organization_id=organization_id)
    }


def balances(
    organization_id, today: date, *, location: Location | None = None, item: SupplyItem | None = None
) -> list[Balance]:
    """Stock of each item at each site that has ever held it, with its lots (those not at zero)."""
    lots = StockLot.objects.filter(organization_id=organization_id).select_related("item", "location")
    if location is not None:
        lots = lots.filter(location=location)
    if item is not None:
        lots = lots.filter(item=item)
    thresholds = thresholds_of(organization_id)
    found: dict[tuple, Balance] = {}
    for lot in lots.order_by("location__is_mobile", "location__name", "item__category", "item__name"):
        key = (lot.location_id, lot.item_id)
        balance = found.get(key)
        if balance is None:
            balance = found[key] = Balance(location=lot.location, item=lot.item)
        balance.on_hand += lot.on_hand
        if lot.on_hand > 0:
            if lot.is_expired(today):
                balance.expired += lot.on_hand
            else:
                balance.usable += lot.on_hand
        elif lot.on_hand < 0:
            balance.shortfall += -lot.on_hand
        if lot.on_hand:
            balance.lots.append(lot)
    for balance in found.values():
        balance.lots.sort(
            key=lambda lot: (lot.unrecorded, lot.expires_on is None, lot.expires_on or date.max)
        )
        balance.threshold = thresholds.get(
            (balance.location.pk, balance.item.pk),
            thresholds.get((None, balance.item.pk), low_stock_default(balance.item)),
        )
        balance.low = balance.usable < balance.threshold
    return list(found.values())


@dataclass
class ExpiringLot:
    lot: StockLot
    days_left: int  # negative: expired that many days ago


@dataclass
class Alerts:
    today: date
    days: int
    low_stock: list[Balance]
    expiring: list[ExpiringLot]  # stock that expires within `days` days (today and the last day included)
    expired: list[ExpiringLot]  # stock still on the books past its expiry
    unreconciled: int


def alerts(
    organization_id, today: date, *, days: int | None = None, location: Location | None = None
) -> Alerts:
    """Low stock per site and item, lots expiring within `days` (default: the setting, 60), expired stock."""
    days = expiry_warning_days() if days is None else days
    low = [balance for balance in balances(organization_id, today, location=location) if balance.low]
    dated = StockLot.objects.filter(
        organization_id=organization_id, on_hand__gt=0, unrecorded=False, expires_on__isnull=False
    ).select_related("item", "location")
    if location is not None:
        dated = dated.filter(location=location)
    horizon = today + timedelta(days=days)
    expiring = [
        ExpiringLot(lot, (lot.expires_on - today).days)
        for lot in dated.filter(expires_on__gte=today, expires_on__lte=horizon).order_by("expires_on")
    ]
    expired = [
        ExpiringLot(lot, (lot.expires_on - today).days)
        for lot in dated.filter(expires_on__lt=today).order_by("expires_on")
    ]
    waiting = unreconciled(organization_id)
    if location is not None:
        waiting = waiting.filter(location=location)
    return Alerts(today, days, low, expiring, expired, waiting.count())


def ledger_mismatches(organization_id=None) -> list[StockLot]:
    """Lots whose cached balance differs from the sum of their ledger entries (should always be empty)."""
    lots = StockLot.objects.all()
    if organization_id is not None:
        lots = lots.filter(organization_id=organization_id)
    lots = lots.annotate(ledger=Coalesce(Sum("entries__quantity"), 0))
    return [lot for lot in lots if lot.ledger != lot.on_hand]


def lots_at(location: Location, item: SupplyItem | None = None) -> QuerySet[StockLot]:
    """Lots of a site that hold stock (for choosing a lot in forms)."""
    lots = StockLot.objects.filter(location=location, on_hand__gt=0).select_related("item")
    if item is not None:
        lots = lots.filter(item=item)
    return lots.order_by("item__name", "expires_on")
