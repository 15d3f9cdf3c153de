"""Where a mobile unit is now and next, and how to get to a place: plain functions over schedule rows, with no
database. Directions are plain links (a geo: URI and the common map apps' public URLs), so no API key is needed."""

from __future__ import annotations

from urllib.parse import quote, urlencode

from meetpoint.directory.hours import LocalClock, is_open

DONE, NOW, NEXT, LATER = "done", "now", "next", "later"


def stop_state(row, clock: LocalClock) -> str:
    """DONE when today's stop has closed, NOW while it is open, LATER otherwise (the first LATER becomes NEXT)."""
    if is_open(row, clock):
        return NOW
    local = clock.local(getattr(row, "timezone", ""))
    if row.date is not None and row.date < local.date():
        return DONE
    if (row.date is None or row.date == local.date()) and row.closes_at <= local.time().replace(tzinfo=None):
        return DONE
    return LATER


def day_of_stops(rows, clock: LocalClock) -> list[tuple[object, str]]:
    """Today's rows in time order with their state; the first stop still to come is NEXT."""
    marked = [(row, stop_state(row, clock)) for row in sorted(rows, key=lambda row: row.opens_at)]
    for index, (row, state) in enumerate(marked):
        if state == LATER:
            marked[index] = (row, NEXT)
            break
    return marked


def not_finished(row, clock: LocalClock) -> bool:
    """A dated stop still open or to come (the "upcoming stops" of a service)."""
    return stop_state(row, clock) != DONE


def directions(latitude: float | None, longitude: float | None, label: str = "") -> list[dict]:
    """Links that open the place in a map app or ask it for directions; none without coordinates."""
    if latitude is None or longitude is None:
        return []
    point = f"{latitude:.6f},{longitude:.6f}"
    named = f"{point}({quote(label)})" if label else point
    return [
        {"kind": "geo", "url": f"geo:{point}?q={named}"},
        {
            "kind": "google",
            "url": "https://www.google.com/maps/dir/?" + urlencode({"api": 1, "destination": point}),
        },
        {
            "kind": "apple",
            "url": "https://maps.apple.com/?" + urlencode({"daddr": point, "q": label or point}),
        },
        {
            "kind": "osm",
            "url": f"https://www.openstreetmap.org/?mlat={latitude:.6f}&mlon={longitude:.6f}#map=17/{point.replace(',', '/')}",
        },
    ]
