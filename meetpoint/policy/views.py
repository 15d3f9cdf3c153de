"""Policy tracker pages: where each policy stands (every partner member), and the owner's editing."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

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


def _form_error(form, problem) -> None:
    form.add_error(problem.field if problem.field in form.fields else None, problem.message)


@membership_required(roles=EDITORS)
def policy_new(request: HttpRequest) -> HttpResponse:
    form = NewPolicyForm(request.POST or None, initial={"status_date": timezone.localdate()})
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                policy = actions.create_policy(request.membership, **form.cleaned_data)
            except actions.InvalidInput as problem:
                _form_error(form, problem)
            else:
                messages.success(request, _("Policy added."))
                return redirect("policy:detail", policy_id=policy.pk)
        status = 400
    return render(request, "policy/form.html", {"form": form, "policy": None}, status=status)


@membership_required(roles=EDITORS)
def policy_edit(request: HttpRequest, policy_id) -> HttpResponse:
    policy = queries.owned_policy(request.membership, policy_id)
    initial = {name: getattr(policy, name) for name in PolicyForm.base_fields}
    form = PolicyForm(request.POST or None, initial=initial)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                actions.update_policy(request.membership, policy, **form.cleaned_data)
            except actions.InvalidInput as problem:
                _form_error(form, problem)
            else:
                messages.success(request, _("Policy saved."))
                return redirect("policy:detail", policy_id=policy.pk)
        status = 400
    return render(request, "policy/form.html", {"form": form, "policy": policy}, status=status)


def _detail(request, policy, *, status_form=None, action_form=None, link_form=None, status=200):
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
            "sign_on_form": SignOnForm(initial={"signed_on": [str(o.pk) for o in policy.signed_on.all()]})
            if owner_editor
            else None,
            "positions": Position,
        },
        status=status,
    )


@membership_required
def policy_detail(request: HttpRequest, policy_id) -> HttpResponse:
    return _detail(request, queries.policy_for(request.membership, policy_id))


@require_POST
@membership_required(roles=EDITORS)
def policy_status(request: HttpRequest, policy_id) -> HttpResponse:
    policy = queries.owned_policy(request.membership, policy_id)
    form = StatusForm(request.POST)
    if form.is_valid():
        try:
            actions.record_status(request.membership, policy, **form.cleaned_data)
        except actions.InvalidInput as problem:
            _form_error(form, problem)
        else:
            messages.success(request, _("Status recorded."))
            return redirect("policy:detail", policy_id=policy.pk)
    return _detail(request, policy, status_form=form, status=400)


@require_POST
@membership_required(roles=EDITORS)
def policy_action(request: HttpRequest, policy_id) -> HttpResponse:
    policy = queries.owned_policy(request.membership, policy_id)
    form = ActionForm(request.POST)
    if form.is_valid():
        try:
            actions.add_action(request.membership, policy, **form.cleaned_data)
        except actions.InvalidInput as problem:
            _form_error(form, problem)
        else:
            messages.success(request, _("Action recorded."))
            return redirect("policy:detail", policy_id=policy.pk)
    return _detail(request, policy, action_form=form, status=400)


@require_POST
@membership_required(roles=EDITORS)
def policy_link(request: HttpRequest, policy_id) -> HttpResponse:
    policy = queries.owned_policy(request.membership, policy_id)
    form = LinkForm(request.POST)
    if form.is_valid():
        try:
            actions.add_link(request.membership, policy, **form.cleaned_data)
        except actions.InvalidInput as problem:
            _form_error(form, problem)
        else:
            messages.success(request, _("Source link added."))
            return redirect("policy:detail", policy_id=policy.pk)
    return _detail(request, policy, link_form=form, status=400)


@require_POST
@membership_required(roles=EDITORS)
def policy_sign_ons(request: HttpRequest, policy_id) -> HttpResponse:
    policy = queries.owned_policy(request.membership, policy_id)
    form = SignOnForm(request.POST)
    if form.is_valid():
        actions.record_sign_ons(request.membership, policy, form.cleaned_data["signed_on"])
        messages.success(request, _("Sign-ons saved."))
        return redirect("policy:detail", policy_id=policy.pk)
    return _detail(request, policy, status=400)


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
