"""The HSDS 3.1 API, mounted at /api/v1/hsds/. Public (no sign-in needed); a signed-in partner member (session or
bearer token) sees the exact place of confidential sites, everyone else their approximate area.

List endpoints answer the HSDS paged wrapper and take the HSDS query parameters, combined cumulatively:
search, page, per_page, format (json or ndjson), taxonomy_term_id, taxonomy_id, organization_id, modified_after,
minimal, full, full_service, proximity ("lat,lon", with radius_km, default 10 km) and postcode. /services goes through directory.search.search_services, the same path the
public directory page and the directory API use.
"""

import json
import math
import uuid
from datetime import datetime

from django.conf import settings
from django.db.models import Q
from django.http import HttpRequest, StreamingHttpResponse
from django.urls import reverse
from django.utils import timezone
from ninja import Query, Router, Schema
from ninja.errors import HttpError
from pydantic import Field

from meetpoint.accounts.api_auth import optional_membership
from meetpoint.accounts.models import Organization
from meetpoint.directory.hsds import serialize
from meetpoint.directory.hsds.api_schemas import (
    ApiRoot,
    HsdsOrganizationWithServices,
    HsdsService,
    HsdsServiceAtLocationWithService,
    HsdsTaxonomy,
    HsdsTaxonomyTerm,
    OrganizationPage,
    ServiceAtLocationPage,
    ServicePage,
    TaxonomyPage,
    TaxonomyTermPage,
)
from meetpoint.directory.hsds.validation import HSDS_VERSION
from meetpoint.directory.models import Service, Taxonomy, TaxonomyTerm
from meetpoint.directory.search import SearchError, SearchQuery, search_services
from meetpoint.directory.visibility import confidential_condition, place_of

hsds_router = Router(tags=["hsds"])

HSDS_PROFILE = "https://docs.openreferral.org/en/latest/hsds/"
DEFAULT_RADIUS_KM = 10.0


class PageParams(Schema):
    search: str = Field("", description="Free text search.")
    page: int = Field(1, ge=1, description="Page number, from 1; a page past the last answers an empty page.")
    per_page: int | None = Field(
        None,
        ge=1,
        le=settings.MEETPOINT_MAX_PAGE_SIZE,
        description="Results per page (default 20, at most 100).",
    )
    # The enum is stated in the schema only: the view refuses any other value itself, with its own message.
    format: str = Field(
        "json",
        description="`json` (paged) or `ndjson`: every result, one JSON object a line, streamed.",
        json_schema_extra={"enum": ["json", "ndjson"]},
    )


class ServiceFilters(PageParams):
    taxonomy_term_id: str | None = Field(
        None, description="Only records with this taxonomy term (or its children)."
    )
    organization_id: str | None = Field(None, description="Only services of this organization.")
    modified_after: str | None = Field(
        None, description="Only records modified on or after this ISO datetime."
    )
    proximity: str | None = Field(None, description='"lat,lon": only records within radius_km of this point.')
    radius_km: float | None = Field(None, description="Radius for proximity, in km (default 10).")
    postcode: str | None = Field(None, description="Only records at a location with this postal code.")
    full: bool = Field(False, description="Fully nested objects instead of one-to-one fields.")
    taxonomy_id: str | None = Field(None, description="Only records with a term of this taxonomy.")
    minimal: bool = Field(
        False, description="Services: only id, name, status and last_modified of each (not with full)."
    )


class TermFilters(PageParams):
    taxonomy_id: str | None = Field(None, description="Only terms of this taxonomy.")
    parent_id: str | None = Field(None, description="Only the children of this term.")
    top_only: bool = Field(False, description="Only terms without a parent.")


class OrganizationFilters(PageParams):
    taxonomy_term_id: str | None = Field(
        None, description="Only organizations with a service with this term."
    )
    modified_after: str | None = Field(
        None, description="Only organizations modified on or after this ISO datetime."
    )
    full: bool = Field(False, description="Fully nested organizations (phones, contacts, locations).")
    full_service: bool = Field(False, description="Each organization with its fully nested services.")
    taxonomy_id: str | None = Field(
        None, description="Only organizations with a service with a term of this taxonomy."
    )


class OrganizationParams(Schema):
    full_service: bool = Field(
        False, description="Its services fully nested (otherwise their one-to-one fields)."
    )


# --- parameter checks (each a 400 that names the parameter) -----------------------------------------------


# Pages past this are past the last page of any directory: they are answered empty without asking the database
# for an offset it cannot hold (page=9223372036854775807).
MAX_PAGE = 1_000_000
FORMATS = ("json", "ndjson")
# format=ndjson answers the same objects, one a line: documented beside the paged JSON.
NDJSON_DOC = {"responses": {200: {"content": {"application/x-ndjson": {"schema": {"type": "string"}}}}}}


def paging(params: PageParams) -> tuple[int, int]:
    max_size = getattr(settings, "MEETPOINT_MAX_PAGE_SIZE", 100)
    per_page = (
        params.per_page if params.per_page is not None else getattr(settings, "MEETPOINT_PAGE_SIZE", 20)
    )
    if params.page < 1:
        raise HttpError(400, "page must be 1 or more.")
    if not 1 <= per_page <= max_size:
        raise HttpError(400, f"per_page must be between 1 and {max_size}.")
    if params.format not in FORMATS:
        raise HttpError(400, f"format must be one of {', '.join(FORMATS)}; {params.format!r} is not.")
    return params.page, per_page


def window(page: int, per_page: int) -> slice:
    """The rows of a page (past MAX_PAGE: none)."""
    if page > MAX_PAGE:
        return slice(0, 0)
    return slice((page - 1) * per_page, page * per_page)


def ndjson(pages) -> StreamingHttpResponse:
    """Every result, streamed a page at a time (HSDS `format=ndjson`): `pages(n)` gives page n's objects."""

    def lines():
        number = 1
        while True:
            items = pages(number)
            for item in items:
                yield json.dumps(item, ensure_ascii=False, default=str) + "\n"
            if len(items) < NDJSON_PAGE:
                return
            number += 1

    return StreamingHttpResponse(lines(), content_type="application/x-ndjson")


NDJSON_PAGE = 100


def taxonomy_terms_param(taxonomy_id: str | None, term_id: str | None) -> list[str] | None:
    """taxonomy_term_id (with its children) and taxonomy_id combined, as term ids; None without either, and
    an empty list when nothing can match (an unknown taxonomy, or a term outside the taxonomy)."""
    term = uuid_param("taxonomy_term_id", term_id)
    taxonomy_pk = uuid_param("taxonomy_id", taxonomy_id)
    if not term and not taxonomy_pk:
        return None
    terms = set(term_with_children(term)) if term else None
    if taxonomy_pk:
        in_taxonomy = set(TaxonomyTerm.objects.filter(taxonomy_id=taxonomy_pk).values_list("id", flat=True))
        terms = in_taxonomy if terms is None else terms & in_taxonomy
    return sorted(str(pk) for pk in terms)


def uuid_param(name: str, value: str | None) -> str | None:
    if value in (None, ""):
        return None
    try:
        return str(uuid.UUID(value))
    except ValueError:
        raise HttpError(400, f"{name} must be an HSDS id (a UUID); {value!r} is not.") from None


def datetime_param(name: str, value: str | None) -> datetime | None:
    if value in (None, ""):
        return None
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00").replace(" ", "+"))
    except ValueError:
        raise HttpError(
            400, f"{name} must be an ISO 8601 date or datetime, e.g. 2026-01-31T12:00:00Z."
        ) from None
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    return moment


def proximity_param(value: str | None, radius_km: float | None) -> tuple[float, float, float] | None:
    if value in (None, ""):
        if radius_km is not None:
            raise HttpError(400, 'radius_km needs proximity ("lat,lon").')
        return None
    parts = value.split(",")
    try:
        if len(parts) != 2:
            raise ValueError
        latitude, longitude = float(parts[0]), float(parts[1])
    except ValueError:
        raise HttpError(
            400, f'proximity must be "latitude,longitude", e.g. "40.44,-79.99"; got {value!r}.'
        ) from None
    if (
        not (-90 <= latitude <= 90 and -180 <= longitude <= 180)
        or math.isnan(latitude)
        or math.isnan(longitude)
    ):
        raise HttpError(400, "proximity is out of range: latitude -90..90, longitude -180..180.")
    radius = DEFAULT_RADIUS_KM if radius_km is None else radius_km
    max_radius = getattr(settings, "MEETPOINT_MAX_RADIUS_KM", 500)
    if not 0 < radius <= max_radius or math.isnan(radius):
        raise HttpError(400, f"radius_km must be more than 0 and at most {max_radius}.")
    return latitude, longitude, radius


def paged(items: list, total: int, page: int, per_page: int) -> dict:
    """The HSDS page wrapper; a page past the last has empty contents (and says it is the last)."""
    total_pages = max(1, math.ceil(total / per_page))
    return {
        "total_items": total,
        "total_pages": total_pages,
        "page_number": page,
        "size": len(items),
        "first_page": page == 1,
        "last_page": page >= total_pages,
        "empty": total == 0,
        "contents": items,
    }


def object_or_404(queryset, kind: str, object_id: str):
    try:
        pk = uuid.UUID(object_id)
    except ValueError:
        raise HttpError(404, f"No {kind} with id {object_id!r} (HSDS ids are UUIDs).") from None
    obj = queryset.filter(pk=pk).first()
    if obj is None:
        raise HttpError(404, f"No {kind} with id {object_id}.")
    return obj


def term_with_children(term_id: str) -> list[uuid.UUID]:
    ids, frontier = {uuid.UUID(term_id)}, {uuid.UUID(term_id)}
    while frontier:
        frontier = set(TaxonomyTerm.objects.filter(parent_id__in=frontier).values_list("id", flat=True)) - ids
        ids |= frontier
    return list(ids)


# --- endpoints --------------------------------------------------------------------------------------------


@hsds_router.get("/", response=ApiRoot, summary="HSDS API root: version, profile, OpenAPI document")
def root(request: HttpRequest):
    return {
        "version": HSDS_VERSION,
        "profile": HSDS_PROFILE,
        "openapi_url": request.build_absolute_uri(reverse("api:openapi-json")),
    }


@hsds_router.get(
    "/services",
    response=ServicePage,
    openapi_extra=NDJSON_DOC,
    exclude_none=True,
    summary="Search services (HSDS paged list)",
)
def list_services(request: HttpRequest, filters: Query[ServiceFilters]):
    membership = optional_membership(request)
    page, per_page = paging(filters)
    point = proximity_param(filters.proximity, filters.radius_km)
    if filters.minimal and filters.full:
        raise HttpError(400, "minimal and full cannot be combined.")
    terms = taxonomy_terms_param(filters.taxonomy_id, filters.taxonomy_term_id)
    if filters.format == "ndjson":
        return ndjson(lambda number: services_page(membership, filters, terms, point, number, NDJSON_PAGE)[0])
    if page > MAX_PAGE:
        return paged([], services_page(membership, filters, terms, point, 1, 1)[1], page, per_page)
    items, total = services_page(membership, filters, terms, point, page, per_page)
    return paged(items, total, page, per_page)


def services_page(
    membership, filters: ServiceFilters, terms, point, page: int, per_page: int
) -> tuple[list, int]:
    if terms == []:
        return [], 0  # a taxonomy or term nothing can match
    query = SearchQuery(
        text=filters.search.strip(),
        taxonomy_term_ids=terms or [],
        organization_id=uuid_param("organization_id", filters.organization_id),
        modified_after=datetime_param("modified_after", filters.modified_after),
        latitude=point[0] if point else None,
        longitude=point[1] if point else None,
        radius_km=point[2] if point else None,
        postcode=(filters.postcode or "").strip() or None,
        page=page,
        per_page=per_page,
    )
    try:
        result = search_services(query, membership)
    except SearchError as exc:
        raise HttpError(400, f"{exc.field}: {exc.message}") from None
    ids = [hit.service.pk for hit in result.hits]
    if filters.full:
        by_id = serialize.service_queryset().in_bulk(ids)
        items = [serialize.service_object(by_id[pk], membership) for pk in ids if pk in by_id]
    elif filters.minimal:
        items = [serialize.service_minimal(hit.service) for hit in result.hits]
    else:
        items = [serialize.service_summary(hit.service) for hit in result.hits]
    return items, result.total


@hsds_router.get(
    "/services/{service_id}", response=HsdsService, exclude_none=True, summary="One fully nested service"
)
def get_service(request: HttpRequest, service_id: str):
    membership = optional_membership(request)
    service = object_or_404(serialize.service_queryset(), "service", service_id)
    return serialize.service_object(service, membership)


@hsds_router.get(
    "/organizations",
    response=OrganizationPage,
    openapi_extra=NDJSON_DOC,
    exclude_none=True,
    summary="Organizations (HSDS paged list)",
)
def list_organizations(request: HttpRequest, filters: Query[OrganizationFilters]):
    membership = optional_membership(request)
    page, per_page = paging(filters)
    queryset = (
        serialize.organization_queryset(with_services=filters.full_service)
        if filters.full or filters.full_service
        else Organization.objects.all()
    )
    text = filters.search.strip()
    if text:
        queryset = queryset.filter(
            Q(name__icontains=text) | Q(alternate_name__icontains=text) | Q(description__icontains=text)
        )
    terms = taxonomy_terms_param(filters.taxonomy_id, filters.taxonomy_term_id)
    if terms is not None:
        services = Service.objects.filter(taxonomy_terms__in=terms)
        queryset = queryset.filter(pk__in=services.values("organization_id"))
    modified = datetime_param("modified_after", filters.modified_after)
    if modified:
        queryset = queryset.filter(last_modified__gte=modified)
    queryset = queryset.order_by("name", "id")

    def objects(rows) -> list[dict]:
        return [
            serialize.organization_object(
                o,
                membership,
                nested=filters.full or filters.full_service,
                services="full" if filters.full_service else None,
            )
            for o in rows
        ]

    if filters.format == "ndjson":
        return ndjson(lambda number: objects(queryset[window(number, NDJSON_PAGE)]))
    total = queryset.count()
    return paged(objects(queryset[window(page, per_page)]), total, page, per_page)


@hsds_router.get(
    "/organizations/{organization_id}",
    response=HsdsOrganizationWithServices,
    exclude_none=True,
    summary="One organization",
)
def get_organization(request: HttpRequest, organization_id: str, params: Query[OrganizationParams]):
    membership = optional_membership(request)
    organization = object_or_404(
        serialize.organization_queryset(with_services=params.full_service), "organization", organization_id
    )
    return serialize.organization_object(
        organization, membership, services="full" if params.full_service else "summary"
    )


@hsds_router.get(
    "/taxonomies",
    response=TaxonomyPage,
    openapi_extra=NDJSON_DOC,
    exclude_none=True,
    summary="Taxonomies (HSDS paged list)",
)
def list_taxonomies(request: HttpRequest, filters: Query[PageParams]):
    page, per_page = paging(filters)
    queryset = Taxonomy.objects.order_by("name", "id")
    if filters.search.strip():
        queryset = queryset.filter(name__icontains=filters.search.strip())
    if filters.format == "ndjson":
        return ndjson(
            lambda number: [serialize.taxonomy_object(t) for t in queryset[window(number, NDJSON_PAGE)]]
        )
    total = queryset.count()
    items = [serialize.taxonomy_object(t) for t in queryset[window(page, per_page)]]
    return paged(items, total, page, per_page)


@hsds_router.get(
    "/taxonomies/{taxonomy_id}", response=HsdsTaxonomy, exclude_none=True, summary="One taxonomy"
)
def get_taxonomy(request: HttpRequest, taxonomy_id: str):
    return serialize.taxonomy_object(object_or_404(Taxonomy.objects.all(), "taxonomy", taxonomy_id))


@hsds_router.get(
    "/taxonomy_terms",
    openapi_extra=NDJSON_DOC,
    response=TaxonomyTermPage,
    exclude_none=True,
    summary="Taxonomy terms (HSDS paged list)",
)
def list_taxonomy_terms(request: HttpRequest, filters: Query[TermFilters]):
    page, per_page = paging(filters)
    queryset = TaxonomyTerm.objects.select_related("taxonomy").order_by("code", "name", "id")
    text = filters.search.strip()
    if text:
        queryset = queryset.filter(
            Q(name__icontains=text) | Q(code__icontains=text) | Q(name_es__icontains=text)
        )
    taxonomy = uuid_param("taxonomy_id", filters.taxonomy_id)
    if taxonomy:
        queryset = queryset.filter(taxonomy_id=taxonomy)
    parent = uuid_param("parent_id", filters.parent_id)
    if parent:
        queryset = queryset.filter(parent_id=parent)
    if filters.top_only:
        queryset = queryset.filter(parent__isnull=True)
    if filters.format == "ndjson":
        return ndjson(
            lambda number: [serialize.taxonomy_term_object(t) for t in queryset[window(number, NDJSON_PAGE)]]
        )
    total = queryset.count()
    items = [serialize.taxonomy_term_object(t) for t in queryset[window(page, per_page)]]
    return paged(items, total, page, per_page)


@hsds_router.get(
    "/taxonomy_terms/{term_id}", response=HsdsTaxonomyTerm, exclude_none=True, summary="One taxonomy term"
)
def get_taxonomy_term(request: HttpRequest, term_id: str):
    term = object_or_404(TaxonomyTerm.objects.select_related("taxonomy"), "taxonomy term", term_id)
    return serialize.taxonomy_term_object(term)


def _distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371.0088 * math.asin(math.sqrt(a))


@hsds_router.get(
    "/service_at_locations",
    openapi_extra=NDJSON_DOC,
    response=ServiceAtLocationPage,
    exclude_none=True,
    summary="Services at locations (HSDS paged list)",
)
def list_service_at_locations(request: HttpRequest, filters: Query[ServiceFilters]):
    membership = optional_membership(request)
    page, per_page = paging(filters)
    point = proximity_param(filters.proximity, filters.radius_km)
    queryset = serialize.service_at_location_queryset().order_by("service__name", "id")
    text = filters.search.strip()
    if text:
        queryset = queryset.filter(
            Q(service__name__icontains=text)
            | Q(service__description__icontains=text)
            | Q(location__name__icontains=text)
        )
    terms = taxonomy_terms_param(filters.taxonomy_id, filters.taxonomy_term_id)
    if terms is not None:
        queryset = queryset.filter(service__taxonomy_terms__in=terms).distinct()
    organization = uuid_param("organization_id", filters.organization_id)
    if organization:
        queryset = queryset.filter(service__organization_id=organization)
    modified = datetime_param("modified_after", filters.modified_after)
    if modified:
        queryset = queryset.filter(
            Q(service__last_modified__gte=modified) | Q(location__last_modified__gte=modified)
        )
    postcode = (filters.postcode or "").strip()
    if postcode:
        # A confidential site's address is not public, so the public cannot find it by its postcode.
        matches = Q(location__addresses__postal_code__iexact=postcode) & confidential_condition(membership)
        queryset = queryset.filter(matches).distinct()
    if point:
        latitude, longitude, radius = point
        box = (
            radius / 111.0 + 0.02
        )  # a bounding box first (plus the public rounding), then the exact distance
        queryset = queryset.filter(
            location__latitude__range=(latitude - box, latitude + box),
            location__longitude__range=(
                longitude - box / max(math.cos(math.radians(latitude)), 0.01),
                longitude + box / max(math.cos(math.radians(latitude)), 0.01),
            ),
        )
        within = []
        for sal in queryset:
            place = place_of(sal.location, membership)  # the public is measured from the public point
            if (
                place.latitude is not None
                and _distance_km(latitude, longitude, place.latitude, place.longitude) <= radius
            ):
                within.append(sal)
        queryset = within
    if filters.format == "ndjson":
        return ndjson(
            lambda number: [
                serialize.service_at_location_object(s, membership, with_service=True)
                for s in queryset[window(number, NDJSON_PAGE)]
            ]
        )
    total = len(queryset) if point else queryset.count()
    rows = list(queryset[window(page, per_page)])
    items = [serialize.service_at_location_object(s, membership, with_service=True) for s in rows]
    return paged(items, total, page, per_page)


@hsds_router.get(
    "/service_at_locations/{sal_id}",
    response=HsdsServiceAtLocationWithService,
    exclude_none=True,
    summary="One service at a location",
)
def get_service_at_location(request: HttpRequest, sal_id: str):
    membership = optional_membership(request)
    sal = object_or_404(serialize.service_at_location_queryset(), "service at location", sal_id)
    return serialize.service_at_location_object(sal, membership, with_service=True)


__all__ = ["hsds_router"]
