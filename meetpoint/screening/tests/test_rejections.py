"""Answers that cannot be scored are rejected with a message naming the item; nothing is guessed."""

import pytest

from meetpoint.screening.catalog import UnknownInstrument
from meetpoint.screening.scoring import AnswerError, score


def rejected(name, payload) -> AnswerError:
    with pytest.raises(AnswerError) as caught:
        score(name, payload)
    return caught.value


def test_missing_item_is_named():
    error = rejected("phq-2", {"answers": {"q1": 0}})
    assert error.field == "q2" and "'q2' is missing" in error.message


def test_unknown_item_is_named():
    error = rejected("phq-2", {"answers": {"q1": 0, "q2": 0, "q10": 1}})
    assert error.field == "q10" and "Unknown item 'q10'" in error.message


@pytest.mark.parametrize("value", [4, -1, "1", 1.5, True])
def test_out_of_range_choice_is_named(value):
    error = rejected("phq-2", {"answers": {"q1": 0, "q2": value}})
    assert error.field == "q2"


def test_yes_no_needs_a_boolean():
    error = rejected("dast-10", {"answers": [0] * 10})
    assert error.field == "q1" and "true (yes) or false (no)" in error.message


def test_list_of_wrong_length_names_the_items():
    error = rejected("phq-2", {"answers": [0]})
    assert error.field == "answers" and "q1, q2" in error.message


def test_sex_is_required_where_cut_offs_differ_and_must_be_female_or_male():
    assert rejected("audit-c", {"answers": [0, 0, 0]}).field == "sex"
    assert rejected("audit-c", {"answers": [0, 0, 0], "sex": "f"}).field == "sex"


def test_age_must_be_whole_years_and_outside_the_age_group_is_flagged():
    assert rejected("phq-2", {"answers": [0, 0], "age": -3}).field == "age"
    result = score("crafft-2.1", {"answers": {"a1": 0, "a2": 0, "a3": 0, "car": False}, "age": 30})
    assert [flag["code"] for flag in result["flags"]] == ["outside-age-group"]


def test_unknown_payload_field_and_missing_answers():
    assert rejected("phq-2", {"answers": [0, 0], "gender": "x"}).field == "gender"
    assert rejected("phq-2", {}).field == "answers"
    assert rejected("phq-2", {"answers": "0,0"}).field == "answers"


def test_unknown_instrument():
    with pytest.raises(UnknownInstrument, match="Known instruments: ahc-hrsn"):
        score("cage", {"answers": []})
