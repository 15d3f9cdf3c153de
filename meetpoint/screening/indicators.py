"""Screening indicators for the registry (meetpoint/indicators.py): people screened, in total, per instrument and
per instrument and risk level. A person (participant) screened several times in a group counts once. Counted by
the day of the screening; groups: day, week (its Monday), month (its first day), site (the screening's site or
mobile unit), organization; area does not apply (None). These count people, so disclosure control protects them."""

from datetime import timedelta

from django.utils import timezone

from meetpoint.indicators import Indicator, Scope, register
from meetpoint.screening.catalog import instrument_outlines


def _group_value(name: str, day, organization_id, location_id):
    if name == "day":
        return day
    if name == "week":
        return day - timedelta(days=day.weekday())
    if name == "month":
        return day.replace(day=1)
    if name == "organization":
        return str(organization_id)
    if name == "site":
        return str(location_id) if location_id else None
    return None


def people_screened(instrument: str | None = None, risk_level: str | None = None):
    def compute(scope: Scope, group_by: tuple[str, ...] = ()) -> dict[tuple, float]:
        from meetpoint.screening.models import Screening

        rows = Screening.objects.filter(
            organization_id__in=scope.organization_ids,
            created__date__gte=scope.start - timedelta(days=1),
            created__date__lte=scope.end + timedelta(days=1),
        )
        if scope.site_ids is not None:
            rows = rows.filter(location_id__in=scope.site_ids)
        if instrument:
            rows = rows.filter(instrument=instrument)
        if risk_level:
            rows = rows.filter(risk_level=risk_level)
        people: dict[tuple, set] = {}
        for pk, created, organization_id, location_id, participant_id in rows.values_list(
            "pk", "created", "organization_id", "location_id", "participant_id"
        ):
            day = timezone.localdate(created)
            if not scope.start <= day <= scope.end:
                continue
            key = tuple(_group_value(name, day, organization_id, location_id) for name in group_by)
            people.setdefault(key, set()).add(participant_id or pk)
        return {key: len(ids) for key, ids in people.items()}

    return compute


def register_all() -> None:
    register(
        Indicator(
            code="people_screened",
            name="People screened",
            definition="People screened with any instrument in the period (each person once per group).",
            unit="people",
            provider="screening",
            compute=people_screened(),
            counts_people=True,
            additive=False,
            tags=("screening",),
        )
    )
    for outline in instrument_outlines():
        slug = outline["name"].replace("-", "_").replace(".", "_")
        levels = [
            f"people_screened_{slug}_{level['id'].replace('-', '_')}" for level in outline["risk_levels"]
        ]
        register(
            Indicator(
                code=f"people_screened_{slug}",
                name=f"People screened with {outline['title']}",
                definition=f"People screened with {outline['name']} in the period (each person once per group).",
                unit="people",
                provider="screening",
                compute=people_screened(outline["name"]),
                counts_people=True,
                additive=False,
                categories=tuple(levels),  # its risk levels: total minus the others gives one back
                tags=("screening", outline["name"]),
            )
        )
        for level in outline["risk_levels"]:
            register(
                Indicator(
                    code=f"people_screened_{slug}_{level['id'].replace('-', '_')}",
                    name=f"People screened with {outline['name']}: {level['label']}",
                    definition=(
                        f"People whose {outline['name']} screening in the period came out '{level['label']}' "
                        "(each person once per group)."
                    ),
                    unit="people",
                    provider="screening",
                    compute=people_screened(outline["name"], level["id"]),
                    counts_people=True,
                    additive=False,
                    tags=("screening", outline["name"], level["id"]),
                )
            )


register_all()
