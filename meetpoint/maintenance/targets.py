"""Whether an archive's rows fit a database they may be restored into: what SQLite accepts and PostgreSQL refuses
(a NUL character in text or JSON, text longer than its column, an integer beyond the column's range, a decimal
with more digits than its column), checked row by row on the archive's own values without any database.

`verify_backup --target postgres|sqlite` runs these checks (both targets by default), and `backup` runs them as it
writes, so an archive is known to restore on both databases before it is declared good.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.apps import apps
from django.db import models

TARGETS = ("sqlite", "postgresql")
ALIASES = {"postgres": "postgresql", "postgresql": "postgresql", "pg": "postgresql", "sqlite": "sqlite"}
EXAMPLES = 3  # rows named per table and target; the rest are counted

_INT64 = (-(2**63), 2**63 - 1)
_POSTGRES_INTEGERS = {
    "SmallIntegerField": (-32768, 32767),
    "IntegerField": (-(2**31), 2**31 - 1),
    "BigIntegerField": _INT64,
    "PositiveBigIntegerField": (0, 2**63 - 1),
    "PositiveSmallIntegerField": (0, 32767),
    "PositiveIntegerField": (0, 2**31 - 1),
    "SmallAutoField": (-32768, 32767),
    "AutoField": (-(2**31), 2**31 - 1),
    "BigAutoField": _INT64,
}


def target_name(text: str) -> str:
    """The canonical name of a target database given on the command line ("postgres" or "sqlite")."""
    try:
        return ALIASES[text.strip().lower()]
    except KeyError:
        raise ValueError(f"unknown target {text!r}: choose postgres or sqlite") from None


def _value_field(column_field: models.Field) -> models.Field:
    while column_field.is_relation and column_field.target_field is not column_field:
        column_field = column_field.target_field
    return column_field


def _has_nul(value) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, list):
        return any(_has_nul(item) for item in value)
    if isinstance(value, dict):
        return any(_has_nul(key) or _has_nul(item) for key, item in value.items())
    return False


def _decimal_too_wide(column_field: models.Field, value) -> bool:
    if column_field.max_digits is None or not isinstance(value, str):
        return False
    try:
        number = Decimal(value)
    except InvalidOperation:
        return False
    whole_digits = max(number.adjusted() + 1, 0)
    return whole_digits > column_field.max_digits - (column_field.decimal_places or 0)


def value_problems(column_field: models.Field, value, targets: Iterable[str]) -> list[tuple[str, str]]:
    """(target, reason) for each target database that cannot hold `value` (as the archive carries it)."""
    if value is None:
        return []
    found = []
    kind = _value_field(column_field).get_internal_type()
    integer = isinstance(value, int) and not isinstance(value, bool)
    for target in targets:
        if target == "postgresql":
            if _has_nul(value):
                found.append((target, "holds a NUL character, which PostgreSQL text and JSON cannot store"))
            max_length = getattr(_value_field(column_field), "max_length", None)
            if (
                isinstance(value, str)
                and max_length
                and kind in ("CharField", "SlugField")
                and len(value) > max_length
            ):
                found.append((target, f"is {len(value)} characters long; the column holds {max_length}"))
            if integer and kind in _POSTGRES_INTEGERS:
                low, high = _POSTGRES_INTEGERS[kind]
                if not low <= value <= high:
                    found.append((target, f"{value} is outside the column's range {low}…{high}"))
            if kind == "DecimalField" and _decimal_too_wide(_value_field(column_field), value):
                found.append((target, f"{value} has more digits than the column holds"))
        elif target == "sqlite" and integer and not _INT64[0] <= value <= _INT64[1]:
            found.append((target, f"{value} does not fit a 64-bit integer"))
    return found


@dataclass
class TableFit:
    """The rows of one table that a target cannot hold: a few named, all counted."""

    table: str
    fields: list[models.Field | None]
    columns: list[str]
    targets: tuple[str, ...]
    counts: dict[str, int] = field(default_factory=dict)
    examples: dict[str, list[str]] = field(default_factory=dict)

    def add(self, number: int, values: list) -> None:
        for column, column_field, value in zip(self.columns, self.fields, values, strict=False):
            if column_field is None:
                continue
            for target, reason in value_problems(column_field, value, self.targets):
                self.counts[target] = self.counts.get(target, 0) + 1
                examples = self.examples.setdefault(target, [])
                if len(examples) < EXAMPLES:
                    examples.append(f"row {number}, column {column}: {reason}")

    def problems(self) -> list[str]:
        found = []
        for target, count in sorted(self.counts.items()):
            more = count - len(self.examples[target])
            found.append(
                f"{self.table} cannot be restored into {target}: "
                + "; ".join(self.examples[target])
                + (f" (and {more} more)" if more > 0 else "")
            )
        return found


def table_fit(entry: dict, targets: tuple[str, ...]) -> TableFit:
    """A checker for the rows of one manifest entry, by the columns of the model that has that table here."""
    by_column: dict[str, models.Field] = {}
    try:
        model = apps.get_model(entry.get("model", ""))
    except (LookupError, ValueError):
        model = None
    if model is not None:
        by_column = {model_field.column: model_field for model_field in model._meta.concrete_fields}
    columns = list(entry.get("columns", []))
    return TableFit(entry.get("table", "?"), [by_column.get(column) for column in columns], columns, targets)
