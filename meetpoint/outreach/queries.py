"""Reads of outreach records, always through the acting membership: another organization's record is a 404."""

import uuid

from django.http import Http404

from meetpoint.accounts.queries import organization_by_ref
from meetpoint.directory.models import Location
from meetpoint.outreach.models import Encounter, OverdoseReport


def sites_of(membership):
    """The organization's directory locations (fixed sites and mobile units) for pickers."""
    return Location.objects.filter(organization=membership.organization).order_by("-is_mobile", "name")


def site_for(membership, ref) -> Location:
    """One of the acting organization's locations by id or exact name, else 404."""
    ref = str(ref or "").strip()
    sites = sites_of(membership)
    try:
        found = sites.filter(pk=uuid.UUID(ref)).first()
    except ValueError:
        found = sites.filter(name=ref).first()
    if found is None:
        raise Http404(f"No location {ref!r} in your organization.")
    return found


def organization_for_summary(membership, ref: str | None):
    """The organization whose numbers are asked for: only the member's own (another one is a 404)."""
    if not ref:
        return membership.organization
    organization = organization_by_ref(ref)
    if organization.pk != membership.organization_id:
        raise Http404("No such organization among yours.")
    return organization


def recent_encounters(membership, limit: int = 20):
    return (
        Encounter.objects.filter(organization=membership.organization)
        .select_related("location")
        .prefetch_related("supplies__supply_item")
        .order_by("-occurred_at")[:limit]
    )


def overdose_reports(membership):
    return OverdoseReport.objects.filter(organization=membership.organization).select_related("location")
