"""The substances a drug-checking result may name, and the rule for anonymous sample codes."""

import re
import secrets

from django.utils.translation import gettext as _

from meetpoint.outreach.places import SUBSTANCES as OVERDOSE_SUBSTANCES

# What strips, FTIR and labs report, beyond the overdose report's list (which it includes).
CHECKED_SUBSTANCES = tuple(
    dict.fromkeys(
        [
            *(name for name in OVERDOSE_SUBSTANCES if name not in ("alcohol", "unknown")),
            "carfentanil",
            "medetomidine",
            "bromazolam",
            "levamisole",
            "lidocaine",
            "caffeine",
            "ketamine",
            "mdma",
        ]
    )
)

# The substances of concern listed from the start (data migration 0002); a site administrator keeps the list in the
# Django admin afterwards (advice, active), so loading never overwrites an existing row.
LISTED_SUBSTANCES_OF_CONCERN = [
    (
        "xylazine",
        "Xylazine",
        "Xylazine (tranq) found: carry wound care supplies and xylazine test strips; naloxone still reverses the "
        "opioid, so give it and rescue breaths; people may stay sedated after breathing returns.",
    ),
    (
        "nitazenes",
        "Nitazenes",
        "Nitazenes found: very strong opioids; carry extra naloxone (more than one dose may be needed), do not use "
        "alone, start low.",
    ),
    (
        "medetomidine",
        "Medetomidine",
        "Medetomidine found: a sedative naloxone does not reverse; give naloxone for the opioid, keep people on "
        "their side and watch for slow heart rate; withdrawal can be severe, refer to care.",
    ),
    (
        "carfentanil",
        "Carfentanil",
        "Carfentanil found: far stronger than fentanyl; carry several doses of naloxone, call 911, do not use alone.",
    ),
]


def load_listed_substances(substance_model) -> None:
    """Create each listed substance of concern that is missing (used by the data migration, so it takes the
    historical model; tests that empty the database, transaction=True, call it again)."""
    for code, name, advice in LISTED_SUBSTANCES_OF_CONCERN:
        substance_model.objects.get_or_create(code=code, defaults={"name": name, "advice": advice})


# Participant-code shapes programs use (DOMAIN.md): 2 letters + 4 digits; 3 letters + 2 digits (+ a letter);
# 2 letters + sex + 4 digits. A sample code must look like none of them.
PARTICIPANT_CODE_SHAPES = (
    re.compile(r"^[A-Z]{2}\d{4}$"),
    re.compile(r"^[A-Z]{3}\d{2}[A-Z]?$"),
    re.compile(r"^[A-Z]{2}[MFXU]\d{4}$"),
)
SAMPLE_CODE = re.compile(r"^[A-Z0-9-]{6,24}$")
CODE_ALPHABET = "ACDEFGHJKMNPQRTUVWXY3479"  # no 0/O, 1/I/L, 2/Z, 5/S, 6/B, 8


def normalized(code: str) -> str:
    return (code or "").strip().upper()


def looks_like_participant_code(code: str) -> bool:
    compact = re.sub(r"[^A-Z0-9]", "", normalized(code))
    return any(shape.match(compact) for shape in PARTICIPANT_CODE_SHAPES)


def new_sample_code() -> str:
    """A random code for a sample's bag or card: DC- and six characters that cannot be misread."""
    return "DC-" + "".join(secrets.choice(CODE_ALPHABET) for _ in range(6))


def sample_code_problem(code: str) -> str:
    """Why a sample code cannot be used ("" when it can)."""
    code = normalized(code)
    if not SAMPLE_CODE.match(code):
        return _("use 6 to 24 letters, digits or dashes (leave it empty to get one).")
    if looks_like_participant_code(code):
        return _(
            "looks like a participant code; a sample is never linked to a person. Leave it empty to get one."
        )
    return ""
