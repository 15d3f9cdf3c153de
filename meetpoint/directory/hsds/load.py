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

from meetpoint.accounts.models import Organization
from meetpoint.directory import taxonomy
from meetpoint.directory.hsds.batch import IGNORED_TABLES, STORED_TABLES, Batch, Row
from meetpoint.directory.hsds.ids import derived_id, is_uuid
from meetpoint.directory.hsds.load_details import DetailLoader
from meetpoint.directory.hsds.serialize import CONFIDENTIAL_FLAG, PUBLIC_AREA_FIELD
from meetpoint.directory.hsds.values import ValueReader
from meetpoint.directory.models import (
    Location,
    Service,
    ServiceAtLocation,
    Taxonomy,
    TaxonomyTerm,
)

STATUSES = {choice for choice, _label in Service.Status.choices}


@dataclass
class Summary:
    created: dict[str, int] = field(default_factory=dict)
    updated: dict[str, int] = field(default_factory=dict)

    def count(self, table: str, created: bool) -> None:
        target = self.created if created else self.updated
        target[table] = target.get(table, 0) + 1


class Loader(DetailLoader, ValueReader):
    """Writes each table of a Batch, parents before children (see module docstring)."""

    def __init__(self, batch: Batch, source: str = "", progress: Callable[[int, int], None] | None = None):
        self.batch = batch
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
        self.summary.count(table, created)
        return obj

    def tick(self) -> None:
        self.done += 1
        if self.done % 200 == 0 or self.done == self.total:
            self.progress(self.done, self.total)

    # --- the run ------------------------------------------------------------------------------------------

    def run(self) -> Summary:
        for table in STORED_TABLES:
            handler = getattr(self, f"load_{table}")
            for row in self.batch.rows(table):
                handler(row)
                self.tick()
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
        values = {
            "location_type": location_type,
            "organization_id": self.ref(row, "organization_id", Organization),
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
        self.save("location", Location, pk, values)

    def load_service(self, row: Row) -> None:
        name = self.text(row, "name", Service)
        if not name:
            self.err(row, "name", "a service needs a name")
        organization = self.ref(row, "organization_id", Organization, required=True)
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
        self.save(
            "service",
            Service,
            self.id_of(row.raw_id),
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
                **ages,
            },
        )

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
