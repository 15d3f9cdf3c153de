"""Reading a language as feeds write it: an ISO 639 code ("es", "spa") or an English name ("Spanish", "Haitian
Creole", "Spanish (limited)"), through langcodes' copy of the IANA/CLDR language data."""

import re
from dataclasses import dataclass
from functools import lru_cache

import langcodes

# Names langcodes does not resolve but that have an ISO 639 code of their own: "Creole" alone names no one
# language, so it gets the ISO 639-2 collective code for creoles and pidgins (a feed that means Haitian Creole
# should say so).
COLLECTIVE_NAMES = {"creole": "crp", "creoles": "crp", "pidgin": "crp"}


@dataclass(frozen=True)
class Reading:
    code: str  # ISO 639-1 when there is one, else ISO 639-2/3
    name: str  # the English name of the code
    exact: bool  # the text was the code or the name itself (nothing to report)


@lru_cache(maxsize=2048)
def read_language(text: str) -> Reading | None:
    """The language `text` names, or None when it names none (e.g. "translation services available")."""
    text = text.strip()
    if not text:
        return None
    if re.fullmatch(r"[A-Za-z]{2,3}", text) and langcodes.tag_is_valid(text.lower()):
        language = langcodes.get(text.lower())
        return Reading(language.to_tag(), language.display_name(), language.to_tag() == text.lower())
    plain = re.sub(r"\s*\(.*?\)\s*", " ", text).strip()  # "Spanish (limited)"
    if re.search(r"\band\b|[/;&+]", plain, re.IGNORECASE) or len(plain.split()) > 3:
        return None  # "English and Spanish", "other languages available": not one language
    for candidate in dict.fromkeys([text, plain]):
        if candidate.lower() in COLLECTIVE_NAMES:
            code = COLLECTIVE_NAMES[candidate.lower()]
            return Reading(code, langcodes.get(code).display_name(), False)
        try:
            language = langcodes.find(candidate)
        except LookupError:
            continue
        name = language.display_name()
        return Reading(language.to_tag(), name, name.lower() == text.lower())
    return None


def language_name(code: str) -> str:
    """The English name of an ISO 639 code ("" for one that is not)."""
    reading = read_language(code) if code else None
    return reading.name if reading else ""
