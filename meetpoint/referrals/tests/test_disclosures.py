"""The accounting of disclosures: the sending organization's admins see who outside it viewed or exported each
referral it sent, and when (page, CSV, API); no one else sees the list."""

import csv
import io

from meetpoint.accounts.models import AuditEvent


def test_the_sender_sees_who_outside_viewed_or_exported_its_referral(world, receiver, make_referral):
    referral = make_referral()
    outside = world.client(receiver.staff)
    assert outside.get(f"/referrals/{referral.pk}/").status_code == 200
    headers = world.token(receiver.staff)
    assert outside.get(f"/api/v1/referrals/{referral.pk}/fhir", headers=headers).status_code == 200
    world.client(world.home.staff).get(
        f"/referrals/{referral.pk}/"
    )  # the sender's own reads are not disclosures
    admin = world.client(world.home.admin)
    page = admin.get(f"/referrals/{referral.pk}/disclosures/")
    body = page.content.decode()
    assert page.status_code == 200 and "Northside Recovery" in body and receiver.staff.user.username in body
    assert "exported" in body and "viewed" in body
    rows = list(csv.reader(io.StringIO(admin.get("/referrals/disclosures/?format=csv").content.decode())))
    assert rows[0] == ["referral", "when", "organization", "person", "what", "format"]
    assert sorted(row[4] for row in rows[1:]) == ["exported", "viewed"]
    assert {row[2] for row in rows[1:]} == {"Northside Recovery"}
    answer = admin.get(f"/api/v1/referrals/{referral.pk}/disclosures", headers=world.token(world.home.admin))
    assert answer.status_code == 200
    assert sorted((row["what"], row["format"]) for row in answer.json()) == [
        ("exported", "fhir"),
        ("viewed", ""),
    ]
    assert AuditEvent.objects.filter(action="referral.disclosures.read").count() == 3


def test_only_the_senders_admins_see_the_accounting(world, receiver, make_referral):
    referral = make_referral()
    url = f"/referrals/{referral.pk}/disclosures/"
    assert world.client(world.home.staff).get(url).status_code == 403
    assert world.client(receiver.admin).get(url).status_code == 404  # the receiver is not the sender
    assert world.client(world.outsider.admin).get(url).status_code == 404
    assert world.client().get(url).status_code == 302
    api = f"/api/v1/referrals/{referral.pk}/disclosures"
    assert world.client().get(api).status_code == 401
    assert world.client().get(api, headers=world.token(world.outsider.admin)).status_code == 404
    assert world.client().get(api, headers=world.token(world.home.staff)).status_code == 403
