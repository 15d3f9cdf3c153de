from django.apps import AppConfig


class InventoryConfig(AppConfig):
    name = "meetpoint.inventory"
    label = "inventory"
