"""`meetpoint detect_spikes`: the daily (or hourly) run for cron: detection for today (or each day of a range),
the end of quiet bad-batch alerts, and the deliveries that are due."""

from datetime import date, timedelta

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from meetpoint.accounts.audit import command_transaction, record_command
from meetpoint.alerts import actions, delivery
from meetpoint.alerts.detection import detect
from meetpoint.alerts.methods import method_named


class Command(BaseCommand):
    help = (
        "Finds overdose spikes in each partner's pooled reports, ends quiet alerts and sends due deliveries."
    )

    def add_arguments(self, parser):
        parser.add_argument("--day", help="The day to check (YYYY-MM-DD, default today).")
        parser.add_argument("--since", help="Replay each day from this one (YYYY-MM-DD) to --day, in order.")
        parser.add_argument("--method", help="ears_c2, cusum or fixed (default MEETPOINT_ALERT_METHOD).")
        parser.add_argument("--no-delivery", action="store_true", help="Queue deliveries but send none.")

    def handle(self, *args, day=None, since=None, method=None, no_delivery=False, **options):
        try:
            last = date.fromisoformat(day) if day else timezone.localdate()
            first = date.fromisoformat(since) if since else last
            chosen = method_named(method) if method else None
        except (ValueError, KeyError) as problem:
            raise CommandError(str(problem)) from None
        if first > last or (last - first).days > 366:
            raise CommandError("--since must be on or before --day and at most a year earlier.")
        totals = {"pools": 0, "opened": 0, "escalated": 0, "closed": 0}
        current = first
        while current <= last:
            found = detect(current, method=chosen)
            for name in totals:
                totals[name] = (
                    max(totals[name], found[name]) if name == "pools" else totals[name] + found[name]
                )
            current += timedelta(days=1)
        totals["bad_batches_ended"] = actions.end_quiet_bad_batches(last)
        with command_transaction():
            record_command(
                "alerts.detected",
                command="detect_spikes",
                detail={"from": first.isoformat(), "to": last.isoformat(), **totals},
            )
        sent = {} if no_delivery else delivery.deliver_due()
        self.stdout.write(
            f"{totals['pools']} pools checked {first}–{last}: {totals['opened']} alerts opened, "
            f"{totals['escalated']} escalated, {totals['closed'] + totals['bad_batches_ended']} ended"
            + (f"; deliveries {sent}" if sent else "")
        )
