"""Reads that enforce who may see and edit what. Public reads show only active services; editing reads
return objects of the acting membership's own organization (another organization's id is a 404) and refuse
roles that may not edit (403)."""

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404
from django.utils import timezone

from meetpoint.accounts.roles import may_edit
from meetpoint.directory.models import Location, Schedule, Service


def public_service(pk) -> Service:
    """An active service as anyone may see it, or Http404."""
    try:
        return (
            Service.objects.select_related("organization")
            .prefetch_related(
                "taxonomy_terms",
                "languages",
                "phones",
                "capacities",
                "schedules",
                "service_at_locations__location__addresses",
                "service_at_locations__location__phones",
                "service_at_locations__location__languages",
                "service_at_locations__location__schedules",
                "service_at_locations__schedules",
            )
            .get(pk=pk, status=Service.Status.ACTIVE)
        )
    except (Service.DoesNotExist, ValueError, TypeError) as missing:
        raise Http404("No such service.") from missing


def require_editor(membership) -> None:
    if not membership or not may_edit(membership.role):
        raise PermissionDenied("Only admin and staff members edit their organization's directory entries.")


def own_services(membership):
    require_editor(membership)
    return Service.objects.filter(organization=membership.organization).prefetch_related("taxonomy_terms")


def own_locations(membership):
    require_editor(membership)
    return Location.objects.filter(organization=membership.organization)


def own_service(membership, pk) -> Service:
    try:
        return own_services(membership).get(pk=pk)
    except (Service.DoesNotExist, ValueError, TypeError) as missing:
        raise Http404("No such service in your organization.") from missing


def own_location(membership, pk) -> Location:
    try:
        return own_locations(membership).get(pk=pk)
    except (Location.DoesNotExist, ValueError, TypeError) as missing:
        raise Http404("No such location in your organization.") from missing


def own_schedule(membership, pk) -> Schedule:
    require_editor(membership)
    org = membership.organization
    try:
        return Schedule.objects.select_related("service", "location").get(
            Q(service__organization=org)
            | Q(location__organization=org)
            | Q(service_at_location__service__organization=org),
            pk=pk,
        )
    except (Schedule.DoesNotExist, ValueError, TypeError) as missing:
        raise Http404("No such schedule in your organization.") from missing


def mobile_units_today(today=None) -> list[dict]:
    """Each mobile unit with today's stops in time order, and the services it offers (public view)."""
    today = today or timezone.localdate()
    units = (
        Location.objects.filter(is_mobile=True)
        .select_related("organization")
        .prefetch_related("phones")
        .order_by("organization__name", "name")
    )
    stops = Schedule.objects.filter(location__is_mobile=True, date=today).order_by("opens_at")
    by_unit: dict = {}
    for stop in stops:
        by_unit.setdefault(stop.location_id, []).append(stop)
    services = (
        Service.objects.filter(status=Service.Status.ACTIVE, service_at_locations__location__is_mobile=True)
        .prefetch_related("service_at_locations")
        .order_by("name")
        .distinct()
    )
    offered: dict = {}
    for service in services:
        for link in service.service_at_locations.all():
            offered.setdefault(link.location_id, []).append(service)
    return [
        {"unit": unit, "stops": by_unit.get(unit.pk, []), "services": offered.get(unit.pk, [])}
        for unit in units
    ]


def exact_place_partners(membership):
    """The partners this organization named to see its confidential sites exactly."""
    from meetpoint.directory.models import ExactPlaceGrant

    return (
        ExactPlaceGrant.objects.filter(organization_id=membership.organization_id)
        .select_related("partner")
        .order_by("partner__name")
    )


def possible_exact_place_partners(membership):
    """Organizations with members that this organization has not named yet."""
    from meetpoint.accounts.models import Organization

    named = exact_place_partners(membership).values("partner_id")
    return (
        Organization.objects.filter(memberships__isnull=False)
        .exclude(pk=membership.organization_id)
        .exclude(pk__in=named)
        .distinct()
        .order_by("name")
    )
