"""Every write of the needs app: importing area data (into the importer's own areas: nobody replaces another
owner's data), aliases, and each organization's choice of whose areas it uses. All lines are checked first;
nothing is written unless every line is good."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from meetpoint.accounts import audit
from meetpoint.accounts.models import Membership, Organization
from meetpoint.errors import ActionError, NotAllowed
from meetpoint.needs.importer import ParseResult, decode, parse_area_csv
from meetpoint.needs.models import Area, AreaImport, NeedsSource

SITE = object()  # "the organization of the acting member", the default owner of an import

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
    owner: Organization | None | object = SITE,
) -> AreaImport:
    """Creates or updates the owner's areas in the file, merging their measures. The owner is the acting
    member's organization (the site administrator's data when there is no member, e.g. the command line
    without --org); a member may not write into another owner's areas. Raises ImportRefused with every
    problem by line when any line is bad (nothing is written then)."""
    if owner is SITE:
        owner = membership.organization if membership else None
    if membership is not None and (owner is None or owner.pk != membership.organization_id):
        raise NotAllowed(_("Area data can only be imported into your own organization's areas."))
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
            for area in Area.objects.filter(owner=owner, code__in=codes[start : start + CHUNK]):
                existing[area.code] = area
        created, updated = [], []
        for row in result.rows:
            area = existing.get(row.code)
            if area is None:
                area = Area(owner=owner, code=row.code, level=row.level, measures={})
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
            organization=owner,
            imported_by=membership.user if membership else None,
        )
        audit.record(
            "needs.areas.imported",
            membership=membership,
            obj=imported,
            detail={"file": file_name, "layout": layout, "created": len(created), "updated": len(updated)},
        )
        return imported


def set_aliases(area: Area, aliases: list[str], organization: Organization | None = None) -> Area:
    """Other codes (e.g. ZIP3) under which reach indicators report this area; only its owner sets them."""
    if area.owner_id != (organization.pk if organization else None):
        raise NotAllowed(_("Only the organization that imported an area changes it."))
    with transaction.atomic():
        area.aliases = sorted({alias.strip() for alias in aliases if alias.strip()})
        area.save(update_fields=["aliases", "updated"])
        audit.record(
            "needs.area.aliases_set",
            organization=organization,  # the owner's chain; the network's for a site administrator's area
            obj=area,
            detail={"area": area.code, "aliases": area.aliases},
        )
    return area


def choose_needs_source(membership: Membership, source_id) -> NeedsSource:
    """An admin chooses whose area data the organization's needs pages and ranking use: its own, another
    organization's that imported areas, or the site administrator's (`source_id` None)."""
    from meetpoint.accounts import audit

    if membership.role != "admin":
        raise NotAllowed(_("Only an admin chooses whose area data the organization uses."))
    source = None
    if source_id is not None:
        source = Organization.objects.filter(pk=source_id, need_areas__isnull=False).distinct().first()
        if source is None:
            raise ActionError("source", _("Choose an organization that has imported area data."))
    with transaction.atomic():
        choice, _created = NeedsSource.objects.update_or_create(
            organization_id=membership.organization_id, defaults={"source": source}
        )
        audit.record(
            "needs.source.chosen",
            membership=membership,
            obj=choice,
            detail={"source": source.name if source else "site administrator"},
        )
    return choice
