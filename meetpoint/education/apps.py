from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EducationConfig(AppConfig):
    name = "meetpoint.education"
    label = "education"
    verbose_name = "Education, trainings and take-back events"

    def ready(self) -> None:
        from meetpoint import navigation
        from meetpoint.accounts.roles import EDITING_ROLES
        from meetpoint.education import indicators  # noqa: F401 — registers the education indicators
        from meetpoint.education.queries import waiting_for_answer

        navigation.register(_("Trainings"), "education:events", order=60)
        navigation.register(_("Events calendar"), "education:calendar", order=61, public=True)
        navigation.register(
            _("Invitations"),
            "education:invitations",
            order=62,
            roles=frozenset(EDITING_ROLES),
            count=waiting_for_answer,
        )
        navigation.register_attention(
            _("Invitations waiting for an answer"),
            "education:invitations",
            order=62,
            roles=frozenset(EDITING_ROLES),
            count=waiting_for_answer,
        )
