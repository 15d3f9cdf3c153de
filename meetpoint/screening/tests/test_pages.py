"""Screening pages: the form built from the instrument file, the result page, the list (counts for analysts),
the FHIR download; outsider 404, anonymous redirect to sign-in, analyst/viewer 403."""

import json

import pytest
from django.urls import reverse

from meetpoint.screening.models import Screening


@pytest.mark.django_db
def test_instrument_catalog_is_public(client):
    page = client.get(reverse("screening:instruments")).content.decode()
    assert "AUDIT-C" in page and "TAPS" in page
    detail = client.get(reverse("screening:instrument", args=["audit"])).content.decode()
    assert "Zone IV (20–40)" in detail and "World Health Organization" in detail
    dast = client.get(reverse("screening:instrument", args=["dast-10"])).content.decode()
    assert "reverse-scored" in dast and "Not confirmed against the publisher" in dast
    assert client.get(reverse("screening:instrument", args=["cage"])).status_code == 404


def test_instrument_page_offers_screening_to_staff_only(world):
    url = reverse("screening:instrument", args=["phq-9"])
    assert "Screen a person with this instrument" in world.client(world.home.staff).get(url).content.decode()
    assert "Screen a person" not in world.client(world.home.analyst).get(url).content.decode()
    assert "Screen a person" not in world.client().get(url).content.decode()


def test_form_renders_every_question_with_its_options(world):
    page = world.client(world.home.staff).get(reverse("screening:new", args=["ahc-hrsn"])).content.decode()
    assert page.count('<fieldset class="question') == 11  # the participant block and ten questions
    assert "What is your living situation today?" in page
    assert 'type="checkbox"' in page and "None of the above" in page
    assert "screening/form.js" in page and "<script>" not in page


def test_skippable_questions_offer_not_asked_and_show_their_rule(world):
    page = world.client(world.home.staff).get(reverse("screening:new", args=["crafft-2.1"])).content.decode()
    assert "Not asked (skipped)" in page
    assert "otherwise only the Car question is asked" in page


def test_staff_screen_a_person_and_see_the_result(world):
    client = world.client(world.home.staff)
    answers = {f"item-q{n}": "0" for n in range(1, 9)}
    answers["item-q9"] = "2"
    response = client.post(
        reverse("screening:new", args=["phq-9"]), {"participant_code": "MA0785", **answers}
    )
    screening = Screening.objects.get()
    assert response.status_code == 302 and response.url == reverse("screening:detail", args=[screening.pk])
    assert (screening.total, screening.risk_level, screening.screened_by) == (
        2,
        "minimal",
        world.home.staff.user,
    )
    page = client.get(response.url).content.decode()
    assert "Urgent" in page and "988" in page
    assert "Download as FHIR QuestionnaireResponse" in page


def test_a_form_with_a_missing_answer_keeps_the_answers_and_names_the_question(world):
    client = world.client(world.home.staff)
    response = client.post(
        reverse("screening:new", args=["phq-2"]), {"participant_code": "MA0785", "item-q1": "2"}
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "Item &#x27;q2&#x27; is missing" in page
    assert 'value="2" data-points="2" checked' in page
    assert Screening.objects.count() == 0


def test_the_form_needs_sex_where_cut_offs_differ_and_a_code(world):
    client = world.client(world.home.staff)
    response = client.post(
        reverse("screening:new", args=["audit-c"]), {"item-q1": "1", "item-q2": "1", "item-q3": "1"}
    )
    page = response.content.decode()
    assert response.status_code == 400
    assert "needs &#x27;sex&#x27;" in page and "never a name" in page


def test_answering_a_question_the_skip_rule_skips_is_explained(world):
    client = world.client(world.home.staff)
    data = {
        "participant_code": "AB1",
        "item-a1": "0",
        "item-a2": "0",
        "item-a3": "0",
        "item-car": "no",
        "item-relax": "yes",
    }
    response = client.post(reverse("screening:new", args=["crafft-2.1"]), data)
    assert response.status_code == 400 and "is not asked here" in response.content.decode()
    data["item-relax"] = "skip"
    assert client.post(reverse("screening:new", args=["crafft-2.1"]), data).status_code == 302


def test_new_screening_is_for_admin_and_staff_only(world):
    url = reverse("screening:new", args=["phq-2"])
    assert world.client().get(url).status_code == 302  # anonymous: to sign-in
    assert world.client(world.home.analyst).get(url).status_code == 403
    assert (
        world.client(world.home.viewer)
        .post(url, {"participant_code": "A", "item-q1": "0", "item-q2": "0"})
        .status_code
        == 403
    )
    assert world.client(world.home.admin).get(url).status_code == 200
    assert world.client(world.home.staff).get(reverse("screening:new", args=["cage"])).status_code == 404


def test_result_page_access(world, record):
    screening = record()
    url = reverse("screening:detail", args=[screening.pk])
    assert world.client().get(url).status_code == 302
    assert world.client(world.outsider.admin).get(url).status_code == 404
    assert world.client(world.home.analyst).get(url).status_code == 403
    assert world.client(world.home.admin).get(url).status_code == 200


def test_list_shows_own_screenings_and_counts_only_to_analysts(world, record):
    mine = record()
    theirs = record(membership=world.outsider.staff)
    page = world.client(world.home.staff).get(reverse("screening:index")).content.decode()
    assert str(mine.pk) in page and str(theirs.pk) not in page
    analyst = world.client(world.home.analyst).get(reverse("screening:index")).content.decode()
    assert "phq-9" in analyst and str(mine.pk) not in analyst
    assert "<td>1</td>" in analyst
    assert world.client().get(reverse("screening:index")).status_code == 302


def test_fhir_download(world, record):
    screening = record()
    url = reverse("screening:fhir", args=[screening.pk])
    response = world.client(world.home.staff).get(url)
    assert response["Content-Disposition"].startswith("attachment;")
    assert json.loads(response.content)["resourceType"] == "QuestionnaireResponse"
    assert world.client(world.outsider.staff).get(url).status_code == 404
    assert world.client(world.home.viewer).get(url).status_code == 403
    assert world.client().get(url).status_code == 302
