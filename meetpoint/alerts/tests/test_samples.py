"""Drug-checking samples: anonymous codes, known substances and methods, confirmations on the same sample, and a
bad-batch alert at once when a listed substance of concern is found."""

from datetime import timedelta

import pytest

from meetpoint.alerts import actions
from meetpoint.alerts.models import Alert, Sample, SampleTest
from meetpoint.errors import ActionError, NotAllowed

pytestmark = pytest.mark.django_db


def sample(today, **changes) -> actions.SampleIn:
    values = {
        "collected_on": today,
        "method": "test_strip",
        "found": ["fentanyl"],
        "expected_substance": "heroin",
        "latitude": 40.44,
        "longitude": -80.0,
    }
    values.update(changes)
    return actions.SampleIn(**values)


def test_a_sample_gets_an_anonymous_code_and_stays_quiet_without_a_concern(world, today):
    recorded = actions.record_sample(world.home.staff, sample(today))
    assert recorded.code.startswith("DC-") and recorded.area == "cell:40.4,-80.0"
    assert not Alert.objects.exists()


def test_xylazine_raises_a_public_bad_batch_alert_at_once(world, today):
    recorded = actions.record_sample(world.home.staff, sample(today, found=["fentanyl", "xylazine"]))
    alert = Alert.objects.get(kind="bad_batch")
    assert alert.substance == "xylazine" and alert.area == recorded.area and alert.public
    assert alert.organization is None and alert.expected_substance == "heroin"
    # A second finding in the same area and week adds to the same alert.
    actions.record_sample(world.outsider.staff, sample(today, found=["xylazine"]))
    alert.refresh_from_db()
    assert Alert.objects.filter(kind="bad_batch").count() == 1 and alert.count == 2


def test_a_lab_confirmation_updates_the_same_sample_and_raises_what_it_finds(world, today):
    recorded = actions.record_sample(world.home.staff, sample(today - timedelta(days=3), code="KIT-2231-A"))
    actions.confirm_sample(
        world.home.staff,
        recorded,
        actions.ConfirmationIn(
            method="lab", found=["fentanyl", "nitazenes"], not_found=["xylazine"], tested_on=today
        ),
    )
    recorded.refresh_from_db()
    assert recorded.confirmed and recorded.method == "lab" and recorded.found == ["fentanyl", "nitazenes"]
    assert SampleTest.objects.filter(sample=recorded).count() == 2 and Sample.objects.count() == 1
    assert Alert.objects.get(kind="bad_batch").substance == "nitazenes"


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"found": ["fentanyl", "unicorn-dust"]}, "found"),
        ({"method": "taste"}, "method"),
        ({"code": "MA0785"}, "code"),  # mother's initials + birth month + year: a participant code
        ({"code": "ma-07-85"}, "code"),
        ({"code": "SMI12B"}, "code"),
        ({"expected_substance": "sugar"}, "expected_substance"),
        ({"latitude": None, "longitude": None}, "site"),
        ({"found": ["xylazine"], "not_found": ["xylazine"]}, "not_found"),
    ],
)
def test_bad_input_is_refused_and_nothing_is_written(world, today, changes, field):
    with pytest.raises(ActionError) as problem:
        actions.record_sample(world.home.staff, sample(today, **{"found": ["xylazine"], **changes}))
    assert problem.value.status == 400 and field in [name for name, _ in problem.value.errors]
    assert not Sample.objects.exists() and not Alert.objects.exists()


def test_a_code_is_used_once_per_program(world, today):
    actions.record_sample(world.home.staff, sample(today, code="KIT-0001-B"))
    with pytest.raises(ActionError) as problem:
        actions.record_sample(world.home.staff, sample(today, code="kit-0001-b"))
    assert problem.value.field == "code"


def test_analysts_and_viewers_do_not_record_samples(world, today):
    for member in (world.home.analyst, world.home.viewer):
        with pytest.raises(NotAllowed):
            actions.record_sample(member, sample(today))


def test_a_site_administrator_keeps_the_list_of_concerns(world, today):
    from meetpoint.alerts.models import SubstanceOfConcern

    SubstanceOfConcern.objects.filter(code="xylazine").update(active=False)
    actions.record_sample(world.home.staff, sample(today, found=["xylazine"]))
    assert not Alert.objects.exists()
    SubstanceOfConcern.objects.create(code="bromazolam", name="Bromazolam")
    actions.record_sample(world.home.staff, sample(today, found=["bromazolam"]))
    assert Alert.objects.get().substance == "bromazolam"


def test_only_the_checking_program_closes_a_bad_batch(world, today):
    actions.record_sample(world.home.staff, sample(today, found=["xylazine"]))
    alert = Alert.objects.get()
    with pytest.raises(NotAllowed):
        actions.close(world.outsider.staff, alert, "")
    actions.annotate(world.outsider.staff, alert, "Wound care kits sent to the area.")
    actions.close(world.home.staff, alert, "Supply moved on.")
    alert.refresh_from_db()
    assert alert.status == "closed"
    assert [e.action for e in alert.events.all()] == ["opened", "noted", "closed"]
