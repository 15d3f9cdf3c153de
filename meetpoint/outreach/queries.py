"""Reads of outreach records, always through the acting membership: another organization's record is a 404."""

import uuid
from datetime import timedelta

from django.db.models import Count
from django.http import Http404
from django.utils import timezone

from meetpoint.accounts.queries import organization_by_ref
from meetpoint.directory.models import Location
from meetpoint.outreach.models import Encounter, EncounterSupply, OverdoseReport


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


def common_items(membership, fallback: tuple[str, ...], limit: int = 4, days: int = 90) -> list[str]:
    """The supply codes this organization hands out most (by how many encounters had them, last `days` days),
    topped up from `fallback` to `limit`: what the quick entry shows first."""
    since = timezone.now() - timedelta(days=days)
    ranked = (
        EncounterSupply.objects.filter(
            encounter__organization=membership.organization, encounter__occurred_at__gte=since
        )
        .values("supply_item__code")
        .annotate(encounters=Count("encounter"))
        .order_by("-encounters", "supply_item__code")[:limit]
    )
    codes = [row["supply_item__code"] for row in ranked]
    for code in fallback:
        if len(codes) >= limit:
            break
        if code not in codes:
            codes.append(code)
    return codes
