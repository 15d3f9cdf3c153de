from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NeedsConfig(AppConfig):
    name = "meetpoint.needs"
    label = "needs"
    verbose_name = "Community needs"

    def ready(self) -> None:
        from meetpoint import navigation

        navigation.register(_("Community needs"), "needs:areas", order=75)
