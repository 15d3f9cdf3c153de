import uuid

from django.conf import settings
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
    name_es = models.CharField(max_length=120, blank=True, default="")  # Spanish; English when blank
    category = models.CharField(max_length=20, choices=Category.choices)
    unit = models.CharField(max_length=20, default="each")  # "each", "kit", "box of 100"
    doses_per_unit = models.PositiveSmallIntegerField(default=1)  # naloxone kits hold 2 doses
    max_per_encounter = models.PositiveIntegerField(default=1000)  # the ceiling that flags absurd quantities
    tracks_expiry = models.BooleanField(default=False)
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["category", "name"]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        """The name a person reads, in the active language (Spanish when chosen and known), else English."""
        from django.utils.translation import get_language

        if (get_language() or "en").startswith("es") and self.name_es:
            return self.name_es
        return self.name


class StockLot(models.Model):
    """One lot of one item held at one site or mobile unit, with its cached on-hand balance.

    `on_hand` is a cache of the sum of this lot's ledger entries; every action that writes entries updates it in
    the same transaction (see inventory.actions), and `inventory.queries.ledger_mismatches` checks the two agree.
    The *unrecorded* lot of a site and item is where distributions beyond recorded stock land: it goes
    negative, visibly, and staff reconcile it.
    """

    organization = models.ForeignKey(
        "accounts.Organization", on_delete=models.CASCADE, related_name="stock_lots"
    )
    location = models.ForeignKey("directory.Location", on_delete=models.CASCADE, related_name="stock_lots")
    item = models.ForeignKey(SupplyItem, on_delete=models.PROTECT, related_name="lots")
    lot_number = models.CharField(max_length=60, blank=True)
    expires_on = models.DateField(null=True, blank=True)
    unrecorded = models.BooleanField(default=False)  # the bucket for stock handed out beyond the records
    on_hand = models.IntegerField(default=0)
    first_received_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["item__name", "expires_on", "lot_number"]
        constraints = [
            models.UniqueConstraint(
                fields=["location", "item", "lot_number", "expires_on", "unrecorded"],
                condition=models.Q(expires_on__isnull=False),
                name="one_lot_per_site_item_number_expiry",
            ),
            models.UniqueConstraint(
                fields=["location", "item", "lot_number", "unrecorded"],
                condition=models.Q(expires_on__isnull=True),
                name="one_undated_lot_per_site_item_number",
            ),
        ]
        indexes = [models.Index(fields=["organization", "expires_on"], name="stocklot_org_expiry")]

    def __str__(self) -> str:
        if self.unrecorded:
            return f"{self.item} — unrecorded stock"
        return f"{self.item} — lot {self.lot_number or '—'}"

    def is_expired(self, on) -> bool:
        return self.expires_on is not None and self.expires_on < on


class StockMovement(models.Model):
    """One event in the append-only stock ledger of a site: what happened, when, by whom, and why.

    Its entries (one per lot touched) carry the signed quantities. Movements are never edited or deleted: a
    mistake is corrected by another movement (a reversal or an adjustment). The only fields that change after
    writing are the reconciliation ones.
    """

    class Kind(models.TextChoices):
        RECEIPT = "receipt", _("Receipt")
        TRANSFER_OUT = "transfer_out", _("Transfer out")
        TRANSFER_IN = "transfer_in", _("Transfer in")
        ADJUSTMENT = "adjustment", _("Adjustment")
        DISTRIBUTION = "distribution", _("Distribution")
        EXPIRY_WRITE_OFF = "expiry_write_off", _("Expiry write-off")
        REVERSAL = "reversal", _("Distribution reversed")
        RECONCILIATION = "reconciliation", _("Reconciliation")

    class Reason(models.TextChoices):
        COUNT_CORRECTION = "count_correction", _("Count correction")
        DAMAGED = "damaged", _("Damaged")
        EXPIRED = "expired", _("Expired")
        LOST = "lost", _("Lost or stolen")
        OTHER = "other", _("Other")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organization = models.ForeignKey(
        "accounts.Organization", on_delete=models.CASCADE, related_name="stock_movements"
    )
    location = models.ForeignKey(
        "directory.Location", on_delete=models.CASCADE, related_name="stock_movements"
    )
    item = models.ForeignKey(SupplyItem, on_delete=models.PROTECT, related_name="movements")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    quantity = models.IntegerField()  # signed total of the entries: + into this site, - out of it
    occurred_at = models.DateTimeField(db_index=True)
    recorded_at = models.DateTimeField(auto_now_add=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reason = models.CharField(max_length=20, choices=Reason.choices, blank=True)  # adjustments
    note = models.TextField(blank=True)
    source = models.CharField(max_length=200, blank=True)  # receipts: from whom (supplier, health department)
    encounter_id = models.UUIDField(null=True, blank=True, db_index=True)  # distributions and their reversals
    transfer_id = models.UUIDField(
        null=True, blank=True, db_index=True
    )  # pairs transfer_out with transfer_in
    counterpart_location = models.ForeignKey(
        "directory.Location", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reverses = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="reversals"
    )
    # Stock went below zero: how many units were handed out beyond the recorded stock.
    shortfall = models.PositiveIntegerField(default=0)
    needs_reconciliation = models.BooleanField(default=False, db_index=True)
    reconciled_at = models.DateTimeField(null=True, blank=True)
    reconciled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reconciliation_note = models.TextField(blank=True)

    class Meta:
        ordering = ["-occurred_at", "-recorded_at"]
        indexes = [
            models.Index(fields=["organization", "location", "occurred_at"], name="movement_org_site_time"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.quantity:+d} {self.item}"


class LedgerEntry(models.Model):
    """A signed quantity of one lot within one movement. On-hand balances are sums of these."""

    movement = models.ForeignKey(StockMovement, on_delete=models.CASCADE, related_name="entries")
    lot = models.ForeignKey(StockLot, on_delete=models.PROTECT, related_name="entries")
    quantity = models.IntegerField()

    class Meta:
        verbose_name_plural = "ledger entries"


class StockThreshold(models.Model):
    """The organization's low-stock threshold for an item, at one site or (location empty) at all its sites."""

    organization = models.ForeignKey(
        "accounts.Organization", on_delete=models.CASCADE, related_name="stock_thresholds"
    )
    location = models.ForeignKey(
        "directory.Location", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    item = models.ForeignKey(SupplyItem, on_delete=models.CASCADE, related_name="+")
    minimum = models.PositiveIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "location", "item"],
                condition=models.Q(location__isnull=False),
                name="one_threshold_per_site_item",
            ),
            models.UniqueConstraint(
                fields=["organization", "item"],
                condition=models.Q(location__isnull=True),
                name="one_default_threshold_per_item",
            ),
        ]
