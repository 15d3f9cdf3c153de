"""From result to help: the directory services that a screening result calls for, near the person, in their
language. Each recommendation of the result names taxonomy codes (from the instrument file); each becomes one
directory search through `meetpoint.directory.search.search_services`."""

from dataclasses import dataclass, field

from meetpoint.directory.search import SearchError, SearchQuery, search_services

DEFAULT_RADIUS_KM = 25.0
PER_RECOMMENDATION = 5


@dataclass
class Near:
    """Where and how to look: a point (the screening site by default), a radius, a language, open now only."""

    latitude: float | None = None
    longitude: float | None = None
    radius_km: float = DEFAULT_RADIUS_KM
    language: str = ""
    open_now: bool = False
    place: str = ""  # what the point is, for the page


@dataclass
class HelpHit:
    """A directory search hit, and when it opens later today if it is closed now."""

    hit: object  # directory.search.ServiceHit
    opens_later_today: object | None = None  # datetime.time

    @property
    def service(self):
        return self.hit.service

    @property
    def location(self):
        return self.hit.location

    @property
    def distance_km(self):
        return self.hit.distance_km

    @property
    def open_now(self):
        return self.hit.open_now


@dataclass
class HelpGroup:
    recommendation: dict
    hits: list = field(default_factory=list)
    total: int = 0
    error: str = ""
    type_names: list = field(default_factory=list)  # the service types, in the viewer's language


def default_near(screening, membership) -> Near:
    """The screening's site, else the organization's first placed site; the person's language if recorded."""
    from meetpoint.directory.models import Location

    location = screening.location
    if location is None or location.latitude is None:
        location = (
            Location.objects.filter(organization=membership.organization, latitude__isnull=False)
            .order_by("name")
            .first()
        )
    near = Near(language=screening.language or "")
    if location is not None and location.latitude is not None:
        near.latitude, near.longitude = location.latitude, location.longitude
        near.place = location.name or membership.organization.name
    return near


def _mark_opening_later_today(hits: list, now=None) -> None:
    """Sets `opens_later_today` (a time, or None) on each hit that is closed now but opens later today, from its
    service's or location's weekly hours or dated stops (in the region's time zone)."""
    from django.db.models import Q
    from django.utils import timezone

    from meetpoint.directory.models import Schedule

    local = timezone.localtime(now or timezone.now())
    closed = [hit for hit in hits if not hit.open_now]
    if not closed:
        return
    owners = Q(service_id__in=[hit.service.pk for hit in closed]) | Q(
        location_id__in=[hit.location.pk for hit in closed if hit.location is not None]
    )
    today = Q(date=local.date()) | Q(date__isnull=True, weekday=local.weekday())
    rows = Schedule.objects.filter(owners, today, opens_at__gt=local.time().replace(tzinfo=None))
    earliest: dict = {}
    for row in rows.values("service_id", "location_id", "opens_at"):
        for key in (("service", row["service_id"]), ("location", row["location_id"])):
            if key[1] is not None and (key not in earliest or row["opens_at"] < earliest[key]):
                earliest[key] = row["opens_at"]
    for hit in closed:
        found = [earliest.get(("service", hit.service.pk))]
        if hit.location is not None:
            found.append(earliest.get(("location", hit.location.pk)))
        times = [t for t in found if t is not None]
        hit.opens_later_today = min(times) if times else None


def help_for(result: dict, near: Near, membership, now=None) -> list[HelpGroup]:
    """One group per recommendation that names service types, each with up to a few matching services."""
    from meetpoint.directory.models import TaxonomyTerm

    wanted = {code for rec in result.get("recommendations", []) for code in rec.get("taxonomy_codes") or []}
    terms = {term.code: term.display_name() for term in TaxonomyTerm.objects.filter(code__in=wanted)}
    groups = []
    for recommendation in result.get("recommendations", []):
        group = HelpGroup(recommendation)
        groups.append(group)
        codes = recommendation.get("taxonomy_codes") or []
        group.type_names = [terms.get(code, code) for code in codes]
        if not codes:
            continue
        spatial = near.latitude is not None and near.longitude is not None
        query = SearchQuery(
            taxonomy_codes=list(codes),
            latitude=near.latitude if spatial else None,
            longitude=near.longitude if spatial else None,
            radius_km=near.radius_km if spatial else None,
            language=near.language or None,
            open_now=near.open_now,
            per_page=PER_RECOMMENDATION,
        )
        try:
            page = search_services(query, membership, now)
        except SearchError as error:
            group.error = error.message
            continue
        group.hits = [HelpHit(hit) for hit in page.hits]
        group.total = page.total
        _mark_opening_later_today(group.hits, now)
        # Open now first, then opening later today, then nearest: the person can go today.
        group.hits.sort(
            key=lambda hit: (
                not hit.open_now,
                hit.opens_later_today is None,
                hit.distance_km if hit.distance_km is not None else 0,
            )
        )
    return groups
