"""The instrument catalog: versioned data files in `instruments/`, validated on load against
`instruments/schema.json` and checked for internal consistency, so a bad file fails with a clear message.

Licensed item text (DAST-10, CRAFFT 2.1) is merged in from `settings.MEETPOINT_INSTRUMENT_TEXT_DIR` when an
organization that holds the right supplies it (docs/screening.md)."""

import copy
import json
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import jsonschema
from django.conf import settings

INSTRUMENT_DIR = Path(__file__).resolve().parent / "instruments"
SCHEMA_PATH = INSTRUMENT_DIR / "schema.json"


class InstrumentFileError(Exception):
    """An instrument file (or a licensed-text file) that does not follow the format."""


class UnknownInstrument(LookupError):
    def __init__(self, name: str):
        self.name = name
        known = ", ".join(instrument_names())
        super().__init__(f"Unknown instrument {name!r}. Known instruments: {known}.")


@dataclass
class Instrument:
    """A loaded instrument: the file's data, with each item's options resolved from its option set."""

    data: dict
    items: list[dict] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.item_by_id = {item["id"]: item for item in self.items}
        self.level_by_id = {level["id"]: level for level in self.data["risk_levels"]}
        self.level_rank = {level["id"]: rank for rank, level in enumerate(self.data["risk_levels"])}
        self.section_by_id = {section["id"]: section for section in self.data["sections"]}

    @property
    def name(self) -> str:
        return self.data["name"]

    @property
    def version(self) -> str:
        return self.data["version"]

    @property
    def title(self) -> str:
        return self.data["title"]

    @property
    def method(self) -> str:
        return self.data["scoring"]["method"]

    @property
    def requires(self) -> list[str]:
        return self.data["requires"]

    def item_text(self, item: dict, sex: str | None = None) -> str:
        """The question as the publisher words it (sex-specific where it differs), or its short label."""
        if sex and sex in item.get("text_by_sex", {}):
            return item["text_by_sex"][sex]
        return item.get("text") or item.get("label") or item["id"]

    def describe(self) -> dict:
        """The public description (API and pages): the file's data with options resolved."""
        described = {key: value for key, value in self.data.items() if key not in ("items", "option_sets")}
        described["items"] = self.items
        return described


def _schema_validator() -> jsonschema.protocols.Validator:
    schema = json.loads(SCHEMA_PATH.read_text())
    cls = jsonschema.validators.validator_for(schema)
    cls.check_schema(schema)
    return cls(schema)


def _where(error: jsonschema.ValidationError) -> str:
    return "/".join(str(part) for part in error.absolute_path) or "(top level)"


def _conditions(node):
    """Every condition object nested in `node` (flags, skip rules, level rules)."""
    if isinstance(node, dict):
        if any(key in node for key in ("item", "sum_points", "sex", "any", "all", "not")):
            yield node
        for value in node.values():
            yield from _conditions(value)
    elif isinstance(node, list):
        for value in node:
            yield from _conditions(value)


def validate_document(doc: dict, source: str) -> Instrument:
    """Schema and consistency checks; returns the resolved Instrument or raises InstrumentFileError."""
    errors = sorted(_schema_validator().iter_errors(doc), key=lambda error: list(error.absolute_path))
    if errors:
        lines = [f"{_where(error)}: {error.message}" for error in errors[:10]]
        raise InstrumentFileError(
            f"{source} does not follow instruments/schema.json:\n  " + "\n  ".join(lines)
        )
    problems: list[str] = []
    items = []
    seen: set[str] = set()
    sections = {section["id"] for section in doc["sections"]}
    for position, raw in enumerate(doc["items"]):
        item = copy.deepcopy(raw)
        where = f"items/{position} ({item['id']})"
        if item["id"] in seen:
            problems.append(f"{where}: the item id is used twice")
        seen.add(item["id"])
        if "option_set" in item:
            if item["option_set"] not in doc["option_sets"]:
                problems.append(f"{where}: option_set {item['option_set']!r} is not in option_sets")
            else:
                item["options"] = copy.deepcopy(doc["option_sets"][item["option_set"]])
        if item.get("section") and item["section"] not in sections:
            problems.append(f"{where}: section {item['section']!r} is not in sections")
        if item["type"] in ("yes_no", "count") and "options" in item:
            problems.append(f"{where}: a {item['type']} item has no options")
        if item["type"] == "count" and item.get("max") is not None and item["max"] < item["min"]:
            problems.append(f"{where}: max is below min")
        if item.get("reverse_scored") and not (
            item["type"] == "yes_no" and item.get("points") and item["points"]["no"] > item["points"]["yes"]
        ):
            problems.append(f"{where}: a reverse-scored item must be yes/no with more points for 'no'")
        if not doc["text_included"] and "text" in raw and not doc.get("text_supplied_by"):
            problems.append(f"{where}: text_included is false, so the item must not carry text")
        if "ask_if" not in item and "skip_policy" in item:
            problems.append(f"{where}: skip_policy without ask_if")
        items.append(item)
    if not doc["text_included"] and not doc.get("text_supplied_by"):
        for item in items:
            if "label" not in item:
                problems.append(f"item {item['id']}: an item without shipped text needs a label")
    ids = [item["id"] for item in items]
    for condition in _conditions([doc["items"], doc["scoring"], doc["flags"]]):
        for ref in [condition.get("item")] + list(condition.get("sum_points", [])):
            if ref is not None and ref not in ids:
                problems.append(f"a condition names item {ref!r}, which does not exist")
    for position, item in enumerate(items):
        for condition in _conditions(item.get("ask_if", {})):
            for ref in [condition.get("item")] + list(condition.get("sum_points", [])):
                if ref in ids and ids.index(ref) >= position:
                    problems.append(
                        f"item {item['id']}: its skip rule must look only at earlier items ({ref!r})"
                    )
    levels = {level["id"] for level in doc["risk_levels"]}
    scoring = doc["scoring"]
    rules = list(scoring.get("levels", [])) + list(scoring.get("overall", []))
    for domain in scoring.get("domains", []):
        rules += domain["levels"]
        for ref in domain["items"]:
            if ref not in ids:
                problems.append(f"domain {domain['id']}: item {ref!r} does not exist")
        for level_id in domain.get("actions", {}):
            if level_id not in levels:
                problems.append(f"domain {domain['id']}: action for unknown level {level_id!r}")
    for rule in rules:
        if rule["level"] not in levels:
            problems.append(f"scoring names level {rule['level']!r}, which is not in risk_levels")
    for ref in scoring.get("items", []):
        if ref not in ids:
            problems.append(f"scoring/items names {ref!r}, which does not exist")
    if scoring["method"] == "sum":
        counted = scoring.get("items") or [item["id"] for item in items if _has_points(item)]
        for ref in counted:
            if ref in ids and not _has_points(items[ids.index(ref)]):
                problems.append(f"scoring counts item {ref!r}, whose answers carry no points")
    if problems:
        raise InstrumentFileError(f"{source} is not consistent:\n  " + "\n  ".join(problems))
    return Instrument(doc, items)


def _has_points(item: dict) -> bool:
    if item["type"] == "yes_no":
        return "points" in item
    if item["type"] == "choice":
        return bool(item.get("options")) and all("points" in option for option in item["options"])
    return False


def _merge_licensed_text(doc: dict, text_dir: str) -> dict:
    """Merges `<text_dir>/<name>.json` ({"name", "version", "text_supplied_by", "items": [{"id", "text"}]})."""
    path = Path(text_dir) / f"{doc['name']}.json"
    if not path.exists():
        return doc
    try:
        supplied = json.loads(path.read_text())
    except (OSError, ValueError) as error:
        raise InstrumentFileError(f"{path}: not readable JSON ({error})") from error
    if not isinstance(supplied, dict) or not isinstance(supplied.get("items"), list):
        raise InstrumentFileError(f"{path}: needs an object with an 'items' list of {{'id', 'text'}}")
    if supplied.get("name") != doc["name"] or supplied.get("version") != doc["version"]:
        raise InstrumentFileError(
            f"{path}: name/version {supplied.get('name')!r}/{supplied.get('version')!r} do not match the "
            f"instrument {doc['name']!r} version {doc['version']!r}"
        )
    if not supplied.get("text_supplied_by"):
        raise InstrumentFileError(f"{path}: 'text_supplied_by' must name who holds the right to the text")
    merged = copy.deepcopy(doc)
    by_id = {item["id"]: item for item in merged["items"]}
    for entry in supplied["items"]:
        if not isinstance(entry, dict) or entry.get("id") not in by_id:
            raise InstrumentFileError(f"{path}: item {entry!r} names no item of {doc['name']}")
        for key in ("text", "text_by_sex"):
            if key in entry:
                by_id[entry["id"]][key] = entry[key]
    for section in supplied.get("sections", []):
        for own in merged["sections"]:
            if own["id"] == section.get("id"):
                own.update({k: v for k, v in section.items() if k in ("title", "instructions")})
    merged["text_supplied_by"] = supplied["text_supplied_by"]
    return merged


def load_file(path: Path, text_dir: str | None = None) -> Instrument:
    try:
        doc = json.loads(Path(path).read_text())
    except (OSError, ValueError) as error:
        raise InstrumentFileError(f"{path}: not readable JSON ({error})") from error
    if isinstance(doc, dict) and doc.get("name") != Path(path).stem:
        raise InstrumentFileError(f"{path}: 'name' must be {Path(path).stem!r}, the file's name")
    if text_dir and isinstance(doc, dict) and "name" in doc and "version" in doc:
        doc = _merge_licensed_text(doc, text_dir)
    return validate_document(doc, str(path))


def instrument_names() -> list[str]:
    return sorted(path.stem for path in INSTRUMENT_DIR.glob("*.json") if path.name != "schema.json")


@cache
def _load(name: str, text_dir: str | None) -> Instrument:
    return load_file(INSTRUMENT_DIR / f"{name}.json", text_dir)


def get_instrument(name: str) -> Instrument:
    if name not in instrument_names():
        raise UnknownInstrument(name)
    return _load(name, getattr(settings, "MEETPOINT_INSTRUMENT_TEXT_DIR", None))


def all_instruments() -> list[Instrument]:
    return [get_instrument(name) for name in instrument_names()]


def clear_cache() -> None:
    _load.cache_clear()


def instrument_outlines() -> list[dict]:
    """Each instrument file's name, title and risk levels, read without the schema check, for registering the
    screening indicators at start-up: validating every file costs each process about 0.4 s of CPU, so that check
    runs when an instrument is first used (and in `meetpoint instruments` and the instrument-file tests)."""
    outlines = []
    for name in instrument_names():
        doc = json.loads((INSTRUMENT_DIR / f"{name}.json").read_text())
        outlines.append(
            {
                "name": doc.get("name", name),
                "title": doc.get("title", name),
                "risk_levels": [
                    level for level in doc.get("risk_levels", []) if "id" in level and "label" in level
                ],
            }
        )
    return outlines
