from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PolicyConfig(AppConfig):
    name = "meetpoint.policy"
    label = "policy"
    verbose_name = "Policy and advocacy tracker"

    def ready(self) -> None:
        from meetpoint import navigation

        navigation.register(_("Policy tracker"), "policy:list", order=70)
