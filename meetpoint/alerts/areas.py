"""Alert areas: coarse on purpose, and the finest place any alert, feed or aggregate names.

A grid cell or a site's point falls into a square of MEETPOINT_ALERT_AREA_DEGREES (default 0.1 degree, about
11 km north-south); a census block group into its county. "region" is the whole pool of reports.
"""

import math
from decimal import Decimal

from django.conf import settings
from django.utils.translation import gettext as _

REGION = "region"


def area_degrees() -> Decimal:
    return Decimal(str(getattr(settings, "MEETPOINT_ALERT_AREA_DEGREES", "0.1")))


def _corner(value: float, size: Decimal) -> str:
    places = max(0, -size.as_tuple().exponent)
    return f"{Decimal(math.floor(Decimal(str(value)) / size)) * size:.{places}f}"


def of_point(latitude: float | None, longitude: float | None) -> str:
    """The area square holding the point ("" when there is no point)."""
    if latitude is None or longitude is None:
        return ""
    size = area_degrees()
    return f"cell:{_corner(float(latitude), size)},{_corner(float(longitude), size)}"


def of_grid_cell(cell: str) -> str:
    try:
        latitude, longitude = (float(part) for part in (cell or "").split(","))
    except ValueError:
        return ""
    return of_point(latitude, longitude)


def of_block_group(geoid: str) -> str:
    geoid = (geoid or "").strip()
    return f"county:{geoid[:5]}" if len(geoid) >= 5 and geoid[:5].isdigit() else ""


def of_report(place_kind: str, grid_cell: str, block_group: str, latitude, longitude) -> str:
    """The area of an overdose report's coarse place (a stop counts at its site's point)."""
    if place_kind == "grid_cell":
        return of_grid_cell(grid_cell)
    if place_kind == "block_group":
        return of_block_group(block_group)
    return of_point(latitude, longitude)


def is_area(key: str) -> bool:
    if key == REGION:
        return True
    if key.startswith("county:"):
        return of_block_group(key[7:] + "0000000") == key
    if key.startswith("cell:"):
        return of_grid_cell(key[5:]) == key
    return False


def label(key: str) -> str:
    """The area as a person reads it."""
    if key == REGION:
        return _("Whole region")
    if key.startswith("county:"):
        return _("County %(fips)s") % {"fips": key[7:]}
    if key.startswith("cell:"):
        latitude, longitude = key[5:].split(",")
        return _("Area around %(lat)s, %(lon)s (%(size)s° square)") % {
            "lat": latitude,
            "lon": longitude,
            "size": area_degrees(),
        }
    return key
