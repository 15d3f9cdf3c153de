"""Forms of the inventory pages. Choices come from the acting membership's organization only; the rules live in
inventory.actions, whose InventoryError is put back on the field it names."""

from datetime import datetime, time

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from meetpoint.inventory import actions, queries
from meetpoint.inventory.models import StockLot, StockMovement


def site_choices(membership) -> list[tuple[str, str]]:
    choices = []
    for site in queries.sites_of(membership):
        label = site.name or str(site.pk)
        if site.is_mobile:
            label = _("%(name)s (mobile unit)") % {"name": label}
        choices.append((str(site.pk), label))
    return choices


CATEGORY_ORDER = [
    "syringe",
    "naloxone",
    "test_strip",
    "wound_care",
    "safer_smoking",
    "safer_sex",
    "hygiene",
    "other",
]


def item_choices() -> list[tuple[str, str]]:
    """Syringes and naloxone first: what is received and moved most."""

    def rank(item):
        category = (
            CATEGORY_ORDER.index(item.category) if item.category in CATEGORY_ORDER else len(CATEGORY_ORDER)
        )
        return (category, item.name)

    return [(item.code, item.name) for item in sorted(queries.catalog(), key=rank)]


def lot_label(lot) -> str:
    expiry = lot.expires_on.isoformat() if lot.expires_on else _("no expiry")
    return f"{lot.location.name} · {lot.item.name} · {lot.lot_number or '—'} · {expiry} · {lot.on_hand}"


def lot_choices(membership) -> list[tuple[str, str]]:
    lots = (
        StockLot.objects.filter(organization_id=membership.organization_id, on_hand__gt=0, unrecorded=False)
        .select_related("item", "location")
        .order_by("location__name", "item__name", "expires_on")
    )
    return [("", _("First to expire (automatic)"))] + [(str(lot.pk), lot_label(lot)) for lot in lots]


def as_moment(day) -> datetime | None:
    """A date picked on a form as a moment: now if it is today, else noon of that day."""
    if day is None:
        return None
    if day == timezone.localdate():
        return timezone.now()
    return timezone.make_aware(datetime.combine(day, time(12)))


class InventoryForm(forms.Form):
    # Action field names that differ from the form's.
    field_names: dict[str, str] = {}

    def __init__(self, membership, *args, **kwargs):
        self.membership = membership
        super().__init__(*args, **kwargs)

    def site(self, name: str):
        return queries.site_for(self.membership, self.cleaned_data[name])

    def apply(self) -> bool:
        """Runs the action (result in `self.result`); False with the error put on the form."""
        try:
            self.result = self.perform()
        except actions.InventoryError as error:
            field = self.field_names.get(error.field, error.field)
            self.add_error(field if field in self.fields else None, error.message)
            return False
        return True

    def perform(self):
        raise NotImplementedError


class ReceiptForm(InventoryForm):
    location = forms.ChoiceField(label=_("Site or mobile unit"))
    item = forms.ChoiceField(label=_("Item"))
    quantity = forms.IntegerField(label=_("Quantity (in the item's unit)"), min_value=1, max_value=1_000_000)
    lot_number = forms.CharField(label=_("Lot number"), max_length=60, required=False)
    expires_on = forms.DateField(
        label=_("Expiry date"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    source = forms.CharField(label=_("Received from"), max_length=200, required=False)
    received_on = forms.DateField(
        label=_("Received on"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    field_names = {"received_at": "received_on"}

    def __init__(self, membership, *args, **kwargs):
        super().__init__(membership, *args, **kwargs)
        self.fields["location"].choices = site_choices(membership)
        self.fields["item"].choices = item_choices()

    def perform(self):
        data = self.cleaned_data
        return actions.record_receipt(
            self.membership,
            location=self.site("location"),
            item=data["item"],
            quantity=data["quantity"],
            lot_number=data["lot_number"],
            expires_on=data["expires_on"],
            source=data["source"],
            received_at=as_moment(data["received_on"]),
            note=data["note"],
        )


class TransferForm(InventoryForm):
    source = forms.ChoiceField(label=_("From"))
    destination = forms.ChoiceField(label=_("To"))
    item = forms.ChoiceField(label=_("Item"))
    quantity = forms.IntegerField(label=_("Quantity"), min_value=1, max_value=1_000_000)
    lot = forms.ChoiceField(label=_("Lot"), required=False)
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, membership, *args, **kwargs):
        super().__init__(membership, *args, **kwargs)
        self.fields["source"].choices = site_choices(membership)
        sites = site_choices(membership)
        self.fields["destination"].choices = sites
        if not self.is_bound and len(sites) > 1:
            source = str(self.initial.get("source") or sites[0][0])
            self.initial.setdefault("destination", next(value for value, _label in sites if value != source))
        self.fields["item"].choices = item_choices()
        self.fields["lot"].choices = lot_choices(membership)

    def perform(self):
        data = self.cleaned_data
        lot = queries.lot_for(self.membership, data["lot"]) if data["lot"] else None
        return actions.record_transfer(
            self.membership,
            source=self.site("source"),
            destination=self.site("destination"),
            item=data["item"],
            quantity=data["quantity"],
            lot=lot,
            note=data["note"],
        )


class AdjustmentForm(InventoryForm):
    location = forms.ChoiceField(label=_("Site or mobile unit"))
    item = forms.ChoiceField(label=_("Item"))
    lot = forms.ChoiceField(label=_("Lot"), required=False)
    lot_number = forms.CharField(
        label=_("…or a lot number (for stock found that was never recorded)"), max_length=60, required=False
    )
    expires_on = forms.DateField(
        label=_("Its expiry date"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    quantity = forms.IntegerField(
        label=_("Change (+ adds, − removes)"), min_value=-1_000_000, max_value=1_000_000
    )
    reason = forms.ChoiceField(label=_("Reason"), choices=[("", "—")] + list(StockMovement.Reason.choices))
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, membership, *args, **kwargs):
        super().__init__(membership, *args, **kwargs)
        self.fields["location"].choices = site_choices(membership)
        self.fields["item"].choices = item_choices()
        choices = lot_choices(membership)
        self.fields["lot"].choices = [("", _("The lot named below"))] + choices[1:]
        self.fields["reason"].required = False  # the action names the missing reason

    def perform(self):
        data = self.cleaned_data
        lot = queries.lot_for(self.membership, data["lot"]) if data["lot"] else None
        return actions.record_adjustment(
            self.membership,
            location=self.site("location"),
            item=data["item"],
            quantity=data["quantity"],
            reason=data["reason"],
            note=data["note"],
            lot=lot,
            lot_number=data["lot_number"],
            expires_on=data["expires_on"],
        )


class ReconcileForm(InventoryForm):
    note = forms.CharField(
        label=_("What was found"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    cover_from = forms.ChoiceField(label=_("Cover the shortfall from lot"), required=False)

    def __init__(self, membership, movement, *args, **kwargs):
        self.movement = movement
        super().__init__(membership, *args, **kwargs)
        lots = (
            queries.lots_at(movement.location, movement.item)
            .filter(unrecorded=False)
            .select_related("location")
        )
        self.fields["cover_from"].choices = [("", _("Do not move stock (already corrected)"))] + [
            (str(lot.pk), lot_label(lot)) for lot in lots
        ]

    def perform(self):
        data = self.cleaned_data
        lot = queries.lot_for(self.membership, data["cover_from"]) if data["cover_from"] else None
        return actions.reconcile(self.membership, self.movement, note=data["note"], cover_from=lot)


class ThresholdForm(InventoryForm):
    item = forms.ChoiceField(label=_("Item"))
    location = forms.ChoiceField(label=_("Where"), required=False)
    minimum = forms.IntegerField(
        label=_("Alert below (empty: back to the default)"), min_value=0, max_value=1_000_000, required=False
    )

    def __init__(self, membership, *args, **kwargs):
        super().__init__(membership, *args, **kwargs)
        self.fields["item"].choices = item_choices()
        self.fields["location"].choices = [("", _("Every site"))] + site_choices(membership)

    def perform(self):
        data = self.cleaned_data
        location = self.site("location") if data["location"] else None
        return actions.set_threshold(
            self.membership, item=data["item"], minimum=data["minimum"], location=location
        )
