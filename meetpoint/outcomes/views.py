"""Outcomes pages: indicator catalog, reports and downloads, agreements, inbox, coalition dashboard, open data."""

from __future__ import annotations

import json
from datetime import date, timedelta

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from meetpoint import indicators as indicator_registry
from meetpoint.accounts import audit
from meetpoint.accounts.permissions import membership_required
from meetpoint.outcomes import actions, combined, exports, queries
from meetpoint.outcomes.dashboard import build_dashboard
from meetpoint.outcomes.forms import AgreementForm, DatasetForm
from meetpoint.outcomes.reports import ReportError, build_report, report_codes

ADMIN = frozenset({"admin"})


def catalog(request):
    rows = sorted(indicator_registry.registry.values(), key=lambda i: (i.provider, i.code))
    return render(request, "outcomes/catalog.html", {"indicators": rows})


@membership_required
def home(request):
    return render(request, "outcomes/home.html", {})


def _report_from_request(request):
    """The report the query string asks for, or a message saying what is wrong."""
    membership = request.membership
    organization = queries.report_organization(membership, request.GET.get("org"))
    site = queries.report_site(membership, request.GET.get("site"))
    service = queries.report_service(membership, request.GET.get("service"))
    today = timezone.localdate()
    try:
        end = date.fromisoformat(request.GET["to"]) if request.GET.get("to") else today - timedelta(days=1)
        start = (
            date.fromisoformat(request.GET["from"]) if request.GET.get("from") else end - timedelta(days=179)
        )
    except ValueError as problem:
        raise ReportError(f"Dates must look like 2025-01-31 ({problem}).") from problem
    grain = request.GET.get("grain") or None
    return build_report(
        organization,
        start,
        end,
        site=site,
        service=service,
        trend_grain=grain,
        codes=report_codes(request.GET.get("indicators")),
    )


@membership_required
def report(request):
    try:
        built = _report_from_request(request)
    except ReportError as problem:
        return render(
            request,
            "outcomes/report.html",
            {
                "error": str(problem),
                "sites": queries.sites_of(request.membership),
                "services": queries.services_of(request.membership),
                "query": request.GET,
                "form_from": request.GET.get("from", ""),
                "form_to": request.GET.get("to", ""),
            },
            status=400,
        )
    svgs = [chart.svg() for chart in exports.report_charts(built)]
    return render(
        request,
        "outcomes/report.html",
        {
            "report": built,
            "charts": svgs,
            "form_from": built.start.isoformat(),
            "form_to": built.end.isoformat(),
            "sites": queries.sites_of(request.membership),
            "services": queries.services_of(request.membership),
            "query": request.GET,
            "querystring": request.GET.urlencode(),
        },
    )


@membership_required
def report_download(request, kind: str):
    if kind not in exports.FORMATS:
        raise Http404("No such format.")
    try:
        built = _report_from_request(request)
    except ReportError as problem:
        return HttpResponseBadRequest(str(problem), content_type="text/plain; charset=utf-8")
    response = HttpResponse(exports.report_file(built, kind), content_type=exports.CONTENT_TYPES[kind])
    exports.log_report_export(built, kind, via="download", request=request)
    name = f"report-{built.organization.slug}-{built.start.isoformat()}-{built.end.isoformat()}.{kind}"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@membership_required
def agreements(request):
    """Every role reads its organization's agreements (analysts work under them); only admins propose."""
    membership = request.membership
    if request.method == "POST" and membership.role not in ADMIN:
        raise PermissionDenied("Only admins propose agreements.")
    form = AgreementForm(request.POST or None, membership=membership)
    if request.method == "POST" and form.is_valid():
        try:
            agreement = actions.propose_agreement(membership, form.agreement_input())
        except actions.OutcomesError as problem:
            form.add_error(problem.field or None, str(problem))
        else:
            messages.success(request, _("Agreement proposed; it is in force once the recipient accepts it."))
            return redirect("outcomes:agreement", agreement_id=agreement.pk)
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "outcomes/agreements.html",
        {"agreements": queries.agreements_for(membership), "form": form},
        status=status,
    )


@membership_required
def agreement(request, agreement_id):
    found = queries.agreement_for(request.membership, agreement_id)
    return render(
        request,
        "outcomes/agreement.html",
        {
            "agreement": found,
            "packages": found.packages.all(),
            "is_recipient": found.recipient_id == request.membership.organization_id,
        },
    )


@require_POST
@membership_required
def agreement_action(request, agreement_id, verb: str):
    # Another organization's agreement is a 404 for every role, before the role is checked.
    found = queries.agreement_for(request.membership, agreement_id)
    if request.membership.role not in ADMIN:
        raise PermissionDenied("Only admins accept or end agreements.")
    action = {"accept": actions.accept_agreement, "end": actions.end_agreement}.get(verb)
    if action is None:
        raise Http404("No such action.")
    try:
        action(request.membership, found)
    except actions.OutcomesError as problem:
        if problem.status == 403:
            raise PermissionDenied(str(problem)) from problem
        messages.error(request, str(problem))
    else:
        messages.success(request, _("Agreement accepted.") if verb == "accept" else _("Agreement ended."))
    return redirect("outcomes:agreement", agreement_id=found.pk)


@membership_required
def inbox(request):
    return render(
        request,
        "outcomes/inbox.html",
        {
            "received": queries.inbox(request.membership)[:200],
            "sent": queries.sent_packages(request.membership)[:200],
        },
    )


@membership_required
def package(request, package_id):
    found = queries.package_for(request.membership, package_id)
    return render(
        request,
        "outcomes/package.html",
        {
            "package": found,
            "is_sharer": found.agreement.sharer_id == request.membership.organization_id,
            "is_admin": request.membership.role == "admin",
            "replacement": getattr(found, "corrected_by", None) if found.superseded_at else None,
        },
    )


@require_POST
@membership_required(roles=ADMIN)
def package_action(request, package_id, verb: str):
    """The sender's admin corrects (rebuilds from the records as they are now) or withdraws a package."""
    found = queries.package_for(request.membership, package_id)
    action = {"correct": actions.correct_package, "withdraw": actions.withdraw_package}.get(verb)
    if action is None:
        raise Http404("No such action.")
    try:
        result = action(request.membership, found, request.POST.get("reason", ""))
    except actions.OutcomesError as problem:
        if problem.status in (403, 404):
            raise (PermissionDenied if problem.status == 403 else Http404)(str(problem)) from problem
        messages.error(request, str(problem))
        return redirect("outcomes:package", package_id=found.pk)
    messages.success(request, _("Package corrected.") if verb == "correct" else _("Package withdrawn."))
    return redirect("outcomes:package", package_id=result.pk)


@membership_required
def package_download(request, package_id, kind: str):
    found = queries.package_for(request.membership, package_id)
    if kind == "json":
        body, content_type = json.dumps(found.contents, indent=2).encode(), "application/json"
    elif kind == "csv":
        body, content_type = exports.release_csv(found.contents), "text/csv; charset=utf-8"
    else:
        raise Http404("No such format.")
    exports.log_package_export(found, kind, via="download", request=request)
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="package-{found.period_label}-{found.pk}.{kind}"'
    response["X-Content-SHA256"] = found.checksum  # checksum of the canonical JSON contents
    return response


@membership_required
def dashboard(request):
    board = build_dashboard(request.membership, request.GET.get("period"), request.GET.get("map"))
    return render(
        request,
        "outcomes/dashboard.html",
        {
            "board": board,
            "charts": board.trend_svgs(),
            "map": board.map_svg(),
            "query": request.GET.urlencode(),
        },
    )


@membership_required
def dashboard_pdf(request):
    board = build_dashboard(request.membership, request.GET.get("period"), request.GET.get("map"))
    body = exports.dashboard_pdf(board, request.membership.organization.name)
    audit.record(
        "outcomes.dashboard.export",
        request=request,
        detail={"format": "pdf", "period": board.period or "", "partners": len(board.partners)},
    )
    response = HttpResponse(body, content_type="application/pdf")
    response["Content-Disposition"] = 'attachment; filename="coalition-dashboard.pdf"'
    return response


def _combined_from_request(request):
    today = timezone.localdate()
    try:
        end = (
            date.fromisoformat(request.GET["to"])
            if request.GET.get("to")
            else today.replace(day=1) - timedelta(days=1)
        )
        start = (
            date.fromisoformat(request.GET["from"])
            if request.GET.get("from")
            else (end.replace(day=1) - timedelta(days=150)).replace(day=1)
        )
    except ValueError as problem:
        raise ReportError(
            _("Dates must look like 2025-01-31 (%(problem)s).") % {"problem": problem}
        ) from problem
    return combined.build_combined(request.membership, start, end, today=today)


@membership_required
def combined_report(request):
    """The coalition's combined report over a closed period, across every partner whose agreement covers it."""
    try:
        built = _combined_from_request(request)
    except ReportError as problem:
        return render(
            request,
            "outcomes/combined.html",
            {
                "error": str(problem),
                "form_from": request.GET.get("from", ""),
                "form_to": request.GET.get("to", ""),
            },
            status=400,
        )
    return render(
        request,
        "outcomes/combined.html",
        {
            "report": built,
            "sentence": combined.key_sentence(built),
            "form_from": built.start.isoformat(),
            "form_to": built.end.isoformat(),
            "querystring": request.GET.urlencode(),
        },
    )


@membership_required
def combined_download(request, kind: str):
    if kind not in ("pdf", "csv", "json"):
        raise Http404("No such format.")
    try:
        built = _combined_from_request(request)
    except ReportError as problem:
        return HttpResponseBadRequest(str(problem), content_type="text/plain; charset=utf-8")
    body = exports.combined_file(built, kind)
    audit.record(
        "outcomes.combined_report.export",
        request=request,
        detail={
            "format": kind,
            "from": built.start.isoformat(),
            "to": built.end.isoformat(),
            "partners": built.partners,
        },
    )
    response = HttpResponse(body, content_type=exports.CONTENT_TYPES[kind])
    name = f"combined-{built.organization.slug}-{built.start.isoformat()}-{built.end.isoformat()}.{kind}"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def open_data(request):
    return render(request, "outcomes/open_data.html", {"datasets": queries.open_datasets()})


@membership_required(roles=ADMIN)
def open_data_manage(request):
    membership = request.membership
    form = DatasetForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            dataset = actions.create_open_dataset(membership, form.dataset_input())
        except actions.OutcomesError as problem:
            form.add_error(problem.field or None, str(problem))
        else:
            messages.success(
                request, _("Open dataset created; each closed period is published by the exchange run.")
            )
            return redirect("outcomes:open_dataset", org_slug=membership.organization.slug, slug=dataset.slug)
    return render(
        request,
        "outcomes/open_data_manage.html",
        {"form": form, "datasets": queries.open_datasets(membership.organization)},
        status=400 if request.method == "POST" else 200,
    )


def _dictionary(dataset) -> list[dict]:
    registry = indicator_registry.registry
    fields = [
        {"field": "period", "description": "Calendar period (YYYY-MM, YYYY-Qn or YYYY)."},
        {"field": "indicator", "description": "Indicator code (see the indicator catalog)."},
        {
            "field": "place",
            "description": f"Area at the {dataset.get_place_grain_display()} grain, or Total.",
        },
        {
            "field": "value",
            "description": f"The count; '*' where suppressed (counts 1 to {dataset.threshold - 1}).",
        },
    ]
    indicators = [
        {
            "code": code,
            "name": str(registry[code].name),
            "definition": str(registry[code].definition),
            "unit": registry[code].unit,
            "counts_people": registry[code].counts_people,
        }
        for code in dataset.indicators
        if code in registry
    ]
    return [{"fields": fields, "indicators": indicators}]


def open_dataset(request, org_slug, slug):
    dataset = queries.open_dataset(org_slug, slug)
    return render(
        request,
        "outcomes/open_dataset.html",
        {"dataset": dataset, "releases": dataset.releases.all(), "dictionary": _dictionary(dataset)[0]},
    )


def open_dataset_download(request, org_slug, slug, kind: str):
    dataset = queries.open_dataset(org_slug, slug)
    published = list(
        dataset.releases.filter(superseded_at__isnull=True, withdrawn_at__isnull=True).order_by(
            "period_start"
        )
    )
    if kind == "json":
        body = {
            "dataset": dataset.title,
            "organization": dataset.organization.name,
            "description": dataset.description,
            "threshold": dataset.threshold,
            "data_dictionary": _dictionary(dataset)[0],
            "releases": [{"checksum": r.checksum, **r.contents} for r in published],
        }
        response = HttpResponse(json.dumps(body, indent=2), content_type="application/json")
    elif kind == "csv":
        text = b""
        for i, release in enumerate(published):
            chunk = exports.release_csv(release.contents)
            text += chunk if i == 0 else chunk.split(b"\n", 1)[1]
        response = HttpResponse(
            text or b"period,indicator,name,unit,place,value,note\r\n", content_type="text/csv"
        )
    else:
        raise Http404("No such format.")
    response["Content-Disposition"] = (
        f'attachment; filename="{dataset.organization.slug}-{dataset.slug}.{kind}"'
    )
    return response
