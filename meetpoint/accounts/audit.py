"""The audit log: who did what, for which organization, when and from where — append-only and hash-chained.

`record(...)` is the one way to write it. `verify_chain()` recomputes every hash and names the first entry that
does not match, which is how tampering (an edited, deleted or inserted row) is detected.
"""

import hashlib
import json

from django.db import transaction

from meetpoint.accounts.models import AuditChainHead, AuditEvent

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
    """Appends one event. Pass the request (for actor and address) or the membership/user acting."""
    if membership is None and request is not None:
        membership = getattr(request, "membership", None) or None
    if user is None:
        user = membership.user if membership else getattr(request, "user", None)
    if user is not None and not user.is_authenticated:
        user = None
    if organization is None and membership:
        organization = membership.organization
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or str(obj.pk)
    with transaction.atomic():
        head, _ = AuditChainHead.objects.select_for_update().get_or_create(pk=1)
        event = AuditEvent(
            actor=user,
            actor_name=user.get_username() if user else "",
            organization=organization,
            action=action,
            object_type=object_type,
            object_id=str(object_id),
            detail=detail or {},
            ip_address=client_ip(request),
            previous_hash=head.last_hash,
        )
        event.entry_hash = _entry_hash(head.last_hash, event)
        event.save()
        head.last_hash = event.entry_hash
        head.save(update_fields=["last_hash"])
    return event


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
