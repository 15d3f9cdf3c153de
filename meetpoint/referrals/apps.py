from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReferralsConfig(AppConfig):
    name = "meetpoint.referrals"
    label = "referrals"

    def ready(self) -> None:
        from meetpoint import navigation
        from meetpoint.accounts.roles import PARTICIPANT_LEVEL_ROLES
        from meetpoint.referrals import indicators  # noqa: F401 — registers the referral indicators

        navigation.register(
            _("Referrals"), "referrals:inbox", order=30, roles=frozenset(PARTICIPANT_LEVEL_ROLES)
        )
        navigation.register(_("Loop metrics"), "referrals:metrics", order=31)
        from meetpoint.referrals import attention

        editors = frozenset(PARTICIPANT_LEVEL_ROLES)
        navigation.register_attention(
            _("Overdue referrals"),
            "referrals:inbox",
            order=30,
            roles=editors,
            count=attention.overdue_referrals,
            urgent=True,
        )
        navigation.register_attention(
            _("New referrals"), "referrals:inbox", order=31, roles=editors, count=attention.new_referrals
        )
