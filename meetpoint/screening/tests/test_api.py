"""The screening API: public scoring and instrument descriptions; members record and read their organization's
screenings (outsider 404, anonymous 401, analyst/viewer 403 for participant-level records)."""

import pytest

from meetpoint.screening.models import Screening

SCORE = "/api/v1/screening/score"
SCREENINGS = "/api/v1/screening/screenings"


@pytest.mark.django_db
def test_scoring_is_public_and_stores_nothing(client):
    response = client.post(
        SCORE, {"instrument": "audit-c", "answers": [2, 1, 1], "sex": "male"}, content_type="application/json"
    )
    assert response.status_code == 200
    body = response.json()
    assert (body["total"], body["positive"], body["risk_level"]) == (4, True, "positive")
    assert Screening.objects.count() == 0


@pytest.mark.django_db
def test_score_returns_domains_for_ahc(client):
    answers = [1, [7], 0, 2, 1, 1, 0, 0, 0, 0]
    body = client.post(
        SCORE, {"instrument": "ahc-hrsn", "answers": answers}, content_type="application/json"
    ).json()
    assert body["domains"]["housing"]["positive"] is True and body["domains"]["food"]["positive"] is True
    assert body["domains"]["safety"]["positive"] is False


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"instrument": "phq-2", "answers": {"q1": 0}}, "q2"),
        ({"instrument": "phq-2", "answers": {"q1": 0, "q2": 0, "q3": 0}}, "q3"),
        ({"instrument": "phq-2", "answers": [0, 9]}, "q2"),
        ({"instrument": "audit-c", "answers": [0, 0, 0]}, "sex"),
        ({"instrument": "cage", "answers": []}, "instrument"),
        ({"instrument": "phq-2"}, "answers"),
        ({"instrument": "phq-2", "answers": [0, 0], "age": "old"}, "age"),
    ],
)
def test_bad_answers_are_400_naming_the_item(client, payload, field):
    response = client.post(SCORE, payload, content_type="application/json")
    assert response.status_code == 400
    fields = [error["field"] for error in response.json()["errors"]]
    # Pydantic errors name the body field as "payload.<field>"; the scoring engine names the item itself.
    assert any(name == field or name.endswith(f".{field}") for name in fields), fields


@pytest.mark.django_db
def test_instruments_are_described(client):
    listed = client.get("/api/v1/screening/instruments").json()
    assert {row["name"] for row in listed} >= {"taps", "ahc-hrsn", "dast-10"}
    dast = next(row for row in listed if row["name"] == "dast-10")
    assert dast["text_included"] is False
    detail = client.get("/api/v1/screening/instruments/phq-9").json()
    assert detail["loinc"]["panel"] == "44249-1"
    assert detail["items"][8]["options"][3] == {"text": "Nearly every day", "points": 3, "exclusive": False}
    assert detail["items"][8]["loinc"] == "44260-8"
    assert client.get("/api/v1/screening/instruments/cage").status_code == 404


def _record(client, headers, **extra):
    payload = {
        "instrument": "phq-9",
        "answers": [0, 0, 0, 0, 0, 0, 0, 0, 1],
        "participant_code": "ma 07-85",
        **extra,
    }
    return client.post(SCREENINGS, payload, content_type="application/json", headers=headers)


def test_staff_record_a_screening_attached_to_an_anonymous_participant(world):
    client = world.client()
    response = _record(client, world.token(world.home.staff))
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["result"]["flags"][0]["code"] == "self-harm"
    screening = Screening.objects.get(pk=body["id"])
    assert screening.organization == world.home.organization
    assert "MA0785" not in screening.participant.code_hash and "ma 07-85" not in str(screening.answers)
    # The same code (written differently) finds the same participant.
    again = _record(client, world.token(world.home.admin), participant_code="MA0785").json()
    assert again["participant_id"] == body["participant_id"]


def test_the_same_code_at_another_organization_is_another_participant(world):
    first = _record(world.client(), world.token(world.home.staff)).json()
    other = _record(world.client(), world.token(world.outsider.staff)).json()
    assert first["participant_id"] != other["participant_id"]


def test_recording_rejects_bad_input_and_writes_nothing(world):
    headers = world.token(world.home.staff)
    response = _record(world.client(), headers, answers=[0, 0], participant_code="")
    assert response.status_code == 400
    fields = {error["field"] for error in response.json()["errors"]}
    assert fields == {"answers", "participant_code"}
    assert _record(world.client(), headers, location_id=str(world.home.organization.pk)).status_code == 400
    assert Screening.objects.count() == 0


def test_recording_needs_a_member_who_may_edit(world):
    assert _record(world.client(), {}).status_code == 401
    assert _record(world.client(), world.token(world.home.analyst)).status_code == 403
    assert _record(world.client(), world.token(world.home.viewer)).status_code == 403
    assert Screening.objects.count() == 0


def test_reading_screenings_respects_organization_and_role(world, record):
    screening = record()
    url = f"{SCREENINGS}/{screening.pk}"
    client = world.client()
    assert client.get(url, headers=world.token(world.home.staff)).status_code == 200
    assert client.get(url, headers=world.token(world.outsider.admin)).status_code == 404
    assert client.get(url, headers=world.token(world.home.analyst)).status_code == 403
    assert client.get(url).status_code == 401
    listed = client.get(SCREENINGS, headers=world.token(world.home.admin)).json()
    assert [row["id"] for row in listed["contents"]] == [str(screening.pk)]
    assert client.get(SCREENINGS, headers=world.token(world.outsider.admin)).json()["total_items"] == 0
    assert client.get(SCREENINGS, headers=world.token(world.home.viewer)).status_code == 403


def test_analysts_see_counts_by_instrument_and_risk_level(world, record):
    record()
    record(code="ZZ0101")
    record(instrument="phq-2", answers=[3, 3])
    counts = world.client().get(f"{SCREENINGS}/counts", headers=world.token(world.home.analyst)).json()
    assert {(row["instrument"], row["risk_level"], row["count"]) for row in counts} == {
        ("phq-9", "minimal", 2),
        ("phq-2", "positive", 1),
    }
    assert (
        world.client().get(f"{SCREENINGS}/counts", headers=world.token(world.outsider.analyst)).json() == []
    )


def test_fhir_export_is_a_questionnaire_response_with_loinc_codes(world, record):
    screening = record()
    url = f"{SCREENINGS}/{screening.pk}/fhir"
    assert world.client().get(url, headers=world.token(world.outsider.staff)).status_code == 404
    assert world.client().get(url, headers=world.token(world.home.viewer)).status_code == 403
    resource = world.client().get(url, headers=world.token(world.home.staff)).json()
    assert resource["resourceType"] == "QuestionnaireResponse"
    assert resource["status"] == "completed"
    assert resource["questionnaire"] == "#instrument"
    questionnaire = resource["contained"][0]
    assert questionnaire["resourceType"] == "Questionnaire"
    assert questionnaire["code"] == [{"system": "http://loinc.org", "code": "44249-1"}]
    item_9 = next(item for item in questionnaire["item"] if item["linkId"] == "q9")
    assert item_9["code"] == [{"system": "http://loinc.org", "code": "44260-8"}]
    answers = {item["linkId"]: item["answer"] for item in resource["item"]}
    assert answers["q9"][0]["valueCoding"]["display"] == "Several days"
    assert answers["total-score"] == [{"valueInteger": 1}]
    total = next(item for item in questionnaire["item"] if item["linkId"] == "total-score")
    assert total["code"][0]["code"] == "44261-6"
    assert "MA0785" not in str(resource)
    assert resource["author"]["reference"] == f"Organization/{world.home.organization.pk}"


def test_fhir_export_of_yes_no_count_and_select_all_items(world, record):
    crafft = record(
        instrument="crafft-2.1",
        answers={
            "a1": 0,
            "a2": 2,
            "a3": 0,
            "car": False,
            "relax": True,
            "alone": False,
            "forget": False,
            "friends": False,
            "trouble": False,
        },
    )
    resource = (
        world.client().get(f"{SCREENINGS}/{crafft.pk}/fhir", headers=world.token(world.home.staff)).json()
    )
    answers = {item["linkId"]: item["answer"] for item in resource["item"]}
    assert answers["a2"] == [{"valueInteger": 2}] and answers["relax"] == [{"valueBoolean": True}]
    ahc = record(instrument="ahc-hrsn", answers=[0, [0, 1], 2, 2, 1, 1, 0, 0, 0, 0])
    resource = world.client().get(f"{SCREENINGS}/{ahc.pk}/fhir", headers=world.token(world.home.staff)).json()
    problems = next(item for item in resource["item"] if item["linkId"] == "housing_problems")
    assert [answer["valueCoding"]["code"] for answer in problems["answer"]] == ["0", "1"]


def test_recording_and_exporting_are_audited(world, record):
    from meetpoint.accounts.models import AuditEvent

    screening = record()
    world.client().get(f"{SCREENINGS}/{screening.pk}/fhir", headers=world.token(world.home.staff))
    actions = list(
        AuditEvent.objects.filter(object_id=str(screening.pk)).values_list("action", "organization_id")
    )
    assert actions == [
        ("screening.record", world.home.organization.pk),
        ("screening.export", world.home.organization.pk),
    ]
