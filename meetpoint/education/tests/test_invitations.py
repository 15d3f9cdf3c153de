"""Invitations: naming another organization as co-host or take-back partner invites it; it is shown anywhere only
once its admin accepts. Declining, withdrawing, who may take which step, and bad input."""

from datetime import date, timedelta

import pytest
from django.core import mail
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.urls import reverse
from django.utils import timezone

from meetpoint.accounts.models import AuditEvent, Organization
from meetpoint.education import actions, invitations
from meetpoint.education.models import Event, Invitation
from meetpoint.forms_flow import InvalidInput, NotAllowed

COALITION = "Three Rivers Prevention Coalition"


@pytest.fixture
def forum(world):
    """A public forum of the home organization that invites the coalition to co-host it (no answer yet)."""
    return actions.create_event(
        world.home.staff,
        title="Forum on overdose",
        kind="community_forum",
        audience="general_public",
        starts_at=timezone.now() + timedelta(days=2),
        venue="Public library",
        is_public=True,
        co_host_ids=[world.coalition.organization.pk],
    )


def _invitation(event) -> Invitation:
    return Invitation.objects.get(event=event)


def _everywhere_public(world, event) -> list[str]:
    """What the public and an unrelated partner read about the event: its page, the calendar page, the
    calendar API, the iCalendar feed and the event's API answer."""
    today = timezone.localdate()
    month = timezone.localtime(event.starts_at).strftime("%Y-%m")
    window = {"start": today.isoformat(), "end": (today + timedelta(days=30)).isoformat()}
    answers = []
    for client in (world.client(), world.client(world.outsider.viewer)):
        answers += [
            client.get(reverse("education:event", args=[event.pk])).content.decode(),
            client.get(reverse("education:calendar"), {"month": month}).content.decode(),
            client.get("/api/v1/education/calendar", window).content.decode(),
            client.get(f"/api/v1/education/events/{event.pk}").content.decode(),
        ]
    feed = world.client().get(reverse("education:calendar_feed")).content.decode()
    answers.append(feed.replace("\r\n ", ""))  # long lines of the feed continue on the next (RFC 5545)
    return answers


def test_a_named_co_host_is_shown_nowhere_until_its_admin_accepts(world, forum):
    assert forum.title in _everywhere_public(world, forum)[0]
    assert all(COALITION not in answer for answer in _everywhere_public(world, forum))
    assert world.client().get(f"/api/v1/education/events/{forum.pk}").json()["co_hosts"] == []

    invitations.accept(world.coalition.admin, _invitation(forum))

    shown = _everywhere_public(world, forum)
    assert all(COALITION in answer for answer in shown)
    assert world.client().get(f"/api/v1/education/events/{forum.pk}").json()["co_hosts"] == [COALITION]


def test_the_invited_admin_accepts_on_the_invitations_page(world, forum, django_capture_on_commit_callbacks):
    world.home.staff.user.email = "host-staff@riverbend.example"
    world.home.staff.user.save()
    admin = world.client(world.coalition.admin)
    page = admin.get(reverse("education:invitations"))
    assert page.status_code == 200
    body = page.content.decode()
    assert "Forum on overdose" in body and "Riverbend Harm Reduction" in body and "Accept" in body
    assert "Invitations (1)" in body  # the navigation counts what waits for an answer

    invitation = _invitation(forum)
    with django_capture_on_commit_callbacks(execute=True):
        response = admin.post(reverse("education:invitation_step", args=[invitation.pk, "accept"]))
    assert response.status_code == 302 and response["Location"] == reverse("education:invitations")
    invitation.refresh_from_db()
    assert invitation.status == "accepted" and invitation.answered_by == world.coalition.admin.user
    assert Event.objects.get(pk=forum.pk).co_hosts == [world.coalition.organization]
    logged = AuditEvent.objects.get(action="education.invitation.accept")
    assert logged.organization == world.coalition.organization and logged.object_id == str(invitation.pk)
    assert [m.to for m in mail.outbox] == [["host-staff@riverbend.example"]]
    assert "Forum on overdose" in mail.outbox[0].subject and "/education/invitations/" in mail.outbox[0].body
    assert "Invitations (1)" not in admin.get(reverse("education:invitations")).content.decode()


def test_the_invited_admin_is_told_by_mail(world, django_capture_on_commit_callbacks):
    world.coalition.admin.user.email = "admin@three-rivers.example"
    world.coalition.admin.user.save()
    world.coalition.staff.user.email = "staff@three-rivers.example"
    world.coalition.staff.user.save()
    with django_capture_on_commit_callbacks(execute=True):
        actions.create_take_back(
            world.home.staff,
            title="Spring take-back",
            date=date(2026, 4, 26),
            partner_ids=[world.coalition.organization.pk],
        )
    assert [m.to for m in mail.outbox] == [["admin@three-rivers.example"]]  # the admin answers
    assert "Spring take-back" in mail.outbox[0].subject and "partner" in mail.outbox[0].subject


def test_a_declined_invitation_is_not_shown_and_cannot_then_be_accepted(world, forum):
    admin = world.client(world.coalition.admin)
    invitation = _invitation(forum)
    assert (
        admin.post(reverse("education:invitation_step", args=[invitation.pk, "decline"])).status_code == 302
    )
    invitation.refresh_from_db()
    assert invitation.status == "declined"
    assert AuditEvent.objects.filter(action="education.invitation.decline").count() == 1
    response = admin.post(reverse("education:invitation_step", args=[invitation.pk, "accept"]))
    assert response.status_code == 409
    assert "This invitation is already declined." in response.content.decode()
    assert all(COALITION not in answer for answer in _everywhere_public(world, forum))


def test_an_organization_that_accepted_may_step_back(world, forum):
    invitation = invitations.accept(world.coalition.admin, _invitation(forum))
    invitations.decline(world.coalition.admin, invitation)
    assert Event.objects.get(pk=forum.pk).co_hosts == []


def test_the_host_withdraws_and_the_invitation_can_no_longer_be_answered(world, forum):
    invitation = _invitation(forum)
    host = world.client(world.home.staff)
    sent = host.get(reverse("education:invitations")).content.decode()
    assert 'id="sent"' in sent and COALITION in sent and "Withdraw" in sent
    assert (
        host.post(reverse("education:invitation_step", args=[invitation.pk, "withdraw"])).status_code == 302
    )
    invitation.refresh_from_db()
    assert invitation.status == "withdrawn"
    assert AuditEvent.objects.filter(action="education.invitation.withdraw").count() == 1
    late = world.client(world.coalition.admin).post(
        reverse("education:invitation_step", args=[invitation.pk, "accept"])
    )
    assert late.status_code == 409 and "already withdrawn" in late.content.decode()
    assert Event.objects.get(pk=forum.pk).co_hosts == []


def test_unticking_an_accepted_co_host_on_the_edit_form_withdraws_it(world, event):
    assert event.co_hosts == [world.coalition.organization]
    actions.update_event(world.home.staff, event, co_host_ids=[])
    assert Event.objects.get(pk=event.pk).co_hosts == []
    assert _invitation(event).status == "withdrawn"
    actions.update_event(world.home.staff, event, co_host_ids=[world.coalition.organization.pk])
    assert _invitation(event).status == "pending"  # invited again, to answer again


def test_only_the_invited_admin_answers_and_only_the_organizer_withdraws(world, forum):
    invitation = _invitation(forum)
    step = reverse("education:invitation_step", args=[invitation.pk, "accept"])
    assert world.client(world.coalition.staff).post(step).status_code == 403  # staff: the admin decides
    assert world.client(world.home.admin).post(step).status_code == 403  # the host cannot accept for them
    withdraw = reverse("education:invitation_step", args=[invitation.pk, "withdraw"])
    assert world.client(world.coalition.admin).post(withdraw).status_code == 403  # they decline instead
    assert world.client(world.coalition.viewer).post(step).status_code == 403
    with pytest.raises(NotAllowed):
        invitations.accept(world.home.admin, invitation)
    invitation.refresh_from_db()
    assert invitation.status == "pending"


def test_an_outsider_neither_sees_nor_answers_and_the_anonymous_must_sign_in(world, forum):
    invitation = _invitation(forum)
    outsider = world.client(world.outsider.admin)
    assert "Forum on overdose" not in outsider.get(reverse("education:invitations")).content.decode()
    for verb in ("accept", "decline", "withdraw"):
        url = reverse("education:invitation_step", args=[invitation.pk, verb])
        assert outsider.post(url).status_code == 404
        response = world.client().post(url)
        assert response.status_code == 302 and "/account/" in response["Location"]
    assert world.client(world.outsider.viewer).get(reverse("education:invitations")).status_code == 403
    anonymous = world.client().get(reverse("education:invitations"))
    assert anonymous.status_code == 302 and "/account/" in anonymous["Location"]
    api = world.client()
    assert api.get("/api/v1/education/invitations").status_code == 401
    assert api.post(f"/api/v1/education/invitations/{invitation.pk}/accept").status_code == 401
    answer = api.post(
        f"/api/v1/education/invitations/{invitation.pk}/accept", headers=world.token(world.outsider.admin)
    )
    assert answer.status_code == 404
    assert api.get("/api/v1/education/invitations", headers=world.token(world.outsider.admin)).json() == []
    invitation.refresh_from_db()
    assert invitation.status == "pending"


def test_the_host_and_the_invited_see_a_pending_invitation_on_the_event_page(world, forum):
    url = reverse("education:event", args=[forum.pk])
    host_page = world.client(world.home.viewer).get(url).content.decode()
    assert 'id="pending-invitations"' in host_page and COALITION in host_page
    invited_page = world.client(world.coalition.staff).get(url).content.decode()
    assert "Your organization is invited" in invited_page
    for membership in (world.outsider.staff, None):
        assert 'id="pending-invitations"' not in world.client(membership).get(url).content.decode()


def test_the_api_lists_answers_and_withdraws_invitations(world, forum):
    client = world.client()
    received = client.get(
        "/api/v1/education/invitations", {"status": "pending"}, headers=world.token(world.coalition.admin)
    ).json()
    assert [(i["direction"], i["title"], i["organizer"], i["kind"]) for i in received] == [
        ("received", "Forum on overdose", "Riverbend Harm Reduction", "event")
    ]
    sent = client.get("/api/v1/education/invitations", headers=world.token(world.home.staff)).json()
    assert [(i["direction"], i["organization"], i["status"]) for i in sent] == [
        ("sent", COALITION, "pending")
    ]
    url = f"/api/v1/education/invitations/{received[0]['id']}"
    assert client.post(f"{url}/accept", headers=world.token(world.coalition.staff)).status_code == 403
    accepted = client.post(f"{url}/accept", headers=world.token(world.coalition.admin))
    assert accepted.status_code == 200 and accepted.json()["status"] == "accepted"
    again = client.post(f"{url}/accept", headers=world.token(world.coalition.admin))
    assert again.status_code == 409 and "already accepted" in again.json()["detail"]
    withdrawn = client.post(f"{url}/withdraw", headers=world.token(world.home.staff))
    assert withdrawn.status_code == 200 and withdrawn.json()["status"] == "withdrawn"
    assert client.post(f"{url}/cancel", headers=world.token(world.home.staff)).status_code == 400


def _invite(world, membership, **body):
    return world.client().post(
        "/api/v1/education/invitations",
        body,
        content_type="application/json",
        headers=world.token(membership),
    )


def test_bad_invitations_are_refused_with_what_is_wrong(world, forum):
    home, coalition = world.home.organization, world.coalition.organization
    own = _invite(world, world.home.staff, event_id=str(forum.pk), organization_id=str(home.pk))
    assert own.status_code == 400 and "not your own" in own.json()["detail"]
    unknown_id = "00000000-0000-4000-8000-000000000000"
    unknown = _invite(world, world.home.staff, event_id=str(forum.pk), organization_id=unknown_id)
    assert unknown.status_code == 400 and unknown_id in unknown.json()["detail"]
    twice = _invite(world, world.home.staff, event_id=str(forum.pk), organization_id=str(coalition.pk))
    assert twice.status_code == 409 and "already invited" in twice.json()["detail"]
    neither = _invite(world, world.home.staff, organization_id=str(coalition.pk))
    assert neither.status_code == 400 and "event_id or take_back_id" in neither.json()["detail"]
    not_theirs = _invite(world, world.outsider.staff, event_id=str(forum.pk), organization_id=str(home.pk))
    assert not_theirs.status_code == 404
    nobody_answers = Organization.objects.create(name="Directory-only clinic", slug="directory-only-clinic")
    no_admin = _invite(
        world, world.home.staff, event_id=str(forum.pk), organization_id=str(nobody_answers.pk)
    )
    assert no_admin.status_code == 400 and "no admin" in no_admin.json()["detail"]
    assert (
        _invite(
            world, world.home.viewer, event_id=str(forum.pk), organization_id=str(coalition.pk)
        ).status_code
        == 403
    )
    assert Invitation.objects.count() == 1


def test_the_api_invites_one_more_partner_to_a_take_back_event(world):
    take_back = actions.create_take_back(world.home.staff, title="Fall take-back", date=date(2026, 10, 25))
    created = _invite(
        world,
        world.home.admin,
        take_back_id=str(take_back.pk),
        organization_id=str(world.outsider.organization.pk),
    )
    assert created.status_code == 201
    assert created.json()["kind"] == "take_back" and created.json()["status"] == "pending"
    listed = world.client().get("/api/v1/education/take-back").json()
    assert listed[0]["partners"] == []
    assert AuditEvent.objects.filter(action="education.invitation.send").count() == 1


def test_naming_your_own_organization_on_a_form_is_refused_and_nothing_saved(world):
    with pytest.raises(InvalidInput) as problem:
        actions.create_event(
            world.home.staff,
            title="x",
            kind="community_forum",
            audience="general_public",
            starts_at=timezone.now() + timedelta(days=1),
            co_host_ids=[world.home.organization.pk],
        )
    assert problem.value.field == "co_host_ids" and "not your own" in problem.value.message
    response = world.client(world.home.staff).post(
        reverse("education:take_back_new"),
        {"title": "x", "date": "2026-10-25", "partner_ids": [str(world.home.organization.pk)]},
    )
    assert response.status_code == 400  # not among the choices: the form says so
    assert not Event.objects.exists() and not Invitation.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_the_migration_turns_named_co_hosts_and_partners_into_accepted_invitations():
    before = [("education", "0002_event_registration_open")]
    executor = MigrationExecutor(connection)
    executor.migrate(before)
    old = executor.loader.project_state(before).apps
    organization = old.get_model("accounts", "Organization")
    host = organization.objects.create(name="County health", slug="county-health")
    police = organization.objects.create(name="City police", slug="city-police")
    event = old.get_model("education", "Event").objects.create(
        host=host, title="Training", kind="other", audience="law_enforcement", starts_at=timezone.now()
    )
    event.co_hosts.add(police)
    take_back = old.get_model("education", "TakeBackEvent").objects.create(
        organization=host, title="Take-back day", date=date(2026, 10, 25)
    )
    take_back.partners.add(police)

    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())

    assert Event.objects.get(pk=event.pk).co_hosts == [Organization.objects.get(slug="city-police")]
    assert list(Invitation.objects.values_list("status", flat=True)) == ["accepted", "accepted"]
    assert Invitation.objects.get(take_back_id=take_back.pk).organization.name == "City police"
