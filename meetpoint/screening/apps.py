from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ScreeningConfig(AppConfig):
    name = "meetpoint.screening"
    label = "screening"

    def ready(self) -> None:
        from meetpoint import navigation
        from meetpoint.screening import indicators  # noqa: F401 — registers the screening indicators

        navigation.register(_("Screening"), "screening:index", order=30)
