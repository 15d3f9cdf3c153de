"""Optional demographics, in ranges and categories only (no birth date, no address).

Race and ethnicity follow the US federal standard as revised in 2024 (OMB Statistical Policy Directive No. 15):
one combined question with seven minimum categories, several may be chosen; "Hispanic or Latino" and "Middle
Eastern or North African" are categories of that question.
"""

from django.utils.translation import gettext_lazy as _

AGE_BANDS = ("under-18", "18-24", "25-34", "35-44", "45-54", "55-64", "65+")
GENDER_IDENTITIES = {
    "woman": _("Woman"),
    "man": _("Man"),
    "transgender-woman": _("Transgender woman"),
    "transgender-man": _("Transgender man"),
    "nonbinary": _("Non-binary or gender-diverse"),
    "another": _("Another identity"),
    "declined": _("Prefers not to say"),
}
RACE_ETHNICITY = {
    "american-indian-alaska-native": _("American Indian or Alaska Native"),
    "asian": _("Asian"),
    "black-african-american": _("Black or African American"),
    "hispanic-latino": _("Hispanic or Latino"),
    "middle-eastern-north-african": _("Middle Eastern or North African"),
    "native-hawaiian-pacific-islander": _("Native Hawaiian or Pacific Islander"),
    "white": _("White"),
    "declined": _("Prefers not to say"),
}


class DemographicsError(ValueError):
    pass


def clean_demographics(data: dict) -> dict:
    """Checked demographics for Participant fields; raises DemographicsError naming the bad field."""
    cleaned: dict = {}
    age_band = (data.get("age_band") or "").strip()
    if age_band and age_band not in AGE_BANDS:
        raise DemographicsError(f"age_band must be one of {', '.join(AGE_BANDS)}.")
    cleaned["age_band"] = age_band
    gender = (data.get("gender_identity") or "").strip()
    if gender and gender not in GENDER_IDENTITIES:
        raise DemographicsError(f"gender_identity must be one of {', '.join(GENDER_IDENTITIES)}.")
    cleaned["gender_identity"] = gender
    race = data.get("race") or []
    if isinstance(race, str):
        race = [race]
    unknown = [value for value in race if value not in RACE_ETHNICITY]
    if unknown:
        raise DemographicsError(f"race has unknown categories {unknown}; use {', '.join(RACE_ETHNICITY)}.")
    cleaned["race"] = sorted(set(race))
    # The 2024 standard folds ethnicity into the combined question; the field keeps "hispanic-latino" or "".
    cleaned["ethnicity"] = "hispanic-latino" if "hispanic-latino" in race else ""
    zip3 = str(data.get("zip3") or "").strip()
    if zip3 and not (len(zip3) == 3 and zip3.isdigit()):
        raise DemographicsError("zip3 must be the first three digits of a ZIP code.")
    cleaned["zip3"] = zip3
    return cleaned
