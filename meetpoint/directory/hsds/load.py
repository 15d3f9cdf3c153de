"""Writing an import Batch into the directory models. Called inside one transaction by importer.run_import:
every value is converted and checked first, every problem is collected with its file, record id and field, and
the caller rolls everything back when any error was found.

Errors (nothing is written): a record without an id or a required name, a value of the wrong type (a time that
is not HH:MM, a latitude that is not a number, an unknown status or location_type), inverted opening hours, a
service whose organization is in neither the input nor the directory, a value longer than Meetpoint stores.
Warnings (the record is imported without that value or link): a link to a record that is in neither the input
nor the directory, coordinates outside -90..90 / -180..180, an email or URL that is not valid, a schedule
rule Meetpoint cannot store (MONTHLY, bymonthday…), a language name without a known ISO 639-1 code. With
--strict every warning is an error.
"""

import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime

from django.db import DatabaseError, transaction

from meetpoint.accounts.models import Organization
from meetpoint.directory import taxonomy
from meetpoint.directory.hsds.batch import IGNORED_TABLES, STORED_TABLES, Batch, Row
from meetpoint.directory.hsds.ids import derived_id, is_uuid
from meetpoint.directory.hsds.load_details import DetailLoader
from meetpoint.directory.hsds.serialize import CONFIDENTIAL_FLAG, PUBLIC_AREA_FIELD
from meetpoint.directory.hsds.values import ValueReader
from meetpoint.directory.models import (
    Contact,
    Location,
    Service,
    ServiceAtLocation,
    Taxonomy,
    TaxonomyTerm,
)

STATUSES = {choice for choice, _label in Service.Status.choices}

# Tables whose records others link to: a refused one takes the records that depend on it along.
REFERABLE = {
    "taxonomy": Taxonomy,
    "taxonomy_term": TaxonomyTerm,
    "organization": Organization,
    "location": Location,
    "service": Service,
    "service_at_location": ServiceAtLocation,
    "contact": Contact,
}


PARTIAL_CHUNK = 500  # records per savepoint with --partial


class RecordRefused(Exception):
    """Raised inside a record's savepoint (partial import) so that nothing of it is written."""


@dataclass
class Summary:
    created: dict[str, int] = field(default_factory=dict)
    updated: dict[str, int] = field(default_factory=dict)

    def count(self, table: str, created: bool) -> None:
        target = self.created if created else self.updated
        target[table] = target.get(table, 0) + 1


class Loader(DetailLoader, ValueReader):
    """Writes each table of a Batch, parents before children (see module docstring)."""

    def __init__(
        self,
        batch: Batch,
        source: str = "",
        progress: Callable[[int, int], None] | None = None,
        partial: bool = False,
    ):
        self.batch = batch
        self.partial = partial
        # Records refused (an error of their own or of a record they depend on): model -> Meetpoint ids.
        self.refused: dict[type, set[uuid.UUID]] = {}
        self.pending: list[tuple[str, bool, type, uuid.UUID]] = []  # saves of the row being loaded
        self.problems = batch.problems
        self.source = source
        self.progress = progress or (lambda done, total: None)
        self.summary = Summary()
        self.known: dict[type, set] = {}
        self.done = 0
        self.total = batch.count()
        self.sal_owner: dict[uuid.UUID, tuple[uuid.UUID, uuid.UUID]] = {}
        self.contact_owner: dict[uuid.UUID, dict] = {}
        self.units: dict[str, str] = {}
        self.cost: dict[uuid.UUID, list[dict]] = {}

    def save(self, table: str, model, pk: uuid.UUID, values: dict, create_only: dict | None = None):
        obj, created = model.objects.update_or_create(
            pk=pk, defaults=values, create_defaults={**values, **(create_only or {})}
        )
        self.known.setdefault(model, set()).add(pk)
        self.pending.append((table, created, model, pk))
        return obj

    def tick(self) -> None:
        self.done += 1
        if self.done % 200 == 0 or self.done == self.total:
            self.progress(self.done, self.total)

    # --- the run ------------------------------------------------------------------------------------------

    def run(self) -> Summary:
        # Records that reading already found wrong (a schema error, a malformed CSV line) are refused too.
        read_errors = {(p.file, p.record) for p in self.problems.errors if p.record}
        for table in STORED_TABLES:
            handler = getattr(self, f"load_{table}")
            todo = []
            for row in self.batch.rows(table):
                if (row.file, row.raw_id) in read_errors:
                    self.refuse(row)
                    self.tick()
                else:
                    todo.append(row)
            if not self.partial:
                for row in todo:
                    self.load_row(handler, row)
                    self.tick()
                continue
            for start in range(0, len(todo), PARTIAL_CHUNK):
                chunk = todo[start : start + PARTIAL_CHUNK]
                self.load_chunk(handler, chunk)
                for _row in chunk:
                    self.tick()
        self.infer_location_owners()
        self.finish_taxonomy_parents()
        self.finish_organization_parents()
        self.finish_costs()
        taxonomy.invalidate_cache()  # parents were set with update(), which sends no signal
        for table, count in self.batch.ignored.items():
            self.problems.warning(
                self.batch.ignored_files.get(table, ""),
                "",
                "",
                f"{count} {table} record(s) not stored: {IGNORED_TABLES[table]}",
            )
        return self.summary

    def load_row(self, handler: Callable[[Row], None], row: Row, savepoint: bool = False) -> None:
        """Load one record. With `savepoint`, a record with an error is undone and refused, and so are the
        records that depend on it; without, any error fails the whole import later anyway."""
        errors_before = self.problems.error_calls
        self.pending = []
        if not savepoint:
            handler(row)
        else:
            try:
                with transaction.atomic():
                    handler(row)
                    if self.problems.error_calls > errors_before:
                        raise RecordRefused
            except RecordRefused:
                pass
            except DatabaseError as exc:
                self.err(row, "", f"the database refused a value: {exc}")
        if self.problems.error_calls > errors_before:
            for _table, _created, model, pk in self.pending:
                self.known.get(model, set()).discard(pk)
            self.refuse(row)
            return
        for table, created, _model, _pk in self.pending:
            self.summary.count(table, created)

    def load_chunk(self, handler: Callable[[Row], None], rows: list[Row]) -> None:
        """`--partial`: load rows in one savepoint; when some are refused, undo the savepoint, keep what was
        said about the refused ones and load the rest again (their dependants are then refused in turn). One
        savepoint per chunk instead of one per record: PostgreSQL slows down with tens of thousands of
        subtransactions in one transaction."""
        skip: set[int] = set()
        while True:
            mark = len(self.problems.items)
            cost = {k: list(v) for k, v in self.cost.items()}
            written: list[tuple[str, bool, type, uuid.UUID]] = []
            failed: list[tuple[int, int, int]] = []  # (row index, its problems from, to)
            try:
                with transaction.atomic():
                    for index, row in enumerate(rows):
                        if index in skip:
                            continue
                        calls, start = self.problems.error_calls, len(self.problems.items)
                        self.pending = []
                        handler(row)
                        if self.problems.error_calls > calls:
                            failed.append((index, start, len(self.problems.items)))
                        written.extend(self.pending)
                    if failed:
                        raise RecordRefused
            except RecordRefused:
                pass
            except DatabaseError:
                # A value the checks missed, in some row of the chunk: find it one savepoint per row.
                del self.problems.items[mark:]
                self.cost = cost
                for _table, _created, model, pk in written:
                    self.known.get(model, set()).discard(pk)
                for index, row in enumerate(rows):
                    if index not in skip:
                        self.load_row(handler, row, savepoint=True)
                return
            if not failed:
                for table, created, _model, _pk in written:
                    self.summary.count(table, created)
                return
            for _table, _created, model, pk in written:
                self.known.get(model, set()).discard(pk)
            kept = [item for _index, start, end in failed for item in self.problems.items[start:end]]
            del self.problems.items[mark:]
            self.problems.items.extend(kept)
            self.cost = cost
            for index, _start, _end in failed:
                skip.add(index)
                self.refuse(rows[index])

    def refuse(self, row: Row) -> None:
        model = REFERABLE.get(row.table)
        if model is not None:
            pk = self.id_of(row.raw_id)
            self.refused.setdefault(model, set()).add(pk)
            self.known.get(model, set()).discard(pk)
        if row.table == "service_at_location":
            self.sal_owner.pop(self.id_of(row.raw_id), None)
        if row.table == "contact":
            self.contact_owner.pop(self.id_of(row.raw_id), None)

    def ref(self, row: Row, name: str, model, *, required: bool = False) -> uuid.UUID | None:
        raw = row.values.get(name)
        if raw not in (None, "") and self.id_of(raw) in self.refused.get(model, ()):
            self.err(
                row,
                name,
                f"{raw} is a {model._meta.verbose_name} that was refused (see its error)",
                done="skipped with it",
            )
            return None
        return super().ref(row, name, model, required=required)

    def infer_location_owners(self) -> None:
        """HSDS 3.1 makes location.organization_id optional and most feeds leave it out: a location without
        one belongs to the organization whose services are offered there, when there is exactly one."""
        rows = {self.id_of(r.raw_id): r for r in self.batch.rows("location")}
        ids = list(
            Location.objects.filter(pk__in=rows, organization__isnull=True).values_list("pk", flat=True)
        )
        owners: dict[uuid.UUID, set] = {pk: set() for pk in ids}
        for start in range(0, len(ids), 500):
            links = ServiceAtLocation.objects.filter(location_id__in=ids[start : start + 500])
            for location_id, organization_id in links.values_list("location_id", "service__organization_id"):
                owners[location_id].add(organization_id)
        by_owner: dict[uuid.UUID, list[uuid.UUID]] = {}
        names = dict(
            Organization.objects.filter(pk__in={o for found in owners.values() for o in found}).values_list(
                "pk", "name"
            )
        )
        for pk, found in owners.items():
            row = rows[pk]
            if len(found) == 1:
                (owner,) = found
                by_owner.setdefault(owner, []).append(pk)
                self.warn(
                    row,
                    "organization_id",
                    f"no organization given; its services are all of {names[owner]!r} ({owner})",
                    done="the location belongs to that organization",
                )
            else:
                how = f"services of {len(found)} organizations" if found else "no services"
                self.warn(
                    row,
                    "organization_id",
                    f"no organization given and {how} here",
                    done="kept shared; a site administrator can assign it",
                )
        for owner, pks in by_owner.items():
            for start in range(0, len(pks), 500):
                Location.objects.filter(pk__in=pks[start : start + 500]).update(organization_id=owner)

    def moment(self, row: Row, name: str) -> datetime | None:
        """A source time (last_modified, updated): an ISO 8601 date or datetime; one without a zone is UTC."""
        value = str(row.values.get(name) or "").strip()
        if not value:
            return None
        try:
            moment = datetime.fromisoformat(value.replace("Z", "+00:00").replace("z", "+00:00"))
        except ValueError:
            self.warn(row, name, f"{value!r} is not an ISO 8601 date-time; the import time is kept")
            return None
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=UTC)
        return moment

    def keep_source_time(self, model, pk: uuid.UUID, row: Row, name: str, model_field: str) -> None:
        moment = self.moment(row, name)
        if moment is not None:
            # update() skips auto_now: the feed's own time is kept, Meetpoint's edits later set it anew.
            model.objects.filter(pk=pk).update(**{model_field: moment})

    def load_taxonomy(self, row: Row) -> None:
        name = self.text(row, "name", Taxonomy)
        if not name:
            self.err(row, "name", "a taxonomy needs a name")
            return
        self.save(
            "taxonomy",
            Taxonomy,
            self.id_of(row.raw_id),
            {
                "name": name,
                "description": self.text(row, "description"),
                "uri": self.url(row, "uri"),
                "version": self.text(row, "version", Taxonomy),
            },
        )

    def taxonomy_for(self, row: Row) -> uuid.UUID:
        """A term keeps its own taxonomy: the one it names, else one named after its `taxonomy` text."""
        raw = row.values.get("taxonomy_id")
        label = self.text(row, "taxonomy")[:255]
        if raw not in (None, ""):
            pk = self.id_of(raw)
            if not self.exists(Taxonomy, pk):
                self.warn(
                    row,
                    "taxonomy_id",
                    f"{raw} is not in the input; created as its own taxonomy",
                )
                self.save("taxonomy", Taxonomy, pk, {"name": label or "Imported taxonomy"})
            return pk
        pk = derived_id("taxonomy", self.source, label or "imported")
        if not self.exists(Taxonomy, pk):
            self.save("taxonomy", Taxonomy, pk, {"name": label or "Imported taxonomy"})
        return pk

    def load_taxonomy_term(self, row: Row) -> None:
        name = self.text(row, "name", TaxonomyTerm)
        if not name:
            self.err(row, "name", "a taxonomy term needs a name")
            return
        code = self.text(row, "code", TaxonomyTerm)
        if not code and not is_uuid(row.raw_id):
            code = row.raw_id[:100]  # 1.x taxonomies (AIRS …) use the code as the id
        self.save(
            "taxonomy_term",
            TaxonomyTerm,
            self.id_of(row.raw_id),
            {
                "name": name,
                "code": code,
                "description": self.text(row, "description"),
                "taxonomy_id": self.taxonomy_for(row),
                "language": self.text(row, "language", TaxonomyTerm),
                "term_uri": self.url(row, "term_uri"),
            },
        )

    def finish_taxonomy_parents(self) -> None:
        for row in self.batch.rows("taxonomy_term"):
            if row.values.get("parent_id") in (None, ""):
                continue
            pk = self.id_of(row.raw_id)
            if not TaxonomyTerm.objects.filter(pk=pk).exists():
                continue
            parent = self.ref(row, "parent_id", TaxonomyTerm)
            if parent == pk:
                self.err(row, "parent_id", "a term cannot be its own parent")
                continue
            TaxonomyTerm.objects.filter(pk=pk).update(parent_id=parent)

    def load_organization(self, row: Row) -> None:
        name = self.text(row, "name", Organization)
        if not name:
            self.err(row, "name", "an organization needs a name")
            return
        year = self.number(row, "year_incorporated", integer=True)
        if year is not None and not 1000 <= year <= 9999:
            self.warn(row, "year_incorporated", f"{year} is not a year; left empty")
            year = None
        self.save(
            "organization",
            Organization,
            self.id_of(row.raw_id),
            {
                "name": name,
                "alternate_name": self.text(row, "alternate_name", Organization),
                "description": self.text(row, "description"),
                "email": self.email(row, "email"),
                "website": self.url(row, "website", "url"),
                "tax_status": self.text(row, "tax_status", Organization),
                "tax_id": self.text(row, "tax_id", Organization),
                "year_incorporated": year,
                "legal_status": self.text(row, "legal_status", Organization),
            },
            create_only={"slug": Organization.unique_slug(name), "partner_type": "other"},
        )

    def finish_organization_parents(self) -> None:
        for row in self.batch.rows("organization"):
            if row.values.get("parent_organization_id") in (None, ""):
                continue
            pk = self.id_of(row.raw_id)
            parent = self.ref(row, "parent_organization_id", Organization)
            if parent and parent != pk:
                Organization.objects.filter(pk=pk).update(parent_organization_id=parent)

    def load_location(self, row: Row) -> None:
        location_type = self.text(row, "location_type") or "physical"
        if location_type not in Location.LocationType.values:
            self.err(row, "location_type", f"{location_type!r} is not physical/postal/virtual")
            return
        latitude, longitude = self.number(row, "latitude"), self.number(row, "longitude")
        if latitude is not None and not -90 <= latitude <= 90:
            self.warn(row, "latitude", f"{latitude} is outside -90..90; left empty")
            latitude = longitude = None
        if longitude is not None and not -180 <= longitude <= 180:
            self.warn(row, "longitude", f"{longitude} is outside -180..180; left empty")
            latitude = longitude = None
        if (latitude is None) != (longitude is None):
            self.warn(row, "latitude", "latitude and longitude come as a pair; left empty")
            latitude = longitude = None
        pk = self.id_of(row.raw_id)
        owner = self.ref(row, "organization_id", Organization)
        values = {
            "location_type": location_type,
            "organization_id": owner,
            "name": self.text(row, "name", Location),
            "alternate_name": self.text(row, "alternate_name", Location),
            "description": self.text(row, "description"),
            "transportation": self.text(row, "transportation"),
            "url": self.url(row, "url"),
            "latitude": latitude,
            "longitude": longitude,
            "external_identifier": self.text(row, "external_identifier", Location),
            "external_identifier_type": self.text(row, "external_identifier_type", Location),
        }
        if str(row.values.get(CONFIDENTIAL_FLAG, "")).strip().lower() in ("true", "1", "yes"):
            # A Meetpoint export marks confidential sites: they stay confidential here too.
            values["is_confidential"] = True
            values["public_area"] = (
                self.text(row, PUBLIC_AREA_FIELD, Location, "public_area") or values["description"][:255]
            )
        existing = Location.objects.filter(pk=pk, is_confidential=True).first()
        if existing is not None:
            # The exact place of a confidential site is kept in Meetpoint: a public export re-imported
            # carries only the approximate point and the public area, which must not overwrite it.
            for key in ("latitude", "longitude", "description", "transportation"):
                values.pop(key)
        create_only = {}
        if owner is None:
            # No owner in the feed: an owner set in Meetpoint (inferred, or by a site administrator) stays.
            create_only["organization_id"] = values.pop("organization_id")
        self.save("location", Location, pk, values, create_only)

    def load_service(self, row: Row) -> None:
        name = self.text(row, "name", Service)
        if not name:
            self.err(row, "name", "a service needs a name")
        organization = self.organization_through_site(row) or self.ref(
            row, "organization_id", Organization, required=True
        )
        status = self.text(row, "status") or "active"
        if status not in STATUSES:
            self.err(row, "status", f"{status!r} is not one of {sorted(STATUSES)}")
        ages = {}
        for key in ("minimum_age", "maximum_age"):
            ages[key] = self.number(row, key, integer=True)
            if ages[key] is not None and not 0 <= ages[key] <= 150:
                self.err(row, key, f"{ages[key]} is not an age")
                ages[key] = None
        if not name or organization is None or status not in STATUSES:
            return
        pk = self.id_of(row.raw_id)
        self.save(
            "service",
            Service,
            pk,
            {
                "organization_id": organization,
                "name": name,
                "alternate_name": self.text(row, "alternate_name", Service),
                "description": self.text(row, "description"),
                "url": self.url(row, "url"),
                "email": self.email(row, "email"),
                "status": status,
                "interpretation_services": self.text(row, "interpretation_services"),
                "application_process": self.text(row, "application_process"),
                "fees_description": self.text(row, "fees_description") or self.text(row, "fees"),
                "wait_time": self.text(row, "wait_time", Service),
                "accreditations": self.text(row, "accreditations"),
                "licenses": self.text(row, "licenses"),
                "eligibility_description": self.text(row, "eligibility_description"),
                "alert": self.text(row, "alert"),
                "assured_date": self.day(row, "assured_date"),
                "assurer_email": self.email(row, "assurer_email"),
                **ages,
            },
        )
        self.keep_source_time(Service, pk, row, "last_modified", "last_modified")

    def organization_through_site(self, row: Row) -> uuid.UUID | None:
        """211 feeds (AIRS: agency → site → service) sometimes give a service its site's id as
        organization_id. When that id is no organization but a service of the feed whose own organization is
        known, the service is attached to that organization, with a warning."""
        raw = str(row.values.get("organization_id") or "").strip()
        if not raw or self.exists(Organization, self.id_of(raw)):
            return None
        site = self.batch.tables.get("service", {}).get(raw)
        if site is None or site is row:
            return None
        owner_raw = str(site.values.get("organization_id") or "").strip()
        owner = self.id_of(owner_raw) if owner_raw else None
        if (
            owner is None
            or owner in self.refused.get(Organization, ())
            or not self.exists(Organization, owner)
        ):
            return None
        self.warn(
            row,
            "organization_id",
            f"{raw} is no organization but the site {site.values.get('name', '')!r}, of organization {owner_raw}",
            done=f"attached to organization {owner_raw}",
        )
        return owner

    def load_service_at_location(self, row: Row) -> None:
        service = self.ref(row, "service_id", Service)
        location = self.ref(row, "location_id", Location)
        if service is None or location is None:
            self.warn(row, "", "service at location without its service and location; skipped")
            return
        pk = self.id_of(row.raw_id)
        other = (
            ServiceAtLocation.objects.filter(service_id=service, location_id=location).exclude(pk=pk).first()
        )
        if other is not None:
            self.warn(
                row,
                "id",
                f"this service is already linked to this location as {other.pk}; kept that link",
            )
            pk = other.pk
        self.save(
            "service_at_location",
            ServiceAtLocation,
            pk,
            {"service_id": service, "location_id": location, "description": self.text(row, "description")},
        )
        self.sal_owner[self.id_of(row.raw_id)] = (service, location)
