import re

from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse

from meetpoint.accounts.models import AuditEvent, User
from meetpoint.testworld import PASSWORD

NEW_PASSWORD = "quince-meadow-otter-77"  # noqa: S105 — test only


def with_email(membership, email: str):
    User.objects.filter(pk=membership.user_id).update(email=email)


def test_password_reset_answers_the_same_for_known_and_unknown_addresses(world, mailoutbox):
    with_email(world.home.viewer, "viewer@example.org")
    known = Client().post(reverse("accounts:password_reset"), {"email": "viewer@example.org"})
    unknown = Client().post(reverse("accounts:password_reset"), {"email": "nobody@example.org"})
    assert known.status_code == unknown.status_code == 302
    assert known["Location"] == unknown["Location"]
    page = Client().get(known["Location"]).content.decode()
    assert "If the address belongs to an account" in page
    assert [message.to for message in mailoutbox] == [["viewer@example.org"]]


def test_a_reset_link_sets_the_password_once(world, mailoutbox):
    with_email(world.home.viewer, "viewer@example.org")
    Client().post(reverse("accounts:password_reset"), {"email": "viewer@example.org"})
    link = re.search(r"https?://\S+", mailoutbox[0].body).group(0).split("testserver", 1)[1]
    client = Client()
    form = client.get(link, follow=True)
    assert "Choose a new password" in form.content.decode()
    done = client.post(
        form.redirect_chain[-1][0], {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}
    )
    assert done.status_code == 302
    assert (
        Client()
        .post(reverse("accounts:login"), {"username": "riverbend-viewer", "password": NEW_PASSWORD})
        .status_code
        == 302
    )
    reused = Client().get(link, follow=True).content.decode()
    assert "not valid" in reused


def test_email_change_takes_effect_only_from_the_new_address(world, mailoutbox):
    client = world.client(world.home.analyst)
    wrong = client.post(reverse("accounts:change_email"), {"email": "new@example.org", "password": "nope"})
    assert wrong.status_code == 400 and not mailoutbox
    client.post(reverse("accounts:change_email"), {"email": "new@example.org", "password": PASSWORD})
    assert mailoutbox[0].to == ["new@example.org"]
    person = User.objects.get(pk=world.home.analyst.user_id)
    assert person.email == ""
    link = re.search(r"https?://\S+", mailoutbox[0].body).group(0).split("testserver", 1)[1]
    assert world.client(world.home.viewer).get(link).status_code == 403  # another account's link
    assert client.get(link).status_code == 302
    person.refresh_from_db()
    assert person.email == "new@example.org"
    assert client.get(link).status_code == 410
    assert AuditEvent.objects.filter(action="account.email.changed").count() == 1


def test_the_account_page_lists_memberships_sessions_and_tokens_and_signs_out_the_others(world):
    world.token(world.home.staff)
    phone = world.client(world.home.staff)
    laptop = world.client(world.home.staff)
    page = laptop.get(reverse("accounts:settings")).content.decode()
    assert "Riverbend Harm Reduction" in page and "(this device)" in page and "mp_" in page
    assert laptop.post(reverse("accounts:sign_out_others")).status_code == 302
    assert reverse("accounts:login") in phone.get(reverse("accounts:home"))["Location"]
    assert laptop.get(reverse("accounts:home")).status_code == 200
    assert Session.objects.count() >= 1


def test_the_account_page_needs_a_signed_in_person(world):
    assert reverse("accounts:login") in world.client().get(reverse("accounts:settings"))["Location"]


def test_password_change(world):
    client = world.client(world.home.viewer)
    answer = client.post(
        reverse("accounts:password_change"),
        {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert answer.status_code == 302
    assert User.objects.get(pk=world.home.viewer.user_id).check_password(NEW_PASSWORD)
