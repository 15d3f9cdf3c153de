"""The one rule for web addresses and e-mail addresses that every door applies (forms, the API, imports,
commands): a link is http or https only, since `javascript:` or `data:` in a public page's link or in the open
HSDS export would run in the reader's browser; an e-mail address is checked as the forms check it."""

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator, validate_email
from django.utils.translation import gettext as _

MAX_URL_LENGTH = 2000
MAX_EMAIL_LENGTH = 254
_URL = URLValidator(schemes=["http", "https"])


def url_problem(text: str) -> str:
    """Why `text` is not an acceptable web address ("" when it is, or when it is empty)."""
    if not text:
        return ""
    if len(text) > MAX_URL_LENGTH:
        return _("A web address can be at most %(max)s characters.") % {"max": MAX_URL_LENGTH}
    try:
        _URL(text)
    except ValidationError:
        return _("Give a full web address starting with https:// or http://.")
    return ""


def email_problem(text: str) -> str:
    """Why `text` is not an acceptable e-mail address ("" when it is, or when it is empty)."""
    if not text:
        return ""
    if len(text) > MAX_EMAIL_LENGTH:
        return _("An e-mail address can be at most %(max)s characters.") % {"max": MAX_EMAIL_LENGTH}
    try:
        validate_email(text)
    except ValidationError:
        return _("Give a valid e-mail address, such as name@example.org.")
    return ""
