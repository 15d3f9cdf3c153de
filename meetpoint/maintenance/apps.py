from django.apps import AppConfig


class MaintenanceConfig(AppConfig):
    name = "meetpoint.maintenance"
    label = "maintenance"
