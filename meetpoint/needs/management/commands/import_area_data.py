from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.http import Http404

from meetpoint.accounts import audit
from meetpoint.accounts.queries import organization_by_ref
from meetpoint.needs.actions import ImportRefused, import_area_data


class Command(BaseCommand):
    help = (
        "Imports area-level data (county or census tract FIPS) from a CSV file: the CDC/ATSDR SVI layout or "
        "any CSV with an area code column and numeric columns. A bad file is reported by line; nothing is written."
    )

    def add_arguments(self, parser):
        parser.add_argument("csv", help="Path of the CSV file.")
        parser.add_argument("--layout", choices=["svi", "generic"], required=True)
        parser.add_argument("--area-column", help="The column holding the FIPS code (default: FIPS, GEOID…).")
        parser.add_argument("--source", default="", help="Where the data came from (shown beside it).")
        parser.add_argument(
            "--org",
            help="The organization (slug or id) that owns the imported areas (default: the site administrator).",
        )

    def handle(self, *args, csv: str, layout: str, area_column=None, source="", org=None, **options):
        path = Path(csv)
        if not path.is_file():
            raise CommandError(f"No file {csv}.")
        membership, organization = None, None
        if org:
            try:
                organization = organization_by_ref(org)
            except Http404 as missing:
                raise CommandError(str(missing)) from None
            membership = organization.memberships.filter(role="admin").first()  # recorded as importer
        try:
            # The summary commits with the areas it describes, or not at all.
            with transaction.atomic():
                done = import_area_data(
                    path.read_bytes(),
                    layout=layout,
                    area_column=area_column,
                    file_name=path.name,
                    source=source,
                    membership=membership,
                    owner=organization,
                )
                audit.record_command(
                    "needs.area_data.import",
                    command="import_area_data",
                    organization=organization,
                    detail={
                        "file": str(path.resolve()),
                        "layout": layout,
                        "rows": done.rows,
                        "source": source,
                    },
                )
        except ImportRefused as refused:
            for line, problem in refused.result.problems:
                self.stderr.write(f"{path.name}:{line}: {problem}")
            raise CommandError(str(refused)) from None
        self.stdout.write(self.style.SUCCESS(f"Imported {done.rows} area(s) from {path.name} ({layout})."))
