"""The database as a list of tables: which models hold data, in dependency order, and how a row becomes a
canonical line of JSON (and back) so that SQLite and PostgreSQL give the same text and the same checksum for the
same data."""

import base64
import copy
import functools
import hashlib
import json
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal

from django.apps import apps
from django.db import connection, models

# Tables that `meetpoint migrate` fills by itself (content types, permissions and the data migrations of the
# taxonomy and the supply catalog). A database holding rows only there is still "empty" for a restore;
# test_restore checks that a freshly migrated database is.
SEEDED_BY_MIGRATIONS = frozenset(
    {
        "contenttypes.contenttype",
        "auth.permission",
        "directory.taxonomy",
        "directory.taxonomyterm",
        "inventory.supplyitem",
        "alerts.substanceofconcern",
    }
)


@dataclass(frozen=True)
class Table:
    model: type[models.Model]

    @property
    def label(self) -> str:
        return self.model._meta.label_lower

    @property
    def name(self) -> str:
        return self.model._meta.db_table

    @property
    def fields(self) -> list[models.Field]:
        return list(self.model._meta.concrete_fields)

    @property
    def columns(self) -> list[str]:
        return [field.column for field in self.fields]


def data_tables() -> list[Table]:
    """Every table of a concrete model (M2M link tables included), parents before the rows that point at them."""
    candidates = {}
    for model in apps.get_models(include_auto_created=True):
        meta = model._meta
        if meta.proxy or not meta.managed or meta.swapped:
            continue
        candidates.setdefault(meta.db_table, model)
    order: list[Table] = []
    placed: set[str] = set()
    visiting: set[str] = set()

    def place(table_name: str) -> None:
        if table_name in placed or table_name in visiting:
            return  # a cycle (or a self reference): constraints are deferred during a restore, so any order works
        visiting.add(table_name)
        model = candidates[table_name]
        for field in model._meta.concrete_fields:
            if field.is_relation and field.related_model is not None:
                target = field.related_model._meta.db_table
                if target in candidates:
                    place(target)
        visiting.discard(table_name)
        placed.add(table_name)
        order.append(Table(model))

    for table_name in sorted(candidates):
        place(table_name)
    return order


def _value_field(field: models.Field) -> models.Field:
    # A foreign key holds its target's value: encode it as the target field would.
    while field.is_relation and field.target_field is not field:
        field = field.target_field
    return field


def encode_value(field: models.Field, value):
    """A Python value from the database as a JSON-ready value that is the same on SQLite and PostgreSQL."""
    if value is None:
        return None
    field = _value_field(field)
    kind = field.get_internal_type()
    if isinstance(value, datetime):
        if value.tzinfo is not None:
            value = value.astimezone(UTC)
        return value.isoformat()
    if isinstance(value, date | time):
        return value.isoformat()
    if isinstance(value, timedelta):
        return (value.days * 86400 + value.seconds) * 1_000_000 + value.microseconds
    if isinstance(value, Decimal):
        if kind == "DecimalField" and field.decimal_places is not None:
            value = value.quantize(Decimal(1).scaleb(-field.decimal_places))
        return str(value)
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, bytes | memoryview):
        return base64.b64encode(bytes(value)).decode("ascii")
    if kind == "UUIDField" and isinstance(value, str):
        return str(uuid.UUID(value))
    return value


def decode_value(field: models.Field, value):
    """The inverse of encode_value: a Python value the field can write."""
    if value is None:
        return None
    kind = _value_field(field).get_internal_type()
    if kind == "DateTimeField":
        return datetime.fromisoformat(value)
    if kind == "DateField":
        return date.fromisoformat(value)
    if kind == "TimeField":
        return time.fromisoformat(value)
    if kind == "DurationField":
        return timedelta(microseconds=value)
    if kind == "DecimalField":
        return Decimal(value)
    if kind == "UUIDField":
        return uuid.UUID(value)
    if kind == "BinaryField":
        return base64.b64decode(value)
    return value


@functools.cache
def _storage_field(field: models.Field) -> models.Field:
    """The field as Django's own field class that it builds on: what the column holds, without the custom
    field's conversions (an EncryptedTextField's twin is a TextField, which writes the sealed token as it is)."""
    base = next(cls for cls in type(field).__mro__ if cls.__module__.startswith("django.db.models."))
    if base is type(field):
        return field
    twin = copy.copy(field)
    twin.__class__ = base
    return twin


def stored_value(field: models.Field, value, connection):
    """A decoded archive value as the parameter that writes it back exactly as it was stored: the database's
    own adaptation of the column type (dates, UUIDs, JSON), never a custom field's conversion (encryption,
    normalisation), which already happened when the value was first saved."""
    return _storage_field(field).get_db_prep_save(value, connection)


def row_line(row: list) -> str:
    """One row as one canonical line of JSON (keys of JSON values sorted, no spaces)."""
    return json.dumps(row, ensure_ascii=False, sort_keys=True, separators=(",", ":"), allow_nan=False)


def table_rows(table: Table, chunk_size: int = 2000) -> Iterator[list]:
    """Every row of the table as the archive carries it (a list of JSON-ready values, in column order)."""
    fields = table.fields
    query = table.model._base_manager.order_by().values_list(*(field.attname for field in fields))
    for values in query.iterator(chunk_size=chunk_size):
        yield [encode_value(field, value) for field, value in zip(fields, values, strict=True)]


def table_lines(table: Table, chunk_size: int = 2000) -> Iterator[str]:
    for row in table_rows(table, chunk_size):
        yield row_line(row)


class TableDigest:
    """Row count and an order-independent SHA-256 of a table's rows (SQLite and PostgreSQL order text and
    UUID keys differently, so the digest is over the sorted digests of the rows)."""

    def __init__(self) -> None:
        self.rows = 0
        self._row_digests: list[bytes] = []

    def add(self, line: str) -> None:
        self.rows += 1
        self._row_digests.append(hashlib.sha256(line.encode("utf-8")).digest())

    def hexdigest(self) -> str:
        total = hashlib.sha256()
        for digest in sorted(self._row_digests):
            total.update(digest)
        return total.hexdigest()


def digest_table(table: Table) -> TableDigest:
    digest = TableDigest()
    for line in table_lines(table):
        digest.add(line)
    return digest


def existing_table_names() -> set[str]:
    with connection.cursor() as cursor:
        return set(connection.introspection.table_names(cursor))
