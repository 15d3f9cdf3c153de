from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InventoryConfig(AppConfig):
    name = "meetpoint.inventory"
    label = "inventory"

    def ready(self) -> None:
        from meetpoint import navigation

        navigation.register(_("Inventory"), "inventory:stock", order=45)
        from meetpoint.inventory.attention import stock_needing_attention

        navigation.register_attention(
            _("Stock running out or expiring"), "inventory:alerts", order=45, count=stock_needing_attention
        )
        from meetpoint.inventory import indicators  # noqa: F401 — registers the inventory indicators
