"""Every write of invitations: naming another organization as co-host of an event, or partner of a take-back
event, only invites it. Its admin accepts (from then on it is shown as co-host or partner) or declines, as a
sharing agreement's recipient does; the inviting organization's admin or staff may withdraw. Each step is in
the audit log and is mailed to the organization that has to know."""

import uuid

from django.conf import settings
from django.core.mail import send_mass_mail
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from meetpoint.accounts import audit
from meetpoint.accounts.models import Membership, Organization
from meetpoint.accounts.roles import EDITING_ROLES, Role, may_edit
from meetpoint.education.models import Event, Invitation, TakeBackEvent
from meetpoint.forms_flow import InvalidInput, NotAllowed

Status = Invitation.Status
LIVE = frozenset({Status.PENDING, Status.ACCEPTED})  # what an organizer's list of names keeps
_VERBS = {Status.ACCEPTED: "accept", Status.DECLINED: "decline", Status.WITHDRAWN: "withdraw"}


def _subject_field(subject: Event | TakeBackEvent) -> str:
    return "event" if isinstance(subject, Event) else "take_back"


def _organizer_id(subject: Event | TakeBackEvent):
    return subject.host_id if isinstance(subject, Event) else subject.organization_id


def _role_name(subject: Event | TakeBackEvent) -> str:
    return _("co-host") if isinstance(subject, Event) else _("partner")


def _require_organizer(membership: Membership, subject: Event | TakeBackEvent) -> None:
    if not membership or not may_edit(membership.role):
        raise NotAllowed(_("Only admin and staff members may do this."))
    if _organizer_id(subject) != membership.organization_id:
        raise NotAllowed(_("Only the organization that organizes it may invite or withdraw an invitation."))


def invitable(membership: Membership, organization_ids, *, field: str) -> list[Organization]:
    """The organizations named by `organization_ids`, checked: each an id of a known organization with an admin
    who can answer, none of them the acting organization. Named twice is named once."""
    ids = []
    for value in organization_ids or ():
        try:
            ids.append(uuid.UUID(str(value)))
        except ValueError:
            raise InvalidInput(field, _("%(value)r is not an organization id.") % {"value": value}) from None
    ids = list(dict.fromkeys(ids))
    if membership.organization_id in ids:
        raise InvalidInput(
            field, _("Your own organization organizes it: invite other organizations, not your own.")
        )
    found = Organization.objects.in_bulk(ids)
    unknown = [str(value) for value in ids if value not in found]
    if unknown:
        raise InvalidInput(field, _("No organization has the id %(id)s.") % {"id": ", ".join(unknown)})
    with_admin = set(
        Membership.objects.filter(organization_id__in=ids, role=Role.ADMIN).values_list(
            "organization_id", flat=True
        )
    )
    for value in ids:
        if value not in with_admin:
            raise InvalidInput(
                field,
                _("%(name)s has no admin in Meetpoint who could answer an invitation.")
                % {"name": found[value].name},
            )
    return [found[value] for value in ids]


def set_invited(
    membership: Membership, subject: Event | TakeBackEvent, organizations: list[Organization], *, request=None
) -> None:
    """Makes `organizations` the ones the organizer names (its event form's list): invites those not invited
    yet (or again, after a decline or withdrawal), withdraws those no longer named, leaves the others as
    they are. Runs inside the caller's transaction."""
    _require_organizer(membership, subject)
    current = {
        invitation.organization_id: invitation
        for invitation in Invitation.objects.filter(**{_subject_field(subject): subject})
    }
    named = {organization.pk for organization in organizations}
    for organization in organizations:
        invitation = current.get(organization.pk)
        if invitation is None or invitation.status not in LIVE:
            _send(membership, subject, organization, invitation, request)
    for organization_id, invitation in current.items():
        if organization_id not in named and invitation.status in LIVE:
            _close(membership, invitation, Status.WITHDRAWN, request)
    _forget_cached_invitations(subject)


def invite(
    membership: Membership, subject: Event | TakeBackEvent, organization_id, *, request=None
) -> Invitation:
    """One more organization invited; one already invited, or already co-hosting, is a 409."""
    _require_organizer(membership, subject)
    (organization,) = invitable(membership, [organization_id], field="organization_id")
    with transaction.atomic():
        existing = Invitation.objects.select_for_update().filter(
            **{_subject_field(subject): subject}, organization=organization
        )
        existing = existing.first()
        if existing is not None and existing.status in LIVE:
            raise InvalidInput(
                "organization_id",
                _("%(name)s is already invited (%(status)s).")
                % {"name": organization.name, "status": existing.get_status_display().lower()},
                409,
            )
        invitation = _send(membership, subject, organization, existing, request)
    _forget_cached_invitations(subject)
    return invitation


def accept(membership: Membership, invitation: Invitation, *, request=None) -> Invitation:
    """The invited organization's admin accepts: from now on it is shown as co-host or partner."""
    return _answer(membership, invitation, Status.ACCEPTED, from_states={Status.PENDING}, request=request)


def decline(membership: Membership, invitation: Invitation, *, request=None) -> Invitation:
    """The invited organization's admin declines, or steps back after accepting."""
    return _answer(membership, invitation, Status.DECLINED, from_states=LIVE, request=request)


def withdraw(membership: Membership, invitation: Invitation, *, request=None) -> Invitation:
    """The organizer takes the invitation back (a co-host that had accepted is no longer shown)."""
    if not membership or membership.organization_id != invitation.inviter_id:
        raise NotAllowed(
            _("Only the inviting organization withdraws an invitation; the invited one declines.")
        )
    if not may_edit(membership.role):
        raise NotAllowed(_("Only admin and staff members may do this."))
    with transaction.atomic():
        locked = _locked(invitation, from_states=LIVE)
        return _close(membership, locked, Status.WITHDRAWN, request)


def _answer(membership, invitation: Invitation, status: str, *, from_states, request) -> Invitation:
    if not membership or membership.organization_id != invitation.organization_id:
        raise NotAllowed(_("Only the invited organization answers an invitation."))
    if membership.role != Role.ADMIN:
        raise NotAllowed(
            _("Only an admin of %(name)s may accept or decline an invitation.")
            % {"name": membership.organization.name}
        )
    with transaction.atomic():
        locked = _locked(invitation, from_states=from_states)
        return _close(membership, locked, status, request)


def _locked(invitation: Invitation, *, from_states) -> Invitation:
    locked = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if locked.status not in from_states:
        raise InvalidInput(
            "invitation",
            _("This invitation is already %(status)s.") % {"status": locked.get_status_display().lower()},
            409,
        )
    return locked


def _forget_cached_invitations(subject) -> None:
    """A prefetched list of the subject's invitations is out of date once they change."""
    getattr(subject, "_prefetched_objects_cache", {}).pop("invitations", None)


def _send(membership, subject, organization, existing: Invitation | None, request) -> Invitation:
    fields = {
        "status": Status.PENDING,
        "invited_by": membership.user,
        "invited_at": timezone.now(),
        "answered_by": None,
        "answered_at": None,
    }
    if existing is None:
        try:
            with transaction.atomic():
                invitation = Invitation.objects.create(
                    **{_subject_field(subject): subject}, organization=organization, **fields
                )
        except IntegrityError:  # invited a moment ago, by someone else of the organizer
            raise InvalidInput(
                "organization", _("%(name)s is already invited.") % {"name": organization.name}, 409
            ) from None
    else:
        invitation = existing
        for name, value in fields.items():
            setattr(invitation, name, value)
        invitation.save()
    _record("education.invitation.send", membership, invitation, request)
    _mail(
        invitation.organization,
        {Role.ADMIN},
        _("%(inviter)s invites %(invited)s to be %(role)s of “%(title)s”")
        % {
            "inviter": membership.organization.name,
            "invited": organization.name,
            "role": _role_name(subject),
            "title": subject.title,
        },
    )
    return invitation


def _close(membership, invitation: Invitation, status: str, request) -> Invitation:
    invitation.status = status
    invitation.answered_by = membership.user
    invitation.answered_at = timezone.now()
    invitation.save(update_fields=["status", "answered_by", "answered_at"])
    _record(f"education.invitation.{_VERBS[status]}", membership, invitation, request)
    told = invitation.organization if status == Status.WITHDRAWN else invitation.inviter
    _mail(
        told,
        {Role.ADMIN} if status == Status.WITHDRAWN else EDITING_ROLES,
        _("%(who)s: invitation to “%(title)s” %(status)s")
        % {
            "who": membership.organization.name,
            "title": invitation.subject.title,
            "status": invitation.get_status_display().lower(),
        },
    )
    return invitation


def _record(action: str, membership, invitation: Invitation, request) -> None:
    audit.record(
        action,
        request=request,
        membership=membership,
        obj=invitation,
        detail={
            "invited": str(invitation.organization_id),
            _subject_field(invitation.subject): str(invitation.subject.pk),
            "status": invitation.status,
        },
    )


def _mail(organization: Organization, roles, subject_line: str) -> None:
    """Mails the members of `organization` in `roles` once the change is committed (never before: a rolled
    back change sends nothing). Events carry no participant data, so neither does the mail."""
    recipients = sorted(
        set(
            Membership.objects.filter(organization=organization, role__in=roles, user__is_active=True)
            .exclude(user__email="")
            .values_list("user__email", flat=True)
        )
    )
    if not recipients:
        return
    link = getattr(settings, "MEETPOINT_BASE_URL", "").rstrip("/") + reverse("education:invitations")
    body = _("%(line)s.\n\nSee and answer your organization's invitations in Meetpoint: %(link)s") % {
        "line": subject_line,
        "link": link,
    }
    subject = " ".join((_("Meetpoint: %(line)s") % {"line": subject_line}).split())  # one line, always
    messages = [(subject, body, settings.DEFAULT_FROM_EMAIL, [address]) for address in recipients]
    transaction.on_commit(lambda: send_mass_mail(messages, fail_silently=True))
