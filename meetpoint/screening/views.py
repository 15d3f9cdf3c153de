"""Screening pages: the instrument catalog (public), the screening form, the result with the services it calls
for, the organization's list of screenings (counts for analysts and viewers) and the FHIR download."""

import json

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from meetpoint.accounts import audit
from meetpoint.accounts.permissions import membership_required
from meetpoint.accounts.roles import sees_participant_level
from meetpoint.screening import actions, forms, queries
from meetpoint.screening.catalog import UnknownInstrument, all_instruments, get_instrument
from meetpoint.screening.fhir import questionnaire_response
from meetpoint.screening.services import DEFAULT_RADIUS_KM, default_near, help_for

EDITORS = frozenset({"admin", "staff"})


def _instrument_or_404(name: str):
    try:
        return get_instrument(name)
    except UnknownInstrument:
        raise Http404(f"No instrument named {name!r}.") from None


def instruments(request):
    return render(request, "screening/instruments.html", {"instruments": all_instruments()})


def instrument_detail(request, name: str):
    instrument = _instrument_or_404(name)
    membership = getattr(request, "membership", None)
    may_screen = bool(membership) and membership.role in EDITORS
    context = {"instrument": instrument, "data": instrument.data, "may_screen": may_screen}
    return render(request, "screening/instrument_detail.html", context)


@membership_required
def index(request):
    membership = request.membership
    counts = queries.counts_by_instrument_and_level(membership)
    context = {"counts": counts, "total": sum(row["count"] for row in counts)}
    if sees_participant_level(membership.role):
        chosen = request.GET.get("instrument") or None
        page = Paginator(queries.screenings_for(membership, instrument=chosen), 25).get_page(
            request.GET.get("page")
        )
        audit.record_list(
            "screening.list",
            request=request,
            count=len(page.object_list),
            filters={"instrument": chosen, "page": page.number},
        )
        context.update(page=page, chosen=chosen, instruments=all_instruments(), may_screen=True)
    return render(request, "screening/index.html", context)


@membership_required(roles=EDITORS)
def choose(request):
    return render(request, "screening/choose.html", {"instruments": all_instruments()})


def _locations(membership):
    from meetpoint.directory.models import Location

    return list(Location.objects.filter(organization=membership.organization).order_by("name"))


@membership_required(roles=EDITORS)
def new(request, name: str):
    instrument = _instrument_or_404(name)
    membership = request.membership
    errors: dict = {}
    post = None
    if request.method == "POST":
        post = request.POST
        answers, errors = forms.read_answers(instrument, post)
        age_raw = (post.get("age") or "").strip()
        age = None
        if age_raw:
            try:
                age = int(age_raw)
            except ValueError:
                errors["age"] = _("Enter the age as a whole number of years.")
        if not errors:
            try:
                screening = actions.record_screening(
                    membership,
                    instrument=instrument.name,
                    answers=answers,
                    participant_code=post.get("participant_code", ""),
                    sex=post.get("sex") or None,
                    age=age,
                    location_id=post.get("location") or None,
                    language=post.get("language", ""),
                )
            except actions.ScreeningError as error:
                errors = error.errors
            else:
                messages.success(request, _("Screening recorded."))
                return redirect("screening:detail", screening_id=screening.pk)
    item_ids = set(instrument.item_by_id)
    context = {
        "instrument": instrument,
        "sections": forms.questions(instrument, post, errors=errors),
        "errors": errors,
        "general_errors": {field: message for field, message in errors.items() if field not in item_ids},
        "post": post or {},
        "needs_sex": "sex" in instrument.requires,
        "languages": forms.LANGUAGES,
        "locations": _locations(membership),
    }
    return render(request, "screening/new.html", context, status=400 if errors else 200)


def _placed_sites(membership):
    return [location for location in _locations(membership) if location.latitude is not None]


def _near_from_request(request, screening):
    near = default_near(screening, request.membership)
    problems = []
    site_id = request.GET.get("site")
    if site_id:
        site = next((loc for loc in _placed_sites(request.membership) if str(loc.pk) == site_id), None)
        if site is None:
            problems.append(_("Choose one of your organization's sites."))
        else:
            near.latitude, near.longitude, near.place = site.latitude, site.longitude, site.name
    if request.GET.get("lat") or request.GET.get("lon"):
        try:
            near.latitude, near.longitude = float(request.GET["lat"]), float(request.GET["lon"])
            near.place = _("the point you gave")
        except (KeyError, ValueError):
            problems.append(_("Give both latitude and longitude as numbers."))
    if request.GET.get("radius_km"):
        try:
            near.radius_km = float(request.GET["radius_km"])
        except ValueError:
            problems.append(_("The distance must be a number of kilometres."))
    if "language" in request.GET:
        near.language = request.GET.get("language", "")
    near.open_now = request.GET.get("open_now") == "1"
    return near, problems


@membership_required
def detail(request, screening_id):
    screening = queries.screening_for(request.membership, screening_id)
    audit.record("screening.view", request=request, obj=screening)
    near, problems = _near_from_request(request, screening)
    groups = help_for(screening.result, near, request.membership) if not problems else []
    context = {
        "screening": screening,
        "result": screening.result,
        "groups": groups,
        "near": near,
        "near_problems": problems,
        "sites": _placed_sites(request.membership),
        "languages": forms.LANGUAGES,
        "default_radius": DEFAULT_RADIUS_KM,
        "refer_url": reverse("referrals:new") if _has_referrals() else "/referrals/new/",
    }
    try:
        instrument = get_instrument(screening.instrument)
        context["answered"] = [
            {
                "text": instrument.item_text(item, screening.sex or None),
                "answer": _answer_text(item, screening.answers[item["id"]]),
            }
            for item in instrument.items
            if item["id"] in screening.answers
        ]
    except UnknownInstrument:
        context["answered"] = []
    return render(request, "screening/detail.html", context)


def _has_referrals() -> bool:
    from django.urls import NoReverseMatch

    try:
        reverse("referrals:new")
    except NoReverseMatch:
        return False
    return True


def _answer_text(item: dict, value) -> str:
    if item["type"] == "yes_no":
        return _("Yes") if value else _("No")
    if item["type"] == "choice":
        return item["options"][value]["text"]
    if item["type"] == "select_all":
        return "; ".join(item["options"][position]["text"] for position in value)
    return str(value)


@membership_required
def fhir(request, screening_id):
    screening = queries.screening_for(request.membership, screening_id)
    audit.record("screening.export", request=request, obj=screening, detail={"format": "fhir"})
    response = HttpResponse(
        json.dumps(questionnaire_response(screening), indent=2), content_type="application/fhir+json"
    )
    response["Content-Disposition"] = f'attachment; filename="screening-{screening.pk}.fhir.json"'
    return response
