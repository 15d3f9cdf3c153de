from django.apps import AppConfig


class ScreeningConfig(AppConfig):
    name = "meetpoint.screening"
    label = "screening"
