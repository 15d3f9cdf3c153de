from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "meetpoint.accounts"
    label = "accounts"
    verbose_name = "Accounts and organizations"
