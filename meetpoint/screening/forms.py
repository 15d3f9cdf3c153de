"""The screening form, built from an instrument's data file: one fieldset per question with large touch
targets, working without JavaScript. Reads the posted answers into the scoring engine's input."""

import json

from django.utils.translation import gettext_lazy as _

from meetpoint.screening.catalog import Instrument

SKIP_VALUE = (
    "skip"  # the "not asked" choice of skippable questions, so a phone without JS can clear an answer
)
LANGUAGES = [("", _("Not recorded")), ("en", "English"), ("es", "Español")]


def field_name(item_id: str) -> str:
    return f"item-{item_id}"


def read_answers(instrument: Instrument, post) -> tuple[dict, dict]:
    """Answers by item id from the posted form, and errors for values that are not even well-formed."""
    answers: dict = {}
    errors: dict = {}
    for item in instrument.items:
        name = field_name(item["id"])
        if item["type"] == "select_all":
            raw = [value for value in post.getlist(name) if value != SKIP_VALUE]
            if raw:
                try:
                    answers[item["id"]] = [int(value) for value in raw]
                except ValueError:
                    errors[item["id"]] = str(_("Choose from the listed options."))
            continue
        raw = (post.get(name) or "").strip()
        if raw in ("", SKIP_VALUE):
            continue
        if item["type"] == "yes_no":
            if raw not in ("yes", "no"):
                errors[item["id"]] = str(_("Answer yes or no."))
            else:
                answers[item["id"]] = raw == "yes"
        else:
            try:
                answers[item["id"]] = int(raw)
            except ValueError:
                errors[item["id"]] = (
                    str(_("Enter a whole number."))
                    if item["type"] == "count"
                    else str(_("Choose from the listed options."))
                )
    return answers, errors


def questions(
    instrument: Instrument, post=None, sex: str | None = None, errors: dict | None = None
) -> list[dict]:
    """What the template renders: sections with their questions, options and the posted (or empty) values."""
    errors = errors or {}
    sections: list[dict] = []
    current = None
    for position, item in enumerate(instrument.items, start=1):
        section_id = item.get("section", "")
        if current is None or current["id"] != section_id:
            section = instrument.section_by_id.get(section_id, {})
            current = {"id": section_id, "title": section.get("title", ""), "questions": []}
            sections.append(current)
        name = field_name(item["id"])
        if post is not None:
            posted = post.getlist(name) if item["type"] == "select_all" else [post.get(name, "")]
        else:
            posted = []
        options = []
        if item["type"] == "yes_no":
            options = [{"value": "yes", "text": _("Yes")}, {"value": "no", "text": _("No")}]
        elif "options" in item:
            options = [
                {"value": str(index), "text": option["text"]} for index, option in enumerate(item["options"])
            ]
        for index, option in enumerate(options):
            if item["type"] == "yes_no" and "points" in item:
                option["points"] = item["points"][option["value"]]
            elif item["type"] == "choice":
                option["points"] = item["options"][index].get("points", "")
            option["checked"] = option["value"] in posted
            option["id"] = f"{name}-{option['value']}"
        skippable = "ask_if" in item
        if skippable and item["type"] in ("yes_no", "choice"):
            options.append(
                {
                    "value": SKIP_VALUE,
                    "text": _("Not asked (skipped)"),
                    "checked": SKIP_VALUE in posted,
                    "id": f"{name}-{SKIP_VALUE}",
                }
            )
        current["questions"].append(
            {
                "number": position,
                "id": item["id"],
                "name": name,
                "type": item["type"],
                "text": instrument.item_text(item, sex),
                "options": options,
                "value": posted[0] if posted and item["type"] == "count" else "",
                "min": item.get("min"),
                "max": item.get("max"),
                "skip_note": item.get("skip_note", ""),
                "ask_if": json.dumps(item["ask_if"]) if skippable else "",
                "error": errors.get(item["id"], ""),
            }
        )
    return sections
