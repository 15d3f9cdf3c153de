from django.core.management.base import BaseCommand

from meetpoint.referrals import actions


class Command(BaseCommand):
    help = (
        "Flags sent referrals not accepted within MEETPOINT_REFERRAL_OVERDUE_HOURS (default 72) and notifies "
        "both sides once; expires those not accepted within MEETPOINT_REFERRAL_EXPIRE_HOURS (default 336). "
        "Safe to run from cron as often as you like."
    )

    def handle(self, *args, **options):
        flagged = actions.flag_overdue_referrals()
        expired = actions.expire_referrals()
        self.stdout.write(f"{flagged} referral(s) flagged overdue, {expired} expired.")
