"""When a referral needs a 42 CFR Part 2 consent (§ 2.31), which elements the consent must hold, and whether it
is in force. Plain functions over plain values, no database."""

from dataclasses import dataclass
from datetime import date

from django.utils.translation import gettext_lazy as _

# Reason categories of a referral. Substance use (alcohol or drugs: treatment, recovery, harm reduction)
# discloses Part 2 information; the others do not by themselves.
REASON_CATEGORIES = {
    "substance_use": _("Substance use (treatment, recovery, harm reduction)"),
    "mental_health": _("Mental health"),
    "social_needs": _("Social needs (housing, food, transportation, utilities, safety)"),
    "medical": _("Medical care"),
    "other": _("Other"),
}
SUBSTANCE_USE_CATEGORIES = frozenset({"substance_use"})

# Screening instruments whose results are substance-use information (alcohol and drugs, and overdose risk).
SUBSTANCE_INSTRUMENTS = frozenset(
    {
        "audit-c",
        "audit",
        "dast-10",
        "taps",
        "nida-single-question",
        "niaaa-single-question",
        "crafft-2.1",
        "overdose-risk",
    }
)

SIGNATURE_METHODS = {
    "written": _("Signed on paper"),
    "electronic": _("Signed electronically"),
    "verbal": _("Verbal consent, recorded and witnessed"),
}

RIGHT_TO_REVOKE = _(
    "You may revoke this consent at any time, in writing or by telling the staff of the sending organization, "
    "except to the extent that action has already been taken in reliance on it."
)


def discloses_substance_use(reason_category: str, screening_instrument: str | None) -> bool:
    return (
        reason_category in SUBSTANCE_USE_CATEGORIES or (screening_instrument or "") in SUBSTANCE_INSTRUMENTS
    )


@dataclass
class ConsentElements:
    """What the person agreed to, as entered. `discloser` and `recipient` come from the referral itself."""

    patient_reference: str = ""
    patient_name: str = ""
    discloser: str = ""
    recipient: str = ""
    information: str = ""
    purpose: str = ""
    expires_on: date | None = None
    expiry_event: str = ""
    signature_method: str = ""
    signed_on: date | None = None
    witnessed_by: str = ""
    right_to_revoke_given: bool = False


def missing_elements(elements: ConsentElements, today: date) -> dict[str, str]:
    """Each required § 2.31 element that is missing or unusable, by field name, with what is needed."""
    problems: dict[str, str] = {}
    if not (elements.patient_reference.strip() or elements.patient_name.strip()):
        problems["patient_reference"] = str(
            _("Name the patient: a participant code reference, or a name the person agreed to share.")
        )
    if not elements.discloser.strip():
        problems["discloser"] = str(_("Name who may disclose (the sending organization)."))
    if not elements.recipient.strip():
        problems["recipient"] = str(_("Name to whom the information may be disclosed."))
    if len(elements.information.strip()) < 10:
        problems["information"] = str(
            _("Describe specifically what information may be disclosed (at least a short sentence).")
        )
    if not elements.purpose.strip():
        problems["purpose"] = str(_("State the purpose of the disclosure."))
    if elements.expires_on is None and not elements.expiry_event.strip():
        problems["expires_on"] = str(_("Give an expiry date, or the event or condition on which it expires."))
    elif elements.expires_on is not None and elements.expires_on < today:
        problems["expires_on"] = str(_("The expiry date has already passed."))
    if elements.signature_method not in SIGNATURE_METHODS:
        problems["signature_method"] = str(
            _("Record how the person consented: written, electronic signature or verbal consent.")
        )
    if elements.signed_on is None:
        problems["signed_on"] = str(_("Give the date the person signed or consented."))
    elif elements.signed_on > today:
        problems["signed_on"] = str(_("The consent date cannot be in the future."))
    if elements.signature_method == "verbal" and not elements.witnessed_by.strip():
        problems["witnessed_by"] = str(_("A verbal consent needs the name of who witnessed it."))
    if not elements.right_to_revoke_given:
        problems["right_to_revoke_given"] = str(
            _("Confirm the person was told of their right to revoke this consent.")
        )
    return problems


def in_force(*, revoked: bool, expires_on: date | None, today: date) -> bool:
    """A consent allows disclosure until it is revoked or its expiry date has passed."""
    return not revoked and (expires_on is None or expires_on >= today)
