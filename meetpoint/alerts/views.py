"""Alerts pages: the member's alerts (at their level of detail) and what can be done about one, drug-checking
samples, subscriptions, and the public alerts page with drug-checking trends."""

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from meetpoint import forms_flow
from meetpoint.accounts.permissions import membership_required
from meetpoint.accounts.roles import Role
from meetpoint.alerts import actions, areas, levels, queries
from meetpoint.alerts.forms import CloseForm, ConfirmForm, NoteForm, SampleForm, SubscriptionForm
from meetpoint.alerts.models import AlertStatus
from meetpoint.outreach.queries import sites_of

ADMINS = frozenset({Role.ADMIN})


@membership_required
def alert_list(request: HttpRequest) -> HttpResponse:
    membership = request.membership
    alerts = list(queries.visible_alerts(request.membership).order_by("status", "-level", "-opened_at")[:100])
    shown = [levels.for_member(membership, alert) for alert in alerts]
    return render(
        request,
        "alerts/list.html",
        {
            "open_alerts": [a for a in shown if a["status"] != AlertStatus.CLOSED],
            "closed_alerts": [a for a in shown if a["status"] == AlertStatus.CLOSED][:20],
            "may_record": membership.role in actions.RECORDERS,
            "may_subscribe": membership.role == Role.ADMIN,
        },
    )


def _detail(request, alert, *, note_form=None, close_form=None, status=200) -> HttpResponse:
    membership = request.membership
    return render(
        request,
        "alerts/detail.html",
        {
            "alert": alert,
            "shown": levels.for_member(membership, alert),
            "events": alert.events.select_related("organization"),
            "may_respond": membership.role in actions.RESPONDERS and alert.is_open,
            "may_publish": membership.role == Role.ADMIN and alert.kind == "spike" and not alert.public,
            "note_form": note_form or NoteForm(),
            "close_form": close_form or CloseForm(),
        },
        status=status,
    )


@membership_required
def alert_detail(request: HttpRequest, alert_id) -> HttpResponse:
    return _detail(request, queries.alert_for(request.membership, alert_id))


def _posted(request, alert_id, form_class, run, done: str, context_name: str) -> HttpResponse:
    alert = queries.alert_for(request.membership, alert_id)
    form = form_class(request.POST) if form_class else None
    if form is None:
        from django import forms

        form = forms.Form(request.POST)
    return forms_flow.submit(
        request,
        form,
        lambda data: run(request.membership, alert, data),
        done=done,
        then=lambda _result: redirect("alerts:detail", alert_id=alert.pk),
        page=lambda status: _detail(
            request, alert, status=status, **({context_name: form} if context_name else {})
        ),
    )


@require_POST
@membership_required
def alert_acknowledge(request: HttpRequest, alert_id) -> HttpResponse:
    return _posted(
        request,
        alert_id,
        None,
        lambda m, alert, _data: actions.acknowledge(m, alert),
        _("Alert acknowledged."),
        "",
    )


@require_POST
@membership_required
def alert_note(request: HttpRequest, alert_id) -> HttpResponse:
    return _posted(
        request,
        alert_id,
        NoteForm,
        lambda m, alert, data: actions.annotate(m, alert, data["note"]),
        _("Note added."),
        "note_form",
    )


@require_POST
@membership_required
def alert_close(request: HttpRequest, alert_id) -> HttpResponse:
    return _posted(
        request,
        alert_id,
        CloseForm,
        lambda m, alert, data: actions.close(m, alert, data["reason"]),
        _("Alert closed."),
        "close_form",
    )


@require_POST
@membership_required
def alert_publish(request: HttpRequest, alert_id) -> HttpResponse:
    return _posted(
        request, alert_id, None, lambda m, alert, _data: actions.publish(m, alert), _("Alert published."), ""
    )


@membership_required
def sample_list(request: HttpRequest) -> HttpResponse:
    membership = request.membership
    may_record = membership.role in actions.RECORDERS
    form = SampleForm(request.POST or None, sites=sites_of(membership))

    def page(status: int) -> HttpResponse:
        return render(
            request,
            "alerts/samples.html",
            {"samples": queries.samples_of(membership)[:100], "form": form, "may_record": may_record},
            status=status,
        )

    if request.method == "POST" and not may_record:
        _forbidden()
    return forms_flow.submit(
        request,
        form,
        lambda data: actions.record_sample(membership, actions.SampleIn(**data)),
        done=_("Sample recorded."),
        then=lambda sample: redirect("alerts:sample", sample_id=sample.pk),
        page=page,
    )


def _forbidden():
    raise PermissionDenied("Your role may not record drug-checking samples.")


@membership_required
def sample_detail(request: HttpRequest, sample_id) -> HttpResponse:
    membership = request.membership
    sample = queries.sample_for(membership, sample_id)
    form = ConfirmForm(request.POST or None)
    if request.method == "POST" and membership.role not in actions.RECORDERS:
        _forbidden()
    return forms_flow.submit(
        request,
        form,
        lambda data: actions.confirm_sample(membership, sample, actions.ConfirmationIn(**data)),
        done=_("Result recorded."),
        then=lambda s: redirect("alerts:sample", sample_id=s.pk),
        page=lambda status: render(
            request,
            "alerts/sample.html",
            {
                "sample": sample,
                "area_label": areas.label(sample.area),
                "tests": sample.tests.all(),
                "form": form,
                "may_record": membership.role in actions.RECORDERS,
            },
            status=status,
        ),
    )


@membership_required
def subscriptions(request: HttpRequest) -> HttpResponse:
    membership = request.membership
    if request.method == "POST" and membership.role != Role.ADMIN:
        raise PermissionDenied(_("Only an admin may manage the organization's alert subscriptions."))
    choices = sorted((key, areas.label(key)) for key in queries.visible_areas(membership))
    form = SubscriptionForm(request.POST or None, area_choices=choices)
    return forms_flow.submit(
        request,
        form,
        lambda data: actions.subscribe(membership, actions.SubscriptionIn(**data)),
        done=_("Subscription saved."),
        then=lambda _s: redirect("alerts:subscriptions"),
        page=lambda status: render(
            request,
            "alerts/subscriptions.html",
            {
                "subscriptions": [
                    (subscription, areas.label(subscription.area) if subscription.area else _("Every area"))
                    for subscription in queries.subscriptions_of(membership)
                ],
                "form": form,
                "may_manage": membership.role == Role.ADMIN,
            },
            status=status,
        ),
    )


@require_POST
@membership_required(roles=ADMINS)
def subscription_delete(request: HttpRequest, subscription_id) -> HttpResponse:
    subscription = queries.subscription_for(request.membership, subscription_id)
    actions.unsubscribe(request.membership, subscription)
    return redirect("alerts:subscriptions")


def public_page(request: HttpRequest) -> HttpResponse:
    """For everyone, signed in or not: published alerts at the public level and drug-checking trends."""
    shown = [levels.public(alert) for alert in queries.public_alerts()[:50]]
    return render(
        request,
        "alerts/public.html",
        {
            "open_alerts": [a for a in shown if a["open"]],
            "past_alerts": [a for a in shown if not a["open"]][:20],
            "trends": queries.sample_trends(),
            "threshold": queries.small_number_threshold(),
        },
    )
