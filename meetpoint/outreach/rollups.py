"""Daily roll-ups of outreach records, so that a report over millions of distribution records reads a few hundred
rows instead.

Two tables (outreach/models.py): `DailyEncounterTotal` (organization x site x local day -> encounters, syringes
collected, reversals, referrals, HIV/HCV/STI tests and positives) and `DailySupplyTotal` (organization x site x
local day x supply item -> quantity, doses, lines). Only counts that add up live there: distinct people (unique
participants, people linked to care) are always counted from the encounters themselves.

Consistency: every write path adds its records here in the same transaction as the records themselves
(`actions.record_encounter`, the CSV importer, the demo loader), with an atomic
`INSERT … ON CONFLICT … DO UPDATE SET n = n + excluded.n`, so concurrent writers never lose an increment.
Participant merges change no roll-up (they carry no participant). `rebuild()` (`meetpoint rebuild_rollups`)
recounts everything from the raw rows: after restoring a backup, loading rows by hand, or changing
settings.TIME_ZONE (days are local days). The tests check that the roll-ups always equal a recount.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from datetime import datetime

from django.db import connection, transaction
from django.db.models import Count, Q, Sum
from django.db.models.functions import TruncDate
from django.utils import timezone

from meetpoint.outreach.models import (
    ENCOUNTER_MEASURES,
    DailyEncounterTotal,
    DailySupplyTotal,
    Encounter,
    EncounterSupply,
)

TESTED = ("negative", "positive", "invalid")
SUPPLY_MEASURES = ("quantity", "doses", "lines")


def local_day(when: datetime):
    return timezone.localtime(when, timezone.get_current_timezone()).date()


def encounter_measures(fields: Mapping) -> dict[str, int]:
    """The roll-up measures of one encounter from its fields (a model instance's __dict__ or importer fields)."""
    found = {
        "encounters": 1,
        "syringes_collected": int(fields.get("syringes_collected") or 0),
        "reversals_reported": int(fields.get("reversals_reported") or 0),
        "referrals_made": int(fields.get("referrals_made") or 0),
    }
    for kind in ("hiv", "hcv", "sti"):
        result = fields.get(f"{kind}_test") or ""
        found[f"{kind}_tests"] = int(result in TESTED)
        found[f"{kind}_positives"] = int(result == "positive")
    return found


class Deltas:
    """Increments gathered in memory, then written in one upsert per table."""

    def __init__(self) -> None:
        self.encounters: dict[tuple, dict[str, int]] = defaultdict(
            lambda: dict.fromkeys(ENCOUNTER_MEASURES, 0)
        )
        self.supplies: dict[tuple, dict[str, int]] = defaultdict(lambda: dict.fromkeys(SUPPLY_MEASURES, 0))

    def add(
        self, organization_id, location_id, occurred_at: datetime, fields: Mapping, lines: Iterable
    ) -> None:
        """One encounter; `lines` are (supply item id, quantity, doses)."""
        day = local_day(occurred_at)
        cell = self.encounters[(organization_id, location_id, day)]
        for name, value in encounter_measures(fields).items():
            cell[name] += value
        for item_id, quantity, doses in lines:
            line = self.supplies[(organization_id, location_id, day, item_id)]
            line["quantity"] += int(quantity)
            line["doses"] += int(doses or 0)
            line["lines"] += 1

    def write(self) -> None:
        _upsert(DailyEncounterTotal, ("organization", "location", "day"), ENCOUNTER_MEASURES, self.encounters)
        _upsert(
            DailySupplyTotal,
            ("organization", "location", "day", "supply_item"),
            SUPPLY_MEASURES,
            self.supplies,
        )


def _upsert(model, key_names: tuple, measures: tuple, cells: Mapping) -> None:
    if not cells:
        return
    fields = [model._meta.get_field(name) for name in (*key_names, *measures)]
    columns = [field.column for field in fields]
    table = connection.ops.quote_name(model._meta.db_table)
    quoted = [connection.ops.quote_name(column) for column in columns]
    keys = [connection.ops.quote_name(model._meta.get_field(name).column) for name in key_names]
    location = connection.ops.quote_name(model._meta.get_field("location").column)
    increments = ", ".join(
        f"{column} = {table}.{column} + excluded.{column}" for column in quoted[len(keys) :]
    )
    placeholders = "(" + ", ".join(["%s"] * len(columns)) + ")"
    with_site, without_site = [], []
    # Always the same order: two transactions updating the same cells lock them in one order (no deadlock).
    for key, values in sorted(cells.items(), key=lambda cell: str(cell[0])):
        row = [
            field.get_db_prep_save(value, connection)
            for field, value in zip(fields, (*key, *(values[name] for name in measures)), strict=True)
        ]
        (without_site if key[1] is None else with_site).append(row)
    # One partial unique index per case: a NULL site never conflicts in a plain unique index.
    for rows, target, condition in (
        (with_site, keys, f"{location} IS NOT NULL"),
        (without_site, [key for key in keys if key != location], f"{location} IS NULL"),
    ):
        for start in range(0, len(rows), 50):
            batch = rows[start : start + 50]
            sql = (
                f"INSERT INTO {table} ({', '.join(quoted)}) VALUES {', '.join([placeholders] * len(batch))} "  # noqa: S608
                f"ON CONFLICT ({', '.join(target)}) WHERE {condition} DO UPDATE SET {increments}"
            )
            with connection.cursor() as cursor:
                cursor.execute(sql, [value for row in batch for value in row])


def add_encounter(encounter: Encounter, lines: Iterable) -> None:
    """Called by actions.record_encounter inside its transaction; `lines` are (SupplyItem, quantity, doses)."""
    deltas = Deltas()
    deltas.add(
        encounter.organization_id,
        encounter.location_id,
        encounter.occurred_at,
        encounter.__dict__,
        [(item.pk, quantity, doses) for item, quantity, doses in lines],
    )
    deltas.write()


def rebuild(organization_ids: Iterable | None = None, *, models=None) -> dict[str, int]:
    """Recount the roll-ups (of some organizations, or all) from the raw rows in one transaction.

    `models` (encounter, supply line, encounter total, supply total) lets a data migration pass its historical
    models. Returns how many roll-up rows were written."""
    encounter_model, line_model, encounter_total, supply_total = models or (
        Encounter,
        EncounterSupply,
        DailyEncounterTotal,
        DailySupplyTotal,
    )
    zone = timezone.get_current_timezone()
    with transaction.atomic():
        if connection.vendor == "postgresql":
            # Writers wait for the recount instead of slipping between the count and the swap.
            with connection.cursor() as cursor:
                cursor.execute(
                    f"LOCK TABLE {encounter_model._meta.db_table}, {line_model._meta.db_table} IN SHARE MODE"
                )
        encounters = encounter_model.objects.all()
        lines = line_model.objects.all()
        stale_encounters = encounter_total.objects.all()
        stale_supplies = supply_total.objects.all()
        if organization_ids is not None:
            organization_ids = list(organization_ids)
            encounters = encounters.filter(organization_id__in=organization_ids)
            lines = lines.filter(encounter__organization_id__in=organization_ids)
            stale_encounters = stale_encounters.filter(organization_id__in=organization_ids)
            stale_supplies = stale_supplies.filter(organization_id__in=organization_ids)
        stale_encounters.delete()
        stale_supplies.delete()
        tests = {}
        for kind in ("hiv", "hcv", "sti"):
            tests[f"r_{kind}_tests"] = Count("id", filter=Q(**{f"{kind}_test__in": TESTED}))
            tests[f"r_{kind}_positives"] = Count("id", filter=Q(**{f"{kind}_test": "positive"}))
        rows = (
            encounters.order_by()
            .annotate(r_day=TruncDate("occurred_at", tzinfo=zone))
            .values("organization_id", "location_id", "r_day")
            .annotate(
                r_encounters=Count("id"),
                r_syringes_collected=Sum("syringes_collected"),
                r_reversals_reported=Sum("reversals_reported"),
                r_referrals_made=Sum("referrals_made"),
                **tests,
            )
        )
        made = encounter_total.objects.bulk_create(
            (
                encounter_total(
                    organization_id=row["organization_id"],
                    location_id=row["location_id"],
                    day=row["r_day"],
                    **{name: int(row[f"r_{name}"] or 0) for name in ENCOUNTER_MEASURES},
                )
                for row in rows.iterator(chunk_size=2000)
            ),
            batch_size=500,
        )
        supply_rows = (
            lines.order_by()
            .annotate(r_day=TruncDate("encounter__occurred_at", tzinfo=zone))
            .values("encounter__organization_id", "encounter__location_id", "r_day", "supply_item_id")
            .annotate(r_quantity=Sum("quantity"), r_doses=Sum("doses"), r_lines=Count("id"))
        )
        supplies = supply_total.objects.bulk_create(
            (
                supply_total(
                    organization_id=row["encounter__organization_id"],
                    location_id=row["encounter__location_id"],
                    day=row["r_day"],
                    supply_item_id=row["supply_item_id"],
                    quantity=int(row["r_quantity"] or 0),
                    doses=int(row["r_doses"] or 0),
                    lines=int(row["r_lines"]),
                )
                for row in supply_rows.iterator(chunk_size=2000)
            ),
            batch_size=500,
        )
    return {"encounter_days": len(made), "supply_days": len(supplies)}


def recount(organization_ids: Iterable | None = None) -> tuple[dict, dict]:
    """What the roll-ups should hold, counted from the raw rows in Python (for checks and tests):
    ({(org, site, day): measures}, {(org, site, day, item): measures}), zero cells left out."""
    deltas = Deltas()
    encounters = Encounter.objects.all()
    if organization_ids is not None:
        encounters = encounters.filter(organization_id__in=list(organization_ids))
    lines: dict = defaultdict(list)
    for encounter_id, item_id, quantity, doses in EncounterSupply.objects.filter(
        encounter__in=encounters
    ).values_list("encounter_id", "supply_item_id", "quantity", "doses"):
        lines[encounter_id].append((item_id, quantity, doses))
    for encounter in encounters.order_by().iterator(chunk_size=2000):
        deltas.add(
            encounter.organization_id,
            encounter.location_id,
            encounter.occurred_at,
            encounter.__dict__,
            lines.get(encounter.pk, ()),
        )
    return dict(deltas.encounters), dict(deltas.supplies)


def stored(organization_ids: Iterable | None = None) -> tuple[dict, dict]:
    """The roll-ups as stored, in the shape of recount()."""
    encounter_rows = DailyEncounterTotal.objects.all()
    supply_rows = DailySupplyTotal.objects.all()
    if organization_ids is not None:
        encounter_rows = encounter_rows.filter(organization_id__in=list(organization_ids))
        supply_rows = supply_rows.filter(organization_id__in=list(organization_ids))
    encounters = {
        (row.organization_id, row.location_id, row.day): {
            name: getattr(row, name) for name in ENCOUNTER_MEASURES
        }
        for row in encounter_rows
    }
    supplies = {
        (row.organization_id, row.location_id, row.day, row.supply_item_id): {
            name: getattr(row, name) for name in SUPPLY_MEASURES
        }
        for row in supply_rows
    }
    return encounters, supplies
