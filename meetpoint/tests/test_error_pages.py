"""Error pages: 400, 403, 404, 405, 500 and a CSRF failure come in the site's layout and the reader's language,
with a way back; the API keeps answering JSON."""

import pytest
from django.test import Client
from django.urls import reverse

from meetpoint import error_pages


def _page(response) -> str:
    body = response.content.decode()
    assert 'class="card error-page"' in body and 'href="/"' in body  # the layout, and a way back
    return body


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["en", "es"])
def test_a_missing_page_is_the_site_s_404_in_the_reader_s_language(world, language):
    client = world.client()
    client.cookies["django_language"] = language
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    body = _page(response)
    assert ("Page not found" if language == "en" else "Página no encontrada") in body
    assert f'<html lang="{language}">' in body


@pytest.mark.django_db
def test_another_organization_s_object_and_a_forbidden_role_get_the_site_s_pages(world):
    viewer = world.client(world.home.viewer)
    response = viewer.get(reverse("inventory:receive"))  # staff and admin only
    assert response.status_code == 403
    assert "You may not open this page" in _page(response)
    assert "Your work" in response.content.decode()  # signed in: the way back to their home
    outsider = world.client(world.outsider.staff)
    response = outsider.get("/referrals/00000000-0000-0000-0000-000000000000/")
    assert response.status_code == 404 and "Page not found" in _page(response)


@pytest.mark.django_db
def test_a_get_of_a_post_only_page_is_a_405_page_not_a_blank_one(world):
    response = world.client().get(reverse("accounts:logout"))
    assert response.status_code == 405
    assert "POST" in response["Allow"]
    assert "This page cannot be opened that way" in _page(response)


@pytest.mark.django_db
def test_a_form_sent_without_its_csrf_token_gets_the_expired_form_page(world):
    client = Client(enforce_csrf_checks=True)
    response = client.post(reverse("accounts:login"), {"username": "x", "password": "y"})
    assert response.status_code == 403
    assert "The form had expired" in response.content.decode()
    assert 'class="card error-page"' in response.content.decode()


def test_400_and_500_pages_render_in_the_layout(rf):
    for handler, status, words in (
        (error_pages.bad_request, 400, "Something in the request was wrong"),
        (error_pages.server_error, 500, "Something went wrong on our side"),
    ):
        response = handler(rf.get("/somewhere/"))
        assert response.status_code == status
        assert words in response.content.decode() and 'href="/"' in response.content.decode()


@pytest.mark.django_db
def test_the_api_keeps_json_errors(world):
    client = world.client()
    response = client.get("/api/v1/no-such-endpoint")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("application/json") and "detail" in response.json()
    response = client.get("/api/v1/referrals/00000000-0000-0000-0000-000000000000")
    assert response.status_code in (401, 404) and "detail" in response.json()


def test_a_500_on_an_api_path_is_json(rf):
    response = error_pages.server_error(rf.get("/api/v1/hsds/services"))
    assert response.status_code == 500 and b'"detail"' in response.content
