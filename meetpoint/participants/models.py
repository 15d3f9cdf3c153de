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
