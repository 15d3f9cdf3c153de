"""E-mails of accounts (invitations, two-step reset links, address confirmations), each written in its
recipient's language and sent through Django's configured backend (EMAIL_URL, docs/operations.md)."""

from django.conf import settings
from django.core.mail import send_mail
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from meetpoint.accounts.models import MemberInvitation


def absolute(request: HttpRequest | None, path: str) -> str:
    """The address of `path` as the person reading the e-mail reaches the site."""
    if request is not None:
        return request.build_absolute_uri(path)
    return settings.MEETPOINT_BASE_URL.rstrip("/") + path


def send(template: str, to: str, language: str, context: dict) -> None:
    """Renders accounts/email/<template>_subject.txt and _body.txt in `language` and sends them to `to`."""
    with translation.override(language or settings.LANGUAGE_CODE):
        context = {"site_name": settings.OTP_TOTP_ISSUER, **context}
        subject = " ".join(render_to_string(f"accounts/email/{template}_subject.txt", context).split())
        body = render_to_string(f"accounts/email/{template}_body.txt", context)
    send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [to])


def send_invitation(request: HttpRequest | None, invitation: MemberInvitation, token: str) -> None:
    link = absolute(request, reverse("accounts:accept_invitation", args=[token]))
    send(
        "invitation",
        invitation.email,
        invitation.language,
        {"invitation": invitation, "link": link, "organization": invitation.organization.name},
    )


def send_enrolment_link(request: HttpRequest | None, person, organization_name: str, token: str) -> bool:
    """The set-up link after an admin reset two-step sign-in; False when the person has no address."""
    if not person.email:
        return False
    link = absolute(request, reverse("accounts:enrol", args=[token]))
    send(
        "enrolment",
        person.email,
        person.language,
        {"person": person, "link": link, "organization": organization_name},
    )
    return True


def send_email_confirmation(request: HttpRequest | None, person, new_email: str, token: str) -> None:
    link = absolute(request, reverse("accounts:confirm_email", args=[token]))
    send("email_change", new_email, person.language, {"person": person, "link": link})
