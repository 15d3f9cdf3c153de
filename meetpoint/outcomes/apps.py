from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OutcomesConfig(AppConfig):
    name = "meetpoint.outcomes"
    label = "outcomes"

    def ready(self) -> None:
        from meetpoint import navigation

        navigation.register(_("Indicators"), "outcomes:catalog", order=80, public=True)
        navigation.register(_("Outcomes"), "outcomes:home", order=81)
        navigation.register(_("Open data"), "outcomes:open_data", order=82, public=True)
