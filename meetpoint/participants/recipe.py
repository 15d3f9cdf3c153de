"""The participant code recipe: which stable, non-identifying answers make a participant's code, in which order.

Plain functions, no database. The default recipe is the one many syringe services programs use: the first two
letters of the mother's first name, birth month and day, the first letter of the birth city and the last two
digits of the birth year (e.g. MARIA, 7 March 1985, Pittsburgh -> "MA0307P85"). An organization may choose other
parts or another order (ParticipantCodeRecipe); the code is then hashed (codes.blind_index) and never stored.
"""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from meetpoint.participants.codes import normalize_code

# Letters, digits: the characters a normalized code is made of (used for one-character variants).
ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
UNKNOWN_LETTER = "X"  # stands in for a letter the person does not know or a name that is too short


class RecipeError(ValueError):
    """An answer is missing or not usable; the message names the answer."""


@dataclass(frozen=True)
class Part:
    key: str  # the answer it reads, e.g. "mother_first_name"
    label: str
    kind: str  # "letters" (first N letters), "number" (zero-padded N digits), "year" (last N digits)
    length: int


PARTS: dict[str, Part] = {
    "mother_first_name": Part("mother_first_name", _("Mother's first name"), "letters", 2),
    "first_name_initial": Part("first_name_initial", _("Own first name"), "letters", 1),
    "birth_month": Part("birth_month", _("Birth month (1-12)"), "number", 2),
    "birth_day": Part("birth_day", _("Birth day (1-31)"), "number", 2),
    "birth_city": Part("birth_city", _("City of birth"), "letters", 1),
    "birth_year": Part("birth_year", _("Birth year"), "year", 2),
    "eye_color": Part("eye_color", _("Eye colour"), "letters", 1),
}
DEFAULT_RECIPE = ("mother_first_name", "birth_month", "birth_day", "birth_city", "birth_year")
NUMBER_RANGES = {"birth_month": (1, 12), "birth_day": (1, 31), "birth_year": (1900, 2100)}


def validate_recipe(parts) -> tuple[str, ...]:
    """The recipe as a tuple of part keys, or RecipeError naming the unknown or repeated part."""
    if not parts:
        raise RecipeError("A recipe needs at least one part.")
    seen: list[str] = []
    for key in parts:
        if key not in PARTS:
            raise RecipeError(f"Unknown recipe part {key!r}; choose from {', '.join(PARTS)}.")
        if key in seen:
            raise RecipeError(f"Recipe part {key!r} is listed twice.")
        seen.append(key)
    if sum(PARTS[key].length for key in seen) < 4:
        raise RecipeError("A recipe must make a code of at least 4 characters, or codes will collide.")
    return tuple(seen)


def _letters(value: str, length: int) -> str:
    letters = "".join(ch for ch in normalize_code(value) if ch.isalpha())
    return (letters + UNKNOWN_LETTER * length)[:length]


def _number(key: str, value, length: int) -> str:
    text = str(value).strip()
    if not text.isdigit():
        raise RecipeError(f"{PARTS[key].label} must be a number (got {text!r}).")
    low, high = NUMBER_RANGES.get(key, (0, 10**length - 1))
    number = int(text)
    if key == "birth_year" and len(text) == 2:
        return text  # the two digits themselves are what the recipe keeps
    if not low <= number <= high:
        raise RecipeError(f"{PARTS[key].label} must be between {low} and {high} (got {number}).")
    return str(number).zfill(length)[-length:]


def build_code(answers: dict, recipe=DEFAULT_RECIPE) -> str:
    """The participant code from the answers, in the recipe's order. Raises RecipeError naming what is missing."""
    pieces = []
    for key in validate_recipe(recipe):
        part = PARTS[key]
        value = answers.get(key)
        if value is None or str(value).strip() == "":
            raise RecipeError(f"{part.label} is missing ({key}).")
        if part.kind == "letters":
            pieces.append(_letters(str(value), part.length))
        else:
            pieces.append(_number(key, value, part.length))
    return "".join(pieces)


def one_character_variants(code: str) -> set[str]:
    """Every code one character off the given one: one character replaced, or two neighbours swapped.

    Only hashes are stored, so near-duplicates cannot be found by comparing stored codes; instead, at entry
    time, each variant is hashed and looked up. A 9-character code has 9 x 35 + 8 = 323 variants.
    """
    normalized = normalize_code(code)
    variants: set[str] = set()
    for index, current in enumerate(normalized):
        for replacement in ALPHABET:
            if replacement != current:
                variants.add(normalized[:index] + replacement + normalized[index + 1 :])
    for index in range(len(normalized) - 1):
        swapped = normalized[:index] + normalized[index + 1] + normalized[index] + normalized[index + 2 :]
        if swapped != normalized:
            variants.add(swapped)
    variants.discard(normalized)
    return variants
