import json
from datetime import date

from django.core.management.base import BaseCommand, CommandError
from django.http import Http404

from meetpoint.accounts import audit
from meetpoint.accounts.queries import organization_by_ref
from meetpoint.outreach import actions
from meetpoint.outreach.summary import summarize


def _date(value: str, name: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError as error:
        raise CommandError(f"--{name} {value!r} is not a date (YYYY-MM-DD).") from error


class Command(BaseCommand):
    help = "Prints an organization's outreach numbers for a date range (both dates inclusive) as JSON."

    def add_arguments(self, parser):
        parser.add_argument("--org", required=True, help="The organization's slug or HSDS id.")
        parser.add_argument("--from", dest="start", required=True, help="First day, YYYY-MM-DD (inclusive).")
        parser.add_argument("--to", dest="end", required=True, help="Last day, YYYY-MM-DD (inclusive).")
        parser.add_argument("--site", help="Id or exact name of one of the organization's locations.")

    def handle(self, *args, org: str, start: str, end: str, site: str | None = None, **options):
        try:
            organization = organization_by_ref(org)
        except Http404 as error:
            raise CommandError(str(error)) from error
        first, last = _date(start, "from"), _date(end, "to")
        if last < first:
            raise CommandError("--to is before --from.")
        site_ids = None
        location = None
        if site:
            try:
                location = actions.resolve_site(organization, site)
            except actions.OutreachError as error:
                raise CommandError(str(error)) from error
            site_ids = [location.pk]
        numbers = summarize([organization.pk], first, last, site_ids)
        body = {
            "organization": organization.slug,
            "start": first.isoformat(),
            "end": last.isoformat(),
            "site": str(location.pk) if location else None,
            **numbers,
        }
        self.stdout.write(json.dumps(body, indent=2))
        audit.record_command(
            "outreach.summary.export",
            command="outreach_summary",
            organization=organization,
            detail={"from": body["start"], "to": body["end"], "site": body["site"] or ""},
        )
