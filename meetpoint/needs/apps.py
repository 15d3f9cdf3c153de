from django.apps import AppConfig


class NeedsConfig(AppConfig):
    name = "meetpoint.needs"
    label = "needs"
