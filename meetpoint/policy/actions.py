"""Every write of the policy tracker. The owning organization's admin and staff edit its policies; any
partner's admin may sign its own organization on."""

from datetime import date

from django.db import transaction
from django.utils.translation import gettext as _

from meetpoint.accounts import audit
from meetpoint.accounts.models import Membership, Organization
from meetpoint.accounts.roles import Role, may_edit
from meetpoint.forms_flow import InvalidInput, NotAllowed
from meetpoint.policy.models import (
    ActionKind,
    AdvocacyAction,
    Policy,
    PolicyKind,
    Position,
    SourceLink,
    Status,
    StatusEvent,
    Topic,
)
from meetpoint.policy.timeline import goes_backwards


def _require_owner_editor(membership: Membership, policy: Policy | None = None) -> None:
    if not membership or not may_edit(membership.role):
        raise NotAllowed(_("Only admin and staff members may do this."))
    if policy is not None and policy.organization_id != membership.organization_id:
        raise NotAllowed(_("Only the organization that tracks this policy may change it."))


def _clean(fields: dict) -> dict:
    cleaned = dict(fields)
    for name in ("title", "jurisdiction"):
        if name in cleaned:
            cleaned[name] = (cleaned[name] or "").strip()
            if not cleaned[name]:
                raise InvalidInput(name, _("This is required."))
    choices = {"kind": PolicyKind, "topic": Topic, "position": Position}
    for name, enum in choices.items():
        if name in cleaned and cleaned[name] not in enum.values:
            raise InvalidInput(
                name, _("Unknown %(name)s %(value)r.") % {"name": name, "value": cleaned[name]}
            )
    return cleaned


def create_policy(
    membership: Membership,
    *,
    status: str = "",
    status_date: date | None = None,
    note: str = "",
    **fields,
) -> Policy:
    """A policy the acting organization tracks, optionally with its first status."""
    _require_owner_editor(membership)
    for required in ("title", "kind", "topic", "jurisdiction"):
        fields.setdefault(required, "")
    cleaned = _clean(fields)
    if status and status not in Status.values:
        raise InvalidInput("status", _("Unknown status %(s)r.") % {"s": status})
    if status and not isinstance(status_date, date):
        raise InvalidInput("status_date", _("Give the date of the status."))
    with transaction.atomic():
        policy = Policy.objects.create(organization=membership.organization, **cleaned)
        if status:
            _add_status(membership, policy, status, status_date, note)
        audit.record(
            "policy.created",
            membership=membership,
            obj=policy,
            detail={"title": policy.title, "status": status},
        )
    return policy


def update_policy(membership: Membership, policy: Policy, **fields) -> Policy:
    _require_owner_editor(membership, policy)
    cleaned = _clean(fields)
    with transaction.atomic():
        for name, value in cleaned.items():
            setattr(policy, name, value)
        policy.save()
        audit.record("policy.updated", membership=membership, obj=policy, detail={"fields": sorted(cleaned)})
    return policy


def _add_status(membership, policy: Policy, status: str, when: date, note: str) -> StatusEvent:
    event = StatusEvent.objects.create(
        policy=policy, status=status, date=when, note=note, recorded_by=membership.user
    )
    policy.status, policy.status_date = status, when
    policy.save(update_fields=["status", "status_date", "updated"])
    return event


def record_status(
    membership: Membership, policy: Policy, *, status: str, date: date, note: str = ""
) -> StatusEvent:
    """A status change, as an event on the timeline. Going backwards (e.g. passed → in committee, or
    reviving a failed bill) needs a note saying why."""
    _require_owner_editor(membership, policy)
    note = (note or "").strip()
    if status not in Status.values:
        raise InvalidInput("status", _("Unknown status %(s)r.") % {"s": status})
    if not hasattr(date, "isoformat"):
        raise InvalidInput("date", _("Give the date of the status change."))
    if goes_backwards(policy.status, status) and not note:
        raise InvalidInput(
            "note",
            _("Going from %(old)s back to %(new)s needs a note saying why.")
            % {"old": Status(policy.status).label, "new": Status(status).label},
        )
    with transaction.atomic():
        event = _add_status(membership, policy, status, date, note)
        audit.record(
            "policy.status.recorded",
            membership=membership,
            obj=policy,
            detail={"status": status, "date": date.isoformat()},
        )
        return event


def add_action(
    membership: Membership,
    policy: Policy,
    *,
    kind: str,
    date: date,
    description: str,
    organization_id=None,
) -> AdvocacyAction:
    """Testimony, a letter, a meeting…: by the owner or (by default) the acting organization."""
    _require_owner_editor(membership, policy)
    if kind not in ActionKind.values:
        raise InvalidInput("kind", _("Unknown kind of action %(k)r.") % {"k": kind})
    description = (description or "").strip()
    if not description:
        raise InvalidInput("description", _("Say what was done."))
    organization = membership.organization
    if organization_id:
        organization = Organization.objects.filter(pk=organization_id).first()
        if organization is None:
            raise InvalidInput("organization", _("Not a known partner organization."))
    with transaction.atomic():
        action = AdvocacyAction.objects.create(
            policy=policy, kind=kind, date=date, description=description, organization=organization
        )
        audit.record(
            "policy.action.added",
            membership=membership,
            obj=action,
            detail={"policy": policy.title, "kind": kind, "by": organization.name},
        )
        return action


def add_link(membership: Membership, policy: Policy, *, title: str, url: str) -> SourceLink:
    _require_owner_editor(membership, policy)
    title = (title or "").strip()
    if not title:
        raise InvalidInput("title", _("Give the link a title."))
    if not (url or "").startswith(("http://", "https://")):
        raise InvalidInput("url", _("A link starts with http:// or https://."))
    with transaction.atomic():
        link = SourceLink.objects.create(policy=policy, title=title[:200], url=url)
        audit.record("policy.link.added", membership=membership, obj=link, detail={"policy": policy.title})
        return link


def record_sign_ons(membership: Membership, policy: Policy, organization_ids) -> Policy:
    """The owner records which partners signed on (e.g. to a letter of support)."""
    _require_owner_editor(membership, policy)
    ids = {str(i) for i in organization_ids}
    found = list(Organization.objects.filter(pk__in=ids))
    if len(found) != len(ids):
        raise InvalidInput("signed_on", _("A partner is not a known organization."))
    with transaction.atomic():
        policy.signed_on.set(found)
        audit.record(
            "policy.sign_ons.recorded",
            membership=membership,
            obj=policy,
            detail={"signed_on": sorted(organization.name for organization in found)},
        )
    return policy


def sign_on(membership: Membership, policy: Policy, *, signed: bool = True) -> Policy:
    """A partner's admin signs its own organization on to the coalition's position (or withdraws)."""
    if not membership or membership.role != Role.ADMIN:
        raise NotAllowed(_("Only an admin may sign an organization on."))
    with transaction.atomic():
        if signed:
            policy.signed_on.add(membership.organization)
        else:
            policy.signed_on.remove(membership.organization)
        audit.record(
            "policy.signed_on" if signed else "policy.sign_on.withdrawn",
            membership=membership,
            obj=policy,
            detail={"policy": policy.title},
        )
    return policy
