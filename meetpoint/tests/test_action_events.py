"""Every action writes its event: the test calls every public function of every app's actions (building the rich
home world through them, then each action it does not reach) and fails when an action writes no event of its own,
or an event without its organization. A new action that is not called here, nor listed below as not writing on its
own, fails the test too."""

import importlib
import inspect
import pkgutil
import sys
from dataclasses import dataclass, field
from datetime import time, timedelta

import pytest
from django.utils import timezone

import meetpoint
from meetpoint.accounts.audit import verify_chain
from meetpoint.accounts.models import ApiToken, AuditEvent

# Modules whose public functions are actions (pages, API, commands and cron call them to write).
EXTRA_MODULES = ("meetpoint.education.invitations", "meetpoint.referrals.retention")

# Public functions of those modules that are not actions of their own, each with the reason.
NOT_ACTIONS = {
    # reads, validators and rules: they write nothing
    "meetpoint.inventory.actions.ledger.*": "validation, FEFO allocation and ledger writes used inside the actions",
    "meetpoint.outreach.actions.ceiling": "reads a setting",
    "meetpoint.outreach.actions.syringes_per_litre": "reads a setting",
    "meetpoint.outreach.actions.syringes_per_pound": "reads a setting",
    "meetpoint.outreach.actions.estimate_collected": "arithmetic",
    "meetpoint.outreach.actions.resolve_site": "a read",
    "meetpoint.outreach.actions.check_when": "a validator",
    "meetpoint.outreach.actions.check_count": "a validator",
    "meetpoint.outreach.actions.supply_catalog": "a read",
    "meetpoint.outreach.actions.validate_encounter": "the validator every encounter path shares",
    "meetpoint.outreach.actions.inventory_distribution": "finds the inventory app's function",
    "meetpoint.participants.actions.recipe_of": "a read",
    "meetpoint.participants.actions.code_from": "a rule",
    "meetpoint.participants.actions.near_duplicates": "a read",
    "meetpoint.referrals.actions.overdue_after": "reads a setting",
    "meetpoint.referrals.actions.expire_after": "reads a setting",
    "meetpoint.referrals.actions.consent_in_force": "a read",
    "meetpoint.referrals.actions.validate_new_referral": "a validator",
    "meetpoint.referrals.actions.side_of": "a rule",
    "meetpoint.referrals.actions.allowed_for": "a rule",
    "meetpoint.referrals.actions.email_new_referral": "sends mail after the referral.sent event commits",
    "meetpoint.referrals.retention.retention_days": "reads a setting",
    "meetpoint.referrals.retention.consent_ended_on": "a rule",
    "meetpoint.referrals.retention.due_for_purge": "a read",
    "meetpoint.outcomes.actions.threshold_floor": "reads a setting",
    "meetpoint.outcomes.actions.due_periods": "a read",
    "meetpoint.education.actions.new_pairing_token": "makes a random code",
    "meetpoint.education.actions.normalize_token": "a rule",
    "meetpoint.education.invitations.invitable": "a validator",
    "meetpoint.accounts.actions.invitation_by_token": "a read",
    "meetpoint.accounts.actions.enrolment_token": "makes a signed code",
    "meetpoint.accounts.actions.check_enrolment_token": "a validator",
    "meetpoint.accounts.actions.request_email_change": "checks the password and makes the link; nothing changes yet",
    "meetpoint.alerts.actions.webhooks_need_https": "reads a setting",
    "meetpoint.alerts.actions.known_substances": "a read",
    "meetpoint.accounts.actions.may_manage": "a rule",
    "meetpoint.outcomes.actions.colliding_agreement": "a validator",
    # parts of another action: they run inside its transaction, and its event names what they did
    "meetpoint.participants.actions.find_or_create_participant": "part of an encounter or screening",
    "meetpoint.inventory.actions.distribution.record_distribution": "part of outreach.encounter.recorded",
    "meetpoint.inventory.actions.distribution.record_distributions_bulk": "the demo loader's and import's bulk path",
    "meetpoint.accounts.actions.new_recovery_codes": "part of confirm_authenticator and replace_recovery_codes",
    "meetpoint.alerts.actions.notify": "part of the alert's opening or publishing: queues its deliveries",
    "meetpoint.education.invitations.set_invited": "part of an event's creation or change (invitation.send)",
    "meetpoint.education.actions.submit_answer_sheet": "one education.survey.answered event per survey on it",
    "meetpoint.outcomes.actions.run_exchanges": "one event per package sent and per open-data period published",
}
# Events of the network rather than of one organization (a site administrator's acts): they are in the
# network's chain.
NETWORK_EVENTS = {
    "accounts.user.deactivated": "an account may belong to several organizations",
    "account.two_factor.enrolled": "a person's own account, which may belong to several organizations",
    "account.recovery_codes.replaced": "a person's own account, which may belong to several organizations",
    "account.email.changed": "a person's own account, which may belong to several organizations",
    "account.sessions.signed_out": "a person's own account, which may belong to several organizations",
    "alert.closed": "a bad-batch alert is every partner's; the cron that ends it after quiet days acts for none",
    "needs.area.aliases_set": "a community-needs area that no organization owns (the site administrator's)",
}


def action_modules() -> list:
    names = list(EXTRA_MODULES)
    for app in pkgutil.iter_modules(meetpoint.__path__):
        spec = importlib.util.find_spec(f"meetpoint.{app.name}.actions") if app.ispkg else None
        if spec is None:
            continue
        names.append(spec.name)
        for sub in pkgutil.iter_modules(spec.submodule_search_locations or []):
            names.append(f"{spec.name}.{sub.name}")
    return [importlib.import_module(name) for name in names]


def public_actions() -> dict[str, object]:
    found = {}
    for module in action_modules():
        for name, function in vars(module).items():
            if name.startswith("_") or not inspect.isfunction(function):
                continue
            if function.__module__ != module.__name__:
                continue  # imported from elsewhere; listed under its own module
            key = f"{module.__name__}.{name}"
            if key in NOT_ACTIONS or f"{module.__name__}.*" in NOT_ACTIONS:
                continue
            found[key] = function
    return found


@dataclass
class Calls:
    """Per action: calls that returned, and the events each wrote itself (not those of actions it called)."""

    own_events: dict[str, list[int]] = field(default_factory=dict)
    stack: list = field(default_factory=list)


def watch(monkeypatch, functions: dict[str, object]) -> Calls:
    """Replaces every reference to each action (in every loaded Meetpoint module) with a wrapper counting the
    events it writes."""
    calls = Calls()

    def wrap(key, function):
        def watched(*args, **kwargs):
            before = AuditEvent.objects.order_by("-id").values_list("id", flat=True).first() or 0
            calls.stack.append([])
            try:
                result = function(*args, **kwargs)
            finally:
                nested = calls.stack.pop()
            new = list(AuditEvent.objects.filter(id__gt=before).values_list("id", flat=True))
            own = [event_id for event_id in new if event_id not in nested]
            calls.own_events.setdefault(key, []).append(len(own))
            if calls.stack:
                calls.stack[-1].extend(new)
            return result

        return watched

    wrappers = {id(function): wrap(key, function) for key, function in functions.items()}
    for module in list(sys.modules.values()):
        if not getattr(module, "__name__", "").startswith("meetpoint"):
            continue
        for name, value in list(vars(module).items()):
            if inspect.isfunction(value) and id(value) in wrappers:
                monkeypatch.setattr(module, name, wrappers[id(value)])
    return calls


def the_rest(hw) -> None:
    """Each action the home world's build does not reach, once, as its page or cron would call it."""
    from meetpoint.accounts import actions as accounts
    from meetpoint.directory import actions as directory
    from meetpoint.education import actions as education
    from meetpoint.education import invitations
    from meetpoint.education.questionnaires import load_survey
    from meetpoint.inventory import actions as inventory
    from meetpoint.inventory.models import StockLot
    from meetpoint.needs import actions as needs
    from meetpoint.needs.models import Area
    from meetpoint.outcomes import actions as outcomes
    from meetpoint.outcomes.periods import period_containing
    from meetpoint.participants import actions as participants
    from meetpoint.participants.models import PossibleDuplicate
    from meetpoint.policy import actions as policy
    from meetpoint.referrals import actions as referrals
    from meetpoint.referrals import retention

    world, o = hw.world, hw.objects
    home, coalition, receiver = world.home, world.coalition, o["receiver_side"]
    today = timezone.localdate()

    # accounts
    token_id = ApiToken.objects.filter(membership=home.admin).first().pk
    accounts.revoke_token(home.admin, token_id)
    spare = accounts.create_organization("Closed Program", "other")
    accounts.deactivate_organization(spare)
    accounts.deactivate_user(accounts.add_member(spare, "closed-program-admin", "admin").user)

    # accounts: member invitations, joining, two-step sign-in, e-mail and sessions
    from django.contrib.auth import get_user_model
    from django_otp.plugins.otp_totp.models import TOTPDevice

    accounts.resend_invitation(home.admin.user, home.admin, o["member_invitation"].pk)
    accounts.revoke_invitation(home.admin.user, home.admin, o["member_invitation"].pk)
    _invitation, link = accounts.invite_member(
        home.admin.user, home.admin, home.organization, "joiner@example.org", "staff", "en"
    )
    joiner = accounts.accept_invitation(link, "joiner", "a-long-enough-passphrase-42").user
    _invitation, link = accounts.invite_member(
        coalition.admin.user, coalition.admin, coalition.organization, "joiner@example.org", "viewer", "en"
    )
    accounts.accept_invitation_as(link, joiner)
    device = TOTPDevice.objects.create(user=joiner, name="phone", confirmed=False)
    accounts.confirm_authenticator(joiner, device)
    accounts.replace_recovery_codes(joiner)
    joiner_membership = joiner.memberships.get(organization=home.organization)
    accounts.reset_second_factor(home.admin.user, home.admin, joiner_membership)
    accounts.unlock_account(home.admin.user, home.admin, joiner_membership)
    change = accounts.request_email_change(joiner, "joiner.new@example.org", "a-long-enough-passphrase-42")
    accounts.confirm_email_change(joiner, change)
    accounts.sign_out_other_sessions(joiner, None)
    site_admin = get_user_model().objects.create_superuser("site-admin", "site@example.org", "x")
    accounts.create_organization_with_admin(site_admin, "New Partner", "other", "first@example.org", "en")

    # directory
    directory.name_exact_place_partner(home.admin, coalition.organization.pk)
    directory.remove_exact_place_partner(home.admin, coalition.organization.pk)
    schedule = o["schedule"]
    directory.update_schedule(
        schedule, directory.ScheduleInput(opens_at=time(10), closes_at=time(16), weekday=schedule.weekday)
    )
    directory.delete_schedule(schedule)

    # participants
    participants.set_recipe(home.admin, ["birth_year", "birth_day", "mother_first_name"])
    participants.merge_participants(home.staff, o["duplicate"])
    participants.find_or_create_participant(home.organization, "QX5511")
    participants.find_or_create_participant(home.organization, "QX5512")
    participants.dismiss_duplicate(home.staff, PossibleDuplicate.objects.filter(status="open").first())

    # referrals: the receiver accepts, a draft gets its consent and is sent, the sender revokes a consent;
    # cron flags, expires and purges.
    referral = o["referral"]
    referrals.transition_referral(receiver.staff, referral.pk, "accepted")
    referrals.mark_notifications_read(receiver.staff)
    draft = referrals.create_referral(
        home.staff,
        {
            "service_id": referral.service_id,
            "reason_category": "substance_use",
            "reason": "Wants treatment.",
            "contact_method": "via_sender",
        },
        send=False,
    )
    consent = {
        "patient_reference": "Participant",
        "information": "Referral reason.",
        "purpose": "To start treatment.",
        "expires_on": (today + timedelta(days=90)).isoformat(),
        "signature_method": "verbal",
        "signed_on": today.isoformat(),
        "witnessed_by": "Nurse Ortiz",
        "right_to_revoke_given": True,
    }
    referrals.record_consent(home.staff, draft.pk, consent, send=True)
    referrals.revoke_consent(home.staff, referral.pk, note="The person asked.")
    later = timezone.now() + timedelta(days=60)
    assert referrals.flag_overdue_referrals(later) >= 1
    assert referrals.expire_referrals(later) >= 1
    retention.purge_expired_contacts(timezone.now() + timedelta(days=4000))

    # inventory
    location, van = o["location"], o["mobile_unit"]
    inventory.record_transfer(
        home.staff, source=location, destination=van, item="naloxone-nasal-4mg", quantity=2
    )
    inventory.record_adjustment(
        home.staff, location=location, item="naloxone-nasal-4mg", quantity=-1, reason="damaged", lot=o["lot"]
    )
    StockLot.objects.filter(pk=o["lot"].pk).update(expires_on=today - timedelta(days=1))
    inventory.write_off_expired(home.staff, StockLot.objects.get(pk=o["lot"].pk))
    inventory.reconcile(home.staff, o["unreconciled"], note="Counted again")
    inventory.reverse_distribution(o["encounter"].client_uuid, user=home.staff.user)
    inventory.set_threshold(home.staff, item="naloxone-nasal-4mg", minimum=None, location=location)

    # education
    event = o["event"]
    education.update_event(home.staff, event, venue="Station 5")
    education.record_attendance(home.staff, event, attendance_count=12, naloxone_kits=10)
    education.mark_attended(home.staff, event, [o["registration"].pk])
    education.add_material(home.staff, event, title="Slides", url="https://example.org/slides")
    survey = load_survey("overdose-knowledge")
    answers = {item["id"]: item["correct"] for item in survey.items}
    education.submit_survey(event, survey_code="overdose-knowledge", phase="pre", answers=answers)
    education.submit_answer_sheet(event, phase="pre", answers={"overdose-knowledge": answers})
    education.update_take_back(home.staff, o["take_back"], pounds_collected="13.0")
    invitations.accept(coalition.admin, o["invitation"])
    declined = invitations.invite(home.staff, o["public_event"], coalition.organization.pk)
    invitations.decline(coalition.admin, declined)
    withdrawn = invitations.invite(home.staff, o["take_back"], coalition.organization.pk)
    invitations.withdraw(home.staff, withdrawn)

    # alerts
    from meetpoint.alerts import actions as alerts

    alert = o["alert"]
    alerts.acknowledge(home.admin, alert)
    alerts.annotate(home.admin, alert, "Outreach sent to the block.")
    alerts.publish(home.admin, alert)
    alerts.close(home.admin, alert, "Quiet again.")
    alerts.confirm_sample(home.staff, o["sample"], alerts.ConfirmationIn(method="lab", found=["fentanyl"]))
    alerts.end_quiet_bad_batches(today + timedelta(days=365))
    alerts.unsubscribe(home.admin, o["subscription"])

    # policy
    bill = o["policy"]
    policy.update_policy(home.staff, bill, title="Good Samaritan ordinance (amended)")
    policy.record_status(home.staff, bill, status="in_committee", date=today)
    policy.add_action(home.staff, bill, kind="testimony", date=today, description="Testified at council.")
    policy.add_link(home.staff, bill, title="Council page", url="https://example.org/bill")
    policy.record_sign_ons(home.staff, bill, [coalition.organization.pk])
    policy.sign_on(world.outsider.admin, bill)

    # needs
    needs.import_area_data("GEOID,overdose_deaths\n42003010300,7\n", layout="generic", membership=home.admin)
    needs.choose_needs_source(home.admin, None)
    needs.set_aliases(
        Area.objects.get(code="42003010300", owner=home.organization), ["152"], home.organization
    )

    # outcomes
    dataset = o["open_dataset"]
    last_month = period_containing("month", today.replace(day=1) - timedelta(days=1))
    outcomes.run_exchanges(today)
    if not dataset.releases.exists():
        outcomes.publish_release(dataset, period_containing(dataset.time_grain, last_month.start), today)
    release = dataset.releases.first()
    outcomes.correct_release(home.admin, release, "A late record.")
    outcomes.withdraw_release(home.admin, dataset.releases.order_by("-pk").first(), "Published by mistake.")
    outcomes.correct_package(home.admin, o["package"], "A late record.")
    outcomes.withdraw_package(home.admin, o["agreement"].packages.order_by("-pk").first(), "Sent by mistake.")
    outcomes.withdraw_open_dataset(home.admin, dataset)
    outcomes.end_agreement(home.admin, o["agreement"])


@pytest.mark.django_db
def test_every_action_writes_its_own_event_with_its_organization(monkeypatch, settings):
    from meetpoint.tests.home_world import build_home_world

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    actions = public_actions()
    calls = watch(monkeypatch, actions)
    start = AuditEvent.objects.order_by("-id").values_list("id", flat=True).first() or 0
    hw = build_home_world()
    the_rest(hw)

    never_called = sorted(set(actions) - set(calls.own_events))
    assert never_called == [], "call these actions here, or list them in NOT_ACTIONS with the reason"
    silent = sorted(key for key, counts in calls.own_events.items() if not any(counts))
    assert silent == [], "these actions wrote no event of their own"
    events = AuditEvent.objects.filter(id__gt=start)
    network = {event.action for event in events.filter(organization__isnull=True)}
    assert network <= set(NETWORK_EVENTS), (
        f"events without their organization: {sorted(network - set(NETWORK_EVENTS))}"
    )
    assert not events.filter(action__regex=r"\.(created|updated|deleted)$", object_type="").exists()
    ok, message = verify_chain()
    assert ok, message


def test_the_lists_name_real_functions_with_a_reason():
    known = {f"{module.__name__}.{name}" for module in action_modules() for name in vars(module)}
    modules = {module.__name__ for module in action_modules()}
    assert all(reason.strip() for reason in NETWORK_EVENTS.values())
    for key, reason in NOT_ACTIONS.items():
        assert reason.strip(), key
        assert key in known or (key.endswith(".*") and key[:-2] in modules), key
