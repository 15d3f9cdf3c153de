from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AlertsConfig(AppConfig):
    name = "meetpoint.alerts"
    label = "alerts"
    verbose_name = "Shared alerts"

    def ready(self) -> None:
        from meetpoint import navigation
        from meetpoint.alerts import on_report, queries

        navigation.register(_("Alerts"), "alerts:list", order=15, count=queries.waiting_count)
        navigation.register(_("Public alerts"), "alerts:public", order=16, public=True, roles=frozenset())
        on_report.connect()
