"""Who is acting for which organization. Every other app's queries start from an acting membership."""

import uuid

from django.http import Http404, HttpRequest

from meetpoint.accounts.models import ApiToken, Membership, Organization

SESSION_KEY = "acting_membership_id"


def memberships_of(user) -> list[Membership]:
    if not user.is_authenticated:
        return []
    return list(Membership.objects.filter(user=user).select_related("organization"))


def acting_membership(request: HttpRequest) -> Membership | None:
    """The membership the signed-in user acts through: the one chosen in this session, else their first."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return None
    memberships = Membership.objects.filter(user=user, organization__is_active=True).select_related(
        "organization", "user"
    )
    chosen = request.session.get(SESSION_KEY)
    if chosen:
        found = memberships.filter(pk=chosen).first()
        if found:
            return found
    return memberships.order_by("organization__name").first()


def membership_for_token(key: str) -> Membership | None:
    token = (
        ApiToken.objects.filter(key_hash=ApiToken.hash_key(key), revoked=False)
        .select_related("membership__organization", "membership__user")
        .first()
    )
    if token is None or not (token.membership.user.is_active and token.membership.organization.is_active):
        return None
    token.touch()
    return token.membership


def organization_by_ref(ref: str) -> Organization:
    """An organization by slug or HSDS id (as the CLI accepts ORG), or Http404."""
    org = Organization.objects.filter(slug=ref).first()
    if org is None:
        try:
            org = Organization.objects.filter(pk=uuid.UUID(str(ref))).first()
        except ValueError:
            org = None
    if org is None:
        raise Http404(f"No organization with slug or id {ref!r}.")
    return org


def audit_events_for(membership: Membership, *, action: str = "", limit: int | None = 500):
    """The organization's own audit trail, newest first: only its admins may review it (views check the role)."""
    from meetpoint.accounts.models import AuditEvent

    events = AuditEvent.objects.filter(organization=membership.organization).select_related("actor")
    if action:
        events = events.filter(action__startswith=action)
    events = events.order_by("-id")
    return events[:limit] if limit else events


def members_of(membership: Membership) -> list[Membership]:
    """The members of the acting membership's organization (its admins manage them)."""
    return list(
        Membership.objects.filter(organization=membership.organization)
        .select_related("user")
        .order_by("role", "user__username")
    )


def pending_invitations(organization: Organization | None = None):
    """Invitations not yet accepted or revoked (expired ones too, so they can be resent), newest first."""
    from meetpoint.accounts.models import MemberInvitation

    found = MemberInvitation.objects.filter(accepted_at__isnull=True, revoked_at__isnull=True)
    if organization is not None:
        found = found.filter(organization=organization)
    return found.select_related("organization", "invited_by").order_by("-created")


def sessions_of(user, current_key: str | None) -> list:
    """The user's sessions that are still open, the current one first."""
    from django.contrib.sessions.models import Session
    from django.utils import timezone

    from meetpoint.accounts.models import SignedInSession

    open_keys = set(
        Session.objects.filter(
            session_key__in=SignedInSession.objects.filter(user=user).values("session_key"),
            expire_date__gt=timezone.now(),
        ).values_list("session_key", flat=True)
    )
    rows = [row for row in SignedInSession.objects.filter(user=user) if row.session_key in open_keys]
    for row in rows:
        row.is_current = row.session_key == current_key
    return sorted(rows, key=lambda row: not row.is_current)


def tokens_of(user):
    return ApiToken.objects.filter(membership__user=user, revoked=False).select_related(
        "membership__organization"
    )


def all_audit_events(*, action: str = "", organization: str = "", limit: int | None = 500):
    """The audit trail across organizations, newest first: for site administrators only (views check)."""
    from meetpoint.accounts.models import AuditEvent

    events = AuditEvent.objects.select_related("organization")
    if action:
        events = events.filter(action__startswith=action)
    if organization:
        events = events.filter(organization__slug=organization)
    events = events.order_by("-id")
    return events[:limit] if limit else events
