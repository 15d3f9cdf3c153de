"""Pages of invitations to co-host an event or partner in a take-back event: the list an organization's
admin and staff see (reached from the navigation), and the steps: accept, decline, withdraw."""

from django import forms
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from meetpoint import forms_flow
from meetpoint.accounts.permissions import membership_required
from meetpoint.accounts.roles import EDITING_ROLES, Role
from meetpoint.education import invitations, queries
from meetpoint.education.models import Invitation

EDITORS = frozenset(EDITING_ROLES)


@membership_required(roles=EDITORS)
def invitation_list(request: HttpRequest) -> HttpResponse:
    """Invitations to co-host or partner: those waiting for this organization's answer, those it answered,
    and those it sent."""
    return _invitations_page(request, None, 200)


def _invitations_page(request: HttpRequest, form, status: int) -> HttpResponse:
    membership = request.membership
    listed = list(queries.invitations_of(membership)[:500])
    received = [i for i in listed if i.organization_id == membership.organization_id]
    return render(
        request,
        "education/invitations.html",
        {
            "waiting": [i for i in received if i.status == Invitation.Status.PENDING],
            "answered": [i for i in received if i.status != Invitation.Status.PENDING],
            "sent": [i for i in listed if i.organization_id != membership.organization_id],
            "may_answer": membership.role == Role.ADMIN,
            "form": form,
        },
        status=status,
    )


INVITATION_STEPS = {
    "accept": (invitations.accept, gettext_lazy("Invitation accepted: your organization is now shown.")),
    "decline": (invitations.decline, gettext_lazy("Invitation declined: your organization is not shown.")),
    "withdraw": (invitations.withdraw, gettext_lazy("Invitation withdrawn.")),
}


@require_POST
@membership_required(roles=EDITORS)
def invitation_step(request: HttpRequest, invitation_id, verb: str) -> HttpResponse:
    """Accept or decline (the invited organization's admin), or withdraw (the organizer's admin or staff)."""
    invitation = queries.invitation_for(request.membership, invitation_id)
    if verb not in INVITATION_STEPS:
        raise Http404("No such step.")
    step, done = INVITATION_STEPS[verb]
    form = forms.Form(request.POST)  # no fields: the step's refusal is shown above the lists
    return forms_flow.submit(
        request,
        form,
        lambda _: step(request.membership, invitation, request=request),
        done=done,
        then=lambda _: redirect("education:invitations"),
        page=lambda status: _invitations_page(request, form, status),
    )
