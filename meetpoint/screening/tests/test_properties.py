"""Property tests over every shipped instrument: any valid answers score without error, the total stays within
0..max_total, and the risk level is one the file declares (so no answer can reach an uncovered score)."""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from meetpoint.screening.catalog import get_instrument, instrument_names
from meetpoint.screening.scoring import is_asked, score


def _value(draw, item):
    kind = item["type"]
    if kind == "yes_no":
        return draw(st.booleans())
    if kind == "count":
        return draw(st.integers(min_value=item["min"], max_value=item.get("max") or 1000))
    if kind == "select_all":
        count = len(item["options"])
        exclusive = [i for i, option in enumerate(item["options"]) if option.get("exclusive")]
        if exclusive and draw(st.booleans()):
            return [exclusive[0]]
        others = [i for i in range(count) if i not in exclusive]
        return draw(st.lists(st.sampled_from(others), min_size=1, unique=True))
    return draw(st.integers(min_value=0, max_value=len(item["options"]) - 1))


@pytest.mark.parametrize("name", instrument_names())
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_any_valid_answers_score_within_the_declared_range(name, data):
    instrument = get_instrument(name)
    sex = data.draw(st.sampled_from(["female", "male"]))
    answers: dict = {}
    for item in instrument.items:
        if is_asked(instrument, item, answers, sex):
            answers[item["id"]] = _value(data.draw, item)
    result = score(name, {"answers": answers, "sex": sex})
    assert result["risk_level"] in instrument.level_by_id
    if result["total"] is not None:
        assert 0 <= result["total"] <= instrument.data["scoring"]["max_total"]
    assert result["positive"] is instrument.level_by_id[result["risk_level"]]["positive"]
    for domain in result["domains"].values():
        assert domain["risk_level"] in instrument.level_by_id
