"""Reads of screenings that enforce who may see what: another organization's screening is a 404; a role that
sees aggregates only (analyst, viewer) gets a 403 for participant-level records and counts instead."""

import uuid
from datetime import date

from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.http import Http404

from meetpoint.accounts.roles import sees_participant_level
from meetpoint.screening.catalog import UnknownInstrument, get_instrument
from meetpoint.screening.models import Screening


def _require_participant_level(membership) -> None:
    if not sees_participant_level(membership.role):
        raise PermissionDenied(f"The {membership.role} role sees screening counts only.")


def screenings_for(membership, *, instrument: str | None = None, risk_level: str | None = None):
    """The acting organization's screenings, newest first (admin and staff only)."""
    _require_participant_level(membership)
    screenings = Screening.objects.filter(organization=membership.organization).select_related("location")
    if instrument:
        screenings = screenings.filter(instrument=instrument)
    if risk_level:
        screenings = screenings.filter(risk_level=risk_level)
    return screenings


def screening_for(membership, screening_id) -> Screening:
    """One screening of the acting organization: 404 when it is another's (or absent), 403 for aggregate roles."""
    try:
        pk = uuid.UUID(str(screening_id))
    except ValueError:
        raise Http404("No such screening.") from None
    screening = (
        Screening.objects.filter(pk=pk, organization=membership.organization)
        .select_related("organization", "location", "participant", "screened_by")
        .first()
    )
    if screening is None:
        raise Http404("No such screening.")
    _require_participant_level(membership)
    return screening


def counts_by_instrument_and_level(
    membership, start: date | None = None, end: date | None = None
) -> list[dict]:
    """Counts of the acting organization's screenings by instrument and risk level (any member may see them)."""
    screenings = Screening.objects.filter(organization=membership.organization)
    if start:
        screenings = screenings.filter(created__date__gte=start)
    if end:
        screenings = screenings.filter(created__date__lte=end)
    rows = (
        screenings.values("instrument", "risk_level", "positive")
        .annotate(count=Count("id"))
        .order_by("instrument", "risk_level")
    )
    counted = []
    for row in rows:
        try:
            level = get_instrument(row["instrument"]).level_by_id.get(row["risk_level"], {})
        except UnknownInstrument:
            level = {}
        counted.append({**row, "label": level.get("label", row["risk_level"])})
    return counted
