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
from meetpoint.needs.models import Area, AreaImport


def _period(request):
    form = PeriodForm(request.GET or None)
    start, end = queries.default_period()
    if form.is_bound and form.is_valid():
        start = form.cleaned_data.get("start") or start
        end = form.cleaned_data.get("end") or end
    return form, start, end


@membership_required
def area_table(request: HttpRequest) -> HttpResponse:
    form, start, end = _period(request)
    rows, table = queries.area_rows(start, end)
    return render(
        request,
        "needs/areas.html",
        {
            "form": form,
            "start": start,
            "end": end,
            "rows": rows,
            "table": table,
            "sdoh": table.sdoh,
            "last_import": AreaImport.objects.first(),
            "may_import": request.membership.may_edit,
        },
        status=400 if form.is_bound and not form.is_valid() else 200,
    )


@membership_required
def next_stops(request: HttpRequest) -> HttpResponse:
    form, start, end = _period(request)
    purpose = request.GET.get("purpose") if request.GET.get("purpose") in queries.PURPOSES else "mobile"
    ranked, table = queries.ranked_areas(start, end, purpose)
    areas = {area.code: area for area in Area.objects.all()}
    return render(
        request,
        "needs/next.html",
        {
            "form": form,
            "start": start,
            "end": end,
            "purpose": purpose,
            "ranked": [
                {"item": item, "reasons": queries.explain(item, purpose), "area": areas.get(item.facts.code)}
                for item in ranked
            ],
            "tiles": getattr(
                settings, "MEETPOINT_MAP_TILES", "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
            ),
            "weights": queries.weights(),
            "table": table,
        },
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
            "imports": AreaImport.objects.select_related("organization")[:10],
        },
        status=status,
    )
