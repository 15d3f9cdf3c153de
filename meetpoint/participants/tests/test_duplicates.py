import pytest

from meetpoint.participants import actions
from meetpoint.participants.demographics import DemographicsError, clean_demographics
from meetpoint.participants.models import Participant, PossibleDuplicate


def test_same_code_finds_the_same_participant(world):
    org = world.home.organization
    first, created = actions.find_or_create_participant(org, "MA0307P85")
    again, created_again = actions.find_or_create_participant(org, "ma0307p85")
    assert created and not created_again
    assert first.pk == again.pk
    assert Participant.objects.get(pk=first.pk).code_hash != "MA0307P85"


def test_codes_never_match_across_organizations(world):
    home, _ = actions.find_or_create_participant(world.home.organization, "MA0307P85")
    other, created = actions.find_or_create_participant(world.outsider.organization, "MA0307P85")
    assert created and home.pk != other.pk and home.code_hash != other.code_hash


def test_a_code_one_character_off_is_flagged_and_can_be_merged(world):
    org = world.home.organization
    older, _ = actions.find_or_create_participant(org, "MA0307P85")
    newer, _ = actions.find_or_create_participant(org, "MA0307B85")
    unrelated, _ = actions.find_or_create_participant(org, "ZZ1111Q11")
    flags = PossibleDuplicate.objects.filter(organization=org)
    assert [(flag.participant_id, flag.similar_to_id) for flag in flags] == [(newer.pk, older.pk)]
    survivor = actions.merge_participants(world.home.staff, flags.get())
    assert survivor.pk == older.pk
    # The mistyped code still finds the surviving participant.
    found, created = actions.find_or_create_participant(org, "MA0307B85")
    assert found.pk == older.pk and not created
    assert unrelated.pk != older.pk
    assert flags.get().status == PossibleDuplicate.Status.MERGED


def test_only_staff_of_the_organization_may_merge(world):
    org = world.home.organization
    actions.find_or_create_participant(org, "MA0307P85")
    actions.find_or_create_participant(org, "MA0307P86")
    flag = PossibleDuplicate.objects.get()
    with pytest.raises(PermissionError):
        actions.merge_participants(world.home.analyst, flag)
    with pytest.raises(LookupError):
        actions.merge_participants(world.outsider.staff, flag)


def test_demographics_are_ranges_and_federal_categories_only():
    cleaned = clean_demographics(
        {"age_band": "25-34", "race": ["white", "hispanic-latino"], "zip3": "152", "gender_identity": "woman"}
    )
    assert cleaned["race"] == ["hispanic-latino", "white"] and cleaned["ethnicity"] == "hispanic-latino"
    with pytest.raises(DemographicsError, match="age_band"):
        clean_demographics({"age_band": "31"})
    with pytest.raises(DemographicsError, match="zip3"):
        clean_demographics({"zip3": "15213"})
    with pytest.raises(DemographicsError, match="race"):
        clean_demographics({"race": ["martian"]})


def test_the_recipe_is_set_by_admins_only(world):
    with pytest.raises(PermissionError):
        actions.set_recipe(world.home.staff, ["birth_year", "birth_day", "mother_first_name"])
    actions.set_recipe(world.home.admin, ["birth_year", "birth_day", "mother_first_name"])
    assert actions.recipe_of(world.home.organization) == ("birth_year", "birth_day", "mother_first_name")
    assert actions.recipe_of(world.outsider.organization)[0] == "mother_first_name"
