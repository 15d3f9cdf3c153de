"""`meetpoint deliver_alerts`: sends the deliveries that are due (for cron, every few minutes)."""

from django.core.management.base import BaseCommand

from meetpoint.alerts import delivery


class Command(BaseCommand):
    help = "Sends queued alert e-mails and webhooks that are due, retrying failures with back-off."

    def handle(self, *args, **options):
        totals = delivery.deliver_due()
        self.stdout.write(f"{totals['sent']} sent, {totals['retrying']} to retry, {totals['failed']} failed")
