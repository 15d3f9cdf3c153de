"""Pre/post surveys: scoring of the shipped data files, the anonymous public link, pairing and refusals."""

import pytest
from django.urls import reverse

from meetpoint.education import actions
from meetpoint.education.models import SurveyResponse
from meetpoint.education.questionnaires import SurveyAnswerError, all_surveys, load_survey, score

from .conftest import attitude_answers, knowledge_answers


def _form(survey_code: str, answers: dict) -> dict:
    return {f"{survey_code}:{item}": value for item, value in answers.items()}


def _sheet(knowledge_correct: int, attitude: int) -> dict:
    return {
        **_form("overdose-knowledge", knowledge_answers(knowledge_correct)),
        **_form("stigma-attitudes", attitude_answers(attitude)),
    }


def test_shipped_surveys_are_a_knowledge_quiz_and_an_attitude_scale():
    surveys = all_surveys()
    assert {"overdose-knowledge", "stigma-attitudes"} <= set(surveys)
    quiz = surveys["overdose-knowledge"]
    assert all(item.get("correct") for item in quiz.items)
    scale = surveys["stigma-attitudes"]
    assert any(item.get("reverse") for item in scale.items)
    assert all(item["text"].get("es") for survey in surveys.values() for item in survey.items)


def test_knowledge_scores_percent_correct():
    quiz = load_survey("overdose-knowledge")
    assert score(quiz, knowledge_answers(6)) == {"knowledge": 75.0}


def test_reverse_scored_items_are_turned_around():
    scale = load_survey("stigma-attitudes")
    # Strongly agreeing with everything: supportive items score 5, stigmatizing (reverse) items score 1.
    everything_five = {item["id"]: 5 for item in scale.items}
    assert score(scale, everything_five) == {"attitudes": 3.0}
    assert score(scale, attitude_answers(4)) == {"attitudes": 4.0}


def test_missing_or_invalid_answer_names_the_item():
    quiz = load_survey("overdose-knowledge")
    answers = knowledge_answers(8)
    answers["k3"] = "z"
    with pytest.raises(SurveyAnswerError) as problem:
        score(quiz, answers)
    assert problem.value.item == "k3"


def test_anonymous_attendee_answers_before_and_after_and_is_paired(world, event):
    client = world.client()
    url = reverse("education:survey", args=[event.pk])
    assert client.get(url).status_code == 200
    assert "Before the event" in client.get(url + "?phase=pre").content.decode()

    before = client.post(url + "?phase=pre", {"phase": "pre", **_sheet(3, 2)})
    assert before.status_code == 200
    token = SurveyResponse.objects.get(phase="pre", survey="overdose-knowledge").pairing_token
    assert token in before.content.decode()  # shown as a short code
    assert client.cookies[f"mp_pair_{event.pk.hex}"].value == token  # and kept in the browser

    after_page = client.get(url + "?phase=post").content.decode()
    assert f'value="{token}"' in after_page  # the browser fills the code in
    after = client.post(url + "?phase=post", {"phase": "post", "pairing_token": token, **_sheet(7, 4)})
    assert after.status_code == 200
    responses = SurveyResponse.objects.filter(event=event)
    assert responses.count() == 4
    assert set(responses.values_list("pairing_token", flat=True)) == {token}
    # The audit log notes the answers but ties no address to a visitor who is not signed in.
    from meetpoint.accounts.models import AuditEvent

    logged = AuditEvent.objects.filter(object_type="education.surveyresponse")
    assert logged.exists() and not logged.exclude(ip_address=None).exists()


def test_post_survey_without_a_pre_survey_is_refused(world, event):
    client = world.client()
    url = reverse("education:survey", args=[event.pk]) + "?phase=post"
    response = client.post(url, {"phase": "post", "pairing_token": "ABCD2345", **_sheet(8, 5)})
    assert response.status_code == 400
    assert "No survey from before the event has the code ABCD2345" in response.content.decode()
    assert not SurveyResponse.objects.exists()

    no_code = client.post(url, {"phase": "post", **_sheet(8, 5)})
    assert no_code.status_code == 400
    assert "Enter the code you were given" in no_code.content.decode()


def test_answering_after_twice_is_refused_and_keeps_the_first(world, event):
    token = actions.submit_answer_sheet(
        event,
        phase="pre",
        answers={"overdose-knowledge": knowledge_answers(2), "stigma-attitudes": attitude_answers(2)},
    )
    sheet = {"overdose-knowledge": knowledge_answers(6), "stigma-attitudes": attitude_answers(4)}
    actions.submit_answer_sheet(event, phase="post", answers=sheet, pairing_token=token)
    with pytest.raises(actions.InvalidInput) as problem:
        actions.submit_answer_sheet(event, phase="post", answers=sheet, pairing_token=token.lower())
    assert problem.value.status == 409
    assert SurveyResponse.objects.filter(phase="post").count() == 2


def test_an_unanswered_question_keeps_nothing_and_says_which(world, event):
    client = world.client()
    sheet = _sheet(8, 5)
    del sheet["stigma-attitudes:a4"]
    response = client.post(
        reverse("education:survey", args=[event.pk]) + "?phase=pre", {"phase": "pre", **sheet}
    )
    assert response.status_code == 400
    assert "Please answer this question." in response.content.decode()
    assert not SurveyResponse.objects.exists()  # not even the knowledge quiz, which was complete


def test_closed_surveys_and_events_without_surveys(world, event, public_event):
    assert world.client().get(reverse("education:survey", args=[public_event.pk])).status_code == 404
    assert world.client().get(reverse("education:survey", args=["not-an-id"])).status_code == 404
    actions.update_event(world.home.staff, event, surveys_open=False)
    response = world.client().post(
        reverse("education:survey", args=[event.pk]) + "?phase=pre", {"phase": "pre", **_sheet(8, 5)}
    )
    assert response.status_code == 409
    assert "closed" in response.content.decode()


def test_survey_api_pairs_before_and_after_without_sign_in(world, event):
    client = world.client()
    url = f"/api/v1/education/events/{event.pk}/survey"
    sheet = {"overdose-knowledge": knowledge_answers(3), "stigma-attitudes": attitude_answers(2)}
    orphan = client.post(
        url, {"phase": "post", "answers": sheet, "pairing_token": "ZZZZ2222"}, content_type="application/json"
    )
    assert orphan.status_code == 400 and "No survey from before the event" in orphan.json()["detail"]
    before = client.post(url, {"phase": "pre", "answers": sheet}, content_type="application/json")
    assert before.status_code == 201
    token = before.json()["pairing_token"]
    after = client.post(
        url, {"phase": "post", "answers": sheet, "pairing_token": token}, content_type="application/json"
    )
    assert after.status_code == 201
    assert SurveyResponse.objects.filter(pairing_token=token).count() == 4
    bad = client.post(url, {"phase": "during", "answers": sheet}, content_type="application/json")
    assert bad.status_code == 400


def test_survey_and_calendar_in_spanish(world, event, public_event):
    client = world.client()
    page = client.get(
        reverse("education:survey", args=[event.pk]) + "?phase=pre", headers={"accept-language": "es"}
    ).content.decode()
    assert "Antes del evento" in page and "¿Qué hace la naloxona?" in page
    calendar = client.get(reverse("education:calendar"), headers={"accept-language": "es"}).content.decode()
    assert "Calendario de eventos de los socios" in calendar
