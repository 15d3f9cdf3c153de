"""The directory's JSON API under /api/v1/directory/: the same search as the public page, the mobile units'
stops today, and writes for admin and staff of a service's own organization (403 for other roles, 404 for
another organization's ids, 400 naming the field for bad input)."""

import datetime
from uuid import UUID

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from ninja import Field, Query, Router, Schema
from ninja.errors import HttpError
from ninja.renderers import JSONRenderer

from meetpoint.accounts.api_auth import member_auth, optional_membership
from meetpoint.bounds import MAX_PAGE
from meetpoint.directory import actions, queries, search_cache
from meetpoint.directory.forms import ServiceForm
from meetpoint.directory.hours import LocalClock, is_open
from meetpoint.directory.search import SearchError, SearchQuery, response_key, search_services
from meetpoint.directory.views import _stop_place

router = Router(tags=["directory"])
JSON = JSONRenderer()


class DirectoryProblem(Schema):
    field: str
    message: str


class DirectoryErrorOut(Schema):
    detail: str
    errors: list[DirectoryProblem] = []


class TermOut(Schema):
    code: str
    name: str


class OrganizationOut(Schema):
    id: UUID
    name: str
    slug: str


class AddressOut(Schema):
    address_1: str
    city: str
    state_province: str
    postal_code: str


class StopOut(Schema):
    date: datetime.date | None
    opens_at: datetime.time
    closes_at: datetime.time
    name: str


class PlaceOut(Schema):
    id: UUID
    name: str
    is_mobile: bool
    exact: bool = Field(
        description="False for a confidential site seen by the public: the point is approximate."
    )
    latitude: float | None
    longitude: float | None
    area: str = Field(description="What to show instead of an address when the place is not exact.")
    address: AddressOut | None
    stop: StopOut | None = Field(
        description="For a mobile unit: the stop it stands at now, or its next today."
    )


class SearchServiceOut(Schema):
    id: UUID
    name: str
    description: str
    organization: OrganizationOut
    is_free: bool
    url: str
    taxonomy: list[TermOut]
    languages: list[str]


class HitOut(Schema):
    service: SearchServiceOut
    location: PlaceOut | None
    distance_km: float | None
    open_now: bool | None


class SearchOut(Schema):
    total: int
    page: int
    per_page: int
    total_pages: int
    results: list[HitOut]


class SearchParams(Schema):
    text: str = Field(
        "", description="Words that must all appear in the name, description, organization or type."
    )
    taxonomy: str = Field("", description="A service type code, e.g. naloxone; its children are included.")
    language: str | None = Field(None, description="ISO 639 code of a language spoken, e.g. es.")
    free: bool = False
    open_now: bool = False
    lat: float | None = None
    lon: float | None = None
    radius_km: float | None = Field(None, description="Needs lat and lon; at most MEETPOINT_MAX_RADIUS_KM.")
    postcode: str | None = None
    page: int = Field(1, ge=1, le=MAX_PAGE)
    per_page: int = Field(20, ge=1, le=settings.MEETPOINT_MAX_PAGE_SIZE)


def _service_out(service) -> dict:
    return {
        "id": service.pk,
        "name": service.name,
        "description": service.description,
        "organization": service.organization,
        "is_free": service.is_free,
        "url": service.url,
        "taxonomy": [{"code": t.code, "name": t.display_name()} for t in service.taxonomy_terms.all()],
        "languages": [language.code for language in service.languages.all()],
    }


def _place_out(hit) -> dict | None:
    location = hit.location
    if location is None:
        return None
    place = hit.place
    address = location.addresses.all()[0] if place.exact and location.addresses.all() else None
    stop = hit.stop
    return {
        "id": location.pk,
        "name": place.name,
        "is_mobile": location.is_mobile,
        "exact": place.exact,
        "latitude": place.latitude,
        "longitude": place.longitude,
        "area": place.area,
        "address": address,
        "stop": (
            {
                "date": stop.date,
                "opens_at": stop.opens_at,
                "closes_at": stop.closes_at,
                "name": stop.stop_name,
            }
            if stop is not None and place.exact
            else None
        ),
    }


@router.get("/search", response={200: SearchOut, 400: DirectoryErrorOut}, auth=None)
def search(request: HttpRequest, params: Query[SearchParams]):
    """Directory search, the same as the public page: partners signed in (session or token) see confidential
    sites exactly; the public gets their approximate point, and distances measured from it."""
    membership = optional_membership(request)
    max_page = getattr(settings, "MEETPOINT_MAX_PAGE_SIZE", 100)
    codes = [code.strip() for code in params.taxonomy.split(",") if code.strip()]
    query = SearchQuery(
        text=params.text,
        taxonomy_codes=codes,
        language=params.language or None,
        free_only=params.free,
        open_now=params.open_now,
        latitude=params.lat,
        longitude=params.lon,
        radius_km=params.radius_km,
        postcode=params.postcode or None,
        page=params.page,
        per_page=min(params.per_page, max_page) if params.per_page > 0 else params.per_page,
    )
    try:
        now = timezone.now()
        body = search_cache.remembered(
            response_key("api-search", query, membership),
            now,
            lambda: _search_body(request, query, membership, now),
        )
    except SearchError as problem:
        return 400, {
            "detail": problem.message,
            "errors": [{"field": problem.field, "message": problem.message}],
        }
    return HttpResponse(body, content_type=f"{JSON.media_type}; charset={JSON.charset}")


def _search_body(request: HttpRequest, query: SearchQuery, membership, now) -> tuple[bytes, tuple]:
    """The answer as JSON bytes, validated against SearchOut as any answer of the API is (remembered whole),
    and the stretch of time it holds for."""
    found = search_services(query, membership, now)
    payload = {
        "total": found.total,
        "page": found.page,
        "per_page": found.per_page,
        "total_pages": found.total_pages,
        "results": [
            {
                "service": _service_out(hit.service),
                "location": _place_out(hit),
                "distance_km": round(hit.distance_km, 3) if hit.distance_km is not None else None,
                "open_now": hit.open_now,
            }
            for hit in found.hits
        ],
    }
    body = JSON.render(request, SearchOut.model_validate(payload).model_dump(), response_status=200)
    return body, found.valid


class MobileStopOut(Schema):
    date: datetime.date
    opens_at: datetime.time
    closes_at: datetime.time
    name: str
    latitude: float | None
    longitude: float | None
    exact: bool
    open_now: bool


class MobileServiceOut(Schema):
    id: UUID
    name: str


class MobileUnitOut(Schema):
    id: UUID
    name: str
    organization: OrganizationOut
    services: list[MobileServiceOut]
    stops: list[MobileStopOut]


@router.get("/mobile-today", response=list[MobileUnitOut], auth=None)
def mobile_today(request: HttpRequest):
    """Today's stops of each mobile unit, in time order (confidential stops approximate for the public)."""
    membership = optional_membership(request)
    clock = LocalClock(timezone.now())
    units = []
    for entry in queries.mobile_units_today(timezone.localdate()):
        stops = []
        for row in entry["stops"]:
            place = _stop_place(entry["unit"], row, membership)
            stops.append(
                {
                    "date": row.date,
                    "opens_at": row.opens_at,
                    "closes_at": row.closes_at,
                    "name": row.stop_name if place.exact else place.area,
                    "latitude": place.latitude,
                    "longitude": place.longitude,
                    "exact": place.exact,
                    "open_now": is_open(row, clock),
                }
            )
        units.append(
            {
                "id": entry["unit"].pk,
                "name": entry["unit"].name,
                "organization": entry["unit"].organization,
                "services": [{"id": str(s.pk), "name": s.name} for s in entry["services"]],
                "stops": stops,
            }
        )
    return units


# --- Writes: admin and staff of the owning organization ---


class ScheduleIn(Schema):
    weekday: int | None = Field(None, description="0 = Monday … 6 = Sunday, for weekly hours.")
    date: datetime.date | None = Field(None, description="For a dated row, e.g. a mobile-unit stop.")
    opens_at: datetime.time
    closes_at: datetime.time = Field(description="After opens_at; hours past midnight are two rows.")
    timezone: str = ""
    description: str = ""
    stop_name: str = ""
    stop_latitude: float | None = None
    stop_longitude: float | None = None
    valid_from: datetime.date | None = None
    valid_to: datetime.date | None = None


class ScheduleOut(ScheduleIn):
    id: UUID
    service_id: UUID | None
    location_id: UUID | None


class ServicePatch(Schema):
    name: str | None = None
    description: str | None = None
    status: str | None = None
    is_free: bool | None = None
    fees_description: str | None = None
    eligibility_description: str | None = None
    application_process: str | None = None
    url: str | None = None
    email: str | None = None
    accepts_referrals: bool | None = None
    taxonomy_codes: list[str] | None = None
    languages: list[str] | None = None
    location_ids: list[UUID] | None = None
    phone: str | None = None
    capacity_available: int | None = None


def _editor(request: HttpRequest, fetch, pk):
    try:
        return fetch(request.auth, pk)
    except PermissionDenied as refused:
        raise HttpError(403, str(refused)) from refused


def _invalid(problem: actions.DirectoryInputError):
    return 400, {
        "detail": "Invalid input: nothing was saved.",
        "errors": [{"field": field, "message": message} for field, message in problem.errors.items()],
    }


@router.patch(
    "/services/{service_id}", response={200: SearchServiceOut, 400: DirectoryErrorOut}, auth=member_auth
)
def update_service(request: HttpRequest, service_id: UUID, payload: ServicePatch):
    """Changes the given fields of one of your organization's services."""
    service = _editor(request, queries.own_service, service_id)
    current = ServiceForm.initial_for(service)
    current["languages"] = tuple(service.languages.values_list("code", flat=True))
    current["location_ids"] = tuple(current["location_ids"])
    current["taxonomy_codes"] = tuple(current["taxonomy_codes"])
    current["capacity_available"] = None
    for name, value in payload.dict(exclude_unset=True).items():
        current[name] = tuple(value) if isinstance(value, list) else value
    try:
        service = actions.save_service(service.organization, actions.ServiceInput(**current), service)
    except actions.DirectoryInputError as problem:
        return _invalid(problem)
    return 200, _service_out(queries.own_service(request.auth, service.pk))


def _schedule_out(schedule) -> dict:
    return {name: getattr(schedule, name) for name in ScheduleOut.model_fields if name != "id"} | {
        "id": schedule.pk
    }


@router.post(
    "/services/{service_id}/schedules", response={201: ScheduleOut, 400: DirectoryErrorOut}, auth=member_auth
)
def add_service_schedule(request: HttpRequest, service_id: UUID, payload: ScheduleIn):
    """Adds weekly hours (weekday) or a dated session (date) to one of your organization's services."""
    service = _editor(request, queries.own_service, service_id)
    try:
        schedule = actions.add_schedule(actions.ScheduleInput(**payload.dict()), service=service)
    except actions.DirectoryInputError as problem:
        return _invalid(problem)
    return 201, _schedule_out(schedule)


@router.post(
    "/locations/{location_id}/schedules",
    response={201: ScheduleOut, 400: DirectoryErrorOut},
    auth=member_auth,
)
def add_location_schedule(request: HttpRequest, location_id: UUID, payload: ScheduleIn):
    """Adds opening hours to a site, or a dated stop (date, stop_name, stop_latitude/longitude) to a mobile
    unit of your organization."""
    location = _editor(request, queries.own_location, location_id)
    try:
        schedule = actions.add_schedule(actions.ScheduleInput(**payload.dict()), location=location)
    except actions.DirectoryInputError as problem:
        return _invalid(problem)
    return 201, _schedule_out(schedule)


@router.put("/schedules/{schedule_id}", response={200: ScheduleOut, 400: DirectoryErrorOut}, auth=member_auth)
def update_schedule(request: HttpRequest, schedule_id: UUID, payload: ScheduleIn):
    """Replaces one schedule row of your organization."""
    schedule = _editor(request, queries.own_schedule, schedule_id)
    try:
        schedule = actions.update_schedule(schedule, actions.ScheduleInput(**payload.dict()))
    except actions.DirectoryInputError as problem:
        return _invalid(problem)
    return 200, _schedule_out(schedule)


@router.delete("/schedules/{schedule_id}", response={204: None}, auth=member_auth)
def delete_schedule(request: HttpRequest, schedule_id: UUID):
    schedule = _editor(request, queries.own_schedule, schedule_id)
    actions.delete_schedule(schedule)
    return 204, None
