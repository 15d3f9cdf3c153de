import os
import re
import subprocess
import sys

from django.test import Client
from django.urls import reverse


def test_an_invitation_goes_through_a_real_smtp_server_in_the_invitees_language(world, smtp_server):
    admin = world.client(world.home.admin)
    answer = admin.post(
        reverse("accounts:members"), {"email": "nueva@example.org", "role": "viewer", "language": "es"}
    )
    assert answer.status_code == 302
    message = smtp_server.wait_for(1)
    assert message["To"] == "nueva@example.org"
    assert "Riverbend Harm Reduction" in message["Subject"] and "Invitación" in message["Subject"]
    body = message.get_content()
    link = re.search(r"http://testserver(/account/invitation/\S+/)", body).group(1)
    assert Client().get(link).status_code == 200


def test_a_password_reset_goes_through_a_real_smtp_server(world, smtp_server):
    from meetpoint.accounts.models import User

    User.objects.filter(pk=world.home.viewer.user_id).update(email="viewer@example.org", language="es")
    Client().post(reverse("accounts:password_reset"), {"email": "viewer@example.org"})
    message = smtp_server.wait_for(1)
    assert message["To"] == "viewer@example.org" and "contraseña" in message["Subject"]
    assert "/account/password/reset/" in message.get_content()


def test_email_url_configures_the_mail_server_in_one_variable():
    env = {**os.environ, "EMAIL_URL": "submission://mailer:s3cret@smtp.example.org:587"}
    code = (
        "import django; from django.conf import settings; django.setup(); "
        "print(settings.EMAIL_BACKEND, settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_HOST_USER, "
        "settings.EMAIL_USE_TLS)"
    )
    shown = subprocess.run(  # noqa: S603 — this interpreter with a fixed snippet
        [sys.executable, "-c", code],
        env={**env, "DJANGO_SETTINGS_MODULE": "meetpoint.settings"},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert shown.stdout.split() == [
        "django.core.mail.backends.smtp.EmailBackend",
        "smtp.example.org",
        "587",
        "mailer",
        "True",
    ], shown.stderr
