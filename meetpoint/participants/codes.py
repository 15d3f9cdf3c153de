"""Participant codes and their blind index. A code is never stored: only HMAC-SHA256(key, normalized code),
so the same answers always find the same participant while a stolen database cannot be read back into codes."""

import hashlib
import hmac
import unicodedata

from django.conf import settings


def normalize_code(code: str) -> str:
    """Upper case, accents folded, spaces and punctuation dropped: 'ma 07-85' and 'MA0785' are one code."""
    folded = unicodedata.normalize("NFKD", code).encode("ascii", "ignore").decode()
    return "".join(ch for ch in folded.upper() if ch.isalnum())


def blind_index(code: str, *, organization_id=None, key: str | None = None) -> str:
    """The keyed hash kept in place of the code. Salting with the organization keeps two organizations'
    hashes of the same code unlinkable, so codes cannot be matched across organizations."""
    normalized = normalize_code(code)
    if not normalized:
        raise ValueError("A participant code needs at least one letter or digit.")
    secret = (key if key is not None else settings.PARTICIPANT_CODE_KEY).encode()
    message = f"{organization_id or ''}:{normalized}".encode()
    return hmac.new(secret, message, hashlib.sha256).hexdigest()
