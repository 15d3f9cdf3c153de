"""A place to search near, from what a person types: a US ZIP code, or a town. ZIP centroids come from the
`zipcodes` package, which ships its table (no download at run time); a town is first looked up among the
directory's own public addresses (so the demo region's towns work), then in that table."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache

ZIP = re.compile(r"^\s*(\d{5})(?:-\d{4})?\s*$")


@dataclass(frozen=True)
class Place:
    latitude: float
    longitude: float
    label: str  # "15201 (Pittsburgh, PA)" or "Three Rivers"


@lru_cache(maxsize=1)
def _table() -> tuple[dict, dict]:
    """ZIP -> (lat, lon, city, state), and (city, state) -> [(lat, lon)], loaded once on first use."""
    import zipcodes  # noqa: PLC0415 -- the table is loaded only when someone searches near a ZIP or town

    by_zip, by_town = {}, {}
    for row in zipcodes.list_all():
        try:
            lat, lon = float(row["lat"]), float(row["long"])
        except (TypeError, ValueError, KeyError):
            continue
        by_zip[row["zip_code"]] = (lat, lon, row["city"], row["state"])
        by_town.setdefault((row["city"].casefold(), row["state"].casefold()), []).append((lat, lon))
    return by_zip, by_town


def is_zip(text: str) -> bool:
    return bool(ZIP.match(text or ""))


def place_for(text: str) -> Place | None:
    """The centroid of a ZIP code or town, or None when it is not known."""
    text = (text or "").strip()
    if not text:
        return None
    match = ZIP.match(text)
    if match:
        found = _table()[0].get(match.group(1))
        if found is None:
            return None
        lat, lon, city, state = found
        return Place(lat, lon, f"{match.group(1)} ({city}, {state})")
    return _directory_town(text) or _table_town(text)


def _directory_town(text: str) -> Place | None:
    from meetpoint.directory.models import Address  # noqa: PLC0415 -- keeps this module free of the ORM at import

    town = text.split(",")[0].strip()
    points = list(
        Address.objects.filter(
            city__iexact=town, location__is_confidential=False, location__latitude__isnull=False
        ).values_list("location__latitude", "location__longitude")
    )
    if not points:
        return None
    return Place(sum(p[0] for p in points) / len(points), sum(p[1] for p in points) / len(points), town)


def _table_town(text: str) -> Place | None:
    town, _, state = (part.strip() for part in text.partition(","))
    by_town = _table()[1]
    if state:
        candidates = {state.upper(): by_town.get((town.casefold(), state.casefold()))}
    else:
        candidates = {key[1].upper(): points for key, points in by_town.items() if key[0] == town.casefold()}
    candidates = {key: value for key, value in candidates.items() if value}
    if not candidates:
        return None
    chosen = _home_state(candidates) or sorted(candidates)[0]
    points = candidates[chosen]
    label = f"{town.title()}, {chosen}"
    return Place(sum(p[0] for p in points) / len(points), sum(p[1] for p in points) / len(points), label)


def _home_state(candidates: dict) -> str | None:
    """Of several states with a town of that name, the one where most of the directory's places are."""
    from meetpoint.directory.models import Address  # noqa: PLC0415

    states = Counter(
        state.upper() for state in Address.objects.values_list("state_province", flat=True) if state
    )
    ranked = [state for state, _ in states.most_common() if state in candidates]
    return ranked[0] if ranked else None
