from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "meetpoint.accounts"
    label = "accounts"
    verbose_name = "Accounts and organizations"

    def ready(self) -> None:
        from django.contrib.admin.models import LogEntry
        from django.db.models.signals import post_save

        from meetpoint.accounts import audit, lockout, signed_in  # noqa: F401 — lockout and signed_in connect signals

        post_save.connect(audit.record_admin_change, sender=LogEntry, dispatch_uid="audit-admin-changes")
