"""Inventory indicators for the outcomes registry: supply received and stock-outs.

- `naloxone_kits_received`: naloxone kits received into stock (receipts only; transfers between an
  organization's own sites are not new supply).
- `stock_out_distributions`: distributions that handed out more than the recorded stock (the flagged ones a
  program reconciles) — a stock-out or a receipt nobody recorded; either way a supply problem worth seeing.

Counted by the day of the movement. Group values follow the outreach indicators: day "YYYY-MM-DD", week its
Monday "YYYY-MM-DD", month "YYYY-MM", site and organization the id as text, area the ZIP3 of the site's first
address ("" when unknown).
"""

from datetime import timedelta

from django.utils import timezone

from meetpoint.directory.models import Address
from meetpoint.indicators import Indicator, Scope, register
from meetpoint.inventory.models import StockMovement


def _movements(scope: Scope):
    rows = StockMovement.objects.filter(
        organization_id__in=scope.organization_ids,
        occurred_at__date__gte=scope.start,
        occurred_at__date__lte=scope.end,
    )
    if scope.site_ids is not None:
        rows = rows.filter(location_id__in=scope.site_ids)
    return rows


def _zip3_of_sites(location_ids) -> dict:
    zips: dict = {}
    for location_id, postal_code in Address.objects.filter(location_id__in=location_ids).values_list(
        "location_id", "postal_code"
    ):
        zips.setdefault(location_id, (postal_code or "")[:3])
    return zips


def _group(rows, group_by: tuple[str, ...], value_field: str | None) -> dict[tuple, float]:
    fields = ["occurred_at", "location_id", "organization_id"] + ([value_field] if value_field else [])
    values = list(rows.values_list(*fields))
    zips = _zip3_of_sites({row[1] for row in values}) if "area" in group_by else {}
    counts: dict[tuple, float] = {}
    for row in values:
        day = timezone.localdate(row[0])
        key = []
        for name in group_by:
            if name == "day":
                key.append(day.isoformat())
            elif name == "week":
                key.append((day - timedelta(days=day.weekday())).isoformat())
            elif name == "month":
                key.append(day.strftime("%Y-%m"))
            elif name == "site":
                key.append(str(row[1]))
            elif name == "organization":
                key.append(str(row[2]))
            elif name == "area":
                key.append(zips.get(row[1], ""))
            else:
                key.append(None)
        amount = abs(row[3]) if value_field else 1
        counts[tuple(key)] = counts.get(tuple(key), 0) + amount
    return counts


def naloxone_kits_received(scope: Scope, group_by: tuple[str, ...] = ()) -> dict[tuple, float]:
    rows = _movements(scope).filter(kind=StockMovement.Kind.RECEIPT, item__category="naloxone")
    return _group(rows, group_by, "quantity")


def stock_out_distributions(scope: Scope, group_by: tuple[str, ...] = ()) -> dict[tuple, float]:
    rows = _movements(scope).filter(kind=StockMovement.Kind.DISTRIBUTION, needs_reconciliation=True)
    return _group(rows, group_by, None)


register(
    Indicator(
        code="naloxone_kits_received",
        name="Naloxone kits received",
        definition="Naloxone kits (all products) received into the organization's stock in the period; "
        "transfers between its own sites are not counted.",
        unit="kits",
        provider="inventory",
        compute=naloxone_kits_received,
        tags=("naloxone", "supply"),
    )
)
register(
    Indicator(
        code="stock_out_distributions",
        name="Distributions beyond recorded stock",
        definition="Distributions of a supply item that handed out more than the site's recorded stock — a "
        "stock-out or an unrecorded receipt, flagged for reconciliation.",
        unit="distributions",
        provider="inventory",
        compute=stock_out_distributions,
        tags=("supply",),
    )
)
