from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from meetpoint.accounts import actions
from meetpoint.accounts.models import ApiToken, Membership
from meetpoint.accounts.permissions import membership_required
from meetpoint.accounts.queries import SESSION_KEY, memberships_of
from meetpoint.navigation import attention_for


def home(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated and request.user.is_superuser and not request.membership:
        return redirect("accounts:site_admin")  # a site administrator who belongs to no organization
    return _member_home(request)


@membership_required
def _member_home(request: HttpRequest) -> HttpResponse:
    attention = attention_for(request.membership)
    return render(
        request, "accounts/home.html", {"memberships": memberships_of(request.user), "attention": attention}
    )


@require_POST
@membership_required
def switch_organization(request: HttpRequest) -> HttpResponse:
    chosen = Membership.objects.filter(user=request.user, pk=request.POST.get("membership")).first()
    if chosen is None:
        raise Http404("No such membership.")
    request.session[SESSION_KEY] = chosen.pk
    messages.success(request, _("You now act for %(org)s.") % {"org": chosen.organization.name})
    return redirect("accounts:home")


@membership_required
def tokens(request: HttpRequest) -> HttpResponse:
    membership = request.membership
    new_key = None
    if request.method == "POST":
        if "revoke" in request.POST:
            if not actions.revoke_token(membership, request.POST.get("revoke")):
                raise Http404("No such token.")
            messages.success(request, _("Token revoked."))
            return redirect("accounts:tokens")
        name = (request.POST.get("name") or "API token").strip()[:100]
        new_key = actions.issue_token(membership, name)
    listed = ApiToken.objects.filter(membership=membership, revoked=False).order_by("-created")
    return render(request, "accounts/tokens.html", {"tokens": listed, "new_key": new_key})


AUDIT_COLUMNS = [
    "id",
    "at",
    "actor_name",
    "action",
    "object_type",
    "object_id",
    "ip_address",
    "detail",
    "entry_hash",
]


@membership_required(roles=frozenset({"admin"}))
def audit_log(request: HttpRequest) -> HttpResponse:
    """An organization admin reviews (and downloads as CSV) who did what with the organization's records."""
    from meetpoint.accounts import audit
    from meetpoint.accounts.queries import audit_events_for

    action = request.GET.get("action", "").strip()[:64]
    if request.GET.get("format") == "csv":
        from meetpoint import spreadsheet_cells

        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="audit-log.csv"'
        writer = spreadsheet_cells.csv_writer(response)
        writer.writerow(AUDIT_COLUMNS)
        for event in audit_events_for(request.membership, action=action, limit=None).iterator():
            writer.writerow([getattr(event, column) for column in AUDIT_COLUMNS])
        audit.record("audit.export", request=request, detail={"action_filter": action})
        return response
    events = audit_events_for(request.membership, action=action)
    return render(request, "accounts/audit_log.html", {"events": events, "action": action})
