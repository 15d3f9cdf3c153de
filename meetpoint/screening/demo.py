"""Demo screenings: a modest number at the demo emergency department (St. Luke's) and the syringe services
program (Riverside) over the last 180 days, with plausible answers. Deterministic: uses only region.rng."""

from datetime import datetime, time, timedelta

from django.utils import timezone

from meetpoint.screening import actions
from meetpoint.screening.catalog import get_instrument
from meetpoint.screening.models import Screening
from meetpoint.screening.scoring import is_asked

# (organization slug, staff login, [(instrument, how many)])
PLAN = [
    (
        "st-lukes-hospital",
        "demo-ed-staff",
        [("taps", 18), ("ahc-hrsn", 18), ("audit-c", 10), ("phq-9", 8), ("nida-single-question", 6)],
    ),
    (
        "riverside-harm-reduction",
        "demo-ssp-staff",
        [("overdose-risk", 16), ("ahc-hrsn", 10), ("phq-2", 8), ("dast-10", 6)],
    ),
]


# Options without points (AHC HRSN) whose usual answer is "no need": most people get it.
USUAL = {"living_situation": 0, "food_worry": 2, "food_didnt_last": 2, "transportation": 1, "utilities": 1}


def random_answers(instrument, rng, sex: str) -> dict:
    """Valid answers that follow the skip rules; most people answer toward the low end."""
    answers: dict = {}
    for item in instrument.items:
        if not is_asked(instrument, item, answers, sex):
            continue
        kind = item["type"]
        if kind == "yes_no":
            answers[item["id"]] = rng.random() < 0.35
        elif kind == "count":
            answers[item["id"]] = 0 if rng.random() < 0.5 else rng.randint(1, 24)
        elif kind == "select_all":
            options = item["options"]
            none_of_the_above = len(options) - 1
            answers[item["id"]] = (
                [none_of_the_above] if rng.random() < 0.7 else [rng.randrange(none_of_the_above)]
            )
        elif item["id"] in USUAL and instrument.name == "ahc-hrsn":
            usual = USUAL[item["id"]]
            answers[item["id"]] = usual if rng.random() < 0.8 else rng.randrange(len(item["options"]))
        else:
            count = len(item["options"])
            answers[item["id"]] = min(count - 1, int(rng.expovariate(1.2)))
    return answers


def load(region) -> None:
    rng = region.rng
    tz = timezone.get_current_timezone()
    for slug, login, plan in PLAN:
        organization = region.organizations.get(slug)
        membership = region.memberships.get(login)
        if organization is None or membership is None:
            continue
        site = region.extra.get("ssp_site") if slug == "riverside-harm-reduction" else None
        if site is None:
            site = organization.locations.order_by("name").first()
        codes = [
            f"{rng.choice('ABCDEFGHJKLMNPRST')}{rng.choice('AEIOU')}{rng.randint(1, 12):02d}{rng.randint(50, 99)}"
            for _ in range(40)
        ]
        for name, count in plan:
            instrument = get_instrument(name)
            for _ in range(count):
                sex = rng.choice(["female", "male"])
                days_ago = rng.randint(0, 179)
                when = timezone.make_aware(
                    datetime.combine(
                        region.today - timedelta(days=days_ago), time(rng.randint(8, 21), rng.randint(0, 59))
                    ),
                    tz,
                )
                screening = actions.record_screening(
                    membership,
                    instrument=name,
                    answers=random_answers(instrument, rng, sex),
                    participant_code=rng.choice(codes),
                    sex=sex,
                    age=rng.randint(18, 64),
                    location_id=site.pk if site is not None else None,
                    language="es" if rng.random() < 0.2 else "en",
                )
                Screening.objects.filter(pk=screening.pk).update(created=min(when, timezone.now()))
