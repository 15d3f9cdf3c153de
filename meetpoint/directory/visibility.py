"""Who sees a confidential location exactly. The public sees an approximate area or "call for the location";
signed-in partner members see the exact place. Pages, API, HSDS export and search all ask this module."""

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


def sees_exact_locations(membership) -> bool:
    """Exact places of confidential sites are for signed-in members of partner organizations only."""
    return bool(membership)


def place_of(location, membership) -> PlaceView:
    if not location.is_confidential or sees_exact_locations(membership):
        return PlaceView(location.latitude, location.longitude, True, "")
    lat = round(location.latitude, PUBLIC_ROUNDING_DECIMALS) if location.latitude is not None else None
    lon = round(location.longitude, PUBLIC_ROUNDING_DECIMALS) if location.longitude is not None else None
    return PlaceView(lat, lon, False, location.public_area or gettext("Call for the location"))
