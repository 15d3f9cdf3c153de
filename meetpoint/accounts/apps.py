from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "meetpoint.accounts"
    label = "accounts"
    verbose_name = "Accounts and organizations"

    def ready(self) -> None:
        from meetpoint.accounts import lockout  # noqa: F401 — connects the sign-in failure signals
