"""Throttling, as a plain rule the live alerts and the evaluation share: signals in one area make one alert
episode until `quiet_days` days pass without a signal; a signal after that is a new alert."""

from collections.abc import Iterable

QUIET_DAYS = 3


def episodes(signal_days: Iterable[bool], quiet_days: int = QUIET_DAYS) -> list[tuple[int, int]]:
    """(first signal day, last signal day) of each episode in one area's daily signals."""
    found: list[tuple[int, int]] = []
    start = last = None
    for day, fired in enumerate(signal_days):
        if not fired:
            continue
        if last is not None and day - last <= quiet_days:
            last = day
            continue
        if start is not None:
            found.append((start, last))
        start = last = day
    if start is not None:
        found.append((start, last))
    return found
