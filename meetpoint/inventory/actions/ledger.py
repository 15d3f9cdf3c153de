"""The ledger's building blocks shared by the stock actions: errors, validation, FEFO allocation, lots, and the
writes that keep the cached balances equal to the sum of the entries."""

import uuid
from datetime import date, datetime, timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import DEFAULT_DB_ALIAS, IntegrityError, connection, connections, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from meetpoint.accounts.roles import may_edit
from meetpoint.directory.models import Location
from meetpoint.inventory.models import LedgerEntry, StockLot, StockMovement, SupplyItem

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


def insert_rows(model, rows: list[dict], batch: int = 5000) -> None:
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


def as_user(user):
    """A User from a User or a Membership (callers hold either), or None."""
    return getattr(user, "user", user)


def _uuid_hex(value) -> str:
    return value.hex if isinstance(value, uuid.UUID) else uuid.UUID(str(value)).hex


def resolve_item(item: SupplyItem | str, field: str = "supply_item") -> SupplyItem:
    if isinstance(item, SupplyItem):
        return item
    found = SupplyItem.objects.filter(code=str(item)).first()
    if found is None:
        raise InventoryError(_("Unknown supply item '%(item)s'.") % {"item": item}, field)
    return found


def as_uuid(value) -> uuid.UUID:
    try:
        return value if isinstance(value, uuid.UUID) else uuid.UUID(str(value))
    except ValueError as error:
        raise InventoryError(f"{value!r} is not a UUID.", "encounter_id") from error


def check_positive(value, ceiling: int, field: str, *, allow_zero: bool = False) -> None:
    if not isinstance(value, int) or isinstance(value, bool):
        raise InventoryError(_("Give a whole number."), field)
    if value < 0 or (value == 0 and not allow_zero):
        raise InventoryError(
            _("%(value)s is not a valid quantity: it must be at least 1.") % {"value": value}, field
        )
    if value > ceiling:
        raise InventoryError(
            _("%(value)s is beyond the ceiling of %(ceiling)s.") % {"value": value, "ceiling": ceiling}, field
        )


def check_when(when: datetime | None, field: str) -> datetime:
    if when is None:
        return timezone.now()
    if timezone.is_naive(when):
        when = timezone.make_aware(when)
    if when > timezone.now() + FUTURE_SKEW:
        raise InventoryError(_("The date is in the future."), field)
    return when


def check_distribution(
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


def require_editor(membership) -> None:
    if membership is None or not may_edit(membership.role):
        raise PermissionDenied(_("Only staff and admins record stock."))


def require_own_site(membership, location: Location, field: str) -> None:
    if not isinstance(location, Location) or location.organization_id != membership.organization_id:
        raise InventoryError(_("That site is not one of your organization's."), field)


def active_distribution(encounter_id: uuid.UUID, item: SupplyItem) -> StockMovement | None:
    return StockMovement.objects.filter(
        encounter_id=encounter_id, item=item, kind=Kind.DISTRIBUTION, reversals__isnull=True
    ).first()


def lots_query(location: Location, item: SupplyItem):
    return StockLot.objects.filter(location=location, item=item)


def fefo_key(lot: StockLot):
    # Earliest expiry first; undated lots after dated ones, oldest receipt first; the unrecorded lot last.
    return (
        lot.unrecorded,
        lot.expires_on is None,
        lot.expires_on or date.max,
        lot.first_received_at or timezone.now(),
        lot.pk,
    )


def usable(lot: StockLot, on: date) -> bool:
    return not lot.is_expired(on)


def allocate(
    lots: list[StockLot], quantity: int, on: date, *, presorted: bool = False
) -> tuple[list[tuple[StockLot, int]], int]:
    """FEFO: which lots give how much; returns the allocations and what no usable lot covers."""
    allocations, remaining = [], quantity
    for lot in lots if presorted else sorted(lots, key=fefo_key):
        if remaining == 0:
            break
        if lot.on_hand <= 0 or not usable(lot, on):
            continue
        take = min(lot.on_hand, remaining)
        allocations.append((lot, take))
        remaining -= take
    return allocations, remaining


def lot_of(location: Location, item: SupplyItem, lot_number: str, expires_on, received_at) -> StockLot:
    lookup = {"location": location, "item": item, "lot_number": lot_number, "expires_on": expires_on}
    return _get_or_create_lot(lookup, unrecorded=False, first_received_at=received_at)


def unrecorded_lot(location: Location, item: SupplyItem) -> StockLot:
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


def write_entries(movement: StockMovement, changes: list[tuple[StockLot, int]]) -> None:
    """Append the movement's entries and move the cached balances by the same amounts (same transaction)."""
    LedgerEntry.objects.bulk_create(
        [LedgerEntry(movement=movement, lot=lot, quantity=qty) for lot, qty in changes if qty]
    )
    for lot, qty in changes:
        if qty:
            lot.on_hand += qty
            StockLot.objects.filter(pk=lot.pk).update(on_hand=F("on_hand") + qty)
