"""Encryption of single values at rest with the keys in MEETPOINT_FIELD_KEYS (Fernet: AES-128-CBC + HMAC-SHA256).

The first key encrypts; every key decrypts, so keys rotate by putting a new key first, running
`meetpoint rotate_field_keys`, then removing the old one. A stored value is a `SealedText`: a `str` whose text is
the token, so it travels through backups, `values_list` and templates as ciphertext; only `reveal()` (or
`reveal(value)`) turns it into the plain text, and only code that decided the reader may see it calls that. A token
that no key opens raises FieldKeyError with a message that says so — never garbage. The keys themselves never
appear in a message.
"""

import base64
import binascii
from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core import checks

KEYS_SETTING = "MEETPOINT_FIELD_KEYS"


class FieldKeyError(Exception):
    """The field keys are missing or malformed, or none of them opens a stored value."""


class SealedText(str):
    """An encrypted value as stored: its text is the token, never the plain text."""

    def reveal(self) -> str:
        return decrypt(self) if self else ""

    def __repr__(self) -> str:
        return "<SealedText>" if self else "<SealedText: empty>"


def _configured_keys() -> tuple[str, ...]:
    keys = getattr(settings, KEYS_SETTING, None) or ()
    if isinstance(keys, str):
        keys = keys.split(",")
    return tuple(key.strip() for key in keys if key and key.strip())


@lru_cache(maxsize=8)
def _fernets(keys: tuple[str, ...]) -> tuple[Fernet, ...]:
    fernets = []
    for number, key in enumerate(keys, start=1):
        try:
            fernets.append(Fernet(key))
        except ValueError:
            raise FieldKeyError(
                f"{KEYS_SETTING}: key {number} of {len(keys)} is not a Fernet key (32 url-safe base64-encoded "
                "bytes; make one with `python -c 'from cryptography.fernet import Fernet; "
                "print(Fernet.generate_key().decode())'`)."
            ) from None
    return tuple(fernets)


def key_ring() -> tuple[Fernet, ...]:
    """The configured keys, first (encrypting) key first; FieldKeyError when none is set or one is malformed."""
    keys = _configured_keys()
    if not keys:
        raise FieldKeyError(
            f"{KEYS_SETTING} is not set: encrypted fields can be neither written nor read. Set it (or "
            f"{KEYS_SETTING}_FILE) to one or more comma-separated Fernet keys."
        )
    return _fernets(keys)


def encrypt(plain: str) -> SealedText:
    return SealedText(key_ring()[0].encrypt(plain.encode("utf-8")).decode("ascii"))


def decrypt(token: str) -> str:
    try:
        return MultiFernet(key_ring()).decrypt(token.encode("ascii")).decode("utf-8")
    except (InvalidToken, UnicodeEncodeError):
        raise FieldKeyError(
            f"An encrypted value cannot be read: none of the {len(key_ring())} key(s) in {KEYS_SETTING} opens it. "
            "The key that encrypted it was removed or changed; put it back (after the current first key) and "
            "run `meetpoint rotate_field_keys`."
        ) from None


def reveal(value: str | None) -> str:
    """The plain text of a stored value; a plain `str` not yet saved is returned as it is."""
    if isinstance(value, SealedText):
        return value.reveal()
    return value or ""


def needs_rotation(token: str) -> bool:
    """True when the token is not encrypted with the first key (FieldKeyError when no key opens it)."""
    try:
        key_ring()[0].decrypt(token.encode("ascii"))
    except (InvalidToken, UnicodeEncodeError):
        decrypt(token)  # raises FieldKeyError if no other key opens it either
        return True
    return False


def rotate(token: str) -> SealedText:
    """The same plain text re-encrypted with the first key."""
    return encrypt(decrypt(token))


def looks_sealed(text: str) -> bool:
    """Whether `text` has the shape of a Fernet token (version byte 0x80, whole blocks), without any key."""
    try:
        raw = base64.urlsafe_b64decode(text.encode("ascii"))
    except (binascii.Error, UnicodeEncodeError, ValueError):
        return False
    return len(raw) >= 73 and raw[0] == 0x80 and (len(raw) - 57) % 16 == 0


@checks.register(checks.Tags.security)
def check_field_keys(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    """Every configured key must be a Fernet key (always checked: a bad key stops start-up)."""
    try:
        key_ring()
    except FieldKeyError as problem:
        return [checks.Error(str(problem), id="meetpoint.E101")]
    return []


@checks.register(checks.Tags.security, deploy=True)
def check_field_keys_explicit(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    """`meetpoint check --deploy`: a production site must set its own keys, not use the generated one."""
    if settings.DEBUG or not getattr(settings, "MEETPOINT_FIELD_KEYS_GENERATED", False):
        return []
    return [
        checks.Error(
            f"{KEYS_SETTING} is not set, so the contact details of referrals are encrypted with a key generated "
            "in this checkout's var/ folder.",
            hint=f"Set {KEYS_SETTING} (or {KEYS_SETTING}_FILE) to a Fernet key kept outside the database and its "
            "backups (docs/privacy.md).",
            id="meetpoint.E102",
        )
    ]
