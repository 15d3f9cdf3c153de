"""Referral pages: new referral, consent, inbox and outbox, detail with transitions and history, notifications,
loop metrics. Objects come only through queries.py; every write goes through actions.py."""

from datetime import date, timedelta

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from meetpoint.accounts import audit
from meetpoint.accounts.permissions import membership_required
from meetpoint.accounts.roles import PARTICIPANT_LEVEL_ROLES
from meetpoint.directory.models import Service
from meetpoint.referrals import actions, consent_rules, lifecycle, metrics, queries, retention
from meetpoint.referrals.forms import ConsentForm, ReferralForm
from meetpoint.referrals.models import Referral
from meetpoint.screening.models import Screening

staff_only = membership_required(roles=PARTICIPANT_LEVEL_ROLES)

CATEGORY_OF_INSTRUMENT = {
    "ahc-hrsn": "social_needs",
    "phq-2": "mental_health",
    "phq-9": "mental_health",
    "gad-7": "mental_health",
}


def _apply_errors(form, error: actions.ReferralError) -> None:
    for name, message in error.errors.items():
        field = name.split(".")[-1]
        form.add_error(field if field in form.fields else None, message)
    if not error.errors:
        form.add_error(None, error.message)


@staff_only
def box(request: HttpRequest, box: str) -> HttpResponse:
    membership = request.membership
    state = request.GET.get("state") or None
    if state not in lifecycle.STATES:
        state = None
    page = Paginator(queries.referral_box(membership, box, state), 25).get_page(request.GET.get("page"))
    audit.record_list(
        "referral.list",
        request=request,
        count=len(page.object_list),
        filters={"box": box, "state": state, "page": page.number},
    )
    now = timezone.now()
    rows = [
        {
            "referral": referral,
            "overdue": queries.is_overdue(referral, now),
            "restricted": not queries.disclosure_allowed(referral, membership),
            "partner": referral.sender if box == "inbox" else referral.receiver,
        }
        for referral in page.object_list
    ]
    return render(
        request,
        "referrals/box.html",
        {
            "box": box,
            "rows": rows,
            "page": page,
            "state": state,
            "states": lifecycle.STATE_LABELS.items(),
            "unread": queries.unread_count(membership),
        },
    )


def inbox(request):
    return box(request, "inbox")


def outbox(request):
    return box(request, "outbox")


@staff_only
def new(request: HttpRequest) -> HttpResponse:
    membership = request.membership
    service_id = request.POST.get("service") or request.GET.get("service")
    fixed_service = None
    if service_id and request.GET.get("service"):
        fixed_service = (
            Service.objects.select_related("organization").filter(pk=_uuid_or_none(service_id)).first()
        )
    screening = None
    screening_id = request.POST.get("screening") or request.GET.get("screening")
    if screening_id:
        screening = Screening.objects.filter(
            pk=_uuid_or_none(screening_id), organization=membership.organization
        ).first()
    problem = None
    if fixed_service is not None and (
        fixed_service.status != Service.Status.ACTIVE or not fixed_service.accepts_referrals
    ):
        problem = _("This service is not active or does not accept referrals. Choose another.")
        fixed_service = None
    if request.method == "POST":
        form = ReferralForm(request.POST, fixed_service=fixed_service)
        if form.is_valid():
            data = {
                "service_id": form.cleaned_data["service"].pk,
                "screening_id": screening.pk if screening else None,
                "reason_category": form.cleaned_data["reason_category"],
                "reason": form.cleaned_data["reason"],
                "urgency": form.cleaned_data["urgency"],
                "contact_method": form.cleaned_data["contact_method"],
                "contact_detail": form.cleaned_data["contact_detail"],
            }
            needs_consent = consent_rules.discloses_substance_use(
                data["reason_category"], screening.instrument if screening else None
            )
            try:
                referral = actions.create_referral(membership, data, send=not needs_consent)
            except actions.ReferralError as error:
                _apply_errors(form, error)
            else:
                if needs_consent:
                    messages.info(
                        request,
                        _(
                            "This referral discloses substance-use information. Record the person's consent to send it."
                        ),
                    )
                    return redirect("referrals:consent", referral.pk)
                messages.success(request, _("Referral sent to %(org)s.") % {"org": referral.receiver.name})
                return redirect("referrals:detail", referral.pk)
        status = 400
    else:
        initial = {"screening": screening.pk if screening else None}
        if fixed_service is not None:
            initial["service"] = fixed_service.pk
        if screening is not None:
            instrument = screening.instrument
            initial["reason_category"] = (
                "substance_use"
                if instrument in consent_rules.SUBSTANCE_INSTRUMENTS
                else CATEGORY_OF_INSTRUMENT.get(instrument, "other")
            )
        form = ReferralForm(initial=initial, fixed_service=fixed_service)
        status = 200
    return render(
        request,
        "referrals/new.html",
        {"form": form, "service": fixed_service, "screening": screening, "problem": problem},
        status=status,
    )


def _uuid_or_none(value):
    import uuid

    try:
        return uuid.UUID(str(value))
    except ValueError:
        return None


def _detail_context(request, referral: Referral) -> dict:
    membership = request.membership
    view = queries.referral_view(referral, membership)
    buttons = [(to, lifecycle.ACTION_LABELS[to]) for to in lifecycle.ACTION_LABELS if to in view.allowed]
    return {
        "view": view,
        "referral": referral,
        "buttons": buttons,
        "reasons": lifecycle.NOT_COMPLETED_REASONS.items(),
        "needs_reason": lifecycle.NOT_COMPLETED in view.allowed,
        "state_labels": lifecycle.STATE_LABELS,
        "may_consent": view.side == lifecycle.SENDER and referral.is_open,
        "right_to_revoke": consent_rules.RIGHT_TO_REVOKE,
        "retention_days": retention.retention_days(),
    }


@staff_only
def detail(request: HttpRequest, referral_id) -> HttpResponse:
    referral = queries.referral_for(request.membership, referral_id)
    audit.record("referral.view", request=request, obj=referral)
    return render(request, "referrals/detail.html", _detail_context(request, referral))


@staff_only
@require_POST
def transition(request: HttpRequest, referral_id) -> HttpResponse:
    membership = request.membership
    referral = queries.referral_for(membership, referral_id)
    version = request.POST.get("version")
    try:
        updated = actions.transition_referral(
            membership,
            referral.pk,
            request.POST.get("to", ""),
            note=request.POST.get("note", ""),
            reason_code=request.POST.get("reason", ""),
            expected_version=int(version) if version and version.isdigit() else None,
        )
    except actions.ReferralError as error:
        if error.errors.get("consent"):
            messages.error(request, error.message)
            return redirect("referrals:consent", referral.pk)
        referral = queries.referral_for(membership, referral_id)
        context = _detail_context(request, referral)
        context["error"] = error.message
        return render(request, "referrals/detail.html", context, status=error.status)
    messages.success(request, _("The referral is now: %(state)s.") % {"state": updated.state_label})
    return redirect("referrals:detail", updated.pk)


@staff_only
def consent(request: HttpRequest, referral_id) -> HttpResponse:
    membership = request.membership
    referral = queries.referral_for(membership, referral_id)
    status = 200
    if membership.organization_id != referral.sender_id:
        raise PermissionDenied(_("Only the sending organization records the person's consent."))
    if request.method == "POST":
        form = ConsentForm(request.POST)
        if form.is_valid():
            try:
                actions.record_consent(
                    membership, referral.pk, form.cleaned_data, send=referral.state == lifecycle.DRAFT
                )
            except actions.ReferralError as error:
                _apply_errors(form, error)
                status = error.status
            else:
                messages.success(request, _("Consent recorded."))
                return redirect("referrals:detail", referral.pk)
        else:
            status = 400
    else:
        initial = {
            "signed_on": timezone.localdate(),
            "purpose": _("To refer the person to %(service)s and coordinate their care.")
            % {"service": referral.service.name},
        }
        if referral.participant_id:
            initial["patient_reference"] = f"Participant {str(referral.participant_id)[:8]}"
        form = ConsentForm(initial=initial)
    return render(
        request,
        "referrals/consent.html",
        {"form": form, "referral": referral, "right_to_revoke": consent_rules.RIGHT_TO_REVOKE},
        status=status,
    )


@staff_only
@require_POST
def revoke_consent(request: HttpRequest, referral_id) -> HttpResponse:
    referral = queries.referral_for(request.membership, referral_id)
    try:
        actions.revoke_consent(request.membership, referral.pk, note=request.POST.get("note", ""))
    except actions.ReferralError as error:
        if error.status == 403:
            raise PermissionDenied(error.message) from error
        messages.error(request, error.message)
    else:
        messages.success(request, _("Consent revoked: the receiver no longer sees the referral's details."))
    return redirect("referrals:detail", referral.pk)


@staff_only
def notifications(request: HttpRequest) -> HttpResponse:
    membership = request.membership
    if request.method == "POST":
        actions.mark_notifications_read(membership)
        return redirect("referrals:notifications")
    page = Paginator(queries.notifications_for(membership), 30).get_page(request.GET.get("page"))
    return render(request, "referrals/notifications.html", {"page": page})


def parse_range(params) -> tuple[date, date, list[str]]:
    """?from=YYYY-MM-DD&to=YYYY-MM-DD, by default the last 90 days; returns problems rather than raising."""
    today = timezone.localdate()
    problems = []
    values = {}
    for key, default in (("from", today - timedelta(days=89)), ("to", today)):
        raw = params.get(key) or ""
        if not raw:
            values[key] = default
            continue
        try:
            values[key] = date.fromisoformat(raw)
        except ValueError:
            problems.append(f"{key}: give a date as YYYY-MM-DD (got {raw!r}).")
            values[key] = default
    if values["from"] > values["to"]:
        problems.append("from: the start is after the end.")
    return values["from"], values["to"], problems


@membership_required
def metrics_page(request: HttpRequest) -> HttpResponse:
    start, end, problems = parse_range(request.GET)
    result = (
        metrics.organization_metrics(request.membership.organization_id, start, end) if not problems else None
    )
    return render(
        request,
        "referrals/metrics.html",
        {"start": start, "end": end, "problems": problems, "result": result},
        status=400 if problems else 200,
    )


@membership_required(roles=frozenset({"admin"}))
def disclosures(request: HttpRequest, referral_id=None) -> HttpResponse:
    """The accounting of disclosures: who outside the organization viewed or exported its referrals (one, or
    all), and when; `?format=csv` downloads it."""
    from meetpoint.referrals import disclosures as accounting

    rows = accounting.disclosures(request.membership, referral_id)
    audit.record(
        "referral.disclosures.read",
        request=request,
        detail={
            "referral": str(referral_id or ""),
            "format": request.GET.get("format", "page"),
            "rows": len(rows),
        },
    )
    if request.GET.get("format") == "csv":
        response = HttpResponse(accounting.disclosures_csv(rows), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="referral-disclosures.csv"'
        return response
    return render(request, "referrals/disclosures.html", {"rows": rows, "referral_id": referral_id})
