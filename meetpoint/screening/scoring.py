"""The one scoring engine: pages, the API and `meetpoint score` all call `score()`. Plain functions, no database.

Input: {"answers": {item id: value} | [values in the publisher's order], "sex": "female"|"male", "age": n}.
A value is the 0-based position of the chosen option, true/false for yes/no items, a whole number for count
items, or a list of positions for select-all items. Nothing is guessed: a missing answer (unless a skip rule
skips the item), an unknown item or an out-of-range value raises AnswerError naming the item.
"""

from typing import Any

from meetpoint.screening.catalog import Instrument, get_instrument

SEXES = ("female", "male")
PAYLOAD_KEYS = {"answers", "sex", "age", "instrument"}


class AnswerError(ValueError):
    """Answers that cannot be scored; `field` names the item (or 'answers', 'sex', 'age')."""

    def __init__(self, field: str, message: str):
        self.field = field
        self.message = message
        super().__init__(message)


def score(instrument_name: str, payload: dict) -> dict:
    """Scores `payload` with the named instrument (raises UnknownInstrument or AnswerError)."""
    instrument = get_instrument(instrument_name)
    return score_with(instrument, payload)


def score_with(instrument: Instrument, payload: Any) -> dict:
    if not isinstance(payload, dict):
        raise AnswerError("answers", 'Send an object: {"answers": {...} or [...], "sex": ..., "age": ...}.')
    unknown = sorted(set(payload) - PAYLOAD_KEYS)
    if unknown:
        raise AnswerError(unknown[0], f"Unknown field {unknown[0]!r}; expected answers, sex, age.")
    sex = _check_sex(instrument, payload.get("sex"))
    age = _check_age(instrument, payload.get("age"))
    if "answers" not in payload:
        raise AnswerError(
            "answers", "Missing 'answers' (an object by item id, or a list in the publisher's order)."
        )
    given = _answers_by_id(instrument, payload["answers"])
    for item_id, value in given.items():
        _check_value(instrument.item_by_id[item_id], value)
    answers, skipped = _apply_skip_rules(instrument, given, sex)
    points = {item["id"]: _points(item, answers.get(item["id"])) for item in instrument.items}
    context = {"answers": answers, "points": points, "sex": sex}
    result = _score_by_method(instrument, context)
    level = instrument.level_by_id[result["risk_level"]]
    flags = [
        {"code": flag["code"], "message": flag["message"], "urgent": flag["urgent"]}
        for flag in instrument.data["flags"]
        if _holds(flag["when"], context)
    ]
    age_group = instrument.data["age_group"]
    if age is not None and (
        (age_group["min"] is not None and age < age_group["min"])
        or (age_group["max"] is not None and age > age_group["max"])
    ):
        flags.append(
            {
                "code": "outside-age-group",
                "message": f"Age {age} is outside the group this instrument was validated for ({age_group['label']}).",
                "urgent": False,
            }
        )
    recommendations = _recommendations(instrument, level, result["domains"], flags)
    codes: list[str] = []
    for recommendation in recommendations:
        codes += [code for code in recommendation["taxonomy_codes"] if code not in codes]
    return {
        "instrument": instrument.name,
        "version": instrument.version,
        "title": instrument.title,
        "total": result["total"],
        "max_total": instrument.data["scoring"].get("max_total") if result["total"] is not None else None,
        "positive": level["positive"],
        "risk_level": level["id"],
        "risk_label": level["label"],
        "flags": flags,
        "domains": result["domains"],
        "recommendations": recommendations,
        "taxonomy_codes": codes,
        "answers": answers,
        "skipped": skipped,
        "sex": sex,
        "age": age,
    }


# --- input checks -----------------------------------------------------------------------------------------


def _check_sex(instrument: Instrument, sex: Any) -> str | None:
    if sex is None:
        if "sex" in instrument.requires:
            raise AnswerError(
                "sex",
                f"{instrument.name} needs 'sex' ('female' or 'male'): its questions or cut-offs differ by sex.",
            )
        return None
    if sex not in SEXES:
        raise AnswerError("sex", f"'sex' must be 'female' or 'male', not {sex!r}.")
    return sex


def _check_age(instrument: Instrument, age: Any) -> int | None:
    if age is None:
        if "age" in instrument.requires:
            raise AnswerError("age", f"{instrument.name} needs 'age' in years.")
        return None
    if isinstance(age, bool) or not isinstance(age, int) or not 0 <= age <= 130:
        raise AnswerError("age", f"'age' must be a whole number of years from 0 to 130, not {age!r}.")
    return age


def _answers_by_id(instrument: Instrument, answers: Any) -> dict:
    ids = [item["id"] for item in instrument.items]
    if isinstance(answers, list):
        if len(answers) != len(ids):
            raise AnswerError(
                "answers",
                f"{instrument.name} has {len(ids)} items in this order: {', '.join(ids)}; got {len(answers)} "
                "answers (use null for an item a skip rule skips).",
            )
        return {item_id: value for item_id, value in zip(ids, answers, strict=True) if value is not None}
    if isinstance(answers, dict):
        for key in answers:
            if key not in instrument.item_by_id:
                raise AnswerError(
                    str(key), f"Unknown item {key!r} for {instrument.name}; items are {', '.join(ids)}."
                )
        return {key: value for key, value in answers.items() if value is not None}
    raise AnswerError("answers", "'answers' must be an object by item id or a list in the publisher's order.")


def _is_whole(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _check_value(item: dict, value: Any) -> None:
    item_id, kind = item["id"], item["type"]
    if kind == "choice":
        count = len(item["options"])
        if not _is_whole(value) or not 0 <= value < count:
            raise AnswerError(
                item_id,
                f"Item {item_id!r}: the answer must be an option position from 0 to {count - 1}, not {value!r}.",
            )
    elif kind == "yes_no":
        if not isinstance(value, bool):
            raise AnswerError(
                item_id, f"Item {item_id!r}: the answer must be true (yes) or false (no), not {value!r}."
            )
    elif kind == "count":
        low, high = item["min"], item.get("max")
        if not _is_whole(value) or value < low or (high is not None and value > high):
            limit = f"from {low} to {high}" if high is not None else f"of at least {low}"
            raise AnswerError(
                item_id, f"Item {item_id!r}: the answer must be a whole number {limit}, not {value!r}."
            )
    elif kind == "select_all":
        count = len(item["options"])
        if (
            not isinstance(value, list)
            or not value
            or not all(_is_whole(v) and 0 <= v < count for v in value)
            or len(set(value)) != len(value)
        ):
            raise AnswerError(
                item_id,
                f"Item {item_id!r}: the answer must be a non-empty list of distinct option positions from 0 to "
                f"{count - 1}, not {value!r}.",
            )
        exclusive = [v for v in value if item["options"][v].get("exclusive")]
        if exclusive and len(value) > 1:
            text = item["options"][exclusive[0]]["text"]
            raise AnswerError(
                item_id, f"Item {item_id!r}: {text!r} cannot be chosen together with other options."
            )


def _apply_skip_rules(instrument: Instrument, given: dict, sex: str | None) -> tuple[dict, list[str]]:
    """Walks the items in order; an item whose skip rule holds is skipped, every other item must be answered."""
    answers: dict = {}
    skipped: list[str] = []
    points: dict = {}
    for item in instrument.items:
        item_id = item["id"]
        context = {"answers": answers, "points": points, "sex": sex}
        asked = "ask_if" not in item or _holds(item["ask_if"], context)
        if not asked:
            policy = item.get("skip_policy", "not_asked")
            if item_id in given and policy == "not_asked":
                note = item.get("skip_note", "Its skip rule skips it for these answers.")
                raise AnswerError(
                    item_id, f"Item {item_id!r} is not asked here: {note} Leave it out (or send null)."
                )
            if item_id not in given:
                skipped.append(item_id)
                continue
        elif item_id not in given:
            raise AnswerError(item_id, f"Item {item_id!r} is missing: {instrument.item_text(item, sex)}")
        answers[item_id] = given[item_id]
        points[item_id] = _points(item, given[item_id])
    return answers, skipped


def is_asked(instrument: Instrument, item: dict, answers: dict, sex: str | None = None) -> bool:
    """Whether the item's skip rule lets it be asked, given the earlier answers (for forms and demo data)."""
    if "ask_if" not in item:
        return True
    points = {ref: _points(instrument.item_by_id[ref], value) for ref, value in answers.items()}
    return _holds(item["ask_if"], {"answers": answers, "points": points, "sex": sex})


def _points(item: dict, value: Any) -> int | None:
    if value is None:
        return None
    if item["type"] == "choice":
        return item["options"][value].get("points")
    if item["type"] == "yes_no" and "points" in item:
        return item["points"]["yes" if value else "no"]
    return None


# --- conditions and levels --------------------------------------------------------------------------------

_COMPARISONS = ("eq", "ne", "gt", "ge", "lt", "le", "in", "includes_any")


def _same(a: Any, b: Any) -> bool:
    return isinstance(a, bool) == isinstance(b, bool) and a == b


def _compare(value: Any, condition: dict) -> bool:
    if value is None:
        return False
    for op in _COMPARISONS:
        if op not in condition:
            continue
        target = condition[op]
        if op == "eq":
            return _same(value, target)
        if op == "ne":
            return not _same(value, target)
        if op == "in":
            return any(_same(value, choice) for choice in target)
        if op == "includes_any":
            return isinstance(value, list) and bool(set(value) & set(target))
        if isinstance(value, bool) or not isinstance(value, int | float):
            return False
        return {"gt": value > target, "ge": value >= target, "lt": value < target, "le": value <= target}[op]
    return False


def _holds(condition: dict, context: dict) -> bool:
    if "any" in condition:
        return any(_holds(part, context) for part in condition["any"])
    if "all" in condition:
        return all(_holds(part, context) for part in condition["all"])
    if "not" in condition:
        return not _holds(condition["not"], context)
    if "sex" in condition:
        return context["sex"] == condition["sex"]
    if "sum_points" in condition:
        total = sum(context["points"].get(ref) or 0 for ref in condition["sum_points"])
        return _compare(total, condition)
    return _compare(context["answers"].get(condition["item"]), condition)


def _level_for(rules: list[dict], value: int | None, context: dict, where: str) -> str:
    for rule in rules:
        if "when" in rule and not _holds(rule["when"], context):
            continue
        if "min" in rule and (value is None or value < rule["min"]):
            continue
        if "max" in rule and (value is None or value > rule["max"]):
            continue
        return rule["level"]
    # The instrument file's levels do not cover this case: a file bug, not bad answers.
    raise RuntimeError(f"{where}: no level rule matches the score {value!r}; fix the instrument file.")


def _score_by_method(instrument: Instrument, context: dict) -> dict:
    scoring = instrument.data["scoring"]
    method = scoring["method"]
    points = context["points"]
    if method == "sum":
        counted = scoring.get("items") or [item["id"] for item in instrument.items if _counts(item)]
        total = sum(points.get(ref) or 0 for ref in counted)
        level = _level_for(scoring["levels"], total, context, instrument.name)
        return {"total": total, "risk_level": level, "domains": {}}
    if method == "checklist":
        return {
            "total": None,
            "risk_level": _level_for(scoring["levels"], None, context, instrument.name),
            "domains": {},
        }
    domains = {}
    worst = None
    for domain in scoring["domains"]:
        scored = [ref for ref in domain["items"] if _counts(instrument.item_by_id[ref])]
        domain_score = sum(points.get(ref) or 0 for ref in scored) if scored else None
        level_id = _level_for(
            domain["levels"], domain_score, context, f"{instrument.name} domain {domain['id']}"
        )
        level = instrument.level_by_id[level_id]
        domains[domain["id"]] = {
            "title": domain["title"],
            "label": level["label"],
            "positive": level["positive"],
            "risk_level": level_id,
            "score": domain_score,
        }
        if worst is None or instrument.level_rank[level_id] > instrument.level_rank[worst]:
            worst = level_id
    overall = None
    for rule in scoring.get("overall", []):
        if "when" not in rule or _holds(rule["when"], context):
            overall = rule["level"]
            break
    return {"total": None, "risk_level": overall or worst, "domains": domains}


def _counts(item: dict) -> bool:
    if item["type"] == "yes_no":
        return "points" in item
    if item["type"] == "choice":
        return all("points" in option for option in item["options"])
    return False


def _recommendations(instrument: Instrument, level: dict, domains: dict, flags: list[dict]) -> list[dict]:
    recommendations = []
    flag_codes = {flag["code"]: flag for flag in instrument.data["flags"]}
    for flag in flags:
        declared = flag_codes.get(flag["code"], {})
        if flag["urgent"] or declared.get("taxonomy_codes"):
            recommendations.append(
                {
                    "text": flag["message"],
                    "taxonomy_codes": list(declared.get("taxonomy_codes", [])),
                    "urgent": flag["urgent"],
                    "reason": f"flag:{flag['code']}",
                }
            )
    if level["action"]:
        recommendations.append(
            {
                "text": level["action"],
                "taxonomy_codes": list(level["taxonomy_codes"]),
                "urgent": level.get("urgent", False),
                "reason": f"risk_level:{level['id']}",
            }
        )
    for domain in instrument.data["scoring"].get("domains", []):
        action = domain.get("actions", {}).get(domains[domain["id"]]["risk_level"])
        if action:
            recommendations.append(
                {
                    "text": action["text"],
                    "taxonomy_codes": list(action["taxonomy_codes"]),
                    "urgent": False,
                    "reason": f"domain:{domain['id']}",
                }
            )
    for action in instrument.data["always_recommend"]:
        recommendations.append(
            {
                "text": action["text"],
                "taxonomy_codes": list(action["taxonomy_codes"]),
                "urgent": False,
                "reason": "always",
            }
        )
    # Urgent first; then what is always offered (e.g. naloxone), then the rest in the file's order.
    recommendations.sort(
        key=lambda recommendation: (not recommendation["urgent"], recommendation["reason"] != "always")
    )
    return recommendations
