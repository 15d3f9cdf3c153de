"""Small conversions for place keys that indicators return (site ids may come as UUIDs or strings)."""

import uuid
from collections.abc import Iterable


def uuids(values: Iterable) -> list[uuid.UUID]:
    """The values that are valid UUIDs, as UUIDs; anything else (None, an area name) is skipped."""
    found = []
    for value in values:
        try:
            found.append(value if isinstance(value, uuid.UUID) else uuid.UUID(str(value)))
        except (ValueError, TypeError, AttributeError):
            continue
    return found
