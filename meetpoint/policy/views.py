"""Policy tracker pages: where each policy stands (every partner member), and the owner's editing."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from meetpoint import forms_flow
from meetpoint.accounts.permissions import membership_required
from meetpoint.accounts.roles import EDITING_ROLES, Role
from meetpoint.policy import actions, queries
from meetpoint.policy.forms import ActionForm, LinkForm, NewPolicyForm, PolicyForm, SignOnForm, StatusForm
from meetpoint.policy.models import Position, Status, Topic

EDITORS = frozenset(EDITING_ROLES)


@membership_required
def policy_list(request: HttpRequest) -> HttpResponse:
    policies = queries.policies_visible(request.membership)
    topic, status = request.GET.get("topic", ""), request.GET.get("status", "")
    if topic:
        policies = policies.filter(topic=topic)
    if status:
        policies = policies.filter(status=status)
    return render(
        request,
        "policy/list.html",
        {
            "policies": policies,
            "topics": Topic.choices,
            "statuses": Status.choices,
            "topic": topic,
            "status": status,
            "may_edit": request.membership.may_edit,
        },
    )


@membership_required(roles=EDITORS)
def policy_new(request: HttpRequest) -> HttpResponse:
    form = NewPolicyForm(request.POST or None, initial={"status_date": timezone.localdate()})
    return forms_flow.submit(
        request,
        form,
        lambda data: actions.create_policy(request.membership, **data),
        done=_("Policy added."),
        then=_to_policy,
        page=forms_flow.form_page(request, "policy/form.html", {"form": form, "policy": None}),
    )


@membership_required(roles=EDITORS)
def policy_edit(request: HttpRequest, policy_id) -> HttpResponse:
    policy = queries.owned_policy(request.membership, policy_id)
    initial = {name: getattr(policy, name) for name in PolicyForm.base_fields}
    form = PolicyForm(request.POST or None, initial=initial)
    return forms_flow.submit(
        request,
        form,
        lambda data: actions.update_policy(request.membership, policy, **data),
        done=_("Policy saved."),
        then=_to_policy,
        page=forms_flow.form_page(request, "policy/form.html", {"form": form, "policy": policy}),
    )


def _to_policy(policy) -> HttpResponse:
    return redirect("policy:detail", policy_id=policy.pk)


def _detail(
    request, policy, *, status_form=None, action_form=None, link_form=None, sign_on_form=None, status=200
):
    membership = request.membership
    owner_editor = membership.organization_id == policy.organization_id and membership.may_edit
    today = timezone.localdate()
    return render(
        request,
        "policy/detail.html",
        {
            "policy": policy,
            "timeline": policy.status_events.select_related("recorded_by"),
            "actions": policy.actions.select_related("organization"),
            "links": policy.links.all(),
            "signed_on": policy.signed_on.all(),
            "owner_editor": owner_editor,
            "may_sign": membership.role == Role.ADMIN and not owner_editor,
            "has_signed": policy.signed_on.filter(pk=membership.organization_id).exists(),
            "status_form": status_form or StatusForm(initial={"date": today}),
            "action_form": action_form or ActionForm(initial={"date": today}),
            "link_form": link_form or LinkForm(),
            "sign_on_form": (
                sign_on_form or SignOnForm(initial={"signed_on": [str(o.pk) for o in policy.signed_on.all()]})
            )
            if owner_editor
            else None,
            "positions": Position,
        },
        status=status,
    )


@membership_required
def policy_detail(request: HttpRequest, policy_id) -> HttpResponse:
    return _detail(request, queries.policy_for(request.membership, policy_id))


def _owner_form(form_class, action, done, form_name: str):
    """A form the owner posts from its policy page: back to the page once saved, or the page with the errors."""
    return forms_flow.posted_about(
        queries.owned_policy,
        form_class,
        action,
        roles=EDITORS,
        done=done,
        then=_to_policy,
        page=lambda request, policy, form, status: _detail(
            request, policy, **{form_name: form}, status=status
        ),
    )


policy_status = _owner_form(
    StatusForm, actions.record_status, gettext_lazy("Status recorded."), "status_form"
)
policy_action = _owner_form(ActionForm, actions.add_action, gettext_lazy("Action recorded."), "action_form")
policy_link = _owner_form(LinkForm, actions.add_link, gettext_lazy("Source link added."), "link_form")
policy_sign_ons = _owner_form(
    SignOnForm,
    lambda membership, policy, signed_on: actions.record_sign_ons(membership, policy, signed_on),
    gettext_lazy("Sign-ons saved."),
    "sign_on_form",
)


@require_POST
@membership_required
def policy_sign_on(request: HttpRequest, policy_id) -> HttpResponse:
    """A partner's admin signs its organization on (or withdraws)."""
    policy = queries.policy_for(request.membership, policy_id)
    try:
        actions.sign_on(request.membership, policy, signed=request.POST.get("signed") != "0")
    except actions.NotAllowed as refusal:
        raise PermissionDenied(str(refusal)) from None
    messages.success(request, _("Your organization's sign-on is saved."))
    return redirect("policy:detail", policy_id=policy.pk)
