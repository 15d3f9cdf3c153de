"""Reads that enforce who may see what. Another organization's report, agreement or package is a 404;
a recipient sees only packages delivered to it under agreements."""

from __future__ import annotations

import uuid

from django.db.models import Q
from django.http import Http404

from meetpoint.accounts.models import Organization
from meetpoint.directory.models import Location, Service
from meetpoint.outcomes.models import OpenDataset, SharedPackage, SharingAgreement


def _uuid(value) -> uuid.UUID:
    try:
        return value if isinstance(value, uuid.UUID) else uuid.UUID(str(value))
    except ValueError as problem:
        raise Http404("Not found.") from problem


def report_organization(membership, ref: str | None) -> Organization:
    """The organization a member may report on: only their own (slug or id); any other is a 404."""
    organization = membership.organization
    if ref and ref not in (organization.slug, str(organization.pk)):
        raise Http404("No such organization among yours.")
    return organization


def report_site(membership, site_id) -> Location | None:
    if not site_id:
        return None
    site = Location.objects.filter(pk=_uuid(site_id), organization=membership.organization).first()
    if site is None:
        raise Http404("No such site or mobile unit of your organization.")
    return site


def report_service(membership, service_id) -> Service | None:
    """A program (directory Service) of the member's own organization for a program's report; else a 404."""
    if not service_id:
        return None
    service = Service.objects.filter(pk=_uuid(service_id), organization=membership.organization).first()
    if service is None:
        raise Http404("No such program (service) of your organization.")
    return service


def services_of(membership) -> list[Service]:
    return list(Service.objects.filter(organization=membership.organization).order_by("name"))


def sites_of(membership) -> list[Location]:
    return list(Location.objects.filter(organization=membership.organization).order_by("name"))


def agreements_for(membership):
    organization = membership.organization
    return (
        SharingAgreement.objects.filter(Q(sharer=organization) | Q(recipient=organization))
        .select_related("sharer", "recipient")
        .order_by("-created")
    )


def agreement_for(membership, agreement_id) -> SharingAgreement:
    agreement = agreements_for(membership).filter(pk=_uuid(agreement_id)).first()
    if agreement is None:
        raise Http404("No such agreement of your organization.")
    return agreement


def inbox(membership):
    """Packages delivered to the member's organization. Past packages stay readable after an agreement ends:
    they were delivered under it."""
    return SharedPackage.objects.filter(agreement__recipient=membership.organization).select_related(
        "agreement__sharer"
    )


def current_inbox(membership):
    """The packages a recipient's totals count: neither replaced by a correction nor withdrawn."""
    return inbox(membership).filter(superseded_at__isnull=True, withdrawn_at__isnull=True)


def sent_packages(membership):
    return SharedPackage.objects.filter(agreement__sharer=membership.organization).select_related(
        "agreement__recipient"
    )


def package_for(membership, package_id) -> SharedPackage:
    """A package the member's organization received or sent, else a 404."""
    organization = membership.organization
    package = (
        SharedPackage.objects.filter(pk=_uuid(package_id))
        .filter(Q(agreement__recipient=organization) | Q(agreement__sharer=organization))
        .select_related("agreement__sharer", "agreement__recipient")
        .first()
    )
    if package is None:
        raise Http404("No such package for your organization.")
    return package


def open_datasets(organization=None):
    found = OpenDataset.objects.filter(withdrawn_at__isnull=True).select_related("organization")
    return found.filter(organization=organization) if organization is not None else found


def open_dataset(org_slug: str, slug: str) -> OpenDataset:
    dataset = open_datasets().filter(organization__slug=org_slug, slug=slug).first()
    if dataset is None:
        raise Http404("No such open dataset.")
    return dataset


def own_open_dataset(membership, dataset_id) -> OpenDataset:
    dataset = OpenDataset.objects.filter(pk=_uuid(dataset_id), organization=membership.organization).first()
    if dataset is None:
        raise Http404("No such open dataset of your organization.")
    return dataset


def recipient_organizations(membership):
    return Organization.objects.exclude(pk=membership.organization_id).order_by("name")


def agreements_sharing(indicator_codes, day) -> list[SharingAgreement]:
    """Agreements in force on `day` that share any of the indicators: whose figures a recipient may see (the
    shared alerts pool overdose reports this way)."""
    wanted = set(indicator_codes)
    found = SharingAgreement.objects.filter(
        sharer_accepted_at__isnull=False,
        recipient_accepted_at__isnull=False,
        ended_at__isnull=True,
        valid_from__lte=day,
    ).filter(Q(valid_until__isnull=True) | Q(valid_until__gte=day))
    return [agreement for agreement in found if wanted & set(agreement.indicators or [])]
