from django.core.management.base import BaseCommand, CommandError

from meetpoint.accounts.audit import verify_chain


class Command(BaseCommand):
    help = (
        "Checks the audit log's hash chain; exits 1 and names the first broken entry if it was tampered with."
    )

    def handle(self, *args, **options):
        ok, message = verify_chain()
        from meetpoint.accounts import audit_status

        audit_status.remember(ok, message)  # shown on the site administrators' home page
        if not ok:
            raise CommandError(f"Audit log tampered with: {message}.")
        self.stdout.write(self.style.SUCCESS(f"Audit log intact: {message}."))
