"""Every write of the needs app: importing area data. All lines are checked first; nothing is written unless
every line is good."""

from django.db import transaction
from django.utils import timezone

from meetpoint.accounts import audit
from meetpoint.accounts.models import Membership
from meetpoint.needs.importer import ParseResult, decode, parse_area_csv
from meetpoint.needs.models import Area, AreaImport

CHUNK = 500


class ImportRefused(Exception):
    def __init__(self, result: ParseResult) -> None:
        super().__init__(f"{len(result.problems)} problem(s); nothing was imported.")
        self.result = result


def import_area_data(
    data: bytes | str,
    *,
    layout: str,
    area_column: str | None = None,
    file_name: str = "",
    source: str = "",
    membership: Membership | None = None,
) -> AreaImport:
    """Creates or updates the areas in the file, merging their measures. Raises ImportRefused with every
    problem by line when any line is bad (nothing is written then)."""
    text = decode(data) if isinstance(data, bytes) else data
    result = parse_area_csv(text, layout, area_column)
    if result.problems:
        raise ImportRefused(result)
    now = timezone.now()
    source = source or ("CDC/ATSDR Social Vulnerability Index" if layout == "svi" else file_name)
    codes = [row.code for row in result.rows]
    with transaction.atomic():
        existing: dict[str, Area] = {}
        for start in range(0, len(codes), CHUNK):  # SQLite limits the parameters of one query
            for area in Area.objects.filter(code__in=codes[start : start + CHUNK]):
                existing[area.code] = area
        created, updated = [], []
        for row in result.rows:
            area = existing.get(row.code)
            if area is None:
                area = Area(code=row.code, level=row.level, measures={})
                created.append(area)
            else:
                updated.append(area)
            area.level = row.level
            area.name = row.name or area.name
            if row.population is not None:
                area.population = row.population
            if row.latitude is not None and row.longitude is not None:
                area.latitude, area.longitude = row.latitude, row.longitude
            area.measures = {**(area.measures or {}), **row.measures}
            area.source = source[:200]
            area.updated = now
        # Updated areas are written again under their own ids: nothing refers to an Area row, and on SQLite
        # a delete + insert is many times faster than bulk_update's CASE statements.
        updated_ids = [area.pk for area in updated]
        for start in range(0, len(updated_ids), CHUNK):
            Area.objects.filter(pk__in=updated_ids[start : start + CHUNK]).delete()
        Area.objects.bulk_create(created + updated, batch_size=CHUNK)
        imported = AreaImport.objects.create(
            file_name=file_name[:255],
            layout=layout,
            rows=len(result.rows),
            source=source[:200],
            organization=membership.organization if membership else None,
            imported_by=membership.user if membership else None,
        )
        audit.record(
            "needs.areas.imported",
            membership=membership,
            obj=imported,
            detail={"file": file_name, "layout": layout, "created": len(created), "updated": len(updated)},
        )
        return imported


def set_aliases(area: Area, aliases: list[str]) -> Area:
    """Other codes (e.g. ZIP3) under which reach indicators report this area."""
    with transaction.atomic():
        area.aliases = sorted({alias.strip() for alias in aliases if alias.strip()})
        area.save(update_fields=["aliases", "updated"])
        audit.record("needs.area.aliases_set", obj=area, detail={"area": area.code, "aliases": area.aliases})
    return area
