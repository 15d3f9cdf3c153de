"""The site administrators' home: the network's organizations, invitations waiting for an answer, usernames that
must wait before signing in again, the audit log across organizations and the last `verify_audit` result. From
here a site administrator adds a partner organization and invites its first admin."""

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from meetpoint.accounts import actions, audit_status, lockout
from meetpoint.accounts.forms import NewOrganizationForm
from meetpoint.accounts.members import _deliver
from meetpoint.accounts.models import Membership, Organization
from meetpoint.accounts.queries import all_audit_events, pending_invitations
from meetpoint.forms_flow import submit


def _site_admin_only(request: HttpRequest) -> HttpResponse | None:
    from django.contrib.auth.views import redirect_to_login

    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if not request.user.is_superuser:
        raise PermissionDenied("Only site administrators may open this page.")
    return None


def site_admin(request: HttpRequest) -> HttpResponse:
    refused = _site_admin_only(request)
    if refused:
        return refused
    form = NewOrganizationForm(request.POST or None)

    def create(data: dict):
        invitation, token = actions.create_organization_with_admin(
            request.user, data["name"], data["partner_type"], data["email"], data["language"]
        )
        _deliver(request, invitation, token)

    def page(status: int) -> HttpResponse:
        locked = lockout.locked_accounts()
        memberships = {
            m.user.username.lower(): m
            for m in Membership.objects.filter(
                user__username__in=[account.username for account in locked]
            ).select_related("user", "organization")
        }
        context = {
            "form": form,
            "organizations": Organization.objects.annotate(
                members=Count("memberships", distinct=True),
                admins=Count("memberships", filter=Q(memberships__role="admin"), distinct=True),
            )
            .filter(Q(members__gt=0) | Q(member_invitations__isnull=False))
            .distinct(),
            "invitations": pending_invitations(),
            "locked": [(account, memberships.get(account.username)) for account in locked],
            "events": all_audit_events(
                action=request.GET.get("action", "").strip()[:64],
                organization=request.GET.get("organization", "").strip()[:80],
                limit=200,
            ),
            "action": request.GET.get("action", ""),
            "verify": audit_status.last(),
        }
        return render(request, "accounts/site_admin.html", context, status=status)

    return submit(request, form, create, then=lambda _r: redirect("accounts:site_admin"), page=page)
