from django.apps import AppConfig


class ReferralsConfig(AppConfig):
    name = "meetpoint.referrals"
    label = "referrals"
