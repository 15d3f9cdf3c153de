# ruff: noqa: S608 -- every statement is built from the table names below, never from input.
"""The search index: one row per (service at a location, taxonomy term of the service) with the place's point.

    directory_search_entry(link_id, service_id, location_id, term_id, latitude, longitude, is_mobile)

Why: the typical search names a service type and a point. With the normalized tables the database either
starts from the places in the box (thousands of sites in a town, each joined to its services and their terms)
or from the services of the type (thousands across the state, each joined to its places). One index on
(term_id, latitude, longitude, ...) answers "services of these types at places in this box" as a few index
ranges, read from the index alone.

Why triggers: every write path (the actions, the HSDS import's batched inserts, the demo loader, the Django
admin, a bulk_create in a script, cascading deletes) changes the same three tables, and a trigger in the
database sees all of them, inside the writer's transaction. No application code has to remember the index.
What the triggers follow:
- directory_serviceatlocation: insert, delete, change of service or location (and TRUNCATE on PostgreSQL);
- directory_service_taxonomy_terms (Service.taxonomy_terms): insert, delete, update;
- directory_location: change of latitude, longitude or is_mobile.
Service-level filters (status, text, language, free, organization, dates) are not copied: search joins the
few hundred index hits to their services and applies those filters there, so nothing else can go stale.

The table is created by migration 0006_search_entry_index through `install`; changing the DDL or the
triggers needs a new migration that calls `install` again (it drops and re-creates, then rebuilds).
"""

TABLE = "directory_search_entry"
LINK = "directory_serviceatlocation"
TAGS = "directory_service_taxonomy_terms"
PLACE = "directory_location"

# Fills the index from the normalized tables (the migration's backfill, and `rebuild`).
_SELECT_ALL = f"""
SELECT s.id, s.service_id, s.location_id, t.taxonomyterm_id, l.latitude, l.longitude, l.is_mobile
FROM {LINK} s JOIN {TAGS} t ON t.service_id = s.service_id JOIN {PLACE} l ON l.id = s.location_id
"""

_INDEXES = [
    # The search: term ranges, then the box, answered from the index alone (covering).
    f"CREATE INDEX search_entry_term_box ON {TABLE} "
    "(term_id, latitude, longitude, is_mobile, link_id, service_id, location_id)",
    f"CREATE INDEX search_entry_link ON {TABLE} (link_id)",
    f"CREATE INDEX search_entry_service ON {TABLE} (service_id, term_id)",
    f"CREATE INDEX search_entry_location ON {TABLE} (location_id)",
]

_SQLITE = [
    f"""CREATE TABLE {TABLE} (
        id integer NOT NULL PRIMARY KEY AUTOINCREMENT,
        link_id char(32) NOT NULL, service_id char(32) NOT NULL, location_id char(32) NOT NULL,
        term_id char(32) NOT NULL, latitude real NULL, longitude real NULL, is_mobile bool NOT NULL)""",
    *_INDEXES,
    f"""CREATE TRIGGER search_entry_link_insert AFTER INSERT ON {LINK} BEGIN
        INSERT INTO {TABLE} (link_id, service_id, location_id, term_id, latitude, longitude, is_mobile)
        SELECT NEW.id, NEW.service_id, NEW.location_id, t.taxonomyterm_id, l.latitude, l.longitude, l.is_mobile
        FROM {TAGS} t JOIN {PLACE} l ON l.id = NEW.location_id WHERE t.service_id = NEW.service_id;
    END""",
    f"""CREATE TRIGGER search_entry_link_delete AFTER DELETE ON {LINK} BEGIN
        DELETE FROM {TABLE} WHERE link_id = OLD.id;
    END""",
    f"""CREATE TRIGGER search_entry_link_update AFTER UPDATE OF id, service_id, location_id ON {LINK} BEGIN
        DELETE FROM {TABLE} WHERE link_id = OLD.id;
        INSERT INTO {TABLE} (link_id, service_id, location_id, term_id, latitude, longitude, is_mobile)
        SELECT NEW.id, NEW.service_id, NEW.location_id, t.taxonomyterm_id, l.latitude, l.longitude, l.is_mobile
        FROM {TAGS} t JOIN {PLACE} l ON l.id = NEW.location_id WHERE t.service_id = NEW.service_id;
    END""",
    f"""CREATE TRIGGER search_entry_tag_insert AFTER INSERT ON {TAGS} BEGIN
        INSERT INTO {TABLE} (link_id, service_id, location_id, term_id, latitude, longitude, is_mobile)
        SELECT s.id, s.service_id, s.location_id, NEW.taxonomyterm_id, l.latitude, l.longitude, l.is_mobile
        FROM {LINK} s JOIN {PLACE} l ON l.id = s.location_id WHERE s.service_id = NEW.service_id;
    END""",
    f"""CREATE TRIGGER search_entry_tag_delete AFTER DELETE ON {TAGS} BEGIN
        DELETE FROM {TABLE} WHERE service_id = OLD.service_id AND term_id = OLD.taxonomyterm_id;
    END""",
    f"""CREATE TRIGGER search_entry_tag_update AFTER UPDATE OF service_id, taxonomyterm_id ON {TAGS} BEGIN
        DELETE FROM {TABLE} WHERE service_id = OLD.service_id AND term_id = OLD.taxonomyterm_id;
        INSERT INTO {TABLE} (link_id, service_id, location_id, term_id, latitude, longitude, is_mobile)
        SELECT s.id, s.service_id, s.location_id, NEW.taxonomyterm_id, l.latitude, l.longitude, l.is_mobile
        FROM {LINK} s JOIN {PLACE} l ON l.id = s.location_id WHERE s.service_id = NEW.service_id;
    END""",
    f"""CREATE TRIGGER search_entry_place_update AFTER UPDATE OF latitude, longitude, is_mobile ON {PLACE}
    BEGIN
        UPDATE {TABLE} SET latitude = NEW.latitude, longitude = NEW.longitude, is_mobile = NEW.is_mobile
        WHERE location_id = NEW.id;
    END""",
]

_SQLITE_DROP = [
    f"DROP TRIGGER IF EXISTS {name}"
    for name in (
        "search_entry_link_insert",
        "search_entry_link_delete",
        "search_entry_link_update",
        "search_entry_tag_insert",
        "search_entry_tag_delete",
        "search_entry_tag_update",
        "search_entry_place_update",
    )
] + [f"DROP TABLE IF EXISTS {TABLE}"]

_COLUMNS = "link_id, service_id, location_id, term_id, latitude, longitude, is_mobile"
_PG_INSERT_FOR_LINK = f"""
        INSERT INTO {TABLE} ({_COLUMNS})
        SELECT NEW.id, NEW.service_id, NEW.location_id, t.taxonomyterm_id, l.latitude, l.longitude, l.is_mobile
        FROM {TAGS} t JOIN {PLACE} l ON l.id = NEW.location_id WHERE t.service_id = NEW.service_id;"""
_PG_INSERT_FOR_TAG = f"""
        INSERT INTO {TABLE} ({_COLUMNS})
        SELECT s.id, s.service_id, s.location_id, NEW.taxonomyterm_id, l.latitude, l.longitude, l.is_mobile
        FROM {LINK} s JOIN {PLACE} l ON l.id = s.location_id WHERE s.service_id = NEW.service_id;"""


def _pg_function(name: str, body: str) -> str:
    # Each statement is planned for the table sizes of the moment (force_custom_plan): a plan cached while a
    # bulk load starts on near-empty tables would scan a whole table for every row.
    return f"""CREATE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql
    SET plan_cache_mode = force_custom_plan AS $$
    BEGIN
        {body}
        RETURN NULL;
    END $$"""


# PostgreSQL: inserts and deletes are statement triggers over the transition table (a bulk_create of 2,000
# rows is one INSERT … SELECT into the index, not 2,000); updates (rare) are row triggers.
_POSTGRES = [
    f"""CREATE TABLE {TABLE} (
        id bigserial PRIMARY KEY,
        link_id uuid NOT NULL, service_id uuid NOT NULL, location_id uuid NOT NULL, term_id uuid NOT NULL,
        latitude double precision NULL, longitude double precision NULL, is_mobile boolean NOT NULL)""",
    *_INDEXES,
    _pg_function(
        "search_entry_links_added",
        f"""INSERT INTO {TABLE} ({_COLUMNS})
        SELECT n.id, n.service_id, n.location_id, t.taxonomyterm_id, l.latitude, l.longitude, l.is_mobile
        FROM added n JOIN {TAGS} t ON t.service_id = n.service_id JOIN {PLACE} l ON l.id = n.location_id;""",
    ),
    f"""CREATE TRIGGER search_entry_links_added AFTER INSERT ON {LINK} REFERENCING NEW TABLE AS added
        FOR EACH STATEMENT EXECUTE FUNCTION search_entry_links_added()""",
    _pg_function(
        "search_entry_links_removed",
        f"DELETE FROM {TABLE} e USING removed o WHERE e.link_id = o.id;",
    ),
    f"""CREATE TRIGGER search_entry_links_removed AFTER DELETE ON {LINK} REFERENCING OLD TABLE AS removed
        FOR EACH STATEMENT EXECUTE FUNCTION search_entry_links_removed()""",
    _pg_function(
        "search_entry_link_changed",
        f"DELETE FROM {TABLE} WHERE link_id = OLD.id; {_PG_INSERT_FOR_LINK}",
    ),
    f"""CREATE TRIGGER search_entry_link_changed AFTER UPDATE OF id, service_id, location_id ON {LINK}
        FOR EACH ROW EXECUTE FUNCTION search_entry_link_changed()""",
    _pg_function(
        "search_entry_tags_added",
        f"""INSERT INTO {TABLE} ({_COLUMNS})
        SELECT s.id, s.service_id, s.location_id, n.taxonomyterm_id, l.latitude, l.longitude, l.is_mobile
        FROM added n JOIN {LINK} s ON s.service_id = n.service_id JOIN {PLACE} l ON l.id = s.location_id;""",
    ),
    f"""CREATE TRIGGER search_entry_tags_added AFTER INSERT ON {TAGS} REFERENCING NEW TABLE AS added
        FOR EACH STATEMENT EXECUTE FUNCTION search_entry_tags_added()""",
    _pg_function(
        "search_entry_tags_removed",
        f"""DELETE FROM {TABLE} e USING removed o
        WHERE e.service_id = o.service_id AND e.term_id = o.taxonomyterm_id;""",
    ),
    f"""CREATE TRIGGER search_entry_tags_removed AFTER DELETE ON {TAGS} REFERENCING OLD TABLE AS removed
        FOR EACH STATEMENT EXECUTE FUNCTION search_entry_tags_removed()""",
    _pg_function(
        "search_entry_tag_changed",
        f"""DELETE FROM {TABLE} WHERE service_id = OLD.service_id AND term_id = OLD.taxonomyterm_id;
        {_PG_INSERT_FOR_TAG}""",
    ),
    f"""CREATE TRIGGER search_entry_tag_changed AFTER UPDATE OF service_id, taxonomyterm_id ON {TAGS}
        FOR EACH ROW EXECUTE FUNCTION search_entry_tag_changed()""",
    _pg_function(
        "search_entry_place_changed",
        f"""UPDATE {TABLE} SET latitude = NEW.latitude, longitude = NEW.longitude, is_mobile = NEW.is_mobile
        WHERE location_id = NEW.id;""",
    ),
    f"""CREATE TRIGGER search_entry_place_changed AFTER UPDATE OF latitude, longitude, is_mobile ON {PLACE}
        FOR EACH ROW EXECUTE FUNCTION search_entry_place_changed()""",
    # `meetpoint flush` and test teardown TRUNCATE the tables, which fires no row or DELETE trigger.
    _pg_function("search_entry_truncated", f"TRUNCATE {TABLE};"),
    f"""CREATE TRIGGER search_entry_truncated AFTER TRUNCATE ON {LINK}
        FOR EACH STATEMENT EXECUTE FUNCTION search_entry_truncated()""",
    f"""CREATE TRIGGER search_entry_truncated AFTER TRUNCATE ON {TAGS}
        FOR EACH STATEMENT EXECUTE FUNCTION search_entry_truncated()""",
]

_PG_TRIGGERS = [
    ("search_entry_links_added", LINK),
    ("search_entry_links_removed", LINK),
    ("search_entry_link_changed", LINK),
    ("search_entry_tags_added", TAGS),
    ("search_entry_tags_removed", TAGS),
    ("search_entry_tag_changed", TAGS),
    ("search_entry_place_changed", PLACE),
    ("search_entry_truncated", LINK),
    ("search_entry_truncated", TAGS),
]
_POSTGRES_DROP = (
    [f"DROP TRIGGER IF EXISTS {name} ON {table}" for name, table in _PG_TRIGGERS]
    + [f"DROP FUNCTION IF EXISTS {name}()" for name in dict(_PG_TRIGGERS)]
    + [f"DROP TABLE IF EXISTS {TABLE}"]
)


def install(connection) -> None:
    """(Re-)creates the table, its indexes and triggers, and fills it from the directory tables."""
    uninstall(connection)
    statements = _POSTGRES if connection.vendor == "postgresql" else _SQLITE
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)
    rebuild(connection)


def uninstall(connection) -> None:
    statements = _POSTGRES_DROP if connection.vendor == "postgresql" else _SQLITE_DROP
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)


def rebuild(connection=None) -> int:
    """Empties the index and fills it again from the directory tables; returns the number of entries."""
    if connection is None:
        from django.db import connection
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {TABLE}")
        cursor.execute(
            f"INSERT INTO {TABLE} (link_id, service_id, location_id, term_id, latitude, longitude, is_mobile)"
            + _SELECT_ALL
        )
        cursor.execute(f"SELECT COUNT(*) FROM {TABLE}")
        return cursor.fetchone()[0]


def entries() -> list[tuple]:
    """Every entry as (link_id, service_id, location_id, term_id, latitude, longitude, is_mobile), sorted (a
    duplicate shows twice): what tests compare with `expected_entries`."""
    return _rows(
        f"SELECT link_id, service_id, location_id, term_id, latitude, longitude, is_mobile FROM {TABLE}"
    )


def expected_entries() -> list[tuple]:
    """What the index should hold, computed from the directory tables now."""
    return _rows(_SELECT_ALL)


def _rows(sql: str) -> list[tuple]:
    import uuid

    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(sql)
        rows = [
            (*(uuid.UUID(str(v)) for v in row[:4]), row[4], row[5], bool(row[6])) for row in cursor.fetchall()
        ]
    return sorted(rows, key=str)
