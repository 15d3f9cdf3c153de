"""Encounters (who, where, when, what was handed out, collected and done) and overdose reports.

Every record carries the UUID its device made for it (`client_uuid`, unique), so a record synced twice, or a
sync cut off and resent, is stored exactly once. Places are coarse on purpose: a site, a stop, a census block
group or a grid cell — never a home address.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from meetpoint.accounts.models import Organization
from meetpoint.directory.models import Location
from meetpoint.inventory.models import SupplyItem
from meetpoint.participants.models import Participant


class Setting(models.TextChoices):
    FIXED_SITE = "fixed_site", _("Fixed site")
    MOBILE_STOP = "mobile_stop", _("Mobile unit stop")
    STREET = "street", _("Street outreach")
    EMERGENCY_DEPARTMENT = "emergency_department", _("Emergency department")
    EVENT = "event", _("Event")


class TestResult(models.TextChoices):
    NONE = "", _("Not tested")
    NEGATIVE = "negative", _("Negative")
    POSITIVE = "positive", _("Positive / reactive")
    INVALID = "invalid", _("Invalid / no result")


class CollectedMethod(models.TextChoices):
    NONE = "", _("None collected")
    COUNTED = "counted", _("Counted")
    VOLUME = "volume", _("Estimated from container volume (litres)")
    WEIGHT = "weight", _("Estimated from weight (pounds)")


class NaloxoneKitStatus(models.TextChoices):
    NONE = "", _("No naloxone")
    FIRST = "first", _("First kit")
    REFILL = "refill", _("Refill")


class RefillReason(models.TextChoices):
    NONE = "", _("—")
    USED = "used", _("Used on someone")
    LOST = "lost", _("Lost")
    EXPIRED = "expired", _("Expired")
    TAKEN = "taken", _("Taken away")


class Vaccination(models.TextChoices):
    NONE = "", _("None")
    HEPATITIS_A = "hepatitis-a", _("Hepatitis A")
    HEPATITIS_B = "hepatitis-b", _("Hepatitis B")
    INFLUENZA = "influenza", _("Influenza")
    COVID_19 = "covid-19", _("COVID-19")
    TETANUS = "tetanus", _("Tetanus")
    MPOX = "mpox", _("Mpox")
    OTHER = "other", _("Other")


class Encounter(models.Model):
    """One contact between staff and a participant (or an anonymous walk-up) at a site, stop or on the street."""

    class Source(models.TextChoices):
        WEB = "web", _("Quick entry page")
        SYNC = "sync", _("Offline sync / API")
        IMPORT = "import", _("CSV import")
        DEMO = "demo", _("Demo data")

    client_uuid = models.UUIDField(unique=True)  # made by the recording device: exactly-once storage
    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="outreach_encounters"
    )
    participant = models.ForeignKey(
        Participant, null=True, blank=True, on_delete=models.PROTECT, related_name="encounters"
    )  # None: an anonymous walk-up
    location = models.ForeignKey(
        Location, null=True, blank=True, on_delete=models.PROTECT, related_name="outreach_encounters"
    )  # the organization's site or mobile unit; may be empty for street outreach
    setting = models.CharField(max_length=24, choices=Setting.choices, default=Setting.FIXED_SITE)
    stop_name = models.CharField(max_length=120, blank=True)  # a mobile unit's stop or an event's name
    area_cell = models.CharField(max_length=32, blank=True)  # "grid:40.44,-80.00" or "bg:420030101001"
    occurred_at = models.DateTimeField()
    staff = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    syringes_collected = models.PositiveIntegerField(default=0)
    collected_method = models.CharField(max_length=8, choices=CollectedMethod.choices, blank=True)
    collected_measure = models.DecimalField(max_digits=8, decimal_places=2, null=True, blank=True)
    collected_estimated = models.BooleanField(default=False)
    secondary_for_people = models.PositiveSmallIntegerField(default=0)  # supplies taken for N other people
    naloxone_kit_status = models.CharField(max_length=8, choices=NaloxoneKitStatus.choices, blank=True)
    refill_reason = models.CharField(max_length=8, choices=RefillReason.choices, blank=True)
    wound_care = models.BooleanField(default=False)
    overdose_education = models.BooleanField(default=False)
    vaccination = models.CharField(max_length=16, choices=Vaccination.choices, blank=True)
    hiv_test = models.CharField(max_length=8, choices=TestResult.choices, blank=True)
    hiv_linked = models.BooleanField(default=False)
    hcv_test = models.CharField(max_length=8, choices=TestResult.choices, blank=True)
    hcv_linked = models.BooleanField(default=False)
    sti_test = models.CharField(max_length=8, choices=TestResult.choices, blank=True)
    sti_linked = models.BooleanField(default=False)
    referrals_made = models.PositiveSmallIntegerField(default=0)
    reversals_reported = models.PositiveSmallIntegerField(default=0)  # naloxone reversals the person reports
    source = models.CharField(max_length=8, choices=Source.choices, default=Source.WEB)
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [
            models.Index(fields=["organization", "occurred_at"], name="encounter_org_time"),
            models.Index(fields=["location", "occurred_at"], name="encounter_site_time"),
        ]
        ordering = ["-occurred_at"]

    def __str__(self) -> str:
        return f"Encounter {self.client_uuid} at {self.occurred_at:%Y-%m-%d %H:%M}"


class EncounterSupply(models.Model):
    """Supplies handed out at an encounter: one line per catalog item."""

    encounter = models.ForeignKey(Encounter, on_delete=models.CASCADE, related_name="supplies")
    supply_item = models.ForeignKey(SupplyItem, on_delete=models.PROTECT, related_name="+")
    quantity = models.PositiveIntegerField()
    doses = models.PositiveIntegerField(default=0)  # naloxone: kits x doses per kit

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["encounter", "supply_item"], name="one_line_per_item_per_encounter"
            )
        ]


class OverdoseReport(models.Model):
    """An overdose someone reports: when, a coarse place, fatal or not, naloxone given — never who."""

    class PlaceKind(models.TextChoices):
        STOP = "stop", _("A site or mobile unit stop")
        BLOCK_GROUP = "block_group", _("Census block group")
        GRID_CELL = "grid_cell", _("Map grid cell")

    class Called911(models.TextChoices):
        YES = "yes", _("Yes")
        NO = "no", _("No")
        UNKNOWN = "unknown", _("Unknown")

    class ReportedBy(models.TextChoices):
        PARTICIPANT = "participant", _("A participant")
        STAFF = "staff", _("Outreach staff")
        PARTNER = "partner", _("A partner (EMS, hospital, police)")

    client_uuid = models.UUIDField(unique=True)
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="overdose_reports")
    occurred_at = models.DateTimeField()
    place_kind = models.CharField(max_length=12, choices=PlaceKind.choices)
    location = models.ForeignKey(
        Location, null=True, blank=True, on_delete=models.PROTECT, related_name="overdose_reports"
    )
    stop_name = models.CharField(max_length=120, blank=True)
    block_group = models.CharField(max_length=12, blank=True)  # 12-digit census block group GEOID
    grid_cell = models.CharField(max_length=24, blank=True)  # "40.44,-80.00": south-west corner of the cell
    fatal = models.BooleanField(default=False)
    naloxone_doses_bystander = models.PositiveSmallIntegerField(default=0)
    naloxone_doses_ems = models.PositiveSmallIntegerField(default=0)
    naloxone_doses_staff = models.PositiveSmallIntegerField(default=0)
    called_911 = models.CharField(max_length=8, choices=Called911.choices, default=Called911.UNKNOWN)
    substances = models.JSONField(default=list, blank=True)
    reported_by = models.CharField(max_length=12, choices=ReportedBy.choices, default=ReportedBy.STAFF)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [models.Index(fields=["organization", "occurred_at"], name="overdose_org_time")]
        ordering = ["-occurred_at"]

    @property
    def naloxone_doses(self) -> int:
        return self.naloxone_doses_bystander + self.naloxone_doses_ems + self.naloxone_doses_staff

    def place_label(self) -> str:
        if self.place_kind == self.PlaceKind.STOP:
            return self.stop_name or (self.location.name if self.location else "")
        if self.place_kind == self.PlaceKind.BLOCK_GROUP:
            return f"Block group {self.block_group}"
        return f"Grid cell {self.grid_cell}"


# ---------- daily roll-ups (kept by outreach/rollups.py; never edited by hand) ----------
ENCOUNTER_MEASURES = (
    "encounters",
    "syringes_collected",
    "reversals_reported",
    "referrals_made",
    "hiv_tests",
    "hiv_positives",
    "hcv_tests",
    "hcv_positives",
    "sti_tests",
    "sti_positives",
)


class DailyEncounterTotal(models.Model):
    """Encounters and what was done at them, per organization, site (None: no site) and local day.

    Only additive counts live here; distinct people are always counted from the encounters themselves.
    Written in the same transaction as the encounters (outreach/rollups.py); `meetpoint rebuild_rollups`
    recounts them from the raw rows."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    location = models.ForeignKey(Location, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    day = models.DateField()  # the encounter's local date (settings.TIME_ZONE)
    encounters = models.BigIntegerField(default=0)
    syringes_collected = models.BigIntegerField(default=0)
    reversals_reported = models.BigIntegerField(default=0)
    referrals_made = models.BigIntegerField(default=0)
    hiv_tests = models.BigIntegerField(default=0)
    hiv_positives = models.BigIntegerField(default=0)
    hcv_tests = models.BigIntegerField(default=0)
    hcv_positives = models.BigIntegerField(default=0)
    sti_tests = models.BigIntegerField(default=0)
    sti_positives = models.BigIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "location", "day"],
                condition=models.Q(location__isnull=False),
                name="one_encounter_total_per_site_day",
            ),
            models.UniqueConstraint(
                fields=["organization", "day"],
                condition=models.Q(location__isnull=True),
                name="one_encounter_total_per_day_no_site",
            ),
        ]
        indexes = [models.Index(fields=["organization", "day"], name="encounter_total_org_day")]


class DailySupplyTotal(models.Model):
    """Supplies handed out per organization, site (None: no site), local day and supply item."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    location = models.ForeignKey(Location, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    supply_item = models.ForeignKey(SupplyItem, on_delete=models.PROTECT, related_name="+")
    quantity = models.BigIntegerField(default=0)
    doses = models.BigIntegerField(default=0)
    lines = models.BigIntegerField(default=0)  # encounter supply lines counted

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "location", "day", "supply_item"],
                condition=models.Q(location__isnull=False),
                name="one_supply_total_per_site_day",
            ),
            models.UniqueConstraint(
                fields=["organization", "day", "supply_item"],
                condition=models.Q(location__isnull=True),
                name="one_supply_total_per_day_no_site",
            ),
        ]
        indexes = [models.Index(fields=["organization", "day"], name="supply_total_org_day")]
