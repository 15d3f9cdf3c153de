from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "meetpoint.accounts"
    label = "accounts"
    verbose_name = "Accounts and organizations"

    def ready(self) -> None:
        from meetpoint.accounts import audit_changes, lockout, signed_in  # noqa: F401 — they connect signals

        audit_changes.connect()
