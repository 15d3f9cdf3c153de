from django.apps import AppConfig


class OutcomesConfig(AppConfig):
    name = "meetpoint.outcomes"
    label = "outcomes"
