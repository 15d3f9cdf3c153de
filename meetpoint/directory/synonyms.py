"""Everyday words for services: "needle exchange", "narcan", "Suboxone", "tiras de fentanilo" find the service
types they mean. The list is data (data/synonyms.json, or the file MEETPOINT_SEARCH_SYNONYMS_FILE names), read once
per process; a site administrator edits it and restarts. No database here."""

import json
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from django.conf import settings

SHIPPED = Path(__file__).resolve().parent / "data" / "synonyms.json"


@dataclass(frozen=True)
class Synonym:
    phrase: str  # as the searcher wrote it (lower case)
    types: tuple[str, ...]  # taxonomy codes it means


@cache
def _table() -> tuple[tuple[str, tuple[str, ...]], ...]:
    """(phrase, type codes), longest phrases first so "fentanyl test strips" wins over "test strips"."""
    path = Path(settings.MEETPOINT_SEARCH_SYNONYMS_FILE or SHIPPED)
    entries = json.loads(path.read_text(encoding="utf-8"))["synonyms"]
    pairs = {
        phrase.strip().lower(): tuple(entry["types"]) for entry in entries for phrase in entry["phrases"]
    }
    return tuple(sorted(pairs.items(), key=lambda pair: -len(pair[0])))


def split(text: str) -> tuple[str, list[Synonym]]:
    """The search text without the everyday phrases it holds, and those phrases with the types they mean."""
    rest = f" {text.lower()} "
    found = []
    for phrase, types in _table():
        pattern = re.compile(rf"(?<![\w]){re.escape(phrase)}(?![\w])")
        if pattern.search(rest):
            found.append(Synonym(phrase, types))
            rest = pattern.sub(" ", rest)
    return " ".join(rest.split()), found
