"""The supply catalog everyone shares: fixed codes that outreach, imports, sync and reports refer to.

The data migration `supply_items` loads it (update_or_create by code, so running it again is harmless); the
admin may edit names or ceilings later, but never the codes.
"""

# code, name, category, unit, doses_per_unit, max_per_encounter, tracks_expiry
CATALOG: tuple[tuple[str, str, str, str, int, int, bool], ...] = (
    ("syringe-1ml-27g", "Syringe 1 mL 27G", "syringe", "each", 1, 1000, False),
    ("syringe-1ml-28g", "Syringe 1 mL 28G", "syringe", "each", 1, 1000, False),
    ("syringe-half-ml-29g", "Syringe 0.5 mL 29G", "syringe", "each", 1, 1000, False),
    ("syringe-3ml-25g", "Syringe 3 mL 25G", "syringe", "each", 1, 1000, False),
    # Nasal kits hold two single-dose sprays (Narcan 4 mg, Kloxxado 8 mg, RiVive 3 mg).
    ("naloxone-nasal-4mg", "Naloxone nasal spray 4 mg (kit of 2)", "naloxone", "kit", 2, 50, True),
    ("naloxone-nasal-8mg", "Naloxone nasal spray 8 mg (kit of 2)", "naloxone", "kit", 2, 50, True),
    ("naloxone-nasal-3mg", "Naloxone nasal spray 3 mg (kit of 2)", "naloxone", "kit", 2, 50, True),
    # Community intramuscular kits: two 0.4 mg/1 mL vials with two IM syringes.
    ("naloxone-im", "Naloxone intramuscular 0.4 mg/mL (kit of 2 vials)", "naloxone", "kit", 2, 50, True),
    ("fentanyl-test-strip", "Fentanyl test strip", "test_strip", "strip", 1, 200, True),
    ("xylazine-test-strip", "Xylazine test strip", "test_strip", "strip", 1, 200, True),
    ("wound-care-kit", "Wound care kit", "wound_care", "kit", 1, 20, False),
    ("safer-smoking-kit", "Safer smoking kit", "safer_smoking", "kit", 1, 50, False),
    ("safer-sex-kit", "Safer sex kit", "safer_sex", "kit", 1, 50, False),
    ("hygiene-kit", "Hygiene kit", "hygiene", "kit", 1, 20, False),
    ("sharps-container", "Sharps container", "other", "each", 1, 10, False),
)

# The names in Spanish, by code (the catalog's admin may edit them later like the English ones).
SPANISH_NAMES = {
    "syringe-1ml-27g": "Jeringa de 1 mL 27G",
    "syringe-1ml-28g": "Jeringa de 1 mL 28G",
    "syringe-half-ml-29g": "Jeringa de 0,5 mL 29G",
    "syringe-3ml-25g": "Jeringa de 3 mL 25G",
    "naloxone-nasal-4mg": "Naloxona en aerosol nasal 4 mg (kit de 2)",
    "naloxone-nasal-8mg": "Naloxona en aerosol nasal 8 mg (kit de 2)",
    "naloxone-nasal-3mg": "Naloxona en aerosol nasal 3 mg (kit de 2)",
    "naloxone-im": "Naloxona intramuscular 0,4 mg/mL (kit de 2 viales)",
    "fentanyl-test-strip": "Tira reactiva de fentanilo",
    "xylazine-test-strip": "Tira reactiva de xilacina",
    "wound-care-kit": "Kit de cuidado de heridas",
    "safer-smoking-kit": "Kit para fumar más seguro",
    "safer-sex-kit": "Kit de sexo más seguro",
    "hygiene-kit": "Kit de higiene",
    "sharps-container": "Contenedor para objetos punzantes",
}

# Low-stock threshold when the organization has set none for an item (by category, in the item's unit).
DEFAULT_LOW_STOCK_BY_CATEGORY = {
    "syringe": 500,
    "naloxone": 24,
    "test_strip": 100,
    "wound_care": 10,
    "safer_smoking": 20,
    "safer_sex": 20,
    "hygiene": 10,
    "other": 5,
}


def load_catalog(supply_item_model) -> None:
    """Create or update every catalog item (used by the data migrations, so it takes the historical model, which
    has the Spanish name from migration 0004 on)."""
    fields = {field.name for field in supply_item_model._meta.get_fields()}
    for code, name, category, unit, doses, ceiling, expiry in CATALOG:
        spanish = {"name_es": SPANISH_NAMES.get(code, "")} if "name_es" in fields else {}
        supply_item_model.objects.update_or_create(
            code=code,
            defaults={
                **spanish,
                "name": name,
                "category": category,
                "unit": unit,
                "doses_per_unit": doses,
                "max_per_encounter": ceiling,
                "tracks_expiry": expiry,
                "active": True,
            },
        )
