import json
from datetime import date, timedelta

from django.core.management.base import BaseCommand, CommandError
from django.http import Http404
from django.utils import timezone

from meetpoint.accounts.queries import organization_by_ref
from meetpoint.referrals import metrics


def _day(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"Give dates as YYYY-MM-DD (got {value!r}).") from None


class Command(BaseCommand):
    help = "Prints the referral loop metrics of one organization (sent, accepted, completed, medians, rate)."

    def add_arguments(self, parser):
        parser.add_argument("--org", required=True, help="Organization slug or id.")
        parser.add_argument("--from", dest="start", help="First day sent (YYYY-MM-DD); default 90 days ago.")
        parser.add_argument("--to", dest="end", help="Last day sent, inclusive; default today.")
        parser.add_argument("--json", action="store_true", help="Print JSON instead of a table.")

    def handle(self, *args, org: str, start=None, end=None, json: bool = False, **options):
        try:
            organization = organization_by_ref(org)
        except Http404 as missing:
            raise CommandError(str(missing)) from None
        last = _day(end) if end else timezone.localdate()
        first = _day(start) if start else last - timedelta(days=89)
        if first > last:
            raise CommandError("--from is after --to.")
        result = metrics.organization_metrics(organization.pk, first, last)
        rows = [("all sent", result["outgoing"]), ("all received", result["incoming"])] + [
            (("-> " if p.direction == "outgoing" else "<- ") + p.partner_name, p.metrics)
            for p in result["partners"]
        ]
        if json:
            self.stdout.write(
                _dumps(
                    {
                        "organization": organization.slug,
                        "from": first.isoformat(),
                        "to": last.isoformat(),
                        "rows": [
                            {"label": label, **m.__dict__, "loop_closure_rate": m.loop_closure_rate}
                            for label, m in rows
                        ],
                    }
                )
            )
            return
        self.stdout.write(f"{organization.name}: referrals sent {first} .. {last}")
        header = f"{'':40} {'sent':>6} {'acc.':>6} {'compl.':>6} {'h→acc':>8} {'h→compl':>8} {'closed':>7}"
        self.stdout.write(header)
        for label, m in rows:
            rate = f"{m.loop_closure_rate:.0%}" if m.loop_closure_rate is not None else "—"
            acc = m.median_hours_to_acceptance if m.median_hours_to_acceptance is not None else "—"
            comp = m.median_hours_to_completion if m.median_hours_to_completion is not None else "—"
            self.stdout.write(
                f"{label[:40]:40} {m.sent:>6} {m.accepted:>6} {m.completed:>6} {acc:>8} {comp:>8} {rate:>7}"
            )


def _dumps(data) -> str:
    return json.dumps(data, indent=2)
