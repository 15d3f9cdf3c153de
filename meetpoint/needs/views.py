"""Community needs pages: areas beside reach, the ranked next-stop list, and the area data upload."""

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from meetpoint.accounts.permissions import membership_required
from meetpoint.accounts.roles import EDITING_ROLES
from meetpoint.needs import actions, queries
from meetpoint.needs.forms import ImportForm, PeriodForm
from meetpoint.needs.models import AreaImport


def _period(request):
    """The fixed period asked for (the last ended quarter by default) and the form; a bad request is answered
    400 with the allowed periods, showing the default period meanwhile."""
    form = PeriodForm(request.GET or None)
    period = queries.default_period()
    if form.is_bound and form.is_valid():
        period = form.cleaned_data["fixed_period"]
    return form, period, 400 if form.is_bound and not form.is_valid() else 200


@membership_required
def area_table(request: HttpRequest) -> HttpResponse:
    form, period, status = _period(request)
    rows, found = queries.area_rows(period, request.membership)
    return render(
        request,
        "needs/areas.html",
        {
            "form": form,
            "period": period,
            "rows": rows,
            "table": found.table,
            "unplaced": queries.unplaced(found),
            "sdoh": found.table.sdoh,
            "source": queries.source_of(request.membership),
            "last_import": AreaImport.objects.filter(
                organization=queries.source_of(request.membership)
            ).first(),
            "may_import": request.membership.may_edit,
            "may_choose": request.membership.role == "admin",
        },
        status=status,
    )


@membership_required
def next_stops(request: HttpRequest) -> HttpResponse:
    form, period, status = _period(request)
    purpose = request.GET.get("purpose") if request.GET.get("purpose") in queries.PURPOSES else "mobile"
    ranked, found = queries.ranked_areas(period, request.membership, purpose)
    areas = {area.code: area for area in queries.areas_for(request.membership)}
    return render(
        request,
        "needs/next.html",
        {
            "form": form,
            "period": period,
            "purpose": purpose,
            "ranked": [
                {
                    "item": item,
                    "reasons": queries.explain(item, purpose, queries.hidden_parts(item, found, purpose)),
                    "area": areas.get(item.facts.code),
                }
                for item in ranked
            ],
            "tiles": getattr(
                settings, "MEETPOINT_MAP_TILES", "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
            ),
            "weights": queries.weights(),
            "table": found.table,
        },
        status=status,
    )


@membership_required(roles=frozenset({"admin"}))
def choose_source(request: HttpRequest) -> HttpResponse:
    """The admin chooses whose area data the organization's needs pages and ranking use."""
    import uuid

    from meetpoint.errors import ActionError

    membership = request.membership
    error, status = "", 200
    if request.method == "POST":
        chosen = request.POST.get("source", "")
        try:
            source_id = None if chosen == "site" else uuid.UUID(chosen)
        except ValueError:
            source_id = uuid.UUID(int=0)  # no such organization: refused below with the reason
        try:
            actions.choose_needs_source(membership, source_id)
        except ActionError as problem:
            error, status = str(problem.message), problem.status
        else:
            messages.success(request, _("Saved whose area data we use."))
            return redirect("needs:areas")
    return render(
        request,
        "needs/source.html",
        {
            "sources": queries.possible_sources(membership),
            "current": queries.source_of(membership),
            "error": error,
        },
        status=status,
    )


@membership_required(roles=frozenset(EDITING_ROLES))
def upload(request: HttpRequest) -> HttpResponse:
    form = ImportForm(request.POST or None, request.FILES or None)
    problems = []
    status = 200
    if request.method == "POST":
        if form.is_valid():
            upload_file = form.cleaned_data["file"]
            try:
                done = actions.import_area_data(
                    upload_file.read(),
                    layout=form.cleaned_data["layout"],
                    area_column=form.cleaned_data["area_column"] or None,
                    file_name=upload_file.name,
                    source=form.cleaned_data["source"],
                    membership=request.membership,
                )
            except actions.ImportRefused as refused:
                problems = refused.result.problems
            else:
                messages.success(request, _("Imported %(n)d areas.") % {"n": done.rows})
                return redirect("needs:areas")
        status = 400
    return render(
        request,
        "needs/upload.html",
        {
            "form": form,
            "problems": problems,
            "imports": AreaImport.objects.filter(organization=request.membership.organization).select_related(
                "organization"
            )[:10],
        },
        status=status,
    )
