"""`meetpoint run_exchanges`: for cron. Delivers every closed, undelivered period of every agreement in force
and publishes every closed period of every open dataset. Safe to run again: nothing is sent twice."""

from datetime import date

from django.core.management.base import BaseCommand, CommandError

from meetpoint.outcomes import actions


class Command(BaseCommand):
    # Run from cron every few minutes: the system checks (which load every URL and view) are for deployment
    # (`meetpoint check --deploy`), not for each run, which then starts in a fraction of a second.
    requires_system_checks: list = []
    help = "Deliver due data-sharing packages and open-data releases (idempotent; failures are retried next run)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--today",
            help="Act as if today were this earlier date (YYYY-MM-DD), for back-filling; never a future one.",
        )

    def handle(self, *args, today=None, **options):
        try:
            day = date.fromisoformat(today) if today else None
        except ValueError as problem:
            raise CommandError(f"--today: {problem}") from problem
        try:
            run = actions.run_exchanges(day)
        except actions.OutcomesError as refused:
            raise CommandError(f"--today: {refused}") from refused
        for item in run.delivered:
            target = getattr(getattr(item, "agreement", None), "recipient", None) or "open data"
            self.stdout.write(f"delivered {item.period_label} to {target} sha256={item.checksum}")
        for what, reason in run.failed:
            self.stderr.write(f"failed {what}: {reason}")
        self.stdout.write(f"{len(run.delivered)} delivered, {len(run.failed)} failed")
        if run.failed:
            raise CommandError(f"{len(run.failed)} deliveries failed; they will be retried on the next run")
