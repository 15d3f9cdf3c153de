"""Bulk import of encounters from a CSV file (one encounter a row), for programs moving from spreadsheets.

Streaming: rows are read one at a time and written in chunks with bulk_create inside one transaction, so memory
stays flat whatever the file size (only the organization's participant hashes are remembered). Every bad row is
reported with its line number and reason. By default nothing is written when any row is bad; with
skip_bad_rows the good rows are written and the bad ones copied to a rejects file. The column layout is in
docs/outreach.md.
"""

import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from decimal import Decimal, InvalidOperation
from functools import partial
from hashlib import sha1

from django.db import connection, models, transaction
from django.utils import timezone

from meetpoint import spreadsheet_cells
from meetpoint.directory.models import Location
from meetpoint.inventory.models import SupplyItem
from meetpoint.outreach import actions, places, rollups
from meetpoint.outreach.models import (
    CollectedMethod,
    Encounter,
    EncounterSupply,
    NaloxoneKitStatus,
    RefillReason,
    Setting,
    TestResult,
    Vaccination,
)
from meetpoint.participants.codes import blind_index, normalize_code
from meetpoint.participants.models import Participant

# Count columns that hand out one catalog item; syringes_distributed and naloxone_kits use the item named in
# syringe_item / naloxone_item when that column is present (else these defaults).
ITEM_COLUMNS = {
    "syringes_distributed": "syringe-1ml-28g",
    "naloxone_kits": "naloxone-nasal-4mg",
    "fentanyl_test_strips": "fentanyl-test-strip",
    "xylazine_test_strips": "xylazine-test-strip",
    "wound_care_kits": "wound-care-kit",
    "safer_smoking_kits": "safer-smoking-kit",
    "safer_sex_kits": "safer-sex-kit",
    "hygiene_kits": "hygiene-kit",
    "sharps_containers": "sharps-container",
}
COUNT_COLUMNS = {  # column: (default ceiling name, default ceiling)
    "syringes_collected": 10000,
    "referrals_made": 20,
    "reversals_reported": 20,
    "secondary_for_people": 50,
}
FLAG_COLUMNS = ("wound_care", "overdose_education", "hiv_linked", "hcv_linked", "sti_linked")
CHOICE_COLUMNS = {
    "setting": Setting,
    "collected_method": CollectedMethod,
    "naloxone_kit_status": NaloxoneKitStatus,
    "refill_reason": RefillReason,
    "vaccination": Vaccination,
    "hiv_test": TestResult,
    "hcv_test": TestResult,
    "sti_test": TestResult,
}
TEXT_COLUMNS = (
    "participant_code",
    "client_uuid",
    "syringe_item",
    "naloxone_item",
    "stop_name",
    "block_group",
    "grid_cell",
    "collected_measure",
)
REQUIRED = ("occurred_at", "site")
KNOWN = (
    set(REQUIRED)
    | set(ITEM_COLUMNS)
    | set(COUNT_COLUMNS)
    | set(FLAG_COLUMNS)
    | set(CHOICE_COLUMNS)
    | set(TEXT_COLUMNS)
)
TRUE = {"1", "yes", "y", "true", "t", "x"}
FALSE = {"", "0", "no", "n", "false", "f"}
UUID_NAMESPACE = uuid.UUID("6f1c2f0e-93a4-4c53-9d0b-8d3c1b7a52a1")


class RowError(ValueError):
    pass


class LayoutError(ValueError):
    """The header itself is wrong (missing or unknown columns)."""


@dataclass
class ImportResult:
    rows: int = 0
    written: int = 0
    already_stored: int = 0
    bad: int = 0
    supply_lines: int = 0
    new_participants: int = 0
    committed: bool = False
    first_errors: list = field(default_factory=list)  # (line, reason), the first 100 for callers and tests


class _Abort(Exception):
    pass


_MISSING = object()


class EncounterWriter:
    """Writes prepared encounters and their supply lines with executemany, inside the caller's transaction.

    Why not bulk_create: Django caps an SQLite INSERT at 999 parameters (34 encounters of 29 columns) and runs
    every value through the SQL compiler; for a million rows that costs several times the insert itself
    (docs/benchmarks.md). Here the INSERT is built once from the model's fields, values are adapted with the
    backend's adapters, and encounter ids are reserved up front (SQLite: the write lock is held for the whole
    import; PostgreSQL: nextval on the table's sequence) so supply lines can point at them. A client_uuid that
    is already stored is skipped by the database itself (ON CONFLICT DO NOTHING) and reported back.
    """

    def __init__(self, now: datetime, organization_id):
        self.vendor = connection.vendor
        ops = connection.ops
        native_uuid = connection.features.has_native_uuid_field
        fields = [field for field in Encounter._meta.concrete_fields if not field.primary_key]
        self.positions = {}  # attname -> (position in the row, adapter or None)
        default_row = [None]  # the id goes first
        plain_defaults = {}
        for position, model_field in enumerate(fields, start=1):
            target = model_field.target_field if model_field.is_relation else model_field
            adapt = None
            if isinstance(target, models.UUIDField) and not native_uuid:
                adapt = _uuid_hex
            elif isinstance(target, models.DateTimeField):
                adapt = _sqlite_datetime if self.vendor == "sqlite" else ops.adapt_datetimefield_value
            elif isinstance(target, models.DecimalField):
                adapt = partial(_decimal, ops, target.max_digits, target.decimal_places)
            self.positions[model_field.attname] = (position, adapt)
            # Constant for the whole import: adapted once here, not once a row.
            value = {
                "created": now,
                "source": Encounter.Source.IMPORT,
                "organization_id": organization_id,
            }.get(model_field.attname, model_field.get_default())
            plain_defaults[model_field.attname] = value
            default_row.append(adapt(value) if adapt is not None and value is not None else value)
        self.default_row = default_row
        self.plain_defaults = plain_defaults
        quote = ops.quote_name
        table = quote(Encounter._meta.db_table)
        columns = ", ".join(quote(column) for column in ["id", *(f.column for f in fields)])
        placeholders = ", ".join(["%s"] * (len(fields) + 1))
        # Table and column names come from the models, never from the file.
        self.encounter_sql = (
            f"INSERT INTO {table} ({columns}) VALUES ({placeholders}) "  # noqa: S608
            f"ON CONFLICT ({quote('client_uuid')}) DO NOTHING"
        )
        self.line_sql = (
            f"INSERT INTO {quote(EncounterSupply._meta.db_table)} "  # noqa: S608
            f"({quote('encounter_id')}, {quote('supply_item_id')}, {quote('quantity')}, {quote('doses')}) "
            "VALUES (%s, %s, %s, %s)"
        )
        self.table = table
        self.next_id = None

    def _reserve(self, cursor, count: int) -> list[int]:
        if self.vendor == "postgresql":
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
                [Encounter._meta.db_table, count],
            )
            return [row[0] for row in cursor.fetchall()]
        if self.next_id is None:
            cursor.execute(f"SELECT COALESCE(MAX(id), 0) FROM {self.table}")  # noqa: S608
            self.next_id = cursor.fetchone()[0] + 1
        first = self.next_id
        self.next_id += count
        return list(range(first, first + count))

    def write(self, encounters: list[dict], line_sets: list) -> list[int]:
        """Writes what is new; returns the indexes (in `encounters`) whose client_uuid was already stored."""
        if not encounters:
            return []
        if self.vendor not in ("sqlite", "postgresql"):
            return self._write_with_orm(encounters, line_sets)
        positions, default_row = self.positions, self.default_row
        with connection.cursor() as cursor:
            ids = self._reserve(cursor, len(encounters))
            rows = []
            for encounter_id, fields in zip(ids, encounters, strict=True):
                row = default_row.copy()
                row[0] = encounter_id
                for name, value in fields.items():
                    position, adapt = positions[name]
                    row[position] = adapt(value) if adapt is not None and value is not None else value
                rows.append(row)
            cursor.executemany(self.encounter_sql, rows)
            skipped: list[int] = []
            if cursor.rowcount != len(rows):
                placeholders = ", ".join(["%s"] * len(ids))
                cursor.execute(f"SELECT id FROM {self.table} WHERE id IN ({placeholders})", ids)  # noqa: S608
                written = {row[0] for row in cursor.fetchall()}
                skipped = [index for index, encounter_id in enumerate(ids) if encounter_id not in written]
            lines = []
            left_out = set(skipped)
            for index, (encounter_id, supply) in enumerate(zip(ids, line_sets, strict=True)):
                if index not in left_out:
                    lines.extend((encounter_id, item.pk, quantity, doses) for item, quantity, doses in supply)
            if lines:
                cursor.executemany(self.line_sql, lines)
        return skipped

    def _write_with_orm(self, encounters: list[dict], line_sets: list) -> list[int]:
        stored = set(
            Encounter.objects.filter(
                client_uuid__in=[fields["client_uuid"] for fields in encounters]
            ).values_list("client_uuid", flat=True)
        )
        skipped = [index for index, fields in enumerate(encounters) if fields["client_uuid"] in stored]
        fresh = [
            (fields, lines)
            for fields, lines in zip(encounters, line_sets, strict=True)
            if fields["client_uuid"] not in stored
        ]
        made = Encounter.objects.bulk_create(
            Encounter(**{**self.plain_defaults, **fields}) for fields, _ in fresh
        )
        EncounterSupply.objects.bulk_create(
            EncounterSupply(encounter_id=encounter.pk, supply_item_id=item.pk, quantity=quantity, doses=doses)
            for encounter, (_, supply) in zip(made, fresh, strict=True)
            for item, quantity, doses in supply
        )
        return skipped


def _uuid_hex(value) -> str:
    return value if isinstance(value, str) else value.hex


def _sqlite_datetime(value: datetime) -> str:
    # What Django's SQLite backend stores: naive UTC, "YYYY-MM-DD HH:MM:SS[.ffffff]".
    if value.tzinfo is not None:
        value = value.astimezone(UTC).replace(tzinfo=None)
    return value.isoformat(" ")


def _decimal(ops, max_digits, decimal_places, value):
    return ops.adapt_decimalfield_value(value, max_digits, decimal_places)


class EncounterImport:
    def __init__(self, organization, *, chunk_size: int = 5000, now: datetime | None = None):
        self.organization = organization
        self.chunk_size = chunk_size
        self.now = now or timezone.now()
        self.latest = self.now + actions.CLOCK_SKEW
        self.zone = timezone.get_current_timezone()
        sites = list(
            Location.objects.filter(organization=organization).values_list("id", "name", "is_mobile")
        )
        self.sites = {str(pk): (pk, mobile) for pk, _name, mobile in sites}
        self.sites.update({name: (pk, mobile) for pk, name, mobile in sites if name})
        self.catalog = {
            item.code: item
            for item in SupplyItem.objects.filter(active=True).only(
                "id", "code", "category", "doses_per_unit", "max_per_encounter"
            )
        }
        self.ceilings = {name: actions.ceiling(name, default) for name, default in COUNT_COLUMNS.items()}
        self.participants: dict[str, int | object] = {}  # code hash -> participant id (after merges)
        self.hashes: dict[str, str] = {}  # code as written -> its blind index
        self.hex_uuids = connection.vendor == "sqlite"
        self.uuid_prefix = UUID_NAMESPACE.bytes
        self.org_key = str(organization.pk)

    # ---------- one row ----------
    def _when(self, text: str) -> datetime:
        text = text.strip()
        if not text:
            raise RowError("occurred_at: is empty")
        try:
            if len(text) == 10:
                value = datetime.combine(date.fromisoformat(text), time(12, 0))
            else:
                value = datetime.fromisoformat(text)
        except ValueError as error:
            raise RowError(f"occurred_at: {text!r} is not an ISO 8601 date or date-time") from error
        if value.tzinfo is None:
            value = value.replace(tzinfo=self.zone)
        if value > self.latest:
            raise RowError("occurred_at: is in the future")
        if value < actions.OLDEST:
            raise RowError("occurred_at: is before 2000")
        return value

    @staticmethod
    def _count(name: str, text: str, maximum: int) -> int:
        text = text.strip()
        if not text:
            return 0
        if not text.isdigit():
            if text.startswith("-") and text[1:].isdigit():
                raise RowError(f"{name}: must not be negative (got {text})")
            raise RowError(f"{name}: {text!r} is not a whole number")
        value = int(text)
        if value > maximum:
            raise RowError(f"{name}: {value} is more than the ceiling of {maximum} per encounter")
        return value

    def parse(self, values: dict) -> tuple[dict, list, str]:
        """(Encounter fields, supply lines [(item, quantity, doses)], code hash or "") or RowError.

        Only the columns the file has are looked at (absent ones keep the model's defaults): this runs a
        million times in a big import.
        """
        site_ref = values["site"].strip()
        site = self.sites.get(site_ref)
        if site is None:
            raise RowError(f"site: {site_ref!r} is not one of {self.organization.name}'s locations")
        fields = {"occurred_at": self._when(values["occurred_at"]), "location_id": site[0]}
        for name, allowed in self.choice_columns:
            value = values[name].strip()
            if value and value not in allowed:
                raise RowError(
                    f"{name}: {value!r} is not one of {', '.join(sorted(v for v in allowed if v))}"
                )
            fields[name] = value
        if not fields.get("setting"):
            fields["setting"] = Setting.MOBILE_STOP if site[1] else Setting.FIXED_SITE
        for name in self.flag_columns:
            value = values[name].strip().lower()
            if value in TRUE:
                fields[name] = True
            elif value not in FALSE:
                raise RowError(f"{name}: {value!r} is not yes/no")
        for name, maximum in self.count_columns:
            text = values[name]
            if text:
                fields[name] = self._count(name, text, maximum)
        method = fields.get("collected_method", "")
        if method in (CollectedMethod.VOLUME, CollectedMethod.WEIGHT):
            measure_text = values.get("collected_measure", "").strip()
            try:
                measure = Decimal(measure_text).quantize(Decimal("0.01"))
            except InvalidOperation as error:
                raise RowError(
                    f"collected_measure: {measure_text!r} is not a number of litres or pounds"
                ) from error
            if measure <= 0:
                raise RowError("collected_measure: must be more than 0")
            fields["collected_measure"] = measure
            fields["syringes_collected"] = actions.estimate_collected(method, measure)
            fields["collected_estimated"] = True
        elif fields.get("syringes_collected") and not method:
            fields["collected_method"] = CollectedMethod.COUNTED
        if fields.get("refill_reason") and fields.get("naloxone_kit_status") != NaloxoneKitStatus.REFILL:
            raise RowError("refill_reason: only for a refill")
        if self.place_columns:
            fields["stop_name"] = values.get("stop_name", "").strip()[:120]
            try:
                if values.get("grid_cell", "").strip():
                    fields["area_cell"] = "grid:" + places.check_grid_cell(values["grid_cell"].strip())
                elif values.get("block_group", "").strip():
                    fields["area_cell"] = "bg:" + places.check_block_group(values["block_group"])
            except places.PlaceError as error:
                raise RowError(f"place: {error}") from error
        lines = []
        for column, default_code in self.item_columns:
            text = values[column]
            if not text or text == "0":
                continue
            code = default_code
            if column == "syringes_distributed" and values.get("syringe_item", "").strip():
                code = values["syringe_item"].strip()
            elif column == "naloxone_kits" and values.get("naloxone_item", "").strip():
                code = values["naloxone_item"].strip()
            item = self.catalog.get(code)
            if item is None:
                raise RowError(f"{column}: unknown supply item {code!r}")
            quantity = self._count(column, text, item.max_per_encounter)
            if quantity:
                if self.items_may_repeat and any(line[0] is item for line in lines):
                    raise RowError(f"{column}: {code!r} is given twice in this row")
                lines.append(
                    (item, quantity, quantity * item.doses_per_unit if item.category == "naloxone" else 0)
                )
        code = values.get("participant_code", "")
        return fields, lines, self._code_hash(code) if code else ""

    def _code_hash(self, code: str) -> str:
        found = self.hashes.get(code)
        if found is None:
            normalized = normalize_code(code)
            if len(normalized) < 4:
                raise RowError("participant_code: needs at least 4 letters or digits")
            found = blind_index(normalized, organization_id=self.org_key)
            if len(self.hashes) < 200_000:  # codes repeat; the cache stays bounded
                self.hashes[code] = found
        return found

    def _client_uuid(self, values: dict, line: int, raw: list):
        """The row's UUID: given, or derived (uuid5 of organization, line and row) so that importing the same
        file again stores nothing twice. On SQLite it is kept as the 32-digit hex the column stores."""
        given = values.get("client_uuid", "").strip()
        if given:
            try:
                value = uuid.UUID(given)
            except ValueError as error:
                raise RowError(f"client_uuid: {given!r} is not a UUID") from error
            return value.hex if self.hex_uuids else value
        # uuid.uuid5 by hand, without building a UUID object a row (a tenth of the import's time otherwise).
        name = f"{self.org_key}:{line}:{','.join(raw)}".encode()
        # SHA-1 is what uuid5 is defined with; this is an identifier, not a security hash.
        digest = bytearray(sha1(self.uuid_prefix + name, usedforsecurity=False).digest()[:16])
        digest[6] = (digest[6] & 0x0F) | 0x50
        digest[8] = (digest[8] & 0x3F) | 0x80
        return digest.hex() if self.hex_uuids else uuid.UUID(bytes=bytes(digest))

    # ---------- chunks ----------
    def _participant_ids(self, hashes: set) -> dict:
        missing = [value for value in hashes if value not in self.participants]
        for start in range(0, len(missing), 500):
            part = missing[start : start + 500]
            for code_hash, pk, merged in Participant.objects.filter(
                organization=self.organization, code_hash__in=part
            ).values_list("code_hash", "id", "merged_into_id"):
                self.participants[code_hash] = merged or pk
        new = [
            Participant(organization=self.organization, code_hash=value)
            for value in missing
            if value not in self.participants
        ]
        Participant.objects.bulk_create(new, batch_size=500)
        for participant in new:
            self.participants[participant.code_hash] = participant.pk
        self.result.new_participants += len(new)
        return self.participants

    def _flush(self, chunk: list) -> None:
        hashes = {entry[3] for entry in chunk if entry[3]}
        ids = self._participant_ids(hashes) if hashes else {}
        encounters, line_sets, sources = [], [], []
        in_chunk: set = set()
        organization_id = self.organization.pk
        for client_uuid, fields, lines, code_hash, line, raw in chunk:
            if client_uuid in in_chunk:
                self._bad(line, raw, "client_uuid: appears twice in the file")
                continue
            in_chunk.add(client_uuid)
            fields["client_uuid"] = client_uuid
            if code_hash:
                fields["participant_id"] = ids[code_hash]
            encounters.append(fields)
            line_sets.append(lines)
            sources.append((line, raw))
        if self.result.bad and not self.skip_bad_rows:
            return
        skipped = self.writer.write(encounters, line_sets)
        if skipped:
            owners = {
                str(stored): owner
                for stored, owner in Encounter.objects.filter(
                    client_uuid__in=[encounters[index]["client_uuid"] for index in skipped]
                ).values_list("client_uuid", "organization_id")
            }
            for index in skipped:
                if owners.get(str(uuid.UUID(str(encounters[index]["client_uuid"])))) == organization_id:
                    self.result.already_stored += 1
                else:
                    self._bad(
                        *sources[index], "client_uuid: is already used by another organization's record"
                    )
        left_out = set(skipped)
        deltas = rollups.Deltas()
        for index, (fields, lines) in enumerate(zip(encounters, line_sets, strict=True)):
            if index not in left_out:
                deltas.add(
                    organization_id,
                    fields.get("location_id"),
                    fields["occurred_at"],
                    fields,
                    [(item.pk, quantity, doses) for item, quantity, doses in lines],
                )
        deltas.write()  # inside the import's transaction: the roll-ups move with the rows
        self.result.written += len(encounters) - len(skipped)
        self.result.supply_lines += sum(
            len(lines) for index, lines in enumerate(line_sets) if index not in left_out
        )

    def _bad(self, line: int, raw: list, reason: str) -> None:
        self.result.bad += 1
        if len(self.result.first_errors) < 100:
            self.result.first_errors.append((line, reason))
        self.report_bad(line, reason)
        if self.rejects is not None:
            self.rejects.writerow([line, reason, *raw])

    # ---------- the whole file ----------
    def run(
        self,
        rows: Iterable[list[str]],
        *,
        skip_bad_rows: bool = False,
        rejects=None,
        report_bad: Callable[[int, str], None] = lambda line, reason: None,
        progress: Callable[[ImportResult], None] = lambda result: None,
        progress_every: int = 50000,
        log: Callable[[ImportResult], None] = lambda result: None,
    ) -> ImportResult:
        """`log` writes the run's audit event; it is called inside the import's transaction, so the event
        commits with the rows it describes (and not at all when nothing is written)."""
        self.result = ImportResult()
        self.skip_bad_rows = skip_bad_rows
        self.report_bad = report_bad
        iterator = iter(rows)
        header = next(iterator, None)
        if header is None:
            raise LayoutError("The file is empty: the first line must be the column header.")
        header = [name.strip().lstrip("\ufeff") for name in header]
        missing = [name for name in REQUIRED if name not in header]
        unknown = [name for name in header if name not in KNOWN and not name.startswith("item:")]
        if missing or unknown:
            problems = []
            if missing:
                problems.append(f"missing column(s): {', '.join(missing)}")
            if unknown:
                problems.append(f"unknown column(s): {', '.join(unknown)} (see docs/outreach.md)")
            raise LayoutError("; ".join(problems))
        extra_items = [(name, name[5:]) for name in header if name.startswith("item:")]
        for name, code in extra_items:
            if code not in self.catalog:
                raise LayoutError(f"column {name!r}: unknown supply item {code!r}")
        self.item_columns = [
            (name, code) for name, code in ITEM_COLUMNS.items() if name in header
        ] + extra_items
        self.choice_columns = [
            (name, frozenset(CHOICE_COLUMNS[name].values)) for name in CHOICE_COLUMNS if name in header
        ]
        self.flag_columns = [name for name in FLAG_COLUMNS if name in header]
        self.count_columns = [(name, maximum) for name, maximum in self.ceilings.items() if name in header]
        self.place_columns = any(name in header for name in ("stop_name", "grid_cell", "block_group"))
        codes = [code for _, code in self.item_columns]
        self.items_may_repeat = (
            len(set(codes)) != len(codes) or "syringe_item" in header or "naloxone_item" in header
        )
        self.writer = EncounterWriter(timezone.now(), self.organization.pk)
        self.rejects = None
        if rejects is not None:
            self.rejects = spreadsheet_cells.csv_writer(rejects)
            self.rejects.writerow(["line", "error", *header])
        width = len(header)
        chunk: list = []
        try:
            with transaction.atomic():
                for line, raw in enumerate(iterator, start=2):
                    self.result.rows += 1
                    if len(raw) != width:
                        if not any(cell.strip() for cell in raw):
                            self.result.rows -= 1  # a blank line
                            continue
                        self._bad(line, raw, f"has {len(raw)} values where the header has {width}")
                        continue
                    values = dict(zip(header, raw, strict=True))
                    try:
                        client_uuid = self._client_uuid(values, line, raw)
                        fields, lines, code_hash = self.parse(values)
                    except RowError as error:
                        self._bad(line, raw, str(error))
                        continue
                    if self.result.bad and not skip_bad_rows:
                        continue  # keep checking the rest, but nothing will be written
                    chunk.append((client_uuid, fields, lines, code_hash, line, raw))
                    if len(chunk) >= self.chunk_size:
                        self._flush(chunk)
                        chunk = []
                    if self.result.rows % progress_every == 0:
                        progress(self.result)
                if chunk and (skip_bad_rows or not self.result.bad):
                    self._flush(chunk)
                if self.result.bad and not skip_bad_rows:
                    raise _Abort
                log(self.result)
        except _Abort:
            self.result.written = 0
            self.result.supply_lines = 0
            self.result.new_participants = 0
            return self.result
        self.result.committed = True
        return self.result
