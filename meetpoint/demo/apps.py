from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "meetpoint.demo"
    label = "demo"
