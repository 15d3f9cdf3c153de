"""Pages of the directory: the public search, service detail, map and mobile units (no login), and the
editing pages where admin and staff keep their own organization's services, locations and hours."""

from datetime import timedelta
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from meetpoint.accounts.permissions import membership_required
from meetpoint.directory import actions, queries, search_cache
from meetpoint.directory.forms import LocationForm, ScheduleForm, SearchForm, ServiceForm
from meetpoint.directory.hours import LocalClock, is_open
from meetpoint.directory.search import SearchError, response_key, search_services
from meetpoint.directory.stops import NEXT, NOW, day_of_stops, directions, not_finished
from meetpoint.directory.visibility import place_of

EDITORS = frozenset({"admin", "staff"})
SEARCH_FIELD_NAMES = {"text": "q", "taxonomy": "taxonomy", "language": "language", "page": "page"}


def _run_search(request: HttpRequest, per_page: int | None = None, always: bool = False):
    form = SearchForm(request.GET if (request.GET or always) else None)
    results = None
    if form.is_bound and form.is_valid():
        try:
            results = search_services(form.to_query(per_page), request.membership)
        except SearchError as problem:
            field = SEARCH_FIELD_NAMES.get(problem.field, problem.field)
            form.add_error(field if field in form.fields else None, problem.message)
    return form, results


def _page_links(request: HttpRequest, results) -> dict:
    def url_for(number: int) -> str:
        params = request.GET.copy()
        params["page"] = str(number)
        return "?" + params.urlencode()

    if results is None:
        return {}
    return {
        "previous_url": url_for(results.page - 1) if results.page > 1 else None,
        "next_url": url_for(results.page + 1) if results.page < results.total_pages else None,
    }


def search(request: HttpRequest) -> HttpResponse:
    form = SearchForm(request.GET or None)
    context = {"form": form}
    if form.is_bound and form.is_valid():
        try:
            context["found"] = _results_section(request, form.to_query(None))
        except SearchError as problem:
            field = SEARCH_FIELD_NAMES.get(problem.field, problem.field)
            form.add_error(field if field in form.fields else None, problem.message)
    return render(request, "directory/search.html", context)


def _results_section(request: HttpRequest, query) -> dict:
    """The rendered results and their total, remembered with the answer they show (search_cache.py); the key
    adds the page's own parameters, which its links repeat."""
    now = timezone.now()
    key = response_key("page-results", query, request.membership)
    key = key and (*key, request.GET.urlencode())

    def render_section():
        results = search_services(query, request.membership, now)
        context = {"results": results, **_page_links(request, results)}
        html = render_to_string("directory/_results.html", context, request)
        return {"html": html, "total": results.total}, results.valid

    return search_cache.remembered(key, now, render_section)


def map_view(request: HttpRequest) -> HttpResponse:
    form, results = _run_search(
        request, per_page=getattr(settings, "MEETPOINT_MAX_PAGE_SIZE", 100), always=True
    )
    tiles = settings.MEETPOINT_MAP_TILES
    context = {
        "form": form,
        "results": results,
        # The street map loads only when the visitor asks (map.js); an empty setting offers none at all.
        "tiles": tiles,
        "tiles_host": urlsplit(tiles).netloc.replace("{s}.", "") or _("this site"),
        "tiles_attribution": settings.MEETPOINT_MAP_TILES_ATTRIBUTION,
        "center": _region_centre(),
        **_page_links(request, results),
    }
    return render(request, "directory/map.html", context)


def _region_centre() -> tuple[float, float]:
    from meetpoint.directory.models import Location

    points = Location.objects.filter(latitude__isnull=False, is_confidential=False).values_list(
        "latitude", "longitude"
    )[:500]
    points = list(points)
    if not points:
        return (40.4406, -79.9959)
    return (sum(p[0] for p in points) / len(points), sum(p[1] for p in points) / len(points))


def service_detail(request: HttpRequest, pk) -> HttpResponse:
    service = queries.public_service(pk)
    membership = request.membership
    clock = LocalClock(timezone.now())
    today = clock.local("").date()
    service_rows = [row for row in service.schedules.all() if row.location_id is None]
    places = []
    for link in service.service_at_locations.all():
        location = link.location
        rows = list(link.schedules.all()) or service_rows or list(location.schedules.all())
        weekly = sorted((r for r in rows if r.weekday is not None), key=lambda r: (r.weekday, r.opens_at))
        dated = sorted(
            (r for r in rows if r.date is not None and r.date >= today and not_finished(r, clock)),
            key=lambda r: (r.date, r.opens_at),
        )[:14]
        place = place_of(location, membership)
        stops = []
        for row in dated:
            stop_place = None
            if row.stop_latitude is not None:
                stop_place = _stop_place(location, row, membership)
            links = (
                directions(stop_place.latitude, stop_place.longitude, row.stop_name)
                if stop_place and stop_place.exact
                else []
            )
            stops.append({"row": row, "place": stop_place, "directions": links})
        places.append(
            {
                "location": location,
                "place": place,
                "address": location.addresses.first() if place.exact else None,
                "phones": list(location.phones.all()),
                "weekly": weekly,
                "stops": stops,
                "open_now": any(is_open(r, clock) for r in rows),
                "directions": directions(place.latitude, place.longitude, location.name)
                if place.exact and not location.is_mobile
                else [],
            }
        )
    if not places and service_rows:
        places.append(
            {
                "location": None,
                "weekly": [r for r in service_rows if r.weekday is not None],
                "stops": [],
                "open_now": any(is_open(r, clock) for r in service_rows),
            }
        )
    capacity = service.capacities.first()
    context = {
        "service": service,
        "places": places,
        "capacity": capacity,
        # the capacity's own time (from the feed, or Meetpoint's last edit): old figures are flagged
        "capacity_stale": capacity is not None
        and capacity.updated < timezone.now() - timedelta(days=settings.MEETPOINT_CAPACITY_STALE_DAYS),
        "terms": list(service.taxonomy_terms.all()),
    }
    return render(request, "directory/service_detail.html", context)


def _stop_place(location, row, membership):
    return place_of(location, membership, point=(row.stop_latitude, row.stop_longitude))


def mobile_today(request: HttpRequest) -> HttpResponse:
    """Where each van is now and next: today's stops marked done, here now, next or later, with directions to
    exact places (a confidential stop shows its approximate area only)."""
    clock = LocalClock(timezone.now())
    today = clock.local("").date()
    units = []
    for entry in queries.mobile_units_today(today):
        stops = []
        for row, state in day_of_stops(entry["stops"], clock):
            place = (
                _stop_place(entry["unit"], row, request.membership) if row.stop_latitude is not None else None
            )
            links = (
                directions(place.latitude, place.longitude, row.stop_name) if place and place.exact else []
            )
            stops.append({"row": row, "place": place, "state": state, "directions": links})
        now = next((stop for stop in stops if stop["state"] == NOW), None)
        coming = next((stop for stop in stops if stop["state"] == NEXT), None)
        units.append(
            {
                **entry,
                "stops": stops,
                "now": now,
                "next": coming,
                "place": place_of(entry["unit"], request.membership),
            }
        )
    return render(request, "directory/mobile_today.html", {"units": units, "today": today})


# --- Editing: own organization only; admin and staff; another organization's id is a 404 ---


def _apply_errors(form, problem: actions.DirectoryInputError) -> None:
    for field, message in problem.errors.items():
        form.add_error(field if field in form.fields else None, message)


@membership_required(roles=EDITORS)
def manage(request: HttpRequest) -> HttpResponse:
    membership = request.membership
    context = {
        "services": queries.own_services(membership).order_by("name"),
        "locations": queries.own_locations(membership).order_by("name"),
    }
    return render(request, "directory/manage.html", context)


@membership_required(roles=EDITORS)
def service_edit(request: HttpRequest, pk=None) -> HttpResponse:
    membership = request.membership
    service = queries.own_service(membership, pk) if pk else None
    initial = ServiceForm.initial_for(service) if service else {"status": "active", "accepts_referrals": True}
    form = ServiceForm(request.POST or None, initial=initial, organization=membership.organization)
    if request.method == "POST" and form.is_valid():
        try:
            saved = actions.save_service(membership.organization, form.to_input(), service)
        except actions.DirectoryInputError as problem:
            _apply_errors(form, problem)
        else:
            messages.success(request, _("Saved %(name)s.") % {"name": saved.name})
            return redirect("directory:service_edit", pk=saved.pk)
    schedules = (
        service.schedules.filter(location__isnull=True).order_by("date", "weekday", "opens_at")
        if service
        else []
    )
    context = {"form": form, "service": service, "schedules": schedules, "schedule_form": ScheduleForm()}
    return render(request, "directory/service_form.html", context)


@membership_required(roles=EDITORS)
def location_edit(request: HttpRequest, pk=None) -> HttpResponse:
    membership = request.membership
    location = queries.own_location(membership, pk) if pk else None
    initial = LocationForm.initial_for(location) if location else {}
    form = LocationForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            saved = actions.save_location(membership.organization, form.to_input(), location)
        except actions.DirectoryInputError as problem:
            _apply_errors(form, problem)
        else:
            messages.success(request, _("Saved %(name)s.") % {"name": saved.name})
            return redirect("directory:location_edit", pk=saved.pk)
    schedules = location.schedules.order_by("date", "weekday", "opens_at") if location else []
    if location and location.is_mobile:
        schedules = schedules.filter(date__gte=timezone.localdate() - timezone.timedelta(days=1))
    context = {
        "form": form,
        "location": location,
        "schedules": schedules,
        "schedule_form": ScheduleForm(
            initial={"kind": "dated" if location and location.is_mobile else "weekly"}
        ),
    }
    return render(request, "directory/location_form.html", context)


@membership_required(roles=EDITORS)
def schedule_add(request: HttpRequest, kind: str, pk) -> HttpResponse:
    membership = request.membership
    owner = queries.own_service(membership, pk) if kind == "service" else queries.own_location(membership, pk)
    back = "directory:service_edit" if kind == "service" else "directory:location_edit"
    form = ScheduleForm(
        request.POST or None, initial={"kind": "dated" if getattr(owner, "is_mobile", False) else "weekly"}
    )
    if request.method == "POST" and form.is_valid():
        try:
            actions.add_schedule(form.to_input(), **{kind: owner})
        except actions.DirectoryInputError as problem:
            _apply_errors(form, problem)
        else:
            messages.success(request, _("Hours added."))
            return redirect(back, pk=owner.pk)
    return render(request, "directory/schedule_form.html", {"form": form, "owner": owner, "back": back})


@membership_required(roles=EDITORS)
def schedule_edit(request: HttpRequest, pk) -> HttpResponse:
    schedule = queries.own_schedule(request.membership, pk)
    owner = schedule.service or schedule.location
    back = "directory:service_edit" if schedule.service_id else "directory:location_edit"
    form = ScheduleForm(request.POST or None, initial=ScheduleForm.initial_for(schedule))
    if request.method == "POST" and form.is_valid():
        try:
            actions.update_schedule(schedule, form.to_input())
        except actions.DirectoryInputError as problem:
            _apply_errors(form, problem)
        else:
            messages.success(request, _("Hours saved."))
            return redirect(back, pk=owner.pk)
    context = {"form": form, "owner": owner, "back": back, "schedule": schedule}
    return render(request, "directory/schedule_form.html", context)


@require_POST
@membership_required(roles=EDITORS)
def schedule_delete(request: HttpRequest, pk) -> HttpResponse:
    schedule = queries.own_schedule(request.membership, pk)
    owner = schedule.service or schedule.location
    back = "directory:service_edit" if schedule.service_id else "directory:location_edit"
    actions.delete_schedule(schedule)
    messages.success(request, _("Hours removed."))
    return redirect(back, pk=owner.pk)


@membership_required(roles=frozenset({"admin"}))
def confidential_partners(request: HttpRequest) -> HttpResponse:
    """The admin's list of partners whose members see this organization's confidential sites exactly."""
    from meetpoint.errors import ActionError

    membership = request.membership
    status = 200
    error = ""
    if request.method == "POST":
        try:
            if request.POST.get("remove"):
                actions.remove_exact_place_partner(membership, _uuid_or_none(request.POST.get("remove")))
                messages.success(request, _("Removed from the list."))
            else:
                actions.name_exact_place_partner(membership, _uuid_or_none(request.POST.get("partner")))
                messages.success(request, _("Added to the list."))
        except ActionError as problem:
            status, error = problem.status, str(problem.message)
        else:
            return redirect("directory:confidential_partners")
    context = {
        "grants": queries.exact_place_partners(membership),
        "candidates": queries.possible_exact_place_partners(membership),
        "error": error,
    }
    return render(request, "directory/confidential_partners.html", context, status=status)


def _uuid_or_none(value):
    import uuid

    try:
        return uuid.UUID(str(value))
    except (TypeError, ValueError):
        return None
