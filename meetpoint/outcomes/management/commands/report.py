"""`meetpoint report --org ORG --from DATE --to DATE --format json|csv|xlsx|pdf --out PATH`."""

from datetime import date
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.http import Http404

from meetpoint.accounts.queries import organization_by_ref
from meetpoint.directory.models import Location, Service
from meetpoint.outcomes.exports import FORMATS, log_report_export, report_file
from meetpoint.outcomes.places import uuids
from meetpoint.outcomes.reports import ReportError, build_report, report_codes


class Command(BaseCommand):
    help = "Write an organization's report (its own figures, unsuppressed) for a date range."

    def add_arguments(self, parser):
        parser.add_argument("--org", required=True, help="organization slug or id")
        parser.add_argument("--from", dest="start", required=True, help="first day, YYYY-MM-DD")
        parser.add_argument("--to", dest="end", required=True, help="last day, YYYY-MM-DD")
        parser.add_argument("--format", dest="kind", choices=FORMATS, default="json")
        parser.add_argument("--out", required=True, help="file to write ('-' for standard output, json/csv)")
        parser.add_argument("--site", help="a site or mobile unit id of the organization")
        parser.add_argument("--service", help="a program (directory service) id of the organization")
        parser.add_argument("--grain", choices=("week", "month"))
        parser.add_argument(
            "--indicators",
            help="indicator codes separated by commas, or 'all' (default: the standard report)",
        )

    def handle(
        self,
        *args,
        org,
        start,
        end,
        kind,
        out,
        site=None,
        service=None,
        grain=None,
        indicators=None,
        **options,
    ):
        try:
            organization = organization_by_ref(org)
        except Http404 as missing:
            raise CommandError(str(missing)) from missing
        try:
            first, last = date.fromisoformat(start), date.fromisoformat(end)
        except ValueError as problem:
            raise CommandError(f"dates must look like 2025-01-31: {problem}") from problem
        location = None
        if site:
            location = Location.objects.filter(pk__in=uuids([site]), organization=organization).first()
            if location is None:
                raise CommandError(f"no site or mobile unit {site!r} of {organization.name}")
        program = None
        if service:
            program = Service.objects.filter(pk__in=uuids([service]), organization=organization).first()
            if program is None:
                raise CommandError(f"no program (service) {service!r} of {organization.name}")
        try:
            built = build_report(
                organization,
                first,
                last,
                site=location,
                service=program,
                trend_grain=grain,
                codes=report_codes(indicators),
            )
        except ReportError as problem:
            raise CommandError(str(problem)) from problem
        body = report_file(built, kind)
        if out == "-":
            if kind in ("xlsx", "pdf"):
                raise CommandError("--out - works for json and csv only; give a file name")
            self.stdout.write(body.decode())
            log_report_export(built, kind, via="standard output")
            return
        try:
            Path(out).write_bytes(body)
        except OSError as problem:
            raise CommandError(f"cannot write {out}: {problem}") from problem
        log_report_export(built, kind, via=str(Path(out).resolve()))
        self.stdout.write(f"wrote {out} ({len(body):,} bytes): {built.summary}")
