"""Every change made through a page or the API is in the audit log — who, for which organization, what, when and
from where — without any field value; rolled-back changes, bookkeeping and work outside a request are not."""

import json
import uuid
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import transaction
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from meetpoint.accounts.audit import record, verify_chain
from meetpoint.accounts.audit_changes import request_scope
from meetpoint.accounts.models import ApiToken, AuditEvent
from meetpoint.participants.models import Participant

ADDRESS = "203.0.113.9"


def events(**filters) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(**filters).order_by("id"))


def scope_of(membership, address: str = ADDRESS):
    request = RequestFactory().post("/somewhere/", REMOTE_ADDR=address)
    request.user, request.membership = membership.user, membership
    return request_scope(request)


def test_a_change_through_a_page_records_who_organization_what_and_where(world):
    admin = world.home.admin
    answer = world.client(admin).post(reverse("accounts:tokens"), {"name": "Reporting"}, REMOTE_ADDR=ADDRESS)
    assert answer.status_code == 200
    token = ApiToken.objects.get(membership=admin, name="Reporting")
    [event] = events(action="accounts.apitoken.created")
    assert (event.actor, event.actor_name, event.organization) == (
        admin.user,
        admin.user.username,
        admin.organization,
    )
    assert (event.object_type, event.object_id, event.ip_address) == (
        "accounts.apitoken",
        str(token.pk),
        ADDRESS,
    )
    assert timezone.now() - event.at < timedelta(minutes=1)
    assert token.key_hash not in json.dumps(event.detail) and token.prefix not in json.dumps(event.detail)
    assert verify_chain()[0]


def test_an_update_that_sends_no_signal_is_one_event_with_its_rows_and_columns(world):
    admin = world.home.admin
    token, _ = ApiToken.issue(admin, "old")
    world.client(admin).post(reverse("accounts:tokens"), {"revoke": token.pk}, REMOTE_ADDR=ADDRESS)
    [event] = events(action="accounts.apitoken.updated")
    assert event.object_id == str(token.pk) and event.ip_address == ADDRESS
    assert event.detail == {"rows": 1, "columns": ["revoked"]}
    assert event.organization == admin.organization


def test_a_change_through_the_api_with_a_token_is_recorded_as_the_tokens_member(world):
    staff = world.home.staff
    body = {
        "client_uuid": str(uuid.uuid4()),
        "occurred_at": (timezone.now() - timedelta(hours=2)).isoformat(),
        "place_kind": "grid_cell",
        "grid_cell": "40.44,-80.00",
        "substances": ["fentanyl"],
    }
    answer = world.client().post(
        "/api/v1/outreach/overdoses",
        body,
        content_type="application/json",
        headers=world.token(staff),
        REMOTE_ADDR=ADDRESS,
    )
    assert answer.status_code == 201
    [event] = events(action="outreach.overdosereport.created")
    assert (event.actor, event.organization, event.ip_address) == (staff.user, staff.organization, ADDRESS)
    assert event.detail == {}
    # The token's "last used" time moved, which is bookkeeping, not a change anyone made.
    assert not events(action__startswith="accounts.apitoken")


def test_bulk_writes_and_deletes_in_a_request_are_one_event_per_statement_with_ids(world):
    organization = world.home.organization
    with scope_of(world.home.staff):
        made = Participant.objects.bulk_create(
            Participant(organization=organization, code_hash=f"{n:064d}", age_band="25-34", zip3="152")
            for n in range(3)
        )
        ids = [str(participant.pk) for participant in made]
        Participant.objects.filter(pk__in=ids[:2]).delete()
        made[2].delete()
    created, deleted_two, deleted_one = events(object_type="participants.participant")
    assert (created.action, created.detail) == ("participants.participant.created", {"rows": 3})
    assert deleted_two.action == "participants.participant.deleted"
    assert deleted_two.detail["rows"] == 2
    assert sorted(deleted_two.detail["ids"]) == sorted(ids[:2])
    assert (deleted_one.object_id, deleted_one.detail) == (ids[2], {"rows": 1})
    for event in (created, deleted_two, deleted_one):
        assert (event.organization, event.ip_address) == (organization, ADDRESS)
        assert "25-34" not in json.dumps(event.detail) and "152" not in json.dumps(event.detail)
    call_command("verify_audit", stdout=StringIO())


def test_a_save_names_the_fields_it_wrote_but_never_their_values(world):
    participant = Participant.objects.create(organization=world.home.organization, code_hash="a" * 64)
    with scope_of(world.home.staff):
        participant.zip3 = "152"
        participant.save(update_fields=["zip3"])
    [event] = events(action="participants.participant.updated")
    assert event.object_id == str(participant.pk)
    assert event.detail == {"fields": ["zip3"]}


def test_a_rolled_back_change_leaves_no_event_and_the_chain_intact(world):
    with scope_of(world.home.staff), pytest.raises(RuntimeError), transaction.atomic():
        Participant.objects.create(organization=world.home.organization, code_hash="b" * 64)
        raise RuntimeError("validation failed after the first write")
    assert not events(object_type="participants.participant")
    assert not Participant.objects.exists()
    assert verify_chain()[0]


def test_changes_outside_a_request_are_not_logged_row_by_row(world):
    Participant.objects.create(organization=world.home.organization, code_hash="c" * 64)
    Participant.objects.all().update(zip3="152")
    assert not events(object_type="participants.participant")


def test_an_outsider_changes_nothing_and_leaves_nothing_in_the_home_log(world):
    token, _ = ApiToken.issue(world.home.admin, "home")
    before = AuditEvent.objects.filter(organization=world.home.organization).count()
    answer = world.client(world.outsider.admin).post(reverse("accounts:tokens"), {"revoke": token.pk})
    assert answer.status_code == 404
    token.refresh_from_db()
    assert not token.revoked
    assert AuditEvent.objects.filter(organization=world.home.organization).count() == before


def test_anonymous_changes_nothing_and_is_sent_to_sign_in(world):
    answer = world.client().post(reverse("accounts:tokens"), {"name": "sneaky"})
    assert answer.status_code == 302
    assert not ApiToken.objects.filter(name="sneaky").exists()
    assert not events(action="accounts.apitoken.created")


def test_admins_review_their_own_organizations_changes_only(world):
    world.client(world.home.admin).post(reverse("accounts:tokens"), {"name": "Reporting"})
    token = ApiToken.objects.get(name="Reporting")
    world.client(world.home.admin).post(reverse("accounts:tokens"), {"revoke": token.pk})
    home_page = world.client(world.home.admin).get(reverse("accounts:audit_log")).content.decode()
    assert "accounts.apitoken.created" in home_page
    assert "accounts.apitoken.updated" in home_page and "rows: 1" in home_page
    outsider_page = world.client(world.outsider.admin).get(
        reverse("accounts:audit_log"), {"action": "accounts"}
    )
    assert "accounts.apitoken.created" not in outsider_page.content.decode()
    csv_body = world.client(world.outsider.admin).get(reverse("accounts:audit_log"), {"format": "csv"})
    assert f"accounts.apitoken,{token.pk}," not in csv_body.content.decode()


@pytest.mark.django_db(transaction=True)
def test_a_request_takes_the_chain_head_before_it_locks_a_row(world):
    """Every event locks the chain head until commit; a request that locked a row first could wait on the head
    while the head's holder waits on that row. Taking the head first gives all requests one lock order."""
    import threading

    from django.db import DatabaseError, connection, connections

    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (row locks across connections); SQLite serializes all writers anyway")
    participant = Participant.objects.create(organization=world.home.organization, code_hash="d" * 64)
    record("audit.export", membership=world.home.admin)  # the chain head exists, committed
    locked, release = threading.Event(), threading.Event()

    def request_holding_a_row():
        try:
            with scope_of(world.home.staff), transaction.atomic():
                Participant.objects.select_for_update().get(pk=participant.pk)
                locked.set()
                release.wait(10)
        finally:
            connections.close_all()

    thread = threading.Thread(target=request_holding_a_row)
    thread.start()
    try:
        assert locked.wait(10)
        with pytest.raises(DatabaseError, match="lock"), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SELECT last_hash FROM accounts_auditchainhead WHERE id = 1 FOR UPDATE NOWAIT")
    finally:
        release.set()
        thread.join()
