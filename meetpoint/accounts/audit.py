"""The audit log: who did what, for which organization, when and from where — append-only and hash-chained.

`record(...)` is the one way to write it; `record_list(...)` and `record_command(...)` are its two common shapes
(a read of a list, a command's summary). Changes made through pages and the API are logged centrally
(`audit_changes.py`). `verify_chain()` recomputes every hash and names the first entry that does not match, which
is how tampering (an edited, deleted or inserted row) is detected.
"""

import getpass
import hashlib
import json
import socket
from contextlib import contextmanager

from django.db import connection, transaction

from meetpoint.accounts.audit_changes import current_request
from meetpoint.accounts.models import AuditChainHead, AuditEvent, Organization

GENESIS = "0" * 64


def _entry_hash(previous_hash: str, event: AuditEvent) -> str:
    body = json.dumps(
        {
            "previous": previous_hash,
            "at": event.at.isoformat(),
            "actor": event.actor_name,
            "organization": str(event.organization_id or ""),
            "action": event.action,
            "object_type": event.object_type,
            "object_id": event.object_id,
            "detail": event.detail,
            "ip": event.ip_address or "",
        },
        sort_keys=True,
        separators=(",", ":"),
        default=str,
    )
    return hashlib.sha256(body.encode()).hexdigest()


def client_ip(request) -> str | None:
    return request.META.get("REMOTE_ADDR") if request is not None else None


def record(
    action: str,
    *,
    request=None,
    membership=None,
    user=None,
    organization=None,
    obj=None,
    object_type: str = "",
    object_id: str = "",
    detail: dict | None = None,
) -> AuditEvent:
    """Appends one event, in the caller's transaction. Pass the request (for actor and address) or the
    membership/user acting; within a request the address is taken from it either way. The organization is the
    acting one, else the object's own."""
    if request is None:
        request = current_request()
    if membership is None and request is not None:
        membership = getattr(request, "membership", None) or None
    if user is None:
        user = membership.user if membership else getattr(request, "user", None)
    if user is not None and not user.is_authenticated:
        user = None
    organization_id = organization.pk if organization is not None else None
    if organization_id is None and membership:
        organization_id = membership.organization_id
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or str(obj.pk)
        if organization_id is None:
            organization_id = (
                obj.pk if isinstance(obj, Organization) else getattr(obj, "organization_id", None)
            )
    # No savepoint: an event is written while the statement it describes may still be open (SQLite refuses a
    # savepoint then), and a failure to log must undo the change anyway.
    with transaction.atomic(savepoint=False):
        previous = lock_chain_head()
        event = AuditEvent(
            actor=user,
            actor_name=user.get_username() if user else "",
            organization_id=organization_id,
            action=action,
            object_type=object_type,
            object_id=str(object_id),
            detail=detail or {},
            # A visitor who is not signed in (a survey answer, a public sign-up) is not tied to an address.
            ip_address=client_ip(request) if user is not None else None,
            previous_hash=previous,
        )
        event.entry_hash = _entry_hash(previous, event)
        event.save()
        _move_chain_head(event.entry_hash)
    return event


# The chain head is read and moved with plain SQL: it happens for every event, and a change made in a request
# writes one event per object, so the ORM's per-query cost would show.
def lock_chain_head() -> str:
    """The newest entry's hash, with the head row locked until the transaction ends (PostgreSQL; SQLite's
    writer lock serializes by itself)."""
    table = connection.ops.quote_name(AuditChainHead._meta.db_table)
    lock = " FOR UPDATE" if connection.features.has_select_for_update else ""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT last_hash FROM {table} WHERE id = 1{lock}")  # noqa: S608 — model's table name
        row = cursor.fetchone()
    if row is not None:
        return row[0]
    AuditChainHead.objects.bulk_create([AuditChainHead(pk=1)], ignore_conflicts=True)
    return lock_chain_head()


def _move_chain_head(last_hash: str) -> None:
    table = connection.ops.quote_name(AuditChainHead._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {table} SET last_hash = %s WHERE id = 1", [last_hash])  # noqa: S608


def record_list(
    action: str, *, request, count: int, membership=None, filters: dict | None = None
) -> AuditEvent:
    """A read of a list of participant-level or referral records: one event with the count and the filters used,
    never one per row."""
    used = {name: str(value) for name, value in (filters or {}).items() if value not in (None, "")}
    return record(action, request=request, membership=membership, detail={"count": count, "filters": used})


def _operator() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no name for this uid (some containers)
        return ""


@contextmanager
def command_transaction():
    """A command's transaction that will end with an audit event: it takes the audit chain's lock first, in the
    same order as requests do (chain head, then rows), so a command and a request never deadlock."""
    with transaction.atomic():
        lock_chain_head()
        yield


def record_command(action: str, *, command: str, organization=None, detail: dict | None = None) -> AuditEvent:
    """One summary event for a command-line run (an import, a restore, an export): which command, who ran it on
    which host, and what it did (counts, file names). Commands do not log the rows they write one by one."""
    return record(
        action,
        organization=organization,
        detail={"command": command, "run_by": _operator(), "host": socket.gethostname(), **(detail or {})},
    )


def verify_chain() -> tuple[bool, str]:
    """(True, summary) when every entry's hash matches its content and its predecessor; else (False, where)."""
    previous = GENESIS
    count = 0
    for event in AuditEvent.objects.order_by("id").iterator(chunk_size=2000):
        if event.previous_hash != previous:
            return (
                False,
                f"entry {event.id}: its link to the previous entry is broken (a row was removed or inserted)",
            )
        if _entry_hash(previous, event) != event.entry_hash:
            return False, f"entry {event.id}: its content does not match its hash (the row was edited)"
        previous = event.entry_hash
        count += 1
    head = AuditChainHead.objects.filter(pk=1).first()
    if head is not None and head.last_hash != previous:
        return False, "the newest entries were removed (the chain head does not match the last entry)"
    return True, f"{count} entries verified"
