"""What to carry and say: the outreach level of an alert, in plain words."""

from django.utils.translation import gettext as _

from meetpoint.alerts.models import AlertKind, SubstanceOfConcern


def for_alert(alert) -> str:
    if alert.kind == AlertKind.SPIKE:
        return _(
            "Carry extra naloxone (several doses per kit) and fentanyl test strips; check on people who use alone; "
            "remind people to start low, go slow and not use alone."
        )
    concern = SubstanceOfConcern.objects.filter(code=alert.substance).first()
    if concern and concern.advice:
        return concern.advice
    return _("Tell people what was found, offer drug checking and test strips, and carry naloxone.")
