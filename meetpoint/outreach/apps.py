from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OutreachConfig(AppConfig):
    name = "meetpoint.outreach"
    label = "outreach"

    def ready(self) -> None:
        from meetpoint import navigation
        from meetpoint.outreach import actions, indicators  # noqa: F401 — registers indicators and merge hook

        navigation.register(_("Outreach"), "outreach:entry", order=40, roles=frozenset({"admin", "staff"}))
        navigation.register(_("Outreach numbers"), "outreach:summary", order=41)
