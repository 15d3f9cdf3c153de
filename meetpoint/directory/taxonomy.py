"""The service taxonomy: a versioned data file (data/taxonomy.json) loaded idempotently into Taxonomy and
TaxonomyTerm. Ids are uuid5 of the code, so a term keeps its id across releases, databases and machines."""

import json
import time
import uuid
from pathlib import Path

from django.db import transaction

TAXONOMY_FILE = Path(__file__).resolve().parent / "data" / "taxonomy.json"
# Fixed namespace: uuid5(NAMESPACE, code) is a term's id for ever.
NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "https://meetpoint.example/taxonomy")
TAXONOMY_ID = uuid.uuid5(NAMESPACE, "meetpoint-taxonomy")


def term_id(code: str) -> uuid.UUID:
    return uuid.uuid5(NAMESPACE, code)


def read_taxonomy_file(path: Path = TAXONOMY_FILE) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def flatten(terms: list[dict], parent: str | None = None):
    """Yields (term dict, parent code) in parent-before-child order."""
    for term in terms:
        yield term, parent
        yield from flatten(term.get("children", []), term["code"])


def load_taxonomy(taxonomy_model=None, term_model=None, path: Path = TAXONOMY_FILE) -> tuple[str, int]:
    """Creates or updates the taxonomy and its terms from the data file. Returns (version, number of terms).

    Accepts historical models so the data migration can call it; defaults to the current ones.
    """
    if taxonomy_model is None or term_model is None:
        from meetpoint.directory.models import Taxonomy, TaxonomyTerm

        taxonomy_model, term_model = Taxonomy, TaxonomyTerm
    data = read_taxonomy_file(path)
    count = 0
    with transaction.atomic():
        taxonomy, _ = taxonomy_model.objects.update_or_create(
            id=TAXONOMY_ID,
            defaults={
                "name": data["name"],
                "description": data.get("description", ""),
                "uri": data.get("uri", ""),
                "version": data["version"],
            },
        )
        for term, parent in flatten(data["terms"]):
            term_model.objects.update_or_create(
                id=term_id(term["code"]),
                defaults={
                    "taxonomy": taxonomy,
                    "code": term["code"],
                    "name": term["name"],
                    "name_es": term.get("name_es", ""),
                    "description": term.get("description", ""),
                    "description_es": term.get("description_es", ""),
                    "parent_id": term_id(parent) if parent else None,
                    "language": "en",
                },
            )
            count += 1
    invalidate_cache()
    return data["version"], count


# --- Descendants of a term, cached: search resolves codes to term ids on every request. ---
_CACHE_SECONDS = 30.0
_cache: dict = {"at": 0.0, "codes": {}, "children": {}}


def invalidate_cache(*args, **kwargs) -> None:
    _cache["at"] = 0.0


def follow_version(version: str) -> None:
    """Drops the cached tree when the directory changed since it was read (search passes the version it reads,
    which every change of a taxonomy term replaces), so a search never resolves types with another process's
    old tree."""
    if _cache.get("version") != version:
        invalidate_cache()
        _cache["version"] = version


def _tree() -> dict:
    if time.monotonic() - _cache["at"] > _CACHE_SECONDS:
        from meetpoint.directory.models import TaxonomyTerm

        codes: dict[str, list] = {}
        children: dict = {}
        for pk, code, parent_id in TaxonomyTerm.objects.values_list("id", "code", "parent_id"):
            codes.setdefault(code, []).append(pk)
            children.setdefault(parent_id, []).append(pk)
        _cache.update(codes=codes, children=children, at=time.monotonic())
    return _cache


def unknown_codes(codes: list[str]) -> list[str]:
    missing = [code for code in codes if code not in _tree()["codes"]]
    if missing:  # the cache may predate a new term: look once more before saying no
        invalidate_cache()
        missing = [code for code in codes if code not in _tree()["codes"]]
    return missing


def with_descendants(term_ids) -> set:
    tree = _tree()
    found, todo = set(), list(term_ids)
    while todo:
        pk = todo.pop()
        if pk in found:
            continue
        found.add(pk)
        todo.extend(tree["children"].get(pk, []))
    return found


def term_ids_for_codes(codes: list[str]) -> set:
    """The ids of the terms with these codes and of all their descendants."""
    tree = _tree()
    roots = [pk for code in codes for pk in tree["codes"].get(code, [])]
    return with_descendants(roots)
