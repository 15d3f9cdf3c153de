from django.test import Client


def test_anonymous_writes_get_401_not_a_csrf_refusal(world):
    client = Client(enforce_csrf_checks=True)
    answer = client.post(
        "/api/v1/referrals/00000000-0000-0000-0000-000000000000/transitions",
        {"to": "accepted"},
        content_type="application/json",
    )
    assert answer.status_code == 401 and "CSRF" not in answer.content.decode()


def test_session_writes_still_need_the_csrf_token(world):
    client = world.client(world.home.admin)
    client.handler.enforce_csrf_checks = True
    answer = client.post(
        "/api/v1/accounts/invitations",
        {"email": "someone@example.org", "role": "viewer"},
        content_type="application/json",
    )
    assert answer.status_code == 403 and "CSRF" in answer.content.decode()
