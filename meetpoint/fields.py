"""Model fields shared by the apps."""

from django.db import models

from meetpoint import crypto


class EncryptedTextField(models.TextField):
    """Text encrypted at rest with MEETPOINT_FIELD_KEYS (meetpoint/crypto.py); the column never holds plain text.

    Assign a plain `str` to write it (it is encrypted on save). A value read from the database is a
    `crypto.SealedText`: call `.reveal()` (or `crypto.reveal(value)`) where the reader may see it. An empty value
    stays empty (the absence of a value is not secret). Encrypted values cannot be searched: the only useful
    lookups are `=""` and `isnull`. Enforce a length limit on the plain text where it is validated.
    `dumpdata`/`loaddata` and `meetpoint backup`/`restore` carry the tokens, never the plain text.
    """

    description = "Text encrypted at rest"

    def from_db_value(self, value, expression, connection):
        return None if value is None else crypto.SealedText(value)

    def to_python(self, value):
        # Deserialized data (loaddata) carries tokens as written by dumpdata: keep them sealed.
        if isinstance(value, str) and not isinstance(value, crypto.SealedText) and crypto.looks_sealed(value):
            return crypto.SealedText(value)
        return super().to_python(value)

    def get_prep_value(self, value):
        # Field's, not TextField's (which would pass a plain value through to_python above): a plain `str` is
        # always encrypted, whatever it looks like.
        value = models.Field.get_prep_value(self, value)
        if value is None or value == "" or isinstance(value, crypto.SealedText):
            return value
        return crypto.encrypt(str(value))


def encrypted_fields() -> list[tuple[type[models.Model], EncryptedTextField]]:
    """Every (model, field) pair that stores encrypted text, for key rotation."""
    from django.apps import apps

    return [
        (model, field)
        for model in apps.get_models()
        for field in model._meta.concrete_fields
        if isinstance(field, EncryptedTextField)
    ]
