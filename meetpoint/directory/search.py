"""Directory search: the one path that the public page, the directory API and the HSDS API all use.

Interface (stable; other parts of Meetpoint call it):
    search_services(query: SearchQuery, membership=None, now=None) -> SearchPage

How it works (docs/directory.md has the reasoning):
- Service-level filters (active, text, taxonomy with children, language, free, organization, modified_after)
  are one SQL query that is the same on SQLite and PostgreSQL.
- With a point, places are first cut to a bounding box (mobile units are always candidates: where they are
  depends on the hour): with a service type through the search index (search_index.py: one index range per
  term over (term, latitude, longitude), kept in sync by database triggers), otherwise on the indexed
  latitude/longitude of Location. Then the exact haversine distance decides the radius and the order.
- Candidate and schedule rows are read with the raw cursor, ids in the database's own form; only the page's
  rows become model instances. The public measures from a confidential site's approximate point; members from the exact one.
- "Open now" reads each schedule row on the wall clock of its own time zone; the most specific schedules win
  (service-at-location, then the service's own, then the location's). A mobile unit is open now while it is at
  a dated stop, and it is located at that stop.
"""

import math
import re
import uuid
from collections import namedtuple
from dataclasses import dataclass, field, fields, replace
from datetime import date, datetime, time, timedelta
from types import SimpleNamespace

from django.conf import settings
from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import Exists, OuterRef, Q
from django.db.models.expressions import RawSQL
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from meetpoint.bounds import MAX_PAGE
from meetpoint.directory import search_cache, search_index, synonyms, taxonomy
from meetpoint.directory.hours import Horizon, LocalClock, is_open
from meetpoint.directory.visibility import PlaceView, confidential_condition, place_of, viewer_key

EARTH_RADIUS_KM = 6371.0088
# A public point is rounded to 2 decimals (visibility.py); widen the box so no rounded site falls outside it.
BOX_MARGIN_DEG = 0.01
LANGUAGE_CODE = re.compile(r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})?$")


@dataclass
class SearchQuery:
    text: str = ""
    taxonomy_codes: list[str] = field(default_factory=list)  # a term's children are included
    taxonomy_term_ids: list[str] = field(default_factory=list)  # HSDS taxonomy_term_id (UUIDs)
    organization_id: str | None = None
    language: str | None = None  # ISO 639 code, e.g. "es"
    free_only: bool = False
    open_now: bool = False
    latitude: float | None = None
    longitude: float | None = None
    radius_km: float | None = None
    postcode: str | None = None
    modified_after: datetime | None = None
    page: int = 1
    per_page: int = 20


@dataclass
class ServiceHit:
    service: object  # directory.models.Service
    location: object | None  # the nearest matching Location (None for services with no location)
    distance_km: float | None  # set when the query names a point
    open_now: bool | None = None
    # What this viewer may see of the location (exact, or an approximate area for a confidential site),
    # and for a mobile unit the stop it stands at now (or its next stop today).
    place: PlaceView | None = None
    stop: object | None = None  # a Schedule row of the mobile unit, or None


@dataclass
class SearchPage:
    hits: list[ServiceHit]
    total: int
    page: int
    per_page: int
    # The stretch of time this answer holds for (no opening or closing of what it read, no new day).
    valid: tuple[datetime, datetime] | None = None

    @property
    def total_pages(self) -> int:
        return max(1, -(-self.total // self.per_page))


class SearchError(ValueError):
    """A query that cannot be answered as asked; `field` names the parameter."""

    def __init__(self, field: str, message: str):
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(a)))


def bounding_box(lat: float, lon: float, radius_km: float) -> tuple[float, float, float, float]:
    dlat = math.degrees(radius_km / EARTH_RADIUS_KM)
    cos_lat = max(math.cos(math.radians(lat)), 1e-6)
    dlon = min(180.0, math.degrees(radius_km / (EARTH_RADIUS_KM * cos_lat)))
    return lat - dlat, lat + dlat, lon - dlon, lon + dlon


def validate(query: SearchQuery) -> None:
    """Raises SearchError naming the first parameter that is out of range or unknown."""
    max_radius = getattr(settings, "MEETPOINT_MAX_RADIUS_KM", 500)
    max_page = getattr(settings, "MEETPOINT_MAX_PAGE_SIZE", 100)
    if (query.latitude is None) != (query.longitude is None):
        raise SearchError("lat" if query.latitude is None else "lon", _("give both latitude and longitude."))
    if query.latitude is not None and not -90 <= query.latitude <= 90:
        raise SearchError("lat", _("latitude %(value)s is outside -90..90.") % {"value": query.latitude})
    if query.longitude is not None and not -180 <= query.longitude <= 180:
        raise SearchError("lon", _("longitude %(value)s is outside -180..180.") % {"value": query.longitude})
    if query.radius_km is not None:
        if query.latitude is None:
            raise SearchError("radius_km", _("a radius needs a point (lat and lon)."))
        if not 0 < query.radius_km <= max_radius:
            raise SearchError(
                "radius_km", _("radius must be more than 0 and at most %(max)s km.") % {"max": max_radius}
            )
    unknown = taxonomy.unknown_codes(query.taxonomy_codes)
    if unknown:
        raise SearchError(
            "taxonomy", _("unknown service type code(s): %(codes)s.") % {"codes": ", ".join(unknown)}
        )
    for term_id in query.taxonomy_term_ids:
        try:
            uuid.UUID(str(term_id))
        except ValueError:
            raise SearchError("taxonomy_term_id", f"{term_id!r} is not a UUID.") from None
    if query.organization_id:
        try:
            uuid.UUID(str(query.organization_id))
        except ValueError:
            raise SearchError("organization_id", f"{query.organization_id!r} is not a UUID.") from None
    if query.language and not LANGUAGE_CODE.match(query.language):
        raise SearchError("language", f"{query.language!r} is not an ISO 639 language code.")
    if not 1 <= query.page <= MAX_PAGE:
        raise SearchError("page", _("pages run from 1 to %(max)s.") % {"max": MAX_PAGE})
    if not 1 <= query.per_page <= max_page:
        raise SearchError("per_page", f"per_page must be 1..{max_page}.")


def _words(text: str) -> list[str]:
    return [word for word in re.split(r"[\s,;]+", text.strip().lower()) if word][:8]


def _term_ids(query: SearchQuery) -> set | None:
    """The taxonomy filter as term ids (the named terms and their descendants), None without one."""
    if not (query.taxonomy_codes or query.taxonomy_term_ids):
        return None
    term_ids = set()
    if query.taxonomy_codes:
        term_ids |= taxonomy.term_ids_for_codes(query.taxonomy_codes)
    if query.taxonomy_term_ids:
        term_ids |= taxonomy.with_descendants(uuid.UUID(str(pk)) for pk in query.taxonomy_term_ids)
    return term_ids


def service_conditions(query: SearchQuery, prefix: str = "", outer: str = "pk", types: bool = True) -> list:
    """The service-level filters as ORM conditions, on Service (prefix "") or on a model that reaches the
    service through `prefix` (e.g. "service__" from ServiceAtLocation, with `outer` "service_id").
    `types=False` leaves out the taxonomy filter (the caller applies it through the search index)."""
    from meetpoint.directory.models import Language, Service, TaxonomyTerm

    through = Service.taxonomy_terms.through
    conditions = [Q(**{f"{prefix}status": Service.Status.ACTIVE})]
    term_ids = _term_ids(query) if types else None
    if term_ids is not None:
        conditions.append(
            Q(Exists(through.objects.filter(service_id=OuterRef(outer), taxonomyterm_id__in=term_ids)))
        )
    # The terms a word names are looked up once per search (the conditions are built for several queries).
    memo = query.__dict__.setdefault("_term_hits", {})
    text, everyday = synonyms.split(query.text)
    for synonym in everyday:
        # An everyday phrase ("needle exchange", "narcan") finds the types it means, or the phrase itself.
        types = taxonomy.term_ids_for_codes(synonym.types)
        conditions.append(
            Q(**{f"{prefix}name__icontains": synonym.phrase})
            | Q(**{f"{prefix}description__icontains": synonym.phrase})
            | Q(Exists(through.objects.filter(service_id=OuterRef(outer), taxonomyterm_id__in=types)))
        )
    for word in _words(text):
        if word not in memo:
            matched_terms = TaxonomyTerm.objects.filter(
                Q(name__icontains=word) | Q(name_es__icontains=word) | Q(code__icontains=word)
            ).values_list("id", flat=True)
            memo[word] = taxonomy.with_descendants(list(matched_terms))
        condition = (
            Q(**{f"{prefix}name__icontains": word})
            | Q(**{f"{prefix}description__icontains": word})
            | Q(**{f"{prefix}organization__name__icontains": word})
        )
        term_hits = memo[word]
        if term_hits:
            condition |= Q(
                Exists(through.objects.filter(service_id=OuterRef(outer), taxonomyterm_id__in=term_hits))
            )
        conditions.append(condition)
    if query.language:
        code = query.language.lower()
        spoken = Q(code__iexact=code) | Q(code__istartswith=f"{code}-")
        conditions.append(
            Q(Exists(Language.objects.filter(spoken, service_id=OuterRef(outer))))
            | Q(
                Exists(
                    Language.objects.filter(
                        spoken, location__service_at_locations__service_id=OuterRef(outer)
                    )
                )
            )
        )
    if query.free_only:
        conditions.append(Q(**{f"{prefix}is_free": True}))
    if query.organization_id:
        conditions.append(Q(**{f"{prefix}organization_id": query.organization_id}))
    if query.modified_after:
        conditions.append(Q(**{f"{prefix}last_modified__gt": query.modified_after}))
    return conditions


def matching_services(query: SearchQuery):
    """Active services passing every service-level filter (no location, hours or paging)."""
    from meetpoint.directory.models import Service

    return Service.objects.filter(*service_conditions(query))


@dataclass
class _Pair:
    service_id: object
    location_id: object | None
    sal_id: object | None
    latitude: float | None = None
    longitude: float | None = None
    is_confidential: bool = False
    is_mobile: bool = False
    public_area: str = ""
    organization_id: object | None = None
    name_is_public: bool = False
    open_now: bool = False
    stop: object | None = None
    distance_km: float | None = None


PAIR_COLUMNS = (
    "service_id",
    "location_id",
    "id",
    "location__latitude",
    "location__longitude",
    "location__is_confidential",
    "location__is_mobile",
    "location__public_area",
    "location__organization_id",
    "location__name_is_public",
)


ID_LIST_LIMIT = 5000


def _candidate_pairs(services, query: SearchQuery, membership=None) -> list[_Pair]:
    from meetpoint.directory.models import Location, ServiceAtLocation

    if query.latitude is None or query.radius_km is None:
        return _pairs_joined(services, query, membership)
    # Place first: one query joins the locations in the indexed box to their services and applies the service
    # filters there, so 100,000s of services shrink to the few hundred offered nearby. Mobile units (few) are
    # always candidates, since where they stand depends on the hour.
    south, north, west, east = bounding_box(query.latitude, query.longitude, query.radius_km)
    box = (south - BOX_MARGIN_DEG, north + BOX_MARGIN_DEG, west - BOX_MARGIN_DEG, east + BOX_MARGIN_DEG)
    links = ServiceAtLocation.objects.filter(*service_conditions(query, "service__", "service_id"))
    if query.postcode:
        links = links.filter(_postcode_condition(query.postcode, membership))
    term_ids = _term_ids(query)
    if term_ids is not None:
        # A service type and a box: the search index answers "links of services of these types at fixed
        # sites in the box" from one index (term, latitude, longitude); the service filters then check only
        # those few hundred links.
        boxed = ServiceAtLocation.objects.filter(
            *service_conditions(query, "service__", "service_id", types=False),
            pk__in=_indexed_links(term_ids, box),
        )
        if query.postcode:
            boxed = boxed.filter(_postcode_condition(query.postcode, membership))
    else:
        boxed = links.filter(
            location__latitude__gte=box[0],
            location__latitude__lte=box[1],
            location__longitude__gte=box[2],
            location__longitude__lte=box[3],
            location__is_mobile=False,
        )
    parts = [boxed]
    # An explicit (short) list of the mobile units keeps the planner starting from places, not services.
    mobile_ids = list(Location.objects.filter(is_mobile=True).values_list("pk", flat=True)[:ID_LIST_LIMIT])
    if mobile_ids:
        parts.append(links.filter(location_id__in=mobile_ids))
    return [_Pair(*row) for part in parts for row in _raw_rows(part.values_list(*PAIR_COLUMNS))]


def _db_id(value: uuid.UUID):
    """A UUID as the database stores it (native on PostgreSQL, 32 hex characters on SQLite)."""
    return value if connection.features.has_native_uuid_field else value.hex


def _as_uuid(value) -> uuid.UUID:
    return value if isinstance(value, uuid.UUID) else uuid.UUID(value)


def _indexed_links(term_ids: set, box: tuple) -> RawSQL:
    # Only placeholders and the index's table name go into the SQL; every value is a parameter.
    if not term_ids:
        return RawSQL(f"SELECT link_id FROM {search_index.TABLE} WHERE 1 = 0", ())  # noqa: S608, S611
    marks = ", ".join(["%s"] * len(term_ids))
    return RawSQL(  # noqa: S611
        f"SELECT link_id FROM {search_index.TABLE} WHERE term_id IN ({marks})"  # noqa: S608
        " AND latitude BETWEEN %s AND %s AND longitude BETWEEN %s AND %s AND NOT is_mobile",
        (*(_db_id(pk) for pk in sorted(term_ids)), *box),
    )


def _raw_rows(queryset) -> list[tuple]:
    """A values_list query's rows as the database returns them: ids stay in the database's form (no UUID
    objects built for thousands of candidates; only the page's ids are converted)."""
    try:
        sql, params = queryset.query.sql_with_params()
    except EmptyResultSet:
        return []
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _postcode_condition(postcode: str, membership=None):
    from meetpoint.directory.models import Address

    return Q(
        Exists(Address.objects.filter(location_id=OuterRef("location_id"), postal_code__iexact=postcode))
    ) & confidential_condition(membership)  # a confidential site's postcode is part of its exact address


def _pairs_joined(services, query: SearchQuery, membership=None) -> list[_Pair]:
    from meetpoint.directory.models import ServiceAtLocation

    links = ServiceAtLocation.objects.filter(service__in=services)
    if query.postcode:
        links = links.filter(_postcode_condition(query.postcode, membership))
    pairs = [_Pair(*row) for row in _raw_rows(links.values_list(*PAIR_COLUMNS))]
    if query.latitude is None and not query.postcode:
        # Services offered nowhere in particular (phone lines, online) still match non-spatial searches.
        placed = ServiceAtLocation.objects.filter(service_id=OuterRef("pk"))
        pairs += [
            _Pair(row[0], None, None)
            for row in _raw_rows(services.filter(~Exists(placed)).values_list("pk").order_by())
        ]
    return pairs


# What "open now" and the mobile stop need of a schedule row: light named tuples, not model instances.
SCHEDULE_COLUMNS = (
    "id",
    "service_id",
    "location_id",
    "service_at_location_id",
    "weekday",
    "date",
    "opens_at",
    "closes_at",
    "timezone",
    "valid_from",
    "valid_to",
    "stop_name",
    "stop_latitude",
    "stop_longitude",
)


def _schedule_state(pairs: list[_Pair], horizon: Horizon) -> None:
    """Sets open_now on each pair, and for mobile units the stop they stand at now (or next today); notes the
    rows read on the horizon."""
    from meetpoint.directory.models import Schedule

    if not pairs:
        return
    clock = horizon.clock
    local = clock.local("")
    # Every zone is within a day of the region's: rows of yesterday..tomorrow cover every wall clock.
    days = [(local + timedelta(days=d)).date() for d in (-1, 0, 1)]
    service_ids = {p.service_id for p in pairs}
    location_ids = {p.location_id for p in pairs if p.location_id}
    sal_ids = {p.sal_id for p in pairs if p.sal_id}
    weekdays = {d.weekday() for d in days}
    if len(service_ids) + len(location_ids) + len(sal_ids) > ID_LIST_LIMIT:
        # Big unspatial queries: read the day's rows of every owner rather than huge IN lists.
        day_rows = Q(date__isnull=True, weekday__in=weekdays) | Q(date__in=days)
        parts = [
            Schedule.objects.filter(day_rows)
            .order_by()
            .values_list(*SCHEDULE_COLUMNS)
            .query.sql_with_params()
        ]
    else:
        # One indexed lookup per kind of owner, the day checked here: an OR across owners, or the day test in
        # SQL, lets the planner pick the date index and scan every weekly row. The ids are already in the
        # database's form, so the SQL is written here rather than by the ORM (which would re-check thousands).
        quote = connection.ops.quote_name
        columns = ", ".join(quote(c) for c in SCHEDULE_COLUMNS)
        select = f"SELECT {columns} FROM {quote(Schedule._meta.db_table)}"  # noqa: S608 — names from the model
        parts = [
            (f"{select} WHERE {quote(column)} IN ({', '.join(['%s'] * len(ids))})", list(ids))
            for column, ids in (
                ("service_id", service_ids),
                ("location_id", location_ids),
                ("service_at_location_id", sal_ids),
            )
            if ids
        ]
    seen = set()
    rows = []
    days_text = {day.isoformat() for day in days}
    for sql, params in parts:
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            fetched = cursor.fetchall()
        for raw in fetched:
            on = raw[5]
            if ((str(on) in days_text) if on is not None else raw[4] in weekdays) and raw[0] not in seen:
                seen.add(raw[0])
                rows.append(_schedule_row(raw))
    horizon.see(rows, days)
    by_sal: dict = {}
    by_service: dict = {}  # service-wide rows (no location)
    by_service_location: dict = {}
    by_location: dict = {}
    for row in rows:
        if row.service_at_location_id:
            by_sal.setdefault(row.service_at_location_id, []).append(row)
        elif row.service_id and row.location_id:
            by_service_location.setdefault((row.service_id, row.location_id), []).append(row)
        elif row.service_id:
            by_service.setdefault(row.service_id, []).append(row)
        elif row.location_id:
            by_location.setdefault(row.location_id, []).append(row)
    for pair in pairs:
        rows_for_pair = (
            by_sal.get(pair.sal_id)
            or by_service_location.get((pair.service_id, pair.location_id))
            or by_service.get(pair.service_id)
            or by_location.get(pair.location_id)
            or []
        )
        open_rows = [row for row in rows_for_pair if is_open(row, clock)] if rows_for_pair else []
        pair.open_now = bool(open_rows)
        if pair.is_mobile:
            pair.stop = _current_or_next_stop(rows_for_pair, open_rows, clock)
            if pair.stop is not None:
                pair.latitude, pair.longitude = pair.stop.stop_latitude, pair.stop.stop_longitude


ScheduleRow = namedtuple("ScheduleRow", SCHEDULE_COLUMNS)


def _time(value):
    return time.fromisoformat(value) if isinstance(value, str) else value


def _date(value):
    return date.fromisoformat(value) if isinstance(value, str) else value


def _schedule_row(raw: tuple) -> ScheduleRow:
    """A schedule row from the cursor: dates and times as Python values (SQLite returns text), ids as stored."""
    return ScheduleRow(
        *raw[:5],
        _date(raw[5]),
        _time(raw[6]),
        _time(raw[7]),
        raw[8],
        _date(raw[9]),
        _date(raw[10]),
        *raw[11:],
    )


def _public_row(row: ScheduleRow | None) -> ScheduleRow | None:
    """The stop a hit shows, with its ids as UUIDs like any model value."""
    if row is None:
        return None
    return row._replace(
        **{
            name: _as_uuid(getattr(row, name))
            for name in ("id", "service_id", "location_id", "service_at_location_id")
            if getattr(row, name) is not None
        }
    )


def _current_or_next_stop(rows, open_rows, clock: LocalClock):
    stops = [row for row in rows if row.date is not None and row.stop_latitude is not None]
    current = [row for row in open_rows if row in stops]
    if current:
        return current[0]
    later = []
    for row in stops:
        local = clock.local(row.timezone)
        if row.date == local.date() and row.opens_at > local.time().replace(tzinfo=None):
            later.append(row)
    return min(later, key=lambda row: row.opens_at) if later else None


def _place(pair: _Pair, membership) -> PlaceView:
    stand_in = SimpleNamespace(
        is_confidential=pair.is_confidential,
        latitude=pair.latitude,
        longitude=pair.longitude,
        public_area=pair.public_area,
        organization_id=_as_uuid(pair.organization_id)
        if pair.is_confidential and pair.organization_id
        else None,
        name_is_public=pair.name_is_public,
    )
    return place_of(stand_in, membership)


def search_services(query: SearchQuery, membership=None, now: datetime | None = None) -> SearchPage:
    """One page of matching active services, each at its best location (nearest, or open now).

    An answer is remembered until the directory changes or one of the opening hours it read opens or closes
    (search_cache.py), so repeated searches cost one small query."""
    validate(query)
    now = now or timezone.now()
    total, page_pairs, valid = search_cache.remembered(
        _answer_key(query, membership), now, lambda: _timed(_answer(replace(query), membership, now))
    )
    ids = [pair.service_id for pair in page_pairs]
    return SearchPage(_hits(page_pairs, ids, membership), total, query.page, query.per_page, valid)


def _timed(answer: tuple) -> tuple:
    *_, valid = answer
    return answer, valid


def response_key(kind: str, query: SearchQuery, membership) -> tuple | None:
    """The key of a whole rendered answer (a page or an API body) built from this search: the answer's key,
    the kind of rendering and the language it is written in. None: do not remember it."""
    key = _answer_key(query, membership)
    return (kind, get_language(), key) if key is not None else None


def _answer_key(query: SearchQuery, membership) -> tuple | None:
    """Everything an answer depends on but the time: the directory's version, the viewer's kind, the query."""
    token = search_cache.version()
    if token is None:
        return None
    taxonomy.follow_version(token)
    asked = tuple(
        (name, tuple(value) if isinstance(value, list) else value)
        for name, value in ((f.name, getattr(query, f.name)) for f in fields(query))
    )
    return ("search", token, viewer_key(membership), asked)


def _answer(query: SearchQuery, membership, now: datetime) -> tuple[int, tuple, tuple]:
    """The total, the page's pairs (each service at its place, with distance, open state and stop) and the
    stretch of time they hold for. `query` is a private copy: it carries this search's memo of term look-ups."""
    horizon = Horizon(LocalClock(now))
    services = matching_services(query)
    offset = (query.page - 1) * query.per_page
    spatial = query.latitude is not None

    if not spatial and not query.postcode and not query.open_now:
        # Nothing depends on places or hours: page in the database by name.
        total = services.count()
        ids = [
            row[0]
            for row in _raw_rows(
                services.order_by("name", "id").values_list("pk")[offset : offset + query.per_page]
            )
        ]
        pairs = _first_pairs(ids)
        _schedule_state(pairs, horizon)
        return total, tuple(pairs), horizon.bounds()

    pairs = _candidate_pairs(services, query, membership)
    if spatial:
        ordered = _nearest(pairs, query, membership, horizon)
    else:
        _schedule_state(pairs, horizon)
        if query.open_now:
            pairs = [pair for pair in pairs if pair.open_now]
        best: dict = {}
        for pair in pairs:
            kept = best.get(pair.service_id)
            if kept is None or (pair.open_now and not kept.open_now):
                best[pair.service_id] = pair
        names = (
            dict(_raw_rows(services.model.objects.filter(pk__in=list(best)).values_list("pk", "name")))
            if best
            else {}
        )
        ordered = sorted(
            best.values(), key=lambda p: (names.get(p.service_id, "").lower(), str(p.service_id))
        )
    page_pairs = ordered[offset : offset + query.per_page]
    if spatial and not query.open_now:
        _schedule_state(
            [pair for pair in page_pairs if not pair.is_mobile], horizon
        )  # the badge, for one page only
    return len(ordered), tuple(page_pairs), horizon.bounds()


def _nearest(pairs: list[_Pair], query: SearchQuery, membership, horizon: Horizon) -> list[_Pair]:
    """Each service once, at its nearest location within the radius (open now, when asked), by distance.

    Hours are read only where they matter: mobile units (their stop places them), and, for "open now", the
    fixed sites already inside the radius.
    """
    _schedule_state([pair for pair in pairs if pair.is_mobile], horizon)
    inside = []
    for pair in pairs:
        if pair.latitude is None or pair.longitude is None:
            continue
        place = _place(pair, membership)
        pair.distance_km = haversine_km(query.latitude, query.longitude, place.latitude, place.longitude)
        if query.radius_km is None or pair.distance_km <= query.radius_km:
            inside.append(pair)
    if query.open_now:
        _schedule_state([pair for pair in inside if not pair.is_mobile], horizon)
        inside = [pair for pair in inside if pair.open_now]
    best: dict = {}
    for pair in inside:
        kept = best.get(pair.service_id)
        if kept is None or (pair.distance_km, str(pair.location_id)) < (
            kept.distance_km,
            str(kept.location_id),
        ):
            best[pair.service_id] = pair
    return sorted(best.values(), key=lambda p: (p.distance_km, str(p.service_id)))


def _first_pairs(service_ids: list) -> list[_Pair]:
    """For a page of services without a point: each at its first location by name (or none)."""
    from meetpoint.directory.models import ServiceAtLocation

    first: dict = {}
    links = (
        ServiceAtLocation.objects.filter(service_id__in=service_ids)
        .order_by("location__name", "location_id")
        .values_list(*PAIR_COLUMNS)
    )
    for row in _raw_rows(links):
        first.setdefault(row[0], _Pair(*row))
    return [first.get(pk) or _Pair(pk, None, None) for pk in service_ids]


def _hits(pairs: list[_Pair], service_ids: list, membership) -> list[ServiceHit]:
    from meetpoint.directory.models import Location, Service

    services = (
        Service.objects.filter(pk__in=service_ids)
        .select_related("organization")
        .prefetch_related("taxonomy_terms", "languages")
    )
    by_id = {service.pk: service for service in services}
    location_ids = [pair.location_id for pair in pairs if pair.location_id]
    locations = {
        loc.pk: loc
        for loc in Location.objects.filter(pk__in=location_ids).prefetch_related("addresses", "languages")
    }
    hits = []
    for pair in pairs:
        service = by_id.get(_as_uuid(pair.service_id))
        if service is None:
            continue
        location = locations.get(_as_uuid(pair.location_id)) if pair.location_id else None
        place = _place(pair, membership) if location is not None else None
        hits.append(
            ServiceHit(service, location, pair.distance_km, pair.open_now, place, _public_row(pair.stop))
        )
    return hits
