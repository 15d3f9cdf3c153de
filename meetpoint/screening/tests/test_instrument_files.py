"""Instrument files are validated on load: the shipped ones pass, a bad one fails with a clear message, and
licensed item text can be supplied through MEETPOINT_INSTRUMENT_TEXT_DIR."""

import json

import pytest

from meetpoint.screening import catalog
from meetpoint.screening.catalog import INSTRUMENT_DIR, InstrumentFileError, get_instrument, load_file

EXPECTED = {
    "audit-c",
    "audit",
    "dast-10",
    "taps",
    "nida-single-question",
    "niaaa-single-question",
    "crafft-2.1",
    "phq-2",
    "phq-9",
    "gad-7",
    "ahc-hrsn",
    "overdose-risk",
}


def test_every_shipped_instrument_loads_with_citation_and_terms():
    assert set(catalog.instrument_names()) == EXPECTED
    for instrument in catalog.all_instruments():
        assert instrument.data["citation"] and instrument.data["terms_of_use"]
        assert instrument.version


def test_copyrighted_instruments_ship_no_item_text():
    for name in ("dast-10", "crafft-2.1"):
        instrument = get_instrument(name)
        assert instrument.data["text_included"] is False
        assert all("text" not in item for item in instrument.items)


def _broken(tmp_path, change) -> str:
    doc = json.loads((INSTRUMENT_DIR / "phq-2.json").read_text())
    change(doc)
    path = tmp_path / "phq-2.json"
    path.write_text(json.dumps(doc))
    with pytest.raises(InstrumentFileError) as caught:
        load_file(path)
    return str(caught.value)


def test_a_file_missing_a_required_field_fails_naming_it(tmp_path):
    message = _broken(tmp_path, lambda doc: doc.pop("citation"))
    assert "schema.json" in message and "'citation' is a required property" in message


def test_a_level_that_is_not_declared_fails(tmp_path):
    def change(doc):
        doc["scoring"]["levels"][1]["level"] = "very-positive"

    assert "level 'very-positive', which is not in risk_levels" in _broken(tmp_path, change)


def test_an_unknown_option_set_and_duplicate_item_fail(tmp_path):
    def change(doc):
        doc["items"][1]["option_set"] = "nope"
        doc["items"][1]["id"] = "q1"

    message = _broken(tmp_path, change)
    assert "option_set 'nope'" in message and "used twice" in message


def test_a_skip_rule_on_an_unknown_item_fails(tmp_path):
    def change(doc):
        doc["items"][1]["ask_if"] = {"item": "q7", "gt": 0}

    assert "names item 'q7'" in _broken(tmp_path, change)


def test_a_file_named_differently_from_its_instrument_fails(tmp_path):
    path = tmp_path / "phq-3.json"
    path.write_text((INSTRUMENT_DIR / "phq-2.json").read_text())
    with pytest.raises(InstrumentFileError, match="'name' must be 'phq-3'"):
        load_file(path)


def test_licensed_text_is_merged_from_the_text_directory(tmp_path, settings):
    (tmp_path / "dast-10.json").write_text(
        json.dumps(
            {
                "name": "dast-10",
                "version": get_instrument("dast-10").version,
                "text_supplied_by": "Example Health (licence 123)",
                "items": [{"id": "q1", "text": "Licensed wording of question one"}],
            }
        )
    )
    settings.MEETPOINT_INSTRUMENT_TEXT_DIR = str(tmp_path)
    instrument = get_instrument("dast-10")
    assert instrument.item_by_id["q1"]["text"] == "Licensed wording of question one"
    assert instrument.data["text_supplied_by"] == "Example Health (licence 123)"
    assert instrument.item_text(instrument.item_by_id["q2"]) == "DAST-10 question 2"


def test_licensed_text_for_another_version_is_refused(tmp_path, settings):
    (tmp_path / "crafft-2.1.json").write_text(
        json.dumps({"name": "crafft-2.1", "version": "1999", "text_supplied_by": "X", "items": []})
    )
    settings.MEETPOINT_INSTRUMENT_TEXT_DIR = str(tmp_path)
    with pytest.raises(InstrumentFileError, match="do not match"):
        get_instrument("crafft-2.1")
