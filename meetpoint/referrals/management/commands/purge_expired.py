"""`meetpoint purge_expired [--dry-run]`: clears the contact detail of referrals whose retention has passed
(meetpoint/referrals/retention.py, docs/privacy.md). Exit 0 (also when nothing is due), so cron or a systemd
timer can run it daily; 2 for a usage error."""

from django.core.management.base import BaseCommand

from meetpoint.referrals import retention

REASONS = {retention.CLOSED: "closed", retention.CONSENT_ENDED: "consent ended"}


class Command(BaseCommand):
    # Run from cron every few minutes: the system checks (which load every URL and view) are for deployment
    # (`meetpoint check --deploy`), not for each run, which then starts in a fraction of a second.
    requires_system_checks: list = []
    help = (
        "Clears the contact detail and method of referrals closed, or whose consent ended, more than "
        "MEETPOINT_CONTACT_RETENTION_DAYS (default 90) days ago, and logs one audit event per organization with "
        "the count. Safe to run as often as you like: what is purged stays purged."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run", action="store_true", help="List the referrals that would be purged; change nothing."
        )

    def handle(self, *args, dry_run: bool = False, verbosity: int = 1, **options):
        result = retention.purge_expired_contacts(dry_run=dry_run)
        if dry_run or verbosity >= 2:
            for item in result.due:
                self.stdout.write(
                    f"{'would purge' if dry_run else 'purged'} referral {item.referral_id}: {item.state}, "
                    f"{REASONS[item.reason]} {item.since.isoformat()}"
                )
        organizations = len(result.by_organization)
        if dry_run:
            self.stdout.write(
                f"Dry run: {result.count} referral contact detail(s) of {organizations} organization(s) would be "
                f"purged (retention {result.retention_days} days). Nothing was changed."
            )
        else:
            self.stdout.write(
                self.style.SUCCESS(
                    f"Purged {result.count} referral contact detail(s) of {organizations} organization(s) "
                    f"(retention {result.retention_days} days)."
                )
            )
