import uuid

from django.db import models

from meetpoint.accounts.models import Organization


class Participant(models.Model):
    """A person known to one organization only by the blind index of their participant code.

    Optional demographics are ranges and categories only; there is no name, birth date or address here.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="participants")
    code_hash = models.CharField(max_length=64)
    age_band = models.CharField(max_length=16, blank=True)  # e.g. "25-34"
    gender_identity = models.CharField(max_length=32, blank=True)
    race = models.JSONField(default=list, blank=True)  # US federal categories (SPD 15, 2024), several allowed
    ethnicity = models.CharField(max_length=64, blank=True)
    zip3 = models.CharField(max_length=3, blank=True)
    merged_into = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="merged_from"
    )
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "code_hash"], name="one_participant_per_code_per_org"
            )
        ]

    def __str__(self) -> str:
        return f"Participant {str(self.id)[:8]}"


class ParticipantCodeRecipe(models.Model):
    """An organization's choice of answers that make its participant codes (recipe.PARTS keys, in order).

    Without a row the default recipe applies. Changing the recipe makes new codes that do not match old ones,
    so it is meant to be chosen once, when a program starts using Meetpoint.
    """

    organization = models.OneToOneField(Organization, on_delete=models.CASCADE, related_name="code_recipe")
    parts = models.JSONField(default=list)
    updated = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"Code recipe of {self.organization}: {'+'.join(self.parts)}"


class PossibleDuplicate(models.Model):
    """Two participants of one organization whose codes are one character apart, for staff to merge or dismiss."""

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        MERGED = "merged", "Merged"
        DISMISSED = "dismissed", "Not the same person"

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="possible_duplicates"
    )
    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="+")  # the newer one
    similar_to = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="+")
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.OPEN)
    created = models.DateTimeField(auto_now_add=True)
    resolved = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["participant", "similar_to"], name="one_flag_per_participant_pair"
            )
        ]
        ordering = ["-created"]
