"""A partner's figure for a period is counted once; only closed periods are released; a delivered package or
open-data period can be corrected or withdrawn by its sender, with a reason, and both versions are kept."""

import json
from datetime import date, timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from meetpoint.accounts.models import AuditEvent
from meetpoint.outcomes import actions, dashboard
from meetpoint.outcomes.models import OpenRelease, SharedPackage, SharingAgreement
from meetpoint.outcomes.periods import period_starting
from meetpoint.outcomes.tests.conftest import add_activity
from meetpoint.outcomes.tests.test_exchange import TODAY, agreement_between

CODES = ["test_people_served", "test_naloxone_kits"]


@pytest.fixture
def activity(world, records):
    for month in (1, 2, 3):
        start = date(2025, month, 1)
        add_activity(records, world.home.organization, start, people=34, kits=40, syringes=600, area="152")
        add_activity(records, world.home.organization, start, people=20, kits=30, syringes=300, area="154")
    return records


def combined_total(board, code: str) -> str:
    return board.combined[code].shown


# ---- One agreement per partner and indicator at a time ------------------------------------------------------


def test_a_duplicate_proposal_is_refused_with_the_agreement_it_collides_with(world, activity):
    first = agreement_between(world, CODES)
    before = SharingAgreement.objects.count()
    with pytest.raises(actions.OutcomesError) as refused:
        agreement_between(world, CODES)
    assert str(first.pk) in str(refused.value) and refused.value.status == 409
    assert refused.value.field == "indicators"
    with pytest.raises(actions.OutcomesError, match="already shares test_naloxone_kits"):
        agreement_between(world, ["test_naloxone_kits"], valid_from=date(2025, 3, 1))  # overlapping
    assert SharingAgreement.objects.count() == before
    # other indicators, or dates after the first ends, do not collide
    agreement_between(world, ["test_syringes"])
    actions.end_agreement(world.home.admin, first)
    agreement_between(world, CODES, valid_from=date(2025, 6, 1))


def test_a_pending_proposal_blocks_a_second_one_and_accepting_a_stored_duplicate_is_refused(world, activity):
    agreement_between(world, CODES)
    # an agreement stored before the rule (or by any other path) cannot be accepted beside the first
    stored = SharingAgreement.objects.create(
        sharer=world.home.organization,
        recipient=world.coalition.organization,
        indicators=CODES,
        valid_from=date(2025, 1, 1),
        sharer_accepted_at=timezone.now(),
    )
    with pytest.raises(actions.OutcomesError, match="counted twice"):
        actions.accept_agreement(world.coalition.admin, stored)
    stored.refresh_from_db()
    assert stored.recipient_accepted_at is None


def test_no_total_counts_a_package_twice_whatever_is_stored(world, activity):
    """Two agreements in force for the same figures (stored before the rule) deliver two packages a period: the
    partner row, 'All partners', the trends and the map each count the partner's figure once."""
    first = agreement_between(world, CODES)
    twin = SharingAgreement.objects.create(
        sharer=world.home.organization,
        recipient=world.coalition.organization,
        indicators=CODES,
        valid_from=date(2025, 1, 1),
        place_grain="zip3",
        sharer_accepted_at=timezone.now(),
        recipient_accepted_at=timezone.now(),
    )
    actions.run_exchanges(TODAY)
    assert first.packages.count() == twin.packages.count() == 6
    board = dashboard.combine(
        list(SharedPackage.objects.select_related("agreement__sharer")), "2025-03", None
    )
    home = world.home.organization.name
    # the same 34 people came to both areas: the partner row and "All partners" both say 34, never 68
    assert board.by_partner[home]["test_people_served"] == 34
    assert combined_total(board, "test_people_served") == "34"
    assert combined_total(board, "test_naloxone_kits") == "70"
    assert dict(board.trends["test_naloxone_kits"])["2025-02"] == 70
    assert {area: cell.value for area, cell in board.areas["test_naloxone_kits"].items()} == {
        "152": 40,
        "154": 30,
    }
    page = world.client(world.coalition.analyst).get("/outcomes/dashboard/?period=2025-03").content.decode()
    assert ">68<" not in page and ">140<" not in page and ">34<" in page


# ---- Only closed periods ----------------------------------------------------------------------------------------


def test_a_future_today_is_refused_and_writes_nothing(world, activity):
    agreement_between(world, CODES)
    future = timezone.localdate() + timedelta(days=30)
    with pytest.raises(actions.OutcomesError, match="after the real today"):
        actions.run_exchanges(future)
    with pytest.raises(CommandError, match="after the real today"):
        call_command("run_exchanges", "--today", future.isoformat(), stdout=StringIO(), stderr=StringIO())
    assert not SharedPackage.objects.exists() and not OpenRelease.objects.exists()


def test_a_period_that_has_not_ended_is_never_packaged(world, activity):
    agreement = agreement_between(world, CODES, valid_from=date(2025, 1, 1))
    this_month = period_starting("month", timezone.localdate().replace(day=1))
    with pytest.raises(actions.OutcomesError, match="has not closed"):
        actions.deliver_package(agreement, this_month, this_month.end + timedelta(days=3))
    run = actions.run_exchanges()
    assert this_month.label not in {p.period_label for p in run.delivered}
    assert not agreement.packages.filter(period_end__gte=timezone.localdate()).exists()


# ---- Corrections and withdrawal ---------------------------------------------------------------------------------


@pytest.fixture
def delivered(world, activity):
    agreement = agreement_between(world, CODES)
    actions.run_exchanges(TODAY)
    return agreement.packages.get(period_label="2025-02")


def test_the_sender_corrects_a_package_both_are_kept_and_readers_see_the_current_one(
    world, activity, delivered
):
    add_activity(
        activity, world.home.organization, date(2025, 2, 1), people=0, kits=5, syringes=0, area="152"
    )
    corrected = actions.correct_package(world.home.admin, delivered, "February kits were entered late")
    delivered.refresh_from_db()
    assert delivered.superseded_at is not None and delivered.standing == "superseded"
    assert corrected.corrects == delivered and corrected.standing == "corrected"
    kits = next(t for t in corrected.contents["tables"] if t["indicator"] == "test_naloxone_kits")
    assert kits["total"] == 75
    assert SharedPackage.objects.filter(period_label="2025-02").count() == 2
    event = AuditEvent.objects.get(action="outcomes.package.corrected")
    assert event.detail["reason"] == "February kits were entered late"
    assert event.organization == world.home.organization
    board = dashboard.build_dashboard(world.coalition.analyst, "2025-02")
    assert board.combined["test_naloxone_kits"].shown == "75"
    assert any("entered late" in note for note in board.notes)
    analyst = world.client(world.coalition.analyst)
    page = analyst.get(f"/outcomes/packages/{delivered.pk}/").content.decode()
    assert "Replaced by a correction" in page and str(corrected.pk) in page
    page = analyst.get(f"/outcomes/packages/{corrected.pk}/").content.decode()
    assert "corrects one delivered earlier" in page and "entered late" in page
    listed = analyst.get("/api/v1/outcomes/packages", headers=world.token(world.coalition.analyst)).json()
    standing = {p["id"]: p["standing"] for p in listed}
    assert standing[str(delivered.pk)] == "superseded" and standing[str(corrected.pk)] == "corrected"


def test_a_correction_keeps_hidden_what_the_replaced_package_hid(world, activity, delivered):
    people = next(t for t in delivered.contents["tables"] if t["indicator"] == "test_people_served")
    assert all(row["value"] != "*" for row in people["rows"])
    # a correction that makes ZIP3 154's count small hides it, and keeps hidden whatever was hidden before
    first = actions.correct_package(world.home.admin, delivered, "recount")
    for table in delivered.contents["tables"]:
        new = next(t for t in first.contents["tables"] if t["indicator"] == table["indicator"])
        old_hidden = {row["place"] for row in table["rows"] if row["value"] == "*"}
        assert old_hidden <= {row["place"] for row in new["rows"] if row["value"] == "*"}


def test_correction_bad_input_changes_nothing(world, activity, delivered):
    before = (SharedPackage.objects.count(), AuditEvent.objects.count())
    with pytest.raises(actions.OutcomesError, match="Say why") as refused:
        actions.correct_package(world.home.admin, delivered, "  ")
    assert refused.value.field == "reason"
    with pytest.raises(actions.OutcomesError) as refused:  # the recipient cannot correct the sender's package
        actions.correct_package(world.coalition.admin, delivered, "I prefer other numbers")
    assert refused.value.status == 404
    with pytest.raises(actions.OutcomesError) as refused:
        actions.withdraw_package(world.home.analyst, delivered, "oops")
    assert refused.value.status == 403
    assert (SharedPackage.objects.count(), AuditEvent.objects.count()) == before
    actions.correct_package(world.home.admin, delivered, "recount")
    with pytest.raises(actions.OutcomesError, match="already corrected"):
        actions.correct_package(world.home.admin, delivered, "again")


def test_a_withdrawn_package_leaves_every_total_and_is_not_sent_again(world, activity, delivered):
    actions.withdraw_package(world.home.admin, delivered, "sent under the wrong agreement")
    board = dashboard.build_dashboard(world.coalition.analyst)
    assert "2025-02" not in board.periods
    assert actions.run_exchanges(TODAY).delivered == []
    with pytest.raises(actions.OutcomesError, match="was withdrawn"):
        actions.correct_package(world.home.admin, delivered, "recount")
    page = world.client(world.coalition.analyst).get(f"/outcomes/packages/{delivered.pk}/").content.decode()
    assert "Withdrawn by the sender" in page and "wrong agreement" in page
    assert AuditEvent.objects.filter(action="outcomes.package.withdrawn").count() == 1


def test_correct_and_withdraw_pages_and_api(world, activity, delivered):
    url = f"/outcomes/packages/{delivered.pk}/"
    sender = world.client(world.home.admin)
    assert "Send a correction" in sender.get(url).content.decode()
    assert "Send a correction" not in world.client(world.coalition.admin).get(url).content.decode()
    assert world.client(world.outsider.admin).post(url + "withdraw/", {"reason": "x"}).status_code == 404
    assert world.client().post(url + "withdraw/", {"reason": "x"}).status_code == 302  # to sign in
    assert world.client(world.home.analyst).post(url + "withdraw/", {"reason": "x"}).status_code == 403
    assert world.client(world.coalition.admin).post(url + "correct/", {"reason": "x"}).status_code == 404
    blank = sender.post(url + "correct/", {"reason": ""})
    assert blank.status_code == 302 and SharedPackage.objects.filter(corrects=delivered).count() == 0
    done = sender.post(url + "correct/", {"reason": "late entries"})
    corrected = SharedPackage.objects.get(corrects=delivered)
    assert done["Location"] == f"/outcomes/packages/{corrected.pk}/"
    api = f"/api/v1/outcomes/packages/{corrected.pk}/withdraw"
    assert world.client().post(api, {"reason": "x"}, content_type="application/json").status_code == 401
    outsider = world.token(world.outsider.admin)
    answer = sender.post(api, {"reason": "x"}, content_type="application/json", headers=outsider)
    assert answer.status_code == 404
    answer = sender.post(
        api, {"reason": ""}, content_type="application/json", headers=world.token(world.home.admin)
    )
    assert answer.status_code == 400
    answer = sender.post(
        api,
        {"reason": "wrong agreement"},
        content_type="application/json",
        headers=world.token(world.home.admin),
    )
    assert answer.status_code == 200 and answer.json()["standing"] == "withdrawn"


def test_open_data_is_corrected_and_withdrawn_like_packages(world, activity):
    dataset = actions.create_open_dataset(
        world.home.admin,
        actions.DatasetInput("Kits", ["test_naloxone_kits"], date(2025, 1, 1), time_grain="month"),
    )
    actions.run_exchanges(TODAY)
    january = dataset.releases.get(period_label="2025-01")
    add_activity(activity, world.home.organization, date(2025, 1, 1), people=0, kits=1, syringes=0)
    fixed = actions.correct_release(world.home.admin, january, "one kit entered late")
    url = f"/outcomes/open/{world.home.organization.slug}/{dataset.slug}/data.json"
    published = json.loads(world.client().get(url).content)["releases"]
    assert [r["checksum"] for r in published if r["period"]["label"] == "2025-01"] == [fixed.checksum]
    actions.withdraw_release(world.home.admin, fixed, "published by mistake")
    published = json.loads(world.client().get(url).content)["releases"]
    assert "2025-01" not in {r["period"]["label"] for r in published}
    with pytest.raises(actions.OutcomesError):
        actions.correct_release(world.outsider.admin, january, "not mine")
