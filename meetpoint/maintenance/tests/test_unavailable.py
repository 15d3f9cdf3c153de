import pytest
from django.db import OperationalError


def database_gone(*args, **kwargs):
    raise OperationalError("server closed the connection unexpectedly")


@pytest.mark.parametrize(
    ("patched", "url", "is_json"),
    [
        ("meetpoint.directory.api.search_services", "/api/v1/directory/search", True),
        ("meetpoint.directory.views.search_services", "/", False),
    ],
)
def test_a_lost_database_is_a_503_with_retry_after(world, monkeypatch, patched, url, is_json):
    monkeypatch.setattr(patched, database_gone)
    response = world.client().get(url, {"text": "naloxone"})
    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    body = response.json()["detail"] if is_json else response.content.decode()
    assert "try again" in body
