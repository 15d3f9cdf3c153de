# ruff: noqa: S608 -- every statement is built from the table names below, never from input.
"""Answers of directory search kept until the directory changes or an opening hour they read opens or closes.

Why: the same few searches ("naloxone near me, open now") come in again and again, and the directory changes
a few times a day. A search costs tens of milliseconds (about a thousand places and their opening hours
inside the radius); reading a remembered answer costs one tiny query. Opening hours change "open now" only a
few times a day, at the hours the schedules name.

How an answer stays right:
- The database keeps a version token, `directory_version.token`, that triggers replace with a new random value
  on every insert, update, delete (and on PostgreSQL every TRUNCATE) of the tables a search reads: services,
  locations, addresses, service-at-location, a service's types, taxonomy terms, languages, schedules and
  organizations. Like the search index (search_index.py), triggers see every write path: the actions, HSDS
  imports, the demo loader, the admin, scripts. A rolled-back change takes its token with it, and a random
  token is never reused, so a token always names one state of the directory.
- Every key holds the token read at the start of the search, whether the viewer sees confidential sites exactly
  (members) or approximately (the public), and every parameter of the query. Nothing else goes into an answer
  but the time: an answer holds from the last to the next moment when one of the opening-hours rows it read
  opens or closes or a day begins (hours.Horizon), and is used only for an instant inside that stretch.
- Each process keeps at most `MEETPOINT_SEARCH_CACHE_ENTRIES` answers in its own memory (least recently used
  first out; 0 turns remembering off), and shares what it computes through Django's "search" cache, so one
  worker's answer serves the others. `forget_all()` empties this process's memory.
"""

import hashlib
import threading
from collections import OrderedDict

from django.conf import settings
from django.core.cache import caches
from django.db import connection as default_connection

TABLE = "directory_version"
WATCHED = (
    "directory_service",
    "directory_location",
    "directory_address",
    "directory_serviceatlocation",
    "directory_service_taxonomy_terms",
    "directory_taxonomyterm",
    "directory_language",
    "directory_schedule",
    "accounts_organization",
)
_EVENTS = ("insert", "update", "delete")
SHARED_SECONDS = (
    24 * 3600
)  # the longest an answer is kept in the shared cache (it also ends when a day begins)


def _sqlite_statements() -> list[str]:
    statements = [
        f"CREATE TABLE {TABLE} (id integer NOT NULL PRIMARY KEY, token varchar(32) NOT NULL)",
        f"INSERT INTO {TABLE} (id, token) VALUES (1, lower(hex(randomblob(16))))",
    ]
    for table in WATCHED:
        for event in _EVENTS:
            statements.append(
                f"""CREATE TRIGGER {table}_{event}_version AFTER {event.upper()} ON {table} BEGIN
                    UPDATE {TABLE} SET token = lower(hex(randomblob(16))) WHERE id = 1;
                END"""
            )
    return statements


def _sqlite_drop() -> list[str]:
    drops = [f"DROP TRIGGER IF EXISTS {table}_{event}_version" for table in WATCHED for event in _EVENTS]
    return [*drops, f"DROP TABLE IF EXISTS {TABLE}"]


# PostgreSQL: one statement trigger per table (a bulk insert of 2,000 rows replaces the token once).
def _postgres_statements() -> list[str]:
    statements = [
        f"CREATE TABLE {TABLE} (id integer PRIMARY KEY, token varchar(32) NOT NULL)",
        f"INSERT INTO {TABLE} (id, token) VALUES (1, md5(random()::text || clock_timestamp()::text))",
        f"""CREATE FUNCTION directory_version_bump() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            UPDATE {TABLE} SET token = md5(random()::text || clock_timestamp()::text) WHERE id = 1;
            RETURN NULL;
        END $$""",
    ]
    for table in WATCHED:
        statements.append(
            f"""CREATE TRIGGER {table}_version AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON {table}
            FOR EACH STATEMENT EXECUTE FUNCTION directory_version_bump()"""
        )
    return statements


def _postgres_drop() -> list[str]:
    drops = [f"DROP TRIGGER IF EXISTS {table}_version ON {table}" for table in WATCHED]
    return [*drops, "DROP FUNCTION IF EXISTS directory_version_bump()", f"DROP TABLE IF EXISTS {TABLE}"]


def install(connection) -> None:
    """(Re-)creates the version table and its triggers (migration 0007)."""
    uninstall(connection)
    statements = _postgres_statements() if connection.vendor == "postgresql" else _sqlite_statements()
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)


def uninstall(connection) -> None:
    statements = _postgres_drop() if connection.vendor == "postgresql" else _sqlite_drop()
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)


def version() -> str | None:
    """The directory's version token now (None if its row is missing: then nothing is remembered)."""
    with default_connection.cursor() as cursor:
        cursor.execute(f"SELECT token FROM {TABLE} WHERE id = 1")
        row = cursor.fetchone()
    return row[0] if row else None


class AnswerStore:
    """A bounded, thread-safe, least-recently-used map from a search key to its answer."""

    def __init__(self):
        self._answers: OrderedDict = OrderedDict()
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0

    @staticmethod
    def capacity() -> int:
        return getattr(settings, "MEETPOINT_SEARCH_CACHE_ENTRIES", 2000)

    def get(self, key, now):
        """The answer under `key` if `now` lies in the time it holds for, else None."""
        with self._lock:
            entry = self._answers.get(key)
            if entry is None or not entry[0] <= now < entry[1]:
                self.misses += 1
                return None
            self._answers.move_to_end(key)
            self.hits += 1
            return entry[2]

    def put(self, key, answer, since, until) -> None:
        capacity = self.capacity()
        if capacity <= 0:
            return
        with self._lock:
            self._answers[key] = (since, until, answer)
            self._answers.move_to_end(key)
            while len(self._answers) > capacity:
                self._answers.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._answers.clear()
            self.hits = self.misses = 0

    def __len__(self) -> int:
        return len(self._answers)


answers = AnswerStore()


def remembered(key: tuple | None, now, compute):
    """The answer stored under `key` for `now`, or the one `compute()` gives, stored. `compute` returns the
    answer and the stretch of time (since, until) it holds for. A None key (no version) is never stored.

    Two levels: this process's own memory, then the cache shared by the server's processes (Django's "search"
    cache, a folder of files unless configured otherwise), so an answer one worker computed serves them all."""
    if key is None or AnswerStore.capacity() <= 0:
        return compute()[0]
    answer = answers.get(key, now)
    if answer is not None:
        return answer
    shared_key = _shared_key(key)
    entry = _shared().get(shared_key)
    if entry is not None and entry[0] <= now < entry[1]:
        since, until, answer = entry
        answers.put(key, answer, since, until)
        return answer
    answer, (since, until) = compute()
    answers.put(key, answer, since, until)
    seconds = min(SHARED_SECONDS, max(1, int((until - now).total_seconds())))
    _shared().set(shared_key, (since, until, answer), seconds)
    return answer


def _shared():
    return caches["search" if "search" in settings.CACHES else "default"]


def _shared_key(key: tuple) -> str:
    return "meetpoint.search." + hashlib.sha256(repr(key).encode()).hexdigest()


def forget_all() -> None:
    """Empties this process's memory (the shared cache keeps its entries: they are keyed by version)."""
    answers.clear()
