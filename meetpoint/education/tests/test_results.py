"""Survey results per event and per program, suppressed below the minimum number of pairs."""

from django.urls import reverse

from meetpoint.education import actions
from meetpoint.education.queries import survey_results

from .conftest import attitude_answers, knowledge_answers


def _pair(event, before: int, after: int, attitude_before: int = 3, attitude_after: int = 4) -> None:
    token = actions.submit_answer_sheet(
        event,
        phase="pre",
        answers={
            "overdose-knowledge": knowledge_answers(before),
            "stigma-attitudes": attitude_answers(attitude_before),
        },
    )
    actions.submit_answer_sheet(
        event,
        phase="post",
        answers={
            "overdose-knowledge": knowledge_answers(after),
            "stigma-attitudes": attitude_answers(attitude_after),
        },
        pairing_token=token,
    )


def test_results_are_withheld_below_five_pairs(world, event):
    for _ in range(4):
        _pair(event, 4, 6)
    actions.submit_answer_sheet(
        event,
        phase="pre",
        answers={"overdose-knowledge": knowledge_answers(1), "stigma-attitudes": attitude_answers(1)},
    )  # a pre survey with no post counts for nothing
    results = {r.scale: r for r in survey_results([event])}
    assert results["knowledge"].pairs == 4 and results["knowledge"].suppressed
    page = world.client(world.home.viewer).get(reverse("education:event_results", args=[event.pk]))
    assert "Not shown: fewer than 5 attendees" in page.content.decode()


def test_results_show_mean_change_and_interval_from_five_pairs(world, event):
    # Knowledge: 2→5, 3→6, 4→6, 4→7, 5→8 correct of 8, i.e. changes of 37.5, 37.5, 25, 37.5, 37.5 points.
    for before, after in ((2, 5), (3, 6), (4, 6), (4, 7), (5, 8)):
        _pair(event, before, after)
    results = {r.scale: r for r in survey_results([event])}
    knowledge = results["knowledge"]
    assert knowledge.pairs == 5 and not knowledge.suppressed
    assert knowledge.change.mean_change == 35.0
    assert knowledge.change.ci_low < 35 < knowledge.change.ci_high
    assert results["attitudes"].change.mean_change == 1.0

    page = world.client(world.outsider.analyst).get(reverse("education:event_results", args=[event.pk]))
    assert page.status_code == 200
    assert "+35.00" in page.content.decode()


def test_program_results_group_events_by_kind_and_audience(world, event):
    for before, after in ((2, 5), (3, 6), (4, 6), (4, 7), (5, 8)):
        _pair(event, before, after)
    page = world.client(world.coalition.viewer).get(
        reverse("education:program_results"), {"audience": "law_enforcement"}
    )
    body = page.content.decode()
    assert "Naloxone / overdose response training — Law enforcement" in body
    assert "+35.00" in body


def test_results_need_a_signed_in_member(world, event):
    response = world.client().get(reverse("education:event_results", args=[event.pk]))
    assert response.status_code == 302
    assert world.client().get(reverse("education:program_results")).status_code == 302


def test_results_api(world, event):
    for before, after in ((2, 5), (3, 6), (4, 6), (4, 7), (5, 8)):
        _pair(event, before, after)
    client = world.client()
    url = f"/api/v1/education/events/{event.pk}/results"
    assert client.get(url).status_code == 401
    body = client.get(url, headers=world.token(world.outsider.viewer)).json()
    knowledge = next(r for r in body if r["scale"] == "knowledge")
    assert knowledge["pairs"] == 5 and knowledge["change"]["mean_change"] == 35.0
