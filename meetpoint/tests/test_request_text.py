"""Text no database can store (NUL, lone surrogates) and oversize bodies are refused at the edge, with a 400 or
413 that names the field, in JSON for JSON clients, before any view or audit entry sees them."""

import pytest
from django.core.exceptions import RequestDataTooBig
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import RequestFactory

from meetpoint.accounts.models import AuditEvent
from meetpoint.directory.models import Service
from meetpoint.request_text import CappedUploadHandler

pytestmark = pytest.mark.django_db


def test_a_nul_in_an_audited_filter_is_refused_before_it_reaches_the_audit_log(world):
    # Issuing the token is itself audited: count after it, so only what the request writes is measured.
    headers = world.token(world.home.staff)
    before = AuditEvent.objects.count()
    answer = world.client().get("/api/v1/screening/screenings?instrument=%00", headers=headers)
    assert answer.status_code == 400
    assert answer.json()["errors"][0]["field"] == "instrument"
    assert "NUL" in answer.json()["errors"][0]["message"]
    assert AuditEvent.objects.count() == before


@pytest.mark.parametrize("anonymous", [True, False])
def test_a_nul_in_a_page_search_is_a_plain_400_naming_the_field(world, anonymous):
    client = world.client() if anonymous else world.client(world.outsider.staff)
    answer = client.get("/", {"q": "naloxone\x00"})
    assert answer.status_code == 400
    assert answer["Content-Type"].startswith("text/plain")
    assert "q: " in answer.content.decode()


def test_a_nul_or_lone_surrogate_in_a_json_body_is_refused_naming_the_field(world):
    service = Service.objects.create(organization=world.home.organization, name="Drop-in")
    headers = world.token(world.home.staff)
    for raw in (b'{"name": "Drop\\u0000in"}', b'{"name": "Drop\\ud800in"}'):
        answer = world.client().patch(
            f"/api/v1/directory/services/{service.pk}", raw, content_type="application/json", headers=headers
        )
        assert answer.status_code == 400, answer.content
        assert answer.json()["errors"] == [
            {"field": "name", "message": answer.json()["errors"][0]["message"]}
        ]
    service.refresh_from_db()
    assert service.name == "Drop-in"
    # The same request from another organization's staff is refused the same way, before anything is looked up.
    answer = world.client().patch(
        f"/api/v1/directory/services/{service.pk}",
        b'{"name": "x\\u0000"}',
        content_type="application/json",
        headers=world.token(world.outsider.staff),
    )
    assert answer.status_code == 400


def test_an_oversize_json_body_gets_a_json_413(world, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 4096
    answer = world.client().post(
        "/api/v1/screening/score", b'{"answers": "' + b"x" * 10_000 + b'"}', content_type="application/json"
    )
    assert answer.status_code == 413
    assert "larger than this site accepts" in answer.json()["detail"]


def test_an_oversize_upload_to_a_page_is_refused_without_reading_it(world, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 4096
    upload = SimpleUploadedFile("needs.csv", b"tract,measure\n" * 2000, content_type="text/csv")
    answer = world.client(world.home.staff).post("/needs/import/", {"file": upload})
    assert answer.status_code == 413
    assert answer["Content-Type"].startswith("text/plain")


def test_the_upload_handler_stops_a_streamed_file_at_the_cap(settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 4096
    handler = CappedUploadHandler(RequestFactory().post("/"))
    handler.handle_raw_input(None, {}, -1, b"x")
    assert handler.receive_data_chunk(b"x" * 4000, 0) == b"x" * 4000
    with pytest.raises(RequestDataTooBig):
        handler.receive_data_chunk(b"x" * 4000, 4000)
