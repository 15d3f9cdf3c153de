import pytest

from meetpoint.participants.codes import blind_index
from meetpoint.participants.recipe import (
    DEFAULT_RECIPE,
    RecipeError,
    build_code,
    one_character_variants,
    validate_recipe,
)

ANSWERS = {
    "mother_first_name": "María",
    "birth_month": "3",
    "birth_day": "7",
    "birth_city": "pittsburgh",
    "birth_year": "1985",
}


def test_default_recipe_makes_the_documented_code():
    assert DEFAULT_RECIPE == ("mother_first_name", "birth_month", "birth_day", "birth_city", "birth_year")
    assert build_code(ANSWERS) == "MA0307P85"


def test_same_answers_written_differently_give_the_same_code():
    other = {**ANSWERS, "mother_first_name": " maria ", "birth_month": "03", "birth_year": "85"}
    assert build_code(other) == build_code(ANSWERS)


def test_an_organization_may_choose_other_parts_in_another_order():
    recipe = ("birth_year", "first_name_initial", "mother_first_name", "birth_day")
    answers = {**ANSWERS, "first_name_initial": "Jo"}
    assert build_code(answers, recipe) == "85JMA07"


def test_a_short_name_is_padded_with_the_unknown_letter():
    assert build_code({**ANSWERS, "mother_first_name": "O"}).startswith("OX")


@pytest.mark.parametrize(
    ("answers", "message"),
    [
        ({**ANSWERS, "birth_month": "13"}, "Birth month"),
        ({**ANSWERS, "birth_day": "0"}, "Birth day"),
        ({**ANSWERS, "birth_year": "eighty"}, "Birth year"),
        ({k: v for k, v in ANSWERS.items() if k != "birth_city"}, "City of birth"),
    ],
)
def test_bad_or_missing_answers_are_named(answers, message):
    with pytest.raises(RecipeError, match=message):
        build_code(answers)


def test_recipes_with_unknown_repeated_or_too_few_parts_are_refused():
    with pytest.raises(RecipeError, match="Unknown"):
        validate_recipe(["shoe_size"])
    with pytest.raises(RecipeError, match="twice"):
        validate_recipe(["birth_day", "birth_day"])
    with pytest.raises(RecipeError, match="at least 4"):
        validate_recipe(["birth_city"])


def test_one_character_variants_cover_typos_and_swaps_but_not_the_code():
    variants = one_character_variants("MA0307P85")
    assert "MA0307P85" not in variants
    assert "MA0307B85" in variants  # one letter wrong
    assert "MA0308P85" in variants  # one digit wrong
    assert "MA0370P85" in variants  # two neighbours swapped
    assert "MA0307P8" not in variants
    assert len(variants) == 9 * 35 + 8


def test_blind_index_depends_on_key_and_organization():
    one = blind_index("MA0307P85", organization_id="a", key="k1")
    assert one == blind_index("ma 03-07 p85", organization_id="a", key="k1")
    assert one != blind_index("MA0307P85", organization_id="b", key="k1")
    assert one != blind_index("MA0307P85", organization_id="a", key="k2")
    assert "MA0307P85" not in one
