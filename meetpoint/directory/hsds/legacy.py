"""The HSDS 1.x/2.x tabular data package (what many 211 systems still publish), mapped onto 3.1 tables.

Table by table:
- organizations → organization (`url` → website); locations → location; services → service (`fees` →
  fees_description, `taxonomy_ids` and services_taxonomy → attributes); services_at_location →
  service_at_location; physical_addresses / postal_addresses → address (address_3/address_4 joined into
  address_2); phones → phone; contacts → contact; languages → language (names such as "Spanish" become ISO
  639-1 codes); service_areas → service_area (`service_area` → name); eligibility → appended to the service's
  eligibility_description; taxonomy → taxonomy_term (under a taxonomy named by `vocabulary`; a missing parent
  named by parent_id/parent_name is created); HSDS 2.0 taxonomy_terms (`term` → name) and
  service_attributes / other_attributes (term links); regular_schedules → weekly schedule (weekday 1 = Monday … 7 =
  Sunday, or a day name).
- holiday_schedules: a day the service is open with hours becomes a dated schedule on each day of the range
  (at most 62 days); a closure (`closed` true) cannot be stored (Meetpoint has no closure dates) and is reported
  as a warning.
- programs, funding, required_documents, payments_accepted, accessibility_for_disabilities, metadata and
  meta_table_descriptions are counted and reported as not stored.
"""

from meetpoint.directory.hsds.batch import Batch

LEGACY_ONLY_FILES = {
    "regular_schedules.csv",
    "holiday_schedules.csv",
    "physical_addresses.csv",
    "postal_addresses.csv",
    "services_at_location.csv",
    "services_taxonomy.csv",
    "taxonomy.csv",
    "eligibility.csv",
    "payments_accepted.csv",
    "accessibility_for_disabilities.csv",
}

DIRECT = {
    "organizations.csv": "organization",
    "locations.csv": "location",
    "services.csv": "service",
    "services_at_location.csv": "service_at_location",
    "phones.csv": "phone",
    "contacts.csv": "contact",
    "programs.csv": "program",
    "funding.csv": "funding",
    "required_documents.csv": "required_document",
    "payments_accepted.csv": "payment_accepted",
    "accessibility_for_disabilities.csv": "accessibility",
    "metadata.csv": "metadata",
    "meta_table_descriptions.csv": "meta_table_description",
}

DAY_NAMES = {
    "1": "MO",
    "2": "TU",
    "3": "WE",
    "4": "TH",
    "5": "FR",
    "6": "SA",
    "7": "SU",
    "monday": "MO",
    "tuesday": "TU",
    "wednesday": "WE",
    "thursday": "TH",
    "friday": "FR",
    "saturday": "SA",
    "sunday": "SU",
}

MAX_HOLIDAY_DAYS = 62


def _day(value: str) -> str | None:
    text = str(value or "").strip().lower()
    if text in DAY_NAMES:
        return DAY_NAMES[text]
    for name, code in DAY_NAMES.items():
        if len(text) >= 2 and not name.isdigit() and name.startswith(text):
            return code
    if text.upper() in DAY_NAMES.values():
        return text.upper()
    return None


def read_legacy_tables(tables: dict[str, tuple[str, list[dict]]], batch: Batch) -> None:
    """`tables`: CSV file name -> (path, rows)."""
    known = (
        set(DIRECT)
        | LEGACY_ONLY_FILES
        | {
            "languages.csv",
            "service_areas.csv",
            "taxonomy_terms.csv",
            "service_attributes.csv",
            "other_attributes.csv",
        }
    )
    for name in order(list(tables)):
        file, rows = tables[name]
        if name not in known:
            batch.problems.warning(file, "", "", "not an HSDS 1.x table name; skipped")
            continue
        if name in DIRECT:
            table = DIRECT[name]
            for row in rows:
                values = dict(row)
                if table == "organization" and values.get("url") and not values.get("website"):
                    values["website"] = values.pop("url")
                if table == "service":
                    if values.get("fees") and not values.get("fees_description"):
                        values["fees_description"] = values["fees"]
                    for term_id in str(values.pop("taxonomy_ids", "") or "").split(","):
                        if term_id.strip():
                            batch.add(
                                "attribute",
                                {
                                    "id": f"service_taxonomy:{values.get('id')}:{term_id.strip()}",
                                    "link_id": values.get("id"),
                                    "link_entity": "service",
                                    "taxonomy_term_id": term_id.strip(),
                                },
                                file,
                            )
                if table == "phone":
                    values.pop("language", None)  # phone languages have no place in Meetpoint
                    if values.get("department") and not values.get("description"):
                        values["description"] = values["department"]
                    values.pop("department", None)
                batch.add(table, values, file)
        elif name in ("physical_addresses.csv", "postal_addresses.csv"):
            kind = "physical" if name.startswith("physical") else "postal"
            for row in rows:
                values = dict(row)
                extra = [values.pop("address_3", ""), values.pop("address_4", "")]
                values["address_2"] = ", ".join(x for x in [values.get("address_2", ""), *extra] if x)
                values["address_type"] = kind
                if kind == "postal" and values.get("id") in batch.tables.get("address", {}):
                    values["id"] = f"postal_address:{values['id']}"
                batch.add("address", values, file)
        elif name == "regular_schedules.csv":
            for row in rows:
                values = dict(row)
                weekday = values.pop("weekday", "")
                day = _day(weekday)
                if day is None:
                    batch.problems.error(
                        file,
                        values.get("id"),
                        "weekday",
                        f"{weekday!r} is not a day (1-7)",
                        values.get("_line"),
                    )
                    continue
                values.update(freq="WEEKLY", byday=day)
                batch.add("schedule", values, file)
        elif name == "holiday_schedules.csv":
            for row in rows:
                closed = str(row.get("closed", "")).strip().lower() in ("true", "1", "yes", "y", "t")
                if closed or not (row.get("opens_at") and row.get("closes_at")):
                    batch.problems.warning(
                        file,
                        row.get("id"),
                        "closed",
                        f"closure {row.get('start_date', '')}–{row.get('end_date', '')} not stored "
                        "(Meetpoint has no closure dates); say it in the service's alert if it matters",
                    )
                    continue
                batch.add(
                    "schedule",
                    {
                        "id": f"holiday_schedule:{row.get('id')}" if row.get("id") else "",
                        "_line": row.get("_line"),
                        "service_id": row.get("service_id", ""),
                        "location_id": row.get("location_id", ""),
                        "service_at_location_id": row.get("service_at_location_id", ""),
                        "valid_from": row.get("start_date", ""),
                        "valid_to": row.get("end_date") or row.get("start_date", ""),
                        "dtstart": row.get("start_date", ""),
                        "opens_at": row.get("opens_at"),
                        "closes_at": row.get("closes_at"),
                        "description": "Holiday hours",
                    },
                    file,
                )
        elif name == "languages.csv":
            for row in rows:
                values = dict(row)
                spoken = [x.strip() for x in str(values.pop("language", "") or "").split(",") if x.strip()]
                if values.get("code") or values.get("name"):
                    spoken = spoken or [""]
                for index, language in enumerate(spoken):
                    entry = dict(values)
                    if index and values.get("id"):
                        entry["id"] = f"{values.get('id')}:{language}"
                    if language:
                        entry["_language"] = language  # a name or a code; the loader tells which
                    batch.add("language", entry, file)
        elif name == "service_areas.csv":
            for row in rows:
                values = dict(row)
                if "service_area" in values:
                    values["name"] = values.pop("service_area")
                batch.add("service_area", values, file)
        elif name == "eligibility.csv":
            for row in rows:
                service = batch.tables.get("service", {}).get(str(row.get("service_id", "")))
                text = str(row.get("eligibility", "")).strip()
                if service is None:
                    batch.problems.warning(
                        file, row.get("id"), "service_id", "no such service; skipped", row.get("_line")
                    )
                elif text:
                    current = str(service.values.get("eligibility_description") or "")
                    if text not in current.split("; "):
                        service.values["eligibility_description"] = f"{current}; {text}" if current else text
        elif name == "services_taxonomy.csv":
            for row in rows:
                batch.add(
                    "attribute",
                    {
                        "id": row.get("id"),
                        "_line": row.get("_line"),
                        "link_id": row.get("service_id"),
                        "link_entity": "service",
                        "taxonomy_term_id": row.get("taxonomy_id"),
                    },
                    file,
                )
        elif name == "taxonomy_terms.csv":  # HSDS 2.0: id, term, description, parent_id, taxonomy, language
            for row in rows:
                values = dict(row)
                if "term" in values and not values.get("name"):
                    values["name"] = values.pop("term")
                batch.add("taxonomy_term", values, file)
        elif name in ("service_attributes.csv", "other_attributes.csv"):  # HSDS 2.0 term links
            for row in rows:
                batch.add(
                    "attribute",
                    {
                        "id": row.get("id"),
                        "_line": row.get("_line"),
                        "link_id": row.get("service_id") or row.get("link_id"),
                        "link_entity": "service"
                        if name == "service_attributes.csv"
                        else row.get("link_type", ""),
                        "taxonomy_term_id": row.get("taxonomy_term_id"),
                    },
                    file,
                )
        elif name == "taxonomy.csv":
            terms = batch.tables.get("taxonomy_term", {})
            for row in rows:
                vocabulary = str(row.get("vocabulary", "") or "").strip()
                batch.add(
                    "taxonomy_term",
                    {
                        "id": row.get("id"),
                        "_line": row.get("_line"),
                        "name": row.get("name"),
                        "parent_id": row.get("parent_id", ""),
                        "taxonomy": vocabulary,
                    },
                    file,
                )
            for row in rows:
                parent = str(row.get("parent_id", "") or "").strip()
                if parent and parent not in terms and row.get("parent_name"):
                    batch.add(
                        "taxonomy_term",
                        {
                            "id": parent,
                            "name": row.get("parent_name"),
                            "taxonomy": str(row.get("vocabulary", "") or "").strip(),
                        },
                        file,
                    )


def order(names: list[str]) -> list[str]:
    """Read tables that others refer to first (services before eligibility, taxonomy before its parents)."""
    first = [
        "organizations.csv",
        "locations.csv",
        "services.csv",
        "taxonomy.csv",
        "taxonomy_terms.csv",
        "physical_addresses.csv",
    ]
    return [n for n in first if n in names] + sorted(n for n in names if n not in first)
