import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from meetpoint.accounts import audit
from meetpoint.accounts.models import AuditEvent


def test_chain_verifies_after_appends(world):
    for n in range(3):
        audit.record("report.export", membership=world.home.admin, object_type="report", object_id=str(n))
    ok, message = audit.verify_chain()
    assert ok, message
    call_command("verify_audit")


def test_edited_entry_is_detected(world):
    audit.record("referral.view", membership=world.home.staff, object_id="a")
    event = audit.record("referral.view", membership=world.home.staff, object_id="b")
    AuditEvent.objects.filter(pk=event.pk).update(object_id="c")  # tampering behind the model's back
    ok, message = audit.verify_chain()
    assert not ok and f"entry {event.pk}" in message
    with pytest.raises(CommandError, match="tampered"):
        call_command("verify_audit")


def test_deleted_entry_is_detected(world):
    first = audit.record("export", membership=world.home.admin)
    audit.record("export", membership=world.home.admin)
    AuditEvent.objects.filter(pk=first.pk).delete()
    assert not audit.verify_chain()[0]


def test_events_refuse_updates_through_the_model(world):
    event = audit.record("export", membership=world.home.admin)
    event.action = "other"
    with pytest.raises(ValueError, match="append-only"):
        event.save()


def test_admin_reviews_and_downloads_own_organizations_log(world):
    from django.urls import reverse

    audit.record("referral.view", membership=world.home.staff, object_id="home-record")
    audit.record("referral.view", membership=world.outsider.staff, object_id="outside-record")
    client = world.client(world.home.admin)
    page = client.get(reverse("accounts:audit_log")).content.decode()
    assert "home-record" in page and "outside-record" not in page
    download = client.get(reverse("accounts:audit_log"), {"format": "csv"})
    assert download["Content-Type"].startswith("text/csv")
    body = download.content.decode()
    assert "home-record" in body and "outside-record" not in body
    assert AuditEvent.objects.filter(action="audit.export", organization=world.home.organization).exists()


@pytest.mark.parametrize("role", ["staff", "analyst", "viewer"])
def test_only_admins_review_the_log(world, role):
    from django.urls import reverse

    assert world.client(getattr(world.home, role)).get(reverse("accounts:audit_log")).status_code == 403


def test_anonymous_cannot_review_the_log(world):
    from django.urls import reverse

    assert world.client().get(reverse("accounts:audit_log")).status_code == 302
