"""A screening as a FHIR R4 QuestionnaireResponse. The instrument travels as a contained Questionnaire so that
each item carries its LOINC code (where one exists) and each answer its option text; no participant identity
is exported (the participant code never leaves Meetpoint)."""

from meetpoint.screening.catalog import Instrument, get_instrument
from meetpoint.screening.models import Screening

LOINC = "http://loinc.org"
OPTION_SYSTEM = "urn:meetpoint:screening:{name}:{item}"
ITEM_TYPES = {"choice": "choice", "select_all": "choice", "yes_no": "boolean", "count": "integer"}


def _questionnaire(instrument: Instrument, sex: str | None) -> dict:
    items = []
    for item in instrument.items:
        entry = {
            "linkId": item["id"],
            "text": instrument.item_text(item, sex),
            "type": ITEM_TYPES[item["type"]],
            "required": "ask_if" not in item,
        }
        if item.get("loinc"):
            entry["code"] = [{"system": LOINC, "code": item["loinc"]}]
        if item["type"] == "select_all":
            entry["repeats"] = True
        if "options" in item:
            entry["answerOption"] = [
                {"valueCoding": _option_coding(instrument, item, position)}
                for position in range(len(item["options"]))
            ]
        items.append(entry)
    total_code = instrument.data["loinc"].get("total")
    if instrument.method == "sum":
        total = {"linkId": "total-score", "text": "Total score", "type": "integer", "readOnly": True}
        if total_code:
            total["code"] = [{"system": LOINC, "code": total_code}]
        items.append(total)
    questionnaire = {
        "resourceType": "Questionnaire",
        "id": "instrument",
        "url": f"urn:meetpoint:instrument:{instrument.name}",
        "version": instrument.version,
        "name": instrument.name.replace("-", "_").replace(".", "_"),
        "title": instrument.title,
        "status": "active",
        "copyright": instrument.data["terms_of_use"],
        "item": items,
    }
    if instrument.data["loinc"].get("panel"):
        questionnaire["code"] = [{"system": LOINC, "code": instrument.data["loinc"]["panel"]}]
    return questionnaire


def _option_coding(instrument: Instrument, item: dict, position: int) -> dict:
    return {
        "system": OPTION_SYSTEM.format(name=instrument.name, item=item["id"]),
        "code": str(position),
        "display": item["options"][position]["text"],
    }


def _answers(instrument: Instrument, item: dict, value) -> list[dict]:
    if item["type"] == "choice":
        return [{"valueCoding": _option_coding(instrument, item, value)}]
    if item["type"] == "select_all":
        return [{"valueCoding": _option_coding(instrument, item, position)} for position in value]
    if item["type"] == "yes_no":
        return [{"valueBoolean": bool(value)}]
    return [{"valueInteger": int(value)}]


def questionnaire_response(screening: Screening) -> dict:
    instrument = get_instrument(screening.instrument)
    sex = screening.sex or None
    answered = []
    for item in instrument.items:
        if item["id"] not in screening.answers:
            continue
        answered.append(
            {
                "linkId": item["id"],
                "text": instrument.item_text(item, sex),
                "answer": _answers(instrument, item, screening.answers[item["id"]]),
            }
        )
    if instrument.method == "sum" and screening.total is not None:
        answered.append(
            {"linkId": "total-score", "text": "Total score", "answer": [{"valueInteger": screening.total}]}
        )
    return {
        "resourceType": "QuestionnaireResponse",
        "id": str(screening.id),
        "contained": [{**_questionnaire(instrument, sex), "version": screening.instrument_version}],
        "identifier": {"system": "urn:meetpoint:screening", "value": str(screening.id)},
        "questionnaire": "#instrument",
        "status": "completed",
        "authored": screening.created.isoformat(),
        "author": {
            "reference": f"Organization/{screening.organization_id}",
            "display": screening.organization.name,
        },
        "item": answered,
    }
