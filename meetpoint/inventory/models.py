from django.db import models
from django.utils.translation import gettext_lazy as _


class SupplyItem(models.Model):
    """A kind of supply a program hands out or collects, e.g. a 1 mL 28G syringe or a 4 mg nasal naloxone kit."""

    class Category(models.TextChoices):
        SYRINGE = "syringe", _("Sterile syringes")
        NALOXONE = "naloxone", _("Naloxone")
        TEST_STRIP = "test_strip", _("Drug checking test strips")
        WOUND_CARE = "wound_care", _("Wound care")
        SAFER_SMOKING = "safer_smoking", _("Safer smoking")
        SAFER_SEX = "safer_sex", _("Safer sex")
        HYGIENE = "hygiene", _("Hygiene")
        OTHER = "other", _("Other")

    code = models.SlugField(max_length=40, unique=True)  # stable: used by imports, sync and reports
    name = models.CharField(max_length=120)
    category = models.CharField(max_length=20, choices=Category.choices)
    unit = models.CharField(max_length=20, default="each")  # "each", "kit", "box of 100"
    doses_per_unit = models.PositiveSmallIntegerField(default=1)  # naloxone kits hold 2 doses
    max_per_encounter = models.PositiveIntegerField(default=1000)  # the ceiling that flags absurd quantities
    tracks_expiry = models.BooleanField(default=False)
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["category", "name"]

    def __str__(self) -> str:
        return self.name
