from django.urls import reverse

from meetpoint.accounts.models import Membership


def test_anonymous_is_sent_to_sign_in(world):
    response = world.client().get(reverse("accounts:home"))
    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]


def test_member_sees_own_organization(world):
    response = world.client(world.home.viewer).get(reverse("accounts:home"))
    assert response.status_code == 200
    assert "Riverbend Harm Reduction" in response.content.decode()
    assert "Lakeside Hospital" not in response.content.decode()


def test_cannot_switch_to_another_users_membership(world):
    client = world.client(world.home.staff)
    response = client.post(reverse("accounts:switch"), {"membership": world.outsider.admin.pk})
    assert response.status_code == 404


def test_switch_between_own_memberships(world):
    user = world.home.staff.user
    extra = Membership.objects.create(user=user, organization=world.coalition.organization, role="analyst")
    client = world.client(world.home.staff)
    client.post(reverse("accounts:switch"), {"membership": extra.pk})
    assert "Three Rivers Prevention Coalition" in client.get(reverse("accounts:home")).content.decode()


def test_sign_in_with_password(world):
    from meetpoint.testworld import PASSWORD

    client = world.client()
    response = client.post(reverse("accounts:login"), {"username": "riverbend-viewer", "password": PASSWORD})
    assert response.status_code == 302
    assert client.get(reverse("accounts:home")).status_code == 200


def test_token_created_once_and_revocable(world):
    client = world.client(world.home.staff)
    page = client.post(reverse("accounts:tokens"), {"name": "script"}).content.decode()
    assert 'id="new-token"' in page
    token = world.home.staff.api_tokens.get()
    assert client.post(reverse("accounts:tokens"), {"revoke": token.pk}).status_code == 302
    token.refresh_from_db()
    assert token.revoked


def test_outsider_cannot_revoke_anothers_token(world):
    world.token(world.home.staff)
    token = world.home.staff.api_tokens.get()
    response = world.client(world.outsider.admin).post(reverse("accounts:tokens"), {"revoke": token.pk})
    assert response.status_code == 404
    token.refresh_from_db()
    assert not token.revoked


def test_wrong_password_says_so_without_revealing_which(world):
    response = world.client().post(
        reverse("accounts:login"), {"username": "riverbend-staff", "password": "nope"}
    )
    assert response.status_code == 200
    assert "correct username and password" in response.content.decode()


def test_lockout_after_repeated_failures_even_with_right_password(world, settings):
    from meetpoint.testworld import PASSWORD

    settings.MEETPOINT_LOCKOUT_FAILURES = 3
    client = world.client()
    for _ in range(3):
        client.post(reverse("accounts:login"), {"username": "riverbend-staff", "password": "wrong"})
    response = client.post(reverse("accounts:login"), {"username": "riverbend-staff", "password": PASSWORD})
    assert response.status_code == 200
    assert "Too many failed sign-ins" in response.content.decode()
    assert client.get(reverse("accounts:home")).status_code == 302  # still signed out


def test_other_usernames_are_not_locked(world, settings):
    from meetpoint.testworld import PASSWORD

    settings.MEETPOINT_LOCKOUT_FAILURES = 2
    client = world.client()
    for _ in range(2):
        client.post(reverse("accounts:login"), {"username": "riverbend-staff", "password": "wrong"})
    response = client.post(reverse("accounts:login"), {"username": "riverbend-admin", "password": PASSWORD})
    assert response.status_code == 302
