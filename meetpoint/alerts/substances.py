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
