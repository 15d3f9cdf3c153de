"""`meetpoint rotate_field_keys`: re-encrypts every encrypted value (meetpoint/fields.py) with the first key of
MEETPOINT_FIELD_KEYS, so older keys can then be removed. One transaction: exit 1, changing nothing, when a value
opens with none of the keys (the message names the field and row)."""

from django.core.management.base import BaseCommand, CommandError

from meetpoint import crypto
from meetpoint.accounts import audit
from meetpoint.fields import encrypted_fields

BATCH = 1000


class Command(BaseCommand):
    help = (
        "Re-encrypts every encrypted field value with the first key of MEETPOINT_FIELD_KEYS (values already "
        "under it are left alone). Put the new key first, run this, then remove the old key."
    )

    def handle(self, *args, **options):
        try:
            crypto.key_ring()
            with audit.command_transaction():
                counts = {}
                for model, field in encrypted_fields():
                    rotated, current = self.rotate(model, field.attname)
                    counts[f"{model._meta.label}.{field.name}"] = {
                        "re_encrypted": rotated,
                        "current": current,
                    }
                    self.stdout.write(
                        f"{model._meta.label}.{field.name}: {rotated} re-encrypted, {current} already under the "
                        "first key."
                    )
                audit.record_command(
                    "maintenance.field_keys.rotate", command="rotate_field_keys", detail=counts
                )
        except crypto.FieldKeyError as problem:
            raise CommandError(f"{problem} Nothing was changed.") from None
        self.stdout.write(self.style.SUCCESS("Every encrypted value is now under the first key."))

    def rotate(self, model, name: str) -> tuple[int, int]:
        rows = model._base_manager.exclude(**{name: ""}).filter(**{f"{name}__isnull": False}).order_by("pk")
        rotated = current = 0
        last = None
        while True:
            page = rows.filter(pk__gt=last) if last is not None else rows
            batch = list(page.values_list("pk", name)[:BATCH])
            if not batch:
                return rotated, current
            for pk, token in batch:
                try:
                    stale = crypto.needs_rotation(token)
                except crypto.FieldKeyError as problem:
                    raise crypto.FieldKeyError(f"{model._meta.label}.{name} of row {pk}: {problem}") from None
                if stale:
                    model._base_manager.filter(pk=pk).update(**{name: crypto.rotate(token)})
                    rotated += 1
                else:
                    current += 1
            last = batch[-1][0]
