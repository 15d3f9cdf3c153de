"""An import batch: every HSDS record found in the input, flattened to the HSDS 3.1 tabular shape (one table per
object type, rows keyed by their HSDS id, foreign keys as `<object>_id` columns). The JSON, 3.x CSV and 1.x CSV
readers all fill one Batch, so a single loader writes them."""

from dataclasses import dataclass, field

from meetpoint.directory.hsds.problems import Problems

# 3.1 object types Meetpoint stores, in the order the loader writes them (parents before children).
STORED_TABLES = (
    "taxonomy",
    "taxonomy_term",
    "organization",
    "location",
    "service",
    "service_at_location",
    "address",
    "phone",
    "contact",
    "language",
    "schedule",
    "service_area",
    "unit",
    "service_capacity",
    "cost_option",
    "attribute",
)

# Rows that hang off another record: one without an id (many 211 feeds leave schedule ids empty) gets an id
# derived from its links, its day and its place among its siblings, so re-importing the same feed updates it.
CHILD_TABLES = {
    "phone",
    "contact",
    "language",
    "schedule",
    "address",
    "service_area",
    "service_capacity",
    "cost_option",
    "attribute",
}

# 3.1 object types Meetpoint has no place for: counted and reported, not stored.
IGNORED_TABLES = {
    "program": "Meetpoint has no programs",
    "funding": "Meetpoint does not record funding",
    "required_document": "Meetpoint does not record required documents",
    "accessibility": "Meetpoint does not record accessibility details",
    "metadata": "change history is not imported",
    "meta_table_description": "table descriptions are not imported",
    "organization_identifier": "Meetpoint does not record organization identifiers",
    "url": "Meetpoint keeps one URL per organization or service",
    "payment_accepted": "Meetpoint does not record payment methods",
}


@dataclass
class Row:
    table: str
    raw_id: str
    values: dict
    file: str  # where it was first seen, for messages
    line: int | None = None  # its first line in that file (CSV), for messages
    origin: dict = field(default_factory=dict)  # field -> the file its value came from
    pinned: set = field(default_factory=set)  # links that nesting implies; a flat copy does not override them

    def where(self, name: str) -> str:
        return self.origin.get(name, self.file)


@dataclass
class Batch:
    tables: dict[str, dict[str, Row]] = field(default_factory=dict)
    ignored: dict[str, int] = field(default_factory=dict)  # table -> count of records not stored
    ignored_files: dict[str, str] = field(default_factory=dict)
    problems: Problems = field(default_factory=Problems)
    files: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # said once in the summary; not problems
    siblings: dict[str, int] = field(default_factory=dict)  # for derived ids: rows seen per table and links

    def add(self, table: str, values: dict, file: str, pinned: frozenset = frozenset()) -> Row | None:
        """Add a record, merging it with an earlier one of the same id (later non-empty values win, so nested
        copies of one phone under a service, a location and a contact end up as one phone linked to all)."""
        if table in IGNORED_TABLES:
            self.ignored[table] = self.ignored.get(table, 0) + 1
            self.ignored_files.setdefault(table, file)
            return None
        line = values.pop("_line", None)
        raw_id = values.get("id")
        raw_id = "" if raw_id is None else str(raw_id).strip()
        if not raw_id and table in CHILD_TABLES:
            raw_id = self.derived_id(table, values)
            values["id"] = raw_id
            self.problems.warning(
                file,
                raw_id,
                "id",
                f"a {table} without an id; given one from its links and place ({raw_id})",
                line,
            )
        if not raw_id:
            self.problems.error(file, "", "id", f"a {table} record has no id", line)
            return None
        rows = self.tables.setdefault(table, {})
        row = rows.get(raw_id)
        if row is None:
            rows[raw_id] = row = Row(table, raw_id, {}, file, line)
        for key, value in values.items():
            if key in row.pinned and key not in pinned:
                continue
            if value is None or value == "":
                row.values.setdefault(key, value)
            else:
                row.values[key] = value
                row.origin[key] = file
        row.pinned |= pinned
        return row

    def derived_id(self, table: str, values: dict) -> str:
        """The same row of the same feed gets the same id on every import: its table, its links (and day),
        and how many rows with those links came before it."""
        links = "|".join(
            f"{k}={values[k]}"
            for k in sorted(values)
            if (k.endswith("_id") or k in ("byday", "weekday")) and values[k] not in (None, "")
        )
        key = f"{table}|{links}"
        number = self.siblings[key] = self.siblings.get(key, 0) + 1
        return f"{table}:{links}:{number}"

    def rows(self, table: str) -> list[Row]:
        return list(self.tables.get(table, {}).values())

    def count(self) -> int:
        return sum(len(rows) for rows in self.tables.values())
