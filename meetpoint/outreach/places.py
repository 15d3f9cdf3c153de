"""Coarse places: a point is never kept, only the grid cell it falls in (or a census block group), so no record
can point at a home. The cell size is MEETPOINT_GRID_DEGREES (default 0.01 degree, about 1.1 km north-south)."""

import math
from decimal import Decimal

from django.conf import settings

SUBSTANCES = (
    "fentanyl",
    "heroin",
    "xylazine",
    "nitazenes",
    "prescription-opioids",
    "cocaine",
    "methamphetamine",
    "benzodiazepines",
    "alcohol",
    "unknown",
)


class PlaceError(ValueError):
    pass


def grid_degrees() -> float:
    return float(getattr(settings, "MEETPOINT_GRID_DEGREES", 0.01))


def snap_to_grid(latitude: float, longitude: float) -> str:
    """The grid cell holding the point, named by its south-west corner: '40.44,-80.00'."""
    if not (-90 <= latitude <= 90 and -180 <= longitude <= 180):
        raise PlaceError("latitude/longitude are out of range.")
    size = Decimal(str(grid_degrees()))
    places = max(0, -size.as_tuple().exponent)

    def corner(value: float) -> str:
        return f"{Decimal(math.floor(Decimal(str(value)) / size)) * size:.{places}f}"

    return f"{corner(latitude)},{corner(longitude)}"


def check_grid_cell(cell: str) -> str:
    """A grid cell given as text, snapped again (a client might send a finer point)."""
    try:
        lat_text, lon_text = cell.split(",")
        return snap_to_grid(float(lat_text), float(lon_text))
    except ValueError as error:
        raise PlaceError(f"grid cell {cell!r} is not 'latitude,longitude'.") from error


def check_block_group(geoid: str) -> str:
    geoid = (geoid or "").strip()
    if len(geoid) != 12 or not geoid.isdigit():
        raise PlaceError("a census block group is its 12-digit GEOID (state, county, tract, block group).")
    return geoid
