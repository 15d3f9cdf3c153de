from datetime import timedelta

import pytest
from django.utils import timezone

from meetpoint.education import actions, invitations


@pytest.fixture
def event(world):
    """A partners-only overdose response training hosted by the home side, co-hosted by the coalition (which
    accepted the invitation), with both surveys."""
    event = actions.create_event(
        world.home.staff,
        title="Naloxone training for officers",
        kind="overdose_response",
        audience="law_enforcement",
        starts_at=timezone.now() + timedelta(days=3),
        venue="Station 4 training room",
        area_code="42003",
        co_host_ids=[world.coalition.organization.pk],
        surveys=["overdose-knowledge", "stigma-attitudes"],
    )
    invitations.accept(world.coalition.admin, event.invitations.get())
    return event


@pytest.fixture
def public_event(world):
    return actions.create_event(
        world.home.staff,
        title="Community forum on overdose",
        kind="community_forum",
        audience="general_public",
        starts_at=timezone.now() + timedelta(days=3, hours=2),
        venue="Public library",
        is_public=True,
    )


def knowledge_answers(correct: int) -> dict:
    """Answers to the knowledge quiz with the first `correct` items right and the rest wrong."""
    from meetpoint.education.questionnaires import load_survey

    survey = load_survey("overdose-knowledge")
    answers = {}
    for n, item in enumerate(survey.items):
        wrong = next(o["value"] for o in item["options"] if o["value"] != item["correct"])
        answers[item["id"]] = item["correct"] if n < correct else wrong
    return answers


def attitude_answers(value: int) -> dict:
    """Every attitude item answered so that its scored value is `value` (reverse items turned around)."""
    from meetpoint.education.questionnaires import load_survey

    survey = load_survey("stigma-attitudes")
    return {item["id"]: (6 - value if item.get("reverse") else value) for item in survey.items}
