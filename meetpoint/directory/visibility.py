"""Who sees a confidential location exactly: need to know. The exact address, point, directions and name of a
confidential site are for members of the site's own organization and of the partners that organization names
(`ExactPlaceGrant`, a list its admins keep). Everyone else — signed in or not, a police viewer included — sees
the approximate area, and the name only where the organization chose to show it (`Location.name_is_public`).
Pages, API, HSDS API and export and search all ask this module."""

from contextlib import suppress
from dataclasses import dataclass

from django.utils.translation import gettext

# About 1 km at mid latitudes: near enough to travel towards, too coarse to find the door.
PUBLIC_ROUNDING_DECIMALS = 2


@dataclass(frozen=True)
class PlaceView:
    latitude: float | None
    longitude: float | None
    exact: bool
    area: str  # what to say instead of an address when not exact
    name: str = ""  # the site's name as this viewer may see it ("" when it is not theirs to know)


class EveryPlace:
    """Stands for an operator's partner-internal export (`export_hsds --include-confidential`): every place
    exactly. Never a signed-in member."""

    role = "viewer"
    organization_id = None
    sees_every_place = True

    def __bool__(self) -> bool:
        return True


def organizations_seen_exactly(membership) -> frozenset:
    """Ids of the organizations whose confidential sites this member sees exactly: their own and those that
    name their organization. Asked once per membership object (one query), then remembered on it."""
    if not membership:
        return frozenset()
    known = getattr(membership, "_exact_place_organizations", None)
    if known is not None:
        return known
    from meetpoint.directory.models import ExactPlaceGrant

    granted = ExactPlaceGrant.objects.filter(partner_id=membership.organization_id).values_list(
        "organization_id", flat=True
    )
    known = frozenset({membership.organization_id, *granted})
    with suppress(AttributeError):  # a stand-in that takes no attributes is simply asked again next time
        membership._exact_place_organizations = known
    return known


def sees_exactly(location, membership) -> bool:
    """Whether this viewer sees this location's exact place (every non-confidential one, by anyone)."""
    if not location.is_confidential:
        return True
    if getattr(membership, "sees_every_place", False):
        return True
    organization_id = getattr(location, "organization_id", None)
    return organization_id is not None and organization_id in organizations_seen_exactly(membership)


def viewer_key(membership) -> tuple:
    """What an answer about places depends on for this viewer (a cache key part): the organizations whose
    confidential sites they see exactly."""
    if getattr(membership, "sees_every_place", False):
        return ("every",)
    return tuple(sorted(str(pk) for pk in organizations_seen_exactly(membership)))


def place_of(location, membership, point: tuple[float | None, float | None] | None = None) -> PlaceView:
    """The location (or, with `point`, a stop of it) as this viewer may see it."""
    latitude, longitude = point if point is not None else (location.latitude, location.longitude)
    name = getattr(location, "name", "")
    if sees_exactly(location, membership):
        return PlaceView(latitude, longitude, True, "", name)
    lat = round(latitude, PUBLIC_ROUNDING_DECIMALS) if latitude is not None else None
    lon = round(longitude, PUBLIC_ROUNDING_DECIMALS) if longitude is not None else None
    shown_name = name if getattr(location, "name_is_public", False) else ""
    return PlaceView(lat, lon, False, location.public_area or gettext("Call for the location"), shown_name)


def confidential_condition(membership, prefix: str = "location__"):
    """A query condition: the location is not confidential, or this viewer sees it exactly. For filters that
    would otherwise let someone find a confidential site by what only the exact view shows (its postcode)."""
    from django.db.models import Q

    if getattr(membership, "sees_every_place", False):
        return Q()
    return Q(**{f"{prefix}is_confidential": False}) | Q(
        **{f"{prefix}organization_id__in": list(organizations_seen_exactly(membership))}
    )
