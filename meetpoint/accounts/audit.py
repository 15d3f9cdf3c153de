"""The audit log: who did what, for which organization, when and from where — append-only and hash-chained.

Each action writes the one event a person would name ("outreach.encounter.recorded", "referral.accepted"), in
its own transaction, through `record(...)`; `record_list(...)` and `record_command(...)` are its two common shapes
(a read of a list, a command's summary). Pages, the API, commands and cron reach the same actions, so they write
the same events; nothing guesses writes from SQL.

Every organization has its own chain (events of no organization — a site administrator's, a public visitor's —
form the network's chain), so an append waits only for another append of the same organization. An event keeps
its organization's id and name even after the organization is gone. `verify_chain()` recomputes every chain and
names the first entry that does not match, which is how tampering (an edited, deleted or inserted row) is
detected.
"""

import contextvars
import getpass
import hashlib
import json
import socket
from contextlib import contextmanager

from django.db import connection, transaction

from meetpoint.accounts.models import AuditChainHead, AuditEvent, Organization

GENESIS = "0" * 64
NETWORK_CHAIN = "network"  # events that belong to no organization
LEGACY_CHAIN = ""  # the single chain every event joined before organizations had their own

_request: contextvars.ContextVar = contextvars.ContextVar("audit_request", default=None)


@contextmanager
def request_scope(request):
    """Events written while the block runs are by this request's user and from its address
    (`AuditRequestMiddleware` wraps every request in it)."""
    token = _request.set(request)
    try:
        yield
    finally:
        _request.reset(token)


def current_request():
    """The request being handled on this thread, or None (commands, cron, tests' factories)."""
    return _request.get()


def chain_of(organization_id) -> str:
    return str(organization_id) if organization_id else NETWORK_CHAIN


def _entry_hash(previous_hash: str, event: AuditEvent) -> str:
    content = {
        "previous": previous_hash,
        "at": event.at.isoformat(),
        "actor": event.actor_name,
        "organization": str(event.organization_id or ""),
        "action": event.action,
        "object_type": event.object_type,
        "object_id": event.object_id,
        "detail": event.detail,
        "ip": event.ip_address or "",
    }
    if event.chain != LEGACY_CHAIN:  # entries of the single chain were hashed without these
        content["chain"] = event.chain
        content["organization_name"] = event.organization_name
    body = json.dumps(content, sort_keys=True, separators=(",", ":"), default=str)
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
    one given, else the acting one, else the object's own."""
    if request is None:
        request = current_request()
    if membership is None and request is not None:
        membership = getattr(request, "membership", None) or getattr(request, "auth", None) or None
        if membership is not None and not hasattr(membership, "organization_id"):
            membership = None  # request.auth of a session-only call is the user, not a membership
    if user is None:
        user = membership.user if membership else getattr(request, "user", None)
    if user is not None and not user.is_authenticated:
        user = None
    if organization is None and membership:
        organization = membership.organization
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or str(obj.pk)
        if organization is None:
            organization = obj if isinstance(obj, Organization) else getattr(obj, "organization", None)
    organization_id = organization.pk if organization is not None else None
    chain = chain_of(organization_id)
    # No savepoint: a failure to log must undo the change it describes.
    with transaction.atomic(savepoint=False):
        previous = lock_chain_head(chain)
        event = AuditEvent(
            actor=user,
            actor_name=user.get_username() if user else "",
            organization_id=organization_id,
            organization_name=organization.name if organization is not None else "",
            chain=chain,
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
        _move_chain_head(chain, event.entry_hash)
    return event


# The chain head is read and moved with plain SQL: it happens for every event.
def lock_chain_head(chain: str) -> str:
    """The chain's newest entry hash, with its head row locked until the transaction ends (PostgreSQL;
    SQLite's writer lock serializes by itself). Only appends to the same chain wait for each other."""
    table = connection.ops.quote_name(AuditChainHead._meta.db_table)
    lock = " FOR UPDATE" if connection.features.has_select_for_update else ""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT last_hash FROM {table} WHERE chain = %s{lock}", [chain])  # noqa: S608
        row = cursor.fetchone()
    if row is not None:
        return row[0]
    AuditChainHead.objects.bulk_create([AuditChainHead(chain=chain)], ignore_conflicts=True)
    return lock_chain_head(chain)


def _move_chain_head(chain: str, last_hash: str) -> None:
    table = connection.ops.quote_name(AuditChainHead._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {table} SET last_hash = %s WHERE chain = %s", [last_hash, chain])  # noqa: S608


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
def command_transaction(organization=None):
    """A transaction that will write several events of one organization (a command, a batch): it takes that
    chain's lock first, so two such transactions of one organization never hold each other's rows and chain
    head at once (a deadlock). Other organizations' transactions do not wait for it."""
    with transaction.atomic():
        lock_chain_head(chain_of(organization.pk if organization is not None else None))
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
    """(True, summary) when every entry's hash matches its content and its predecessor in its chain, and every
    chain's head names its newest entry; else (False, where)."""
    previous: dict[str, str] = {}
    count = 0
    for event in AuditEvent.objects.order_by("id").iterator(chunk_size=2000):
        before = previous.get(event.chain, GENESIS)
        if event.previous_hash != before:
            return (
                False,
                f"entry {event.id}: its link to the previous entry is broken (a row was removed or inserted)",
            )
        if event.chain not in (LEGACY_CHAIN, chain_of(event.organization_id)):
            return False, f"entry {event.id}: it was moved to another organization's chain"
        if _entry_hash(before, event) != event.entry_hash:
            return False, f"entry {event.id}: its content does not match its hash (the row was edited)"
        previous[event.chain] = event.entry_hash
        count += 1
    for head in AuditChainHead.objects.all():
        if head.last_hash != previous.get(head.chain, GENESIS):
            return (
                False,
                f"the newest entries of chain {head.chain or 'legacy'} were removed (its head does not match)",
            )
    chains = len([chain for chain in previous if chain != LEGACY_CHAIN])
    return True, f"{count} entries verified in {chains} chain{'s' if chains != 1 else ''}"


ADMIN_VERBS = {
    1: "added",
    2: "changed",
    3: "deleted",
}  # django.contrib.admin.models ADDITION, CHANGE, DELETION


def record_admin_change(sender, instance, created: bool, raw: bool = False, **kwargs) -> None:
    """A change made in the Django admin (connected to its LogEntry in AccountsConfig.ready): one event naming
    the object, in the admin's transaction. The admin's own change message says which fields, never values."""
    if not created or raw:
        return
    model = instance.content_type.model_class() if instance.content_type_id else None
    label = model._meta.label_lower if model is not None else "unknown"
    organization = None
    if model is not None and instance.action_flag != 3:
        obj = model._default_manager.filter(pk=instance.object_id).first()
        organization = obj if isinstance(obj, Organization) else getattr(obj, "organization", None)
        if not isinstance(organization, Organization):
            organization = None
    elif model is Organization:
        organization = Organization(pk=instance.object_id, name=instance.object_repr)
    record(
        f"admin.{label}.{ADMIN_VERBS.get(instance.action_flag, 'changed')}",
        user=instance.user,
        organization=organization,
        object_type=label,
        object_id=str(instance.object_id or ""),
        detail={"object": instance.object_repr, "change": instance.get_change_message()},
    )
