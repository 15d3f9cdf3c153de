from django.apps import AppConfig


class OutreachConfig(AppConfig):
    name = "meetpoint.outreach"
    label = "outreach"
