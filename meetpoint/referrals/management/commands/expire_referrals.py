from django.core.management.base import BaseCommand

from meetpoint.referrals import actions


class Command(BaseCommand):
    # Run from cron every few minutes: the system checks (which load every URL and view) are for deployment
    # (`meetpoint check --deploy`), not for each run, which then starts in a fraction of a second.
    requires_system_checks: list = []
    help = (
        "Flags sent referrals not accepted within MEETPOINT_REFERRAL_OVERDUE_HOURS (default 72) and notifies "
        "both sides once; expires those not accepted within MEETPOINT_REFERRAL_EXPIRE_HOURS (default 336). "
        "Safe to run from cron as often as you like."
    )

    def handle(self, *args, **options):
        flagged = actions.flag_overdue_referrals()
        expired = actions.expire_referrals()
        self.stdout.write(f"{flagged} referral(s) flagged overdue, {expired} expired.")
