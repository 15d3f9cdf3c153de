"""Every change made through a page or the API lands in the audit log, from one place rather than from each view.

While a request runs (`AuditScopeMiddleware`), two sources feed the log:

- **Model saves.** `post_save` logs `<app>.<model>.created` or `.updated` with the object's type and id (and, when
  the save named them, the fields written; never their values) for every model of Meetpoint's apps.
- **Statements that send no signal.** An observer of the request's SQL logs every other INSERT, UPDATE or DELETE
  of an audited table — `QuerySet.update()`, `bulk_create()`, deletes (with their cascades), many-to-many
  changes, raw SQL — as one event per statement: `<app>.<model>.created|updated|deleted` with the number of
  rows, the columns an update set, and the id where the statement names one primary key. So a bulk write in a
  request is never silent: it is one summary event, not one per row.

Each event is written in the same transaction as the change it describes: a change that is rolled back leaves no
event behind, and an event never describes a change that did not happen.

Changes made outside a request (commands, migrations, `load_demo`, test factories) are not logged row by row;
the commands that write in bulk log one summary event each (`audit.record_command`).
"""

from __future__ import annotations

import contextvars
import re
from collections import Counter
from contextlib import contextmanager
from dataclasses import dataclass, field

from django.apps import apps
from django.db import connection
from django.db.models.signals import post_save, pre_save

# Tables whose changes are not logged, each with the reason. Keep this list short: a model missing from it is
# audited, and meetpoint/accounts/tests/test_audit_coverage.py fails for a new model that is in neither place.
NOT_AUDITED = {
    "accounts.auditevent": "the audit log itself (append-only, hash-chained)",
    "accounts.auditchainhead": "the audit chain's head, rewritten with every event",
    "accounts.signinfailure": "a short-lived lockout counter of failed sign-ins, deleted as it ages",
    "outreach.dailyencountertotal": "a daily roll-up, derived from encounters (`meetpoint rebuild_rollups`)",
    "outreach.dailysupplytotal": "a daily roll-up, derived from encounter supplies (`meetpoint rebuild_rollups`)",
}

# Columns that are bookkeeping, not a change anyone makes: an update that writes only these is not logged.
BOOKKEEPING_COLUMNS = {
    "accounts.apitoken": {"last_used"},  # touched by every API call the token makes
    "inventory.stocklot": {"on_hand"},  # cached balance; the ledger entries that move it are logged
}

_WRITE = re.compile(r'^\s*(INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+"?(\w+)"?', re.IGNORECASE)
_FROM = re.compile(r'\sFROM\s+"?(\w+)"?')
_SET_COLUMN = re.compile(r'(?:\bSET|,)\s*"(\w+)"\s*=')
VERBS = {"INSERT": "created", "UPDATE": "updated", "DELETE": "deleted"}
MAX_IDS = 50


@dataclass
class AuditScope:
    """What the log needs to know about the request in progress."""

    request: object
    saving: Counter = field(default_factory=Counter)  # table -> saves between pre_save and post_save
    deferred: list = field(default_factory=list)  # events to write once no statement is in progress
    writing: bool = False  # while the log itself is being written


_current: contextvars.ContextVar[AuditScope | None] = contextvars.ContextVar("audit_scope", default=None)


def current_request():
    """The request being handled on this thread, or None (commands, migrations, tests' factories)."""
    scope = _current.get()
    return scope.request if scope else None


def meetpoint_models() -> list:
    """Every concrete model of Meetpoint's own apps, many-to-many tables included."""
    return [
        model
        for model in apps.get_models(include_auto_created=True)
        if model._meta.app_config.name.startswith("meetpoint.") and not model._meta.proxy
    ]


def audited_models() -> list:
    return [model for model in meetpoint_models() if model._meta.label_lower not in NOT_AUDITED]


_tables: dict[str, object] = {}


def _audited_table(table: str):
    if not _tables:
        _tables.update({model._meta.db_table: model for model in audited_models()})
    return _tables.get(table)


@contextmanager
def request_scope(request):
    """Logs the changes made while the block runs as made by this request's user, organization and address."""
    scope = AuditScope(request)
    token = _current.set(scope)
    try:
        with connection.execute_wrapper(_observe):
            yield scope
        _flush(scope)
    finally:
        _current.reset(token)


def _write(scope: AuditScope, action: str, *, obj=None, model=None, object_id="", detail=None) -> None:
    from meetpoint.accounts import audit

    scope.writing = True
    try:
        audit.record(
            action,
            request=scope.request,
            obj=obj,
            object_type=model._meta.label_lower if model is not None else "",
            object_id=object_id,
            detail=detail,
        )
    finally:
        scope.writing = False


def _flush(scope: AuditScope) -> None:
    while scope.deferred:
        action, model, object_id, detail = scope.deferred.pop(0)
        _write(scope, action, model=model, object_id=object_id, detail=detail)


# ---- model saves ------------------------------------------------------------------------------------------


def _before_save(sender, instance, **kwargs) -> None:
    scope = _current.get()
    if scope is not None and not kwargs.get("raw"):
        scope.saving[sender._meta.db_table] += 1


def _after_save(sender, instance, created, update_fields=None, raw=False, **kwargs) -> None:
    scope = _current.get()
    if scope is None or raw:
        return
    table = sender._meta.db_table
    if scope.saving[table] > 0:
        scope.saving[table] -= 1
    label = sender._meta.label_lower
    fields = sorted(update_fields) if update_fields else []
    if fields and set(fields) <= BOOKKEEPING_COLUMNS.get(label, set()):
        return
    _write(
        scope,
        f"{label}.{'created' if created else 'updated'}",
        obj=instance,
        detail={"fields": fields} if fields else None,
    )


# ---- statements that send no signal ---------------------------------------------------------------------


def _observe(execute, sql, params, many, context):
    scope = _current.get()
    if scope is None or scope.writing:
        return execute(sql, params, many, context)
    found = _WRITE.match(sql)
    model = _audited_table(found.group(2)) if found else None
    if model is None:
        if "FOR UPDATE" in sql or "FOR NO KEY UPDATE" in sql:  # a locking read (Django writes it upper case)
            locked = _FROM.search(sql)
            if locked and _audited_table(locked.group(1)) is not None:
                _lock_chain_first(scope, context["connection"])
        return execute(sql, params, many, context)
    _lock_chain_first(scope, context["connection"])
    table = model._meta.db_table
    try:
        result = execute(sql, params, many, context)
    except Exception:
        if scope.saving[table] > 0:
            scope.saving[table] -= 1  # the save failed: no post_save will come for it
        raise
    if scope.saving[table] > 0:
        return result  # a model save: post_save logs it with the object's id
    cursor = context["cursor"]
    verb = VERBS[found.group(1).split()[0].upper()]
    rows = _row_count(verb, sql, params, many, cursor)
    if rows == 0:
        return result
    detail: dict = {"rows": rows} if rows is not None else {}
    if verb == "updated":
        columns = _set_columns(sql)
        if columns and set(columns) <= BOOKKEEPING_COLUMNS.get(model._meta.label_lower, set()):
            return result
        detail["columns"] = columns
    ids = [] if many else _named_ids(model, sql, params)
    if len(ids) > 1:
        detail["ids"] = ids[:MAX_IDS]
    object_id = ids[0] if len(ids) == 1 else ""
    action = f"{model._meta.label_lower}.{verb}"
    if context["connection"].in_atomic_block or cursor.description is None:
        _write(scope, action, model=model, object_id=object_id, detail=detail)
    else:
        # Rows are still to be fetched from this statement, and SQLite opens no transaction until it ends.
        scope.deferred.append((action, model, object_id, detail))
    return result


def _lock_chain_first(scope: AuditScope, db) -> None:
    """Takes the chain head's lock before the transaction locks any audited row (PostgreSQL). The head is locked
    by the first event anyway and held until commit; taking it first gives every transaction the same lock order,
    so two requests never wait on each other's rows and chain head at once (a deadlock)."""
    if not (db.in_atomic_block and db.features.has_select_for_update):
        return
    from meetpoint.accounts import audit

    scope.writing = True
    try:
        audit.lock_chain_head()
    finally:
        scope.writing = False


def _row_count(verb: str, sql: str, params, many: bool, cursor) -> int | None:
    """Rows the statement wrote, or None when the driver cannot tell (the event is written all the same).
    An INSERT that returns rows has no row count yet (SQLite): its values are counted instead."""
    if cursor.description is None and cursor.rowcount is not None and cursor.rowcount >= 0:
        return cursor.rowcount
    sized = isinstance(params, (list, tuple))
    if many:
        return len(params) if sized else None
    if verb == "created" and sized and params:
        columns = sql[: sql.upper().find("VALUES")].count('"') // 2 - 1  # quoted names less the table's
        return len(params) // columns if columns > 0 else None
    return 1 if verb == "created" else None


def _set_columns(sql: str) -> list[str]:
    head = re.split(r"\sWHERE\s", sql, maxsplit=1, flags=re.IGNORECASE)[0]
    return sorted(set(_SET_COLUMN.findall(head)))


def _named_ids(model, sql: str, params) -> list[str]:
    """The primary keys a statement names in `WHERE "table"."pk" = %s` or `IN (%s, ...)`, else []."""
    if not params or not isinstance(params, (list, tuple)):
        return []
    meta = model._meta
    pattern = rf'"{re.escape(meta.db_table)}"\."{re.escape(meta.pk.column)}"\s*(=|IN)\s*\(?'
    where = re.search(r"\sWHERE\s", sql, flags=re.IGNORECASE)
    if where is None:
        return []
    found = re.search(pattern, sql[where.end() :])
    if found is None:
        return []
    start = where.end() + found.end()
    first = sql.count("%s", 0, start)
    if found.group(1) == "=":
        values = list(params[first : first + 1])
    else:
        closing = sql.find(")", start)
        values = list(params[first : first + sql.count("%s", start, closing)])
    try:
        return [str(meta.pk.to_python(value)) for value in values]
    except Exception:  # a value this field cannot read back: keep the statement's count only
        return []


def connect() -> None:
    """Called once from AccountsConfig.ready(): listens to the saves of every audited model."""
    for model in audited_models():
        if model._meta.auto_created:
            continue  # many-to-many rows are written by statements, which the observer sees
        pre_save.connect(_before_save, sender=model, dispatch_uid=f"audit-pre-{model._meta.label_lower}")
        post_save.connect(_after_save, sender=model, dispatch_uid=f"audit-post-{model._meta.label_lower}")


def is_audited(model) -> bool:
    """True when changes to the model are logged in a request (the coverage test asks this of every model)."""
    label = model._meta.label_lower
    if label in NOT_AUDITED or not model._meta.app_config.name.startswith("meetpoint."):
        return False
    if _audited_table(model._meta.db_table) is not model:
        return False
    return model._meta.auto_created or post_save.has_listeners(model)
