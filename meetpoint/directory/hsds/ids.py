"""HSDS ids. Meetpoint's primary keys are the HSDS ids (UUIDs), so a UUID id is kept as it is. HSDS 1.x/2.x and
many 211 feeds use other ids ("1", "BD-1800"); those become uuid5(HSDS_ID_NAMESPACE, source + id), so the same
record gets the same Meetpoint id on every import (re-importing updates, never duplicates)."""

import uuid

# Fixed forever: changing it would give every non-UUID record a new id on the next import.
HSDS_ID_NAMESPACE = uuid.UUID("6f1c7f0e-6a55-5b7e-9a4c-3d1b2f0c8e41")


def is_uuid(value: str) -> bool:
    try:
        uuid.UUID(str(value))
    except (ValueError, AttributeError, TypeError):
        return False
    return len(str(value).strip()) in (32, 36, 38)


def to_uuid(value, source: str = "") -> uuid.UUID:
    """The Meetpoint id of an HSDS id: the UUID itself, or uuid5 of the namespace and `source:` + the id."""
    text = str(value).strip()
    if is_uuid(text):
        return uuid.UUID(text)
    return uuid.uuid5(HSDS_ID_NAMESPACE, f"{source}:{text}" if source else text)


def derived_id(*parts) -> uuid.UUID:
    """A stable id for an HSDS object Meetpoint derives from others (a cost option from is_free, an attribute
    from a service's taxonomy term, one weekday of a multi-day schedule)."""
    return uuid.uuid5(HSDS_ID_NAMESPACE, ":".join(str(p) for p in parts))
