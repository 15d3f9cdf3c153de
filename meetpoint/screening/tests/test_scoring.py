"""Every instrument scored at and around every cut-off. The expected values are worked out by hand from the
publishers' rules (see docs/screening.md), never taken from the engine."""

import pytest

from meetpoint.screening.scoring import score


def level(name, answers, **extra):
    result = score(name, {"answers": answers, **extra})
    return result["total"], result["risk_level"], result["positive"]


# --- AUDIT-C: Q1-Q3 score 0-4 by position; men positive at 4+, women at 3+ ---------------------------------
@pytest.mark.parametrize(
    ("answers", "sex", "expected"),
    [
        ([0, 0, 0], "male", (0, "negative", False)),
        ([1, 1, 1], "male", (3, "negative", False)),
        ([2, 1, 1], "male", (4, "positive", True)),
        ([4, 4, 4], "male", (12, "positive", True)),
        ([0, 0, 0], "female", (0, "negative", False)),
        ([1, 1, 0], "female", (2, "negative", False)),
        ([1, 1, 1], "female", (3, "positive", True)),
        ([4, 4, 4], "female", (12, "positive", True)),
    ],
)
def test_audit_c_cut_offs_differ_by_sex(answers, sex, expected):
    assert level("audit-c", answers, sex=sex) == expected


def test_audit_c_same_answers_positive_for_a_woman_negative_for_a_man():
    assert score("audit-c", {"answers": [1, 1, 1], "sex": "female"})["positive"] is True
    assert score("audit-c", {"answers": [1, 1, 1], "sex": "male"})["positive"] is False


def test_audit_c_points_only_from_question_1_are_flagged_for_review():
    result = score("audit-c", {"answers": [4, 0, 0], "sex": "male"})
    assert (result["total"], result["positive"]) == (4, True)
    assert [flag["code"] for flag in result["flags"]] == ["points-only-from-q1"]
    assert score("audit-c", {"answers": [4, 1, 0], "sex": "male"})["flags"] == []


# --- AUDIT: Q1-Q8 0-4; Q9-Q10 0/2/4; zones I 0-7, II 8-15, III 16-19, IV 20-40 -------------------------------
@pytest.mark.parametrize(
    ("answers", "expected"),
    [
        ([0, None, None, None, None, None, None, None, 0, 0], (0, "zone-i", False)),
        ([4, 3, 0, 0, 0, 0, 0, 0, 0, 0], (7, "zone-i", False)),
        ([4, 4, 0, 0, 0, 0, 0, 0, 0, 0], (8, "zone-ii", True)),
        ([4, 4, 4, 3, 0, 0, 0, 0, 0, 0], (15, "zone-ii", True)),
        ([4, 4, 4, 4, 0, 0, 0, 0, 0, 0], (16, "zone-iii", True)),
        ([4, 4, 4, 4, 3, 0, 0, 0, 0, 0], (19, "zone-iii", True)),
        ([4, 4, 4, 4, 4, 0, 0, 0, 0, 0], (20, "zone-iv", True)),
        ([4, 4, 4, 4, 4, 4, 4, 4, 2, 2], (40, "zone-iv", True)),
    ],
)
def test_audit_zones(answers, expected):
    assert level("audit", answers) == expected


def test_audit_questions_9_and_10_score_0_2_4():
    # "Yes, but not in the last year" is 2 points, "Yes, during the last year" 4.
    assert level("audit", {"q1": 0, "q9": 1, "q10": 1}) == (4, "zone-i", False)
    assert level("audit", {"q1": 0, "q9": 2, "q10": 2}) == (8, "zone-ii", True)


def test_audit_skip_rules_let_questions_be_left_out():
    # Q1 Never: skip to Q9-10. Q2+Q3 = 0: Q4-8 skipped.
    result = score("audit", {"answers": {"q1": 0, "q9": 0, "q10": 0}})
    assert result["skipped"] == ["q2", "q3", "q4", "q5", "q6", "q7", "q8"]
    assert level("audit", {"q1": 1, "q2": 0, "q3": 0, "q9": 0, "q10": 0}) == (1, "zone-i", False)


def test_audit_self_report_answers_to_skippable_questions_are_scored_as_given():
    assert level("audit", [0, 0, 0, 0, 0, 0, 0, 0, 0, 0]) == (0, "zone-i", False)


def test_audit_question_4_is_required_once_questions_2_and_3_score():
    with pytest.raises(ValueError, match="'q4' is missing"):
        score("audit", {"answers": {"q1": 1, "q2": 1, "q3": 0, "q9": 0, "q10": 0}})


# --- DAST-10: yes = 1, except item 3 where no = 1; 0 none, 1-2 low, 3-5 moderate, 6-8 substantial, 9-10 severe
def dast(yes: set[int], q3_yes: bool = True) -> dict:
    answers = {f"q{n}": n in yes for n in range(1, 11)}
    answers["q3"] = q3_yes
    return answers


@pytest.mark.parametrize(
    ("answers", "expected"),
    [
        (dast(set()), (0, "none", False)),
        (dast(set(), q3_yes=False), (1, "low", False)),
        (dast({1, 2}), (2, "low", False)),
        (dast({1, 2, 4}), (3, "moderate", True)),
        (dast({1, 2, 4, 5, 6}), (5, "moderate", True)),
        (dast({1, 2, 4, 5, 6, 7}), (6, "substantial", True)),
        (dast({1, 2, 4, 5, 6, 7, 8, 9}), (8, "substantial", True)),
        (dast({1, 2, 4, 5, 6, 7, 8, 9, 10}), (9, "severe", True)),
        (dast({1, 2, 4, 5, 6, 7, 8, 9, 10}, q3_yes=False), (10, "severe", True)),
    ],
)
def test_dast_10_levels(answers, expected):
    assert level("dast-10", answers) == expected


def test_dast_10_item_3_is_reverse_scored():
    assert score("dast-10", {"answers": dast({3})})["total"] == 0  # "yes, always able to stop" scores 0
    assert score("dast-10", {"answers": dast(set(), q3_yes=False)})["total"] == 1


# --- TAPS ---------------------------------------------------------------------------------------------------
PART1_NEVER = {"p1_tobacco": 0, "p1_alcohol": 0, "p1_drugs": 0, "p1_rx": 0}
DRUGS_NO = {"p2_marijuana": False, "p2_stimulants": False, "p2_heroin": False, "p2_other": False}


def taps(**answers):
    return score("taps", {"answers": {**PART1_NEVER, **answers}, "sex": "male"})


def test_taps_never_on_part_1_is_a_negative_screen_without_part_2():
    result = taps()
    assert (result["risk_level"], result["positive"], result["total"]) == ("negative", False, None)
    assert "p2_heroin" in result["skipped"]


def test_taps_part_1_use_opens_part_2_for_that_class_only():
    result = taps(p1_drugs=3, **DRUGS_NO)
    assert result["risk_level"] == "no-use-past-3-months"
    assert result["positive"] is False
    assert {"p2_rx_opioids", "p2_tobacco", "p2_alcohol"} <= set(result["skipped"])


@pytest.mark.parametrize(
    ("heroin", "expected"),
    [
        ({"p2_heroin": False}, (0, "no-use-past-3-months", False)),
        ({"p2_heroin": True, "p2_heroin_a": False, "p2_heroin_b": False}, (1, "problem-use", True)),
        ({"p2_heroin": True, "p2_heroin_a": True, "p2_heroin_b": False}, (2, "higher-risk", True)),
        ({"p2_heroin": True, "p2_heroin_a": True, "p2_heroin_b": True}, (3, "higher-risk", True)),
    ],
)
def test_taps_substance_scores_0_no_use_1_problem_2_higher_risk(heroin, expected):
    result = taps(p1_drugs=1, **{**DRUGS_NO, **heroin})
    domain = result["domains"]["heroin"]
    assert (domain["score"], domain["risk_level"], domain["positive"]) == expected
    assert result["risk_level"] == expected[1]


def test_taps_opioid_risk_calls_for_naloxone_test_strips_syringes_and_moud():
    result = taps(p1_drugs=4, **{**DRUGS_NO, "p2_heroin": True, "p2_heroin_a": True, "p2_heroin_b": False})
    assert {"naloxone", "fentanyl-test-strips", "syringe-services", "moud"} <= set(result["taxonomy_codes"])


def test_taps_alcohol_four_items_and_worst_substance_decides():
    result = taps(
        p1_alcohol=2,
        p1_tobacco=4,
        p2_alcohol=True,
        p2_alcohol_a=True,
        p2_alcohol_b=True,
        p2_alcohol_c=True,
        p2_tobacco=True,
        p2_tobacco_a=False,
        p2_tobacco_b=False,
    )
    assert result["domains"]["alcohol"]["score"] == 4
    assert result["domains"]["tobacco"]["risk_level"] == "problem-use"
    assert result["risk_level"] == "higher-risk"
    assert "treatment" in result["taxonomy_codes"]


def test_taps_rejects_part_2_answers_that_part_1_skips():
    with pytest.raises(ValueError, match="'p2_tobacco' is not asked"):
        taps(p2_tobacco=False)
    with pytest.raises(ValueError, match="'p2_heroin_a' is not asked"):
        taps(p1_drugs=1, **{**DRUGS_NO, "p2_heroin_a": True})


def test_taps_requires_the_part_2_questions_part_1_opens():
    with pytest.raises(ValueError, match="'p2_marijuana' is missing"):
        taps(p1_drugs=1)


def test_taps_accepts_a_list_in_publisher_order_with_nulls_for_skipped_items():
    answers = [0, 0, 0, 0] + [None] * 26
    assert score("taps", {"answers": answers, "sex": "female"})["risk_level"] == "negative"


# --- single questions ---------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("times", "expected"), [(0, ("negative", False)), (1, ("positive", True)), (52, ("positive", True))]
)
def test_nida_single_question_positive_at_one_time(times, expected):
    result = score("nida-single-question", {"answers": [times]})
    assert (result["risk_level"], result["positive"], result["total"]) == (*expected, None)


@pytest.mark.parametrize(("times", "expected"), [(0, False), (1, True), (12, True)])
def test_niaaa_single_question_positive_at_one_heavy_day(times, expected):
    for sex in ("female", "male"):
        assert score("niaaa-single-question", {"answers": {"q1": times}, "sex": sex})["positive"] is expected


# --- CRAFFT 2.1 ---------------------------------------------------------------------------------------------
def test_crafft_no_use_asks_only_the_car_question():
    result = score("crafft-2.1", {"answers": {"a1": 0, "a2": 0, "a3": 0, "car": True}})
    assert (result["total"], result["risk_level"], result["positive"]) == (1, "lower-risk", False)
    assert result["skipped"] == ["relax", "alone", "forget", "friends", "trouble"]
    assert [flag["code"] for flag in result["flags"]] == ["car-risk"]


def test_crafft_no_use_rejects_other_part_b_answers():
    with pytest.raises(ValueError, match="'relax' is not asked"):
        score("crafft-2.1", {"answers": {"a1": 0, "a2": 0, "a3": 0, "car": False, "relax": True}})


def crafft(yes: set[str], a2: int = 3) -> dict:
    answers = {"a1": 0, "a2": a2, "a3": 0}
    answers.update({key: key in yes for key in ("car", "relax", "alone", "forget", "friends", "trouble")})
    return answers


@pytest.mark.parametrize(
    ("yes", "expected"),
    [
        (set(), (0, "lower-risk", False)),
        ({"relax"}, (1, "lower-risk", False)),
        ({"relax", "alone"}, (2, "higher-risk", True)),
        ({"car", "relax", "alone", "forget", "friends", "trouble"}, (6, "higher-risk", True)),
    ],
)
def test_crafft_part_b_positive_at_two(yes, expected):
    assert level("crafft-2.1", crafft(yes)) == expected


def test_crafft_any_use_requires_all_six_part_b_questions():
    answers = crafft({"car"})
    del answers["trouble"]
    with pytest.raises(ValueError, match="'trouble' is missing"):
        score("crafft-2.1", {"answers": answers})


def test_crafft_part_a_days_are_counts_within_a_year():
    for bad in (-1, 367, 2.5, True):
        with pytest.raises(ValueError, match="'a1'"):
            score("crafft-2.1", {"answers": {**crafft(set()), "a1": bad}})


# --- PHQ-2, PHQ-9, GAD-7 ------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("answers", "expected"),
    [
        ([0, 0], (0, "negative", False)),
        ([1, 1], (2, "negative", False)),
        ([1, 2], (3, "positive", True)),
        ([3, 3], (6, "positive", True)),
    ],
)
def test_phq_2_positive_at_three(answers, expected):
    assert level("phq-2", answers) == expected


@pytest.mark.parametrize(
    ("answers", "expected"),
    [
        ([0, 0, 0, 0, 0, 0, 0, 0, 0], (0, "minimal", False)),
        ([1, 1, 1, 1, 0, 0, 0, 0, 0], (4, "minimal", False)),
        ([1, 1, 1, 1, 1, 0, 0, 0, 0], (5, "mild", False)),
        ([2, 2, 2, 2, 1, 0, 0, 0, 0], (9, "mild", False)),
        ([2, 2, 2, 2, 2, 0, 0, 0, 0], (10, "moderate", True)),
        ([2, 2, 2, 2, 2, 2, 2, 0, 0], (14, "moderate", True)),
        ([3, 2, 2, 2, 2, 2, 2, 0, 0], (15, "moderately-severe", True)),
        ([3, 3, 3, 3, 3, 2, 2, 0, 0], (19, "moderately-severe", True)),
        ([3, 3, 3, 3, 3, 3, 2, 0, 0], (20, "severe", True)),
        ([3, 3, 3, 3, 3, 3, 3, 3, 3], (27, "severe", True)),
    ],
)
def test_phq_9_severity_bands(answers, expected):
    assert level("phq-9", answers) == expected


@pytest.mark.parametrize("item_9", [1, 2, 3])
def test_phq_9_item_9_raises_the_self_harm_flag_whatever_the_total(item_9):
    result = score("phq-9", {"answers": [0, 0, 0, 0, 0, 0, 0, 0, item_9]})
    assert result["risk_level"] == "minimal"
    assert result["flags"][0]["code"] == "self-harm"
    assert result["flags"][0]["urgent"] is True
    first = result["recommendations"][0]
    assert first["urgent"] is True and "988" in first["text"] and "mental-health" in first["taxonomy_codes"]


def test_phq_9_no_flag_when_item_9_is_not_at_all():
    assert score("phq-9", {"answers": [3, 3, 3, 3, 3, 3, 3, 3, 0]})["flags"] == []


@pytest.mark.parametrize(
    ("answers", "expected"),
    [
        ([0, 0, 0, 0, 0, 0, 0], (0, "minimal", False)),
        ([1, 1, 1, 1, 0, 0, 0], (4, "minimal", False)),
        ([1, 1, 1, 1, 1, 0, 0], (5, "mild", False)),
        ([2, 2, 2, 2, 1, 0, 0], (9, "mild", False)),
        ([2, 2, 2, 2, 2, 0, 0], (10, "moderate", True)),
        ([2, 2, 2, 2, 2, 2, 2], (14, "moderate", True)),
        ([3, 2, 2, 2, 2, 2, 2], (15, "severe", True)),
        ([3, 3, 3, 3, 3, 3, 3], (21, "severe", True)),
    ],
)
def test_gad_7_severity_bands(answers, expected):
    assert level("gad-7", answers) == expected


# --- AHC HRSN -----------------------------------------------------------------------------------------------
NO_NEEDS = {
    "living_situation": 0,
    "housing_problems": [7],
    "food_worry": 2,
    "food_didnt_last": 2,
    "transportation": 1,
    "utilities": 1,
    "hurt": 0,
    "insult": 0,
    "threaten": 0,
    "scream": 0,
}


def ahc(**changes):
    return score("ahc-hrsn", {"answers": {**NO_NEEDS, **changes}})


def test_ahc_no_need_in_any_domain():
    result = ahc()
    assert (result["risk_level"], result["positive"], result["total"]) == ("no-need", False, None)
    assert {name: d["positive"] for name, d in result["domains"].items()} == {
        "housing": False,
        "food": False,
        "transportation": False,
        "utilities": False,
        "safety": False,
    }
    assert result["domains"]["safety"]["score"] == 4  # four "Never" answers score 1 each


@pytest.mark.parametrize(
    ("changes", "domain", "positive"),
    [
        ({"living_situation": 1}, "housing", True),
        ({"living_situation": 2}, "housing", True),
        ({"housing_problems": [1]}, "housing", True),
        ({"housing_problems": [0, 6]}, "housing", True),
        ({"food_worry": 0}, "food", True),
        ({"food_worry": 1}, "food", True),
        ({"food_didnt_last": 1}, "food", True),
        ({"transportation": 0}, "transportation", True),
        ({"utilities": 0}, "utilities", True),
        ({"utilities": 2}, "utilities", True),
        ({"hurt": 2, "insult": 2, "threaten": 1, "scream": 1}, "safety", False),  # 3+3+2+2 = 10
        ({"hurt": 2, "insult": 2, "threaten": 2, "scream": 1}, "safety", True),  # 3+3+3+2 = 11
        ({"hurt": 4, "insult": 4, "threaten": 4, "scream": 4}, "safety", True),  # 20
    ],
)
def test_ahc_each_domain_by_its_own_rule(changes, domain, positive):
    result = ahc(**changes)
    assert result["domains"][domain]["positive"] is positive
    others = [name for name, d in result["domains"].items() if d["positive"] and name != domain]
    assert others == []
    assert result["positive"] is positive
    if positive:
        assert domain in result["taxonomy_codes"]


def test_ahc_none_of_the_above_cannot_be_combined():
    with pytest.raises(ValueError, match="'housing_problems'"):
        ahc(housing_problems=[7, 1])


# --- overdose risk ------------------------------------------------------------------------------------------
def test_overdose_risk_always_recommends_naloxone():
    for answers in ([False] * 5, [True, False, False, False, False], [True] * 5):
        result = score("overdose-risk", {"answers": answers})
        assert result["total"] is None
        assert "naloxone" in result["taxonomy_codes"]


def test_overdose_risk_names_each_risk_factor():
    result = score(
        "overdose-risk",
        {
            "answers": {
                "prior_overdose": False,
                "mixing": False,
                "lost_tolerance": True,
                "using_alone": True,
                "unknown_supply": False,
            }
        },
    )
    assert (result["risk_level"], result["positive"]) == ("risk-factors-present", True)
    assert [flag["code"] for flag in result["flags"]] == ["lost-tolerance", "using-alone"]
    none = score("overdose-risk", {"answers": [False] * 5})
    assert (none["risk_level"], none["positive"], none["flags"]) == ("no-risk-factors-reported", False, [])
