"""Pre/post survey definitions (data files in surveys/*.json) and their scoring. No database.

A survey has scales; a "knowledge" scale scores percent correct, a "likert" scale scores the mean answer
with reverse-scored items turned around (min + max - answer) so a higher score always means the same direction.
"""

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path

SURVEY_DIR = Path(__file__).resolve().parent / "surveys"


class SurveyAnswerError(ValueError):
    """An answer sheet that cannot be scored; `item` names the item at fault."""

    def __init__(self, item: str, message: str) -> None:
        super().__init__(f"{item}: {message}")
        self.item = item
        self.message = message


@dataclass(frozen=True)
class Survey:
    code: str
    version: str
    title: dict
    source: str
    scales: tuple[dict, ...]
    items: tuple[dict, ...]

    def title_in(self, language: str) -> str:
        return self.title.get(language) or self.title["en"]

    def scale(self, code: str) -> dict:
        return next(scale for scale in self.scales if scale["code"] == code)

    def options_for(self, item: dict) -> list[dict]:
        return item.get("options") or self.scale(item["scale"]).get("options", [])


@cache
def all_surveys() -> dict[str, Survey]:
    surveys = {}
    for path in sorted(SURVEY_DIR.glob("*.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        surveys[data["code"]] = Survey(
            code=data["code"],
            version=data["version"],
            title=data["title"],
            source=data.get("source", ""),
            scales=tuple(data["scales"]),
            items=tuple(data["items"]),
        )
    return surveys


def load_survey(code: str) -> Survey:
    try:
        return all_surveys()[code]
    except KeyError:
        raise KeyError(f"No survey {code!r}; known: {', '.join(sorted(all_surveys()))}.") from None


def score(survey: Survey, answers: dict) -> dict[str, float]:
    """Scores by scale code. Every item must be answered with one of its options."""
    for item in survey.items:
        raw = answers.get(item["id"])
        if raw in (None, ""):
            raise SurveyAnswerError(item["id"], "Please answer this question.")
        allowed = {str(option["value"]) for option in survey.options_for(item)}
        if str(raw) not in allowed:
            raise SurveyAnswerError(item["id"], f"{raw!r} is not one of the choices.")
    scores = {}
    for scale in survey.scales:
        items = [item for item in survey.items if item["scale"] == scale["code"]]
        if scale["kind"] == "knowledge":
            correct = sum(1 for item in items if str(answers[item["id"]]) == str(item["correct"]))
            scores[scale["code"]] = round(100 * correct / len(items), 2)
        else:
            low, high = scale["min"], scale["max"]
            values = [
                (low + high - int(answers[item["id"]])) if item.get("reverse") else int(answers[item["id"]])
                for item in items
            ]
            scores[scale["code"]] = round(sum(values) / len(values), 3)
    return scores
