from django.core.management import call_command

from meetpoint.directory.models import Taxonomy, TaxonomyTerm
from meetpoint.directory.taxonomy import read_taxonomy_file, term_id

FIXED = [
    "harm-reduction",
    "syringe-services",
    "fentanyl-test-strips",
    "naloxone",
    "good-samaritan-info",
    "supervised-consumption",
    "drug-take-back",
    "wound-care",
    "std-testing",
    "prevention",
    "prevention-education",
    "youth-prevention",
    "treatment",
    "moud",
    "outpatient-treatment",
    "detox",
    "mental-health",
    "recovery-support",
    "peer-recovery",
    "social-services",
    "housing",
    "food",
    "transportation",
    "utilities",
    "safety",
]


def test_taxonomy_file_has_every_fixed_code_in_english_and_spanish(db):
    data = read_taxonomy_file()
    assert data["version"]
    codes = {}

    def walk(terms, parent=None):
        for term in terms:
            codes[term["code"]] = (term, parent)
            walk(term.get("children", []), term["code"])

    walk(data["terms"])
    for code in FIXED:
        term, _ = codes[code]
        assert term["name"] and term["name_es"] and term["description"] and term["description_es"]
    assert codes["moud"][1] == "treatment" and codes["naloxone"][1] == "harm-reduction"


def test_loading_is_idempotent_with_stable_ids(db, capsys):
    call_command("load_taxonomy")
    call_command("load_taxonomy")
    assert "terms loaded" in capsys.readouterr().out
    assert Taxonomy.objects.count() == 1
    assert TaxonomyTerm.objects.filter(code="naloxone").count() == 1
    naloxone = TaxonomyTerm.objects.get(code="naloxone")
    assert naloxone.pk == term_id("naloxone") and naloxone.parent.code == "harm-reduction"
    assert naloxone.name_es.startswith("Educación sobre sobredosis")
    assert TaxonomyTerm.objects.count() >= len(FIXED)
