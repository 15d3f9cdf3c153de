"""meetpoint rebuild_rollups [--org ORG]: recount the outreach daily roll-ups from the raw encounters."""

import time

from django.core.management.base import BaseCommand, CommandError
from django.http import Http404

from meetpoint.accounts.queries import organization_by_ref
from meetpoint.outreach import rollups


class Command(BaseCommand):
    help = (
        "Recount the outreach daily roll-ups (encounters and supplies per organization, site and day) from the "
        "raw records. Run after restoring a backup, loading rows outside the application, or changing TIME_ZONE."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--org", action="append", help="organization slug or id (repeatable; default: all)"
        )
        parser.add_argument(
            "--check",
            action="store_true",
            help="only compare the stored roll-ups with a recount; exit 1 if they differ",
        )

    def handle(self, *args, **options):
        organization_ids = None
        if options["org"]:
            try:
                organization_ids = [organization_by_ref(ref).pk for ref in options["org"]]
            except Http404 as error:
                raise CommandError(f"--org: {error}") from error
        if options["check"]:
            if rollups.stored(organization_ids) != rollups.recount(organization_ids):
                raise CommandError("The roll-ups differ from a recount: run `meetpoint rebuild_rollups`.")
            self.stdout.write("The roll-ups equal a recount of the raw records.")
            return
        began = time.perf_counter()
        made = rollups.rebuild(organization_ids)
        self.stdout.write(
            f"Rebuilt {made['encounter_days']:,} encounter day rows and {made['supply_days']:,} supply day rows "
            f"in {time.perf_counter() - began:.1f} s."
        )
