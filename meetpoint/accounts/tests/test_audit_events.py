"""The audit log holds the events a person would name — who, for which organization, what, when and from where —
written by the actions in their own transaction; each organization has its own chain, which survives the
organization's deletion; accounts and organizations named in the log are deactivated in the admin, not deleted."""

import threading
import uuid
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from meetpoint.accounts import actions, audit
from meetpoint.accounts.models import ApiToken, AuditChainHead, AuditEvent, Organization
from meetpoint.accounts.queries import acting_membership
from meetpoint.testworld import sign_in_verified

ADDRESS = "203.0.113.9"


def events(**filters) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(**filters).order_by("id"))


def test_a_change_through_a_page_is_one_named_event_with_who_organization_and_where(world):
    admin = world.home.admin
    answer = world.client(admin).post(reverse("accounts:tokens"), {"name": "Reporting"}, REMOTE_ADDR=ADDRESS)
    assert answer.status_code == 200
    token = ApiToken.objects.get(membership=admin, name="Reporting")
    [event] = events(action="accounts.token.issued", object_id=str(token.pk))
    assert (event.actor, event.organization, event.organization_name) == (
        admin.user,
        admin.organization,
        admin.organization.name,
    )
    assert (event.detail, event.ip_address) == ({"name": "Reporting"}, ADDRESS)
    assert timezone.now() - event.at < timedelta(minutes=1)
    world.client(admin).post(reverse("accounts:tokens"), {"revoke": token.pk}, REMOTE_ADDR=ADDRESS)
    [revoked] = events(action="accounts.token.revoked")
    assert revoked.object_id == str(token.pk) and revoked.ip_address == ADDRESS
    page = world.client(admin).get(reverse("accounts:audit_log")).content.decode()
    assert "accounts.token.issued" in page and "accounts.token.revoked" in page
    assert audit.verify_chain()[0]


def test_a_change_through_the_api_is_the_tokens_members_with_one_event(world):
    staff = world.home.staff
    body = {
        "client_uuid": str(uuid.uuid4()),
        "occurred_at": (timezone.now() - timedelta(hours=2)).isoformat(),
        "place_kind": "grid_cell",
        "grid_cell": "40.44,-80.00",
        "substances": ["fentanyl"],
    }
    headers = world.token(staff)
    before = AuditEvent.objects.count()
    answer = world.client().post(
        "/api/v1/outreach/overdoses",
        body,
        content_type="application/json",
        headers=headers,
        REMOTE_ADDR=ADDRESS,
    )
    assert answer.status_code == 201
    [event] = AuditEvent.objects.filter(id__gt=0).order_by("id")[before:]
    assert event.action == "outreach.overdose.recorded"
    assert (event.actor, event.organization, event.ip_address) == (staff.user, staff.organization, ADDRESS)
    assert event.detail == {"place_kind": "grid_cell", "fatal": False}


def test_a_rolled_back_action_leaves_no_event(world):
    with pytest.raises(RuntimeError), transaction.atomic():
        actions.issue_token(world.home.admin, "never")
        raise RuntimeError("a later step failed")
    assert not events(action="accounts.token.issued", detail__name="never")
    assert audit.verify_chain()[0]


def test_each_organization_has_its_own_chain(world):
    home, outsider = world.home.organization, world.outsider.organization
    audit.record("report.export", membership=world.home.admin)
    audit.record("report.export", membership=world.outsider.admin)
    audit.record("site.notice", detail={"text": "maintenance tonight"})  # the network's own chain
    chains = set(AuditChainHead.objects.values_list("chain", flat=True))
    assert {str(home.pk), str(outsider.pk), audit.NETWORK_CHAIN} <= chains
    home_events = events(organization=home)
    assert all(event.chain == str(home.pk) for event in home_events)
    assert home_events[0].previous_hash == audit.GENESIS
    assert all(
        later.previous_hash == earlier.entry_hash
        for earlier, later in zip(home_events, home_events[1:], strict=False)
    )
    ok, message = audit.verify_chain()
    assert ok and "chains" in message, message


def test_tampering_in_one_chain_is_found_and_named(world):
    audit.record("report.export", membership=world.outsider.admin)
    edited = audit.record("referral.view", membership=world.home.staff, object_id="a")
    audit.record("referral.view", membership=world.outsider.staff, object_id="b")
    AuditEvent.objects.filter(pk=edited.pk).update(object_id="z")
    ok, message = audit.verify_chain()
    assert not ok and f"entry {edited.pk}" in message
    AuditEvent.objects.filter(pk=edited.pk).update(object_id="a")
    moved = events(organization=world.outsider.organization)[-1]
    AuditEvent.objects.filter(pk=moved.pk).update(organization=world.home.organization)
    assert not audit.verify_chain()[0]


def test_removing_a_chains_newest_entries_is_found(world):
    audit.record("report.export", membership=world.home.admin)
    last = audit.record("report.export", membership=world.home.admin)
    AuditEvent.objects.filter(pk=last.pk).delete()
    ok, message = audit.verify_chain()
    assert not ok and "were removed" in message


def test_entries_of_the_single_chain_before_organizations_had_their_own_still_verify(world):
    """A database upgraded from the single chain keeps those entries as they were hashed."""
    AuditChainHead.objects.create(chain=audit.LEGACY_CHAIN)
    previous = audit.GENESIS
    for n in range(2):
        old = AuditEvent(
            organization_id=world.home.organization.pk,
            action="referral.view",
            object_id=str(n),
            chain=audit.LEGACY_CHAIN,
            previous_hash=previous,
        )
        old.entry_hash = audit._entry_hash(previous, old)
        old.save()
        previous = old.entry_hash
    AuditChainHead.objects.filter(chain=audit.LEGACY_CHAIN).update(last_hash=previous)
    audit.record("report.export", membership=world.home.admin)
    assert audit.verify_chain()[0]


def test_deleting_an_organization_keeps_its_events_and_the_chains_verify(world):
    gone = actions.create_organization("Short-lived Program", "other")
    member = actions.add_member(gone, "short-lived-admin", "admin")
    actions.issue_token(member, "reports")
    Organization.objects.filter(pk=gone.pk).delete()  # e.g. a demo reset; the admin refuses it (below)
    kept = events(organization_id=gone.pk)
    assert len(kept) >= 3 and {event.organization_name for event in kept} == {"Short-lived Program"}
    ok, message = audit.verify_chain()
    assert ok, message
    call_command("verify_audit", stdout=StringIO())


@pytest.fixture
def site_admin(db, client):
    from django.contrib.auth import get_user_model

    root = get_user_model().objects.create_superuser("root", "root@example.org", "a-long-admin-password")
    sign_in_verified(client, root)
    return client


def test_the_admin_deactivates_but_never_deletes_an_organization_in_the_log(world, site_admin):
    organization = world.home.organization
    url = reverse("admin:accounts_organization_delete", args=[organization.pk])
    assert site_admin.get(url).status_code == 403
    assert site_admin.post(url, {"post": "yes"}).status_code == 403
    changelist = reverse("admin:accounts_organization_changelist")
    site_admin.post(
        changelist, {"action": "delete_selected", "_selected_action": [organization.pk], "post": "yes"}
    )
    assert Organization.objects.filter(pk=organization.pk).exists()
    assert not events(action="admin.accounts.organization.deleted")
    answer = site_admin.post(changelist, {"action": "deactivate", "_selected_action": [organization.pk]})
    assert answer.status_code == 302
    organization.refresh_from_db()
    assert not organization.is_active
    # Its members can no longer act for it: no acting membership, and their tokens stop working.
    client = world.client(world.home.staff)
    assert client.get(reverse("accounts:tokens")).status_code in (302, 403)
    assert (
        world.client().get("/api/v1/outreach/overdoses", headers=world.token(world.home.admin)).status_code
        == 401
    )
    [event] = events(action="accounts.organization.deactivated")
    assert event.organization == organization
    ok, message = audit.verify_chain()
    assert ok, message


def test_an_organization_with_no_events_can_still_be_deleted(site_admin):
    empty = Organization.objects.create(name="Typo Org", slug="typo-org")
    assert not AuditEvent.objects.filter(organization_id=empty.pk).exists()
    answer = site_admin.post(reverse("admin:accounts_organization_delete", args=[empty.pk]), {"post": "yes"})
    assert answer.status_code == 302
    assert not Organization.objects.filter(pk=empty.pk).exists()


def test_the_admin_deactivates_but_never_deletes_a_user_in_the_log(world, site_admin):
    user = world.home.staff.user
    audit.record("referral.view", membership=world.home.staff)
    assert site_admin.get(reverse("admin:accounts_user_delete", args=[user.pk])).status_code == 403
    answer = site_admin.post(
        reverse("admin:accounts_user_changelist"), {"action": "deactivate", "_selected_action": [user.pk]}
    )
    assert answer.status_code == 302
    user.refresh_from_db()
    assert not user.is_active
    assert events(action="accounts.user.deactivated")[0].detail == {"username": user.username}
    assert audit.verify_chain()[0]


def test_every_change_in_the_admin_is_an_event_and_the_log_verifies_after_it(world, site_admin):
    organization = world.home.organization
    url = reverse("admin:accounts_organization_change", args=[organization.pk])
    form = {
        "name": "Riverbend Harm Reduction Services",
        "slug": organization.slug,
        "partner_type": organization.partner_type,
        "is_active": "on",
        "memberships-TOTAL_FORMS": "0",
        "memberships-INITIAL_FORMS": "0",
    }
    answer = site_admin.post(url, form)
    assert answer.status_code == 302, answer.content.decode()[:2000]
    [event] = events(action="admin.accounts.organization.changed")
    assert event.organization_id == organization.pk and event.actor.username == "root"
    assert "Name" in str(event.detail["change"])
    ok, message = audit.verify_chain()
    assert ok, message


def test_outsiders_and_anonymous_leave_nothing_in_the_home_log(world):
    token, _ = ApiToken.issue(world.home.admin, "home")
    before = AuditEvent.objects.filter(organization=world.home.organization).count()
    answer = world.client(world.outsider.admin).post(reverse("accounts:tokens"), {"revoke": token.pk})
    assert answer.status_code == 404
    assert world.client().post(reverse("accounts:tokens"), {"name": "sneaky"}).status_code == 302
    token.refresh_from_db()
    assert not token.revoked and not ApiToken.objects.filter(name="sneaky").exists()
    assert AuditEvent.objects.filter(organization=world.home.organization).count() == before


def test_a_deactivated_organizations_member_acts_for_no_one(world, rf):
    actions.deactivate_organization(world.home.organization)
    request = rf.get("/")
    request.user, request.session = world.home.staff.user, {}
    assert acting_membership(request) is None


@pytest.mark.django_db(transaction=True)
def test_an_open_transaction_of_one_organization_does_not_hold_up_another(world):
    """Each chain has its own head row: while one organization's audited write is open, another's append goes
    through at once (its head is free); only the same organization's next append waits."""
    from django.db import DatabaseError, connection, connections

    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (row locks across connections); SQLite serializes all writers anyway")
    audit.record("report.export", membership=world.home.admin)
    audit.record("report.export", membership=world.outsider.admin)
    locked, release = threading.Event(), threading.Event()

    def holding_home_chain():
        try:
            with transaction.atomic():
                audit.record("referral.view", membership=world.home.staff)
                locked.set()
                release.wait(10)
        finally:
            connections.close_all()

    thread = threading.Thread(target=holding_home_chain)
    thread.start()
    try:
        assert locked.wait(10)
        table = AuditChainHead._meta.db_table
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(
                f"SELECT last_hash FROM {table} WHERE chain = %s FOR UPDATE NOWAIT",  # noqa: S608
                [str(world.outsider.organization.pk)],
            )
        with pytest.raises(DatabaseError, match="lock"), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(
                f"SELECT last_hash FROM {table} WHERE chain = %s FOR UPDATE NOWAIT",  # noqa: S608
                [str(world.home.organization.pk)],
            )
    finally:
        release.set()
        thread.join()
