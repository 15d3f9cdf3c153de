"""`meetpoint inventory_alerts --org ORG [--days N] [--site SITE]`: stock alerts of an organization as JSON.

Low stock per site and item, lots expiring within N days (default MEETPOINT_INVENTORY_EXPIRY_DAYS, 60), expired
stock still on the books, and the number of distributions waiting for reconciliation. Exit 0 with the JSON on
standard output (also when there is nothing to report), so cron can mail it or a script can read it.
"""

import json
import uuid

from django.core.management.base import BaseCommand, CommandError
from django.core.serializers.json import DjangoJSONEncoder
from django.http import Http404
from django.utils import timezone

from meetpoint.accounts.queries import organization_by_ref
from meetpoint.directory.models import Location
from meetpoint.inventory import queries
from meetpoint.inventory.api import alerts_out


class Command(BaseCommand):
    help = "Print an organization's stock alerts (low stock, expiring and expired lots) as JSON."

    def add_arguments(self, parser):
        parser.add_argument("--org", required=True, help="The organization's slug or HSDS id.")
        parser.add_argument(
            "--days", type=int, default=None, help="Expiry window in days (default: setting, 60)."
        )
        parser.add_argument("--site", default=None, help="Only this site: its id or exact name.")

    def handle(self, *args, org, days, site, **options):
        try:
            organization = organization_by_ref(org)
        except Http404 as error:
            raise CommandError(str(error)) from error
        if days is not None and days < 0:
            raise CommandError("--days must be 0 or more.")
        location = self.site(organization, site) if site else None
        found = queries.alerts(organization.pk, timezone.localdate(), days=days, location=location)
        report = {"organization": organization.slug, **alerts_out(found)}
        self.stdout.write(json.dumps(report, cls=DjangoJSONEncoder, indent=2))

    def site(self, organization, ref: str) -> Location:
        sites = Location.objects.filter(organization=organization)
        try:
            found = list(sites.filter(pk=uuid.UUID(ref)))
        except ValueError:
            found = list(sites.filter(name=ref)[:2])
        if len(found) != 1:
            raise CommandError(f"{organization.slug} has no single site with id or name {ref!r}.")
        return found[0]
