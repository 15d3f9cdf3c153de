"""Education in the demo region: the county health department trains the police department in overdose
response (with pre/post surveys that show the change), more trainings, a stigma-reduction session, a community
forum, and take-back days with the police. The partners named as co-hosts accepted their invitations; one
invitation (the coalition asking the health department to co-host a curriculum) waits for an answer.
Deterministic: every choice comes from region.rng."""

from datetime import datetime, time, timedelta
from decimal import Decimal

from django.utils import timezone

from meetpoint.accounts.roles import Role
from meetpoint.education import actions, invitations
from meetpoint.education.questionnaires import load_survey
from meetpoint.needs.demo import TRACT_BY_NAME

REGISTRANTS = [
    "Officer J. Alvarez",
    "Officer M. Chen",
    "Sgt. P. Okafor",
    "Officer R. Kowalski",
    "Officer T. Nguyen",
    "Lt. S. Brennan",
    "Officer D. Hughes",
    "Officer A. Rossi",
    "Officer K. Washington",
    "Officer L. Patel",
]  # fictional names


def _at(region, days: int, hour: int):
    return timezone.make_aware(datetime.combine(region.today + timedelta(days=days), time(hour)))


def _knowledge(rng, correct: int) -> dict:
    survey = load_survey("overdose-knowledge")
    right = set(rng.sample(range(len(survey.items)), correct))
    answers = {}
    for n, item in enumerate(survey.items):
        wrong = [o["value"] for o in item["options"] if o["value"] != item["correct"]]
        answers[item["id"]] = item["correct"] if n in right else rng.choice(wrong)
    return answers


def _attitudes(rng, level: float) -> dict:
    survey = load_survey("stigma-attitudes")
    answers = {}
    for item in survey.items:
        value = max(1, min(5, round(level + rng.uniform(-1, 1))))
        answers[item["id"]] = 6 - value if item.get("reverse") else value
    return answers


def _surveys(
    rng, event, pairs: int, *, knowledge_gain: tuple, attitude_gain: float, pre_only: int = 2
) -> None:
    for n in range(pairs + pre_only):
        before = rng.randint(2, 6)
        after = min(8, before + rng.randint(*knowledge_gain))
        level = rng.uniform(2.2, 3.6)
        pre, post = {}, {}
        if "overdose-knowledge" in event.surveys:
            pre["overdose-knowledge"], post["overdose-knowledge"] = (
                _knowledge(rng, before),
                _knowledge(rng, after),
            )
        if "stigma-attitudes" in event.surveys:
            pre["stigma-attitudes"] = _attitudes(rng, level)
            post["stigma-attitudes"] = _attitudes(rng, level + attitude_gain)
        token = actions.submit_answer_sheet(event, phase="pre", answers=pre)
        if n < pairs:  # a few attendees never answer afterwards
            actions.submit_answer_sheet(event, phase="post", answers=post, pairing_token=token)


def _staff(region, short: str):
    return region.memberships.get(f"demo-{short}-staff")


def _accepted(region, subject):
    """Each organization invited to `subject` accepted, through its admin."""
    admins = {m.organization_id: m for m in region.memberships.values() if m.role == Role.ADMIN}
    for invitation in subject.invitations.all():
        invitations.accept(admins[invitation.organization_id], invitation)
    return subject


def load(region) -> None:
    rng = region.rng
    orgs = region.organizations
    health, coalition, police = (
        _staff(region, "health"),
        _staff(region, "coalition"),
        orgs.get("three-rivers-police"),
    )
    if health is None or coalition is None or police is None:
        return
    station = police.locations.order_by("name").first()

    officers = actions.create_event(
        health,
        title="Overdose response and naloxone for patrol officers",
        kind="overdose_response",
        audience="law_enforcement",
        description="Recognizing an opioid overdose, giving nasal naloxone, rescue breathing and the recovery "
        "position, and what the Good Samaritan law protects. Every officer leaves with a kit.",
        starts_at=_at(region, -21, 9),
        ends_at=_at(region, -21, 12),
        location_id=station.pk if station else None,
        venue="" if station else "Police headquarters training room",
        area_code=TRACT_BY_NAME["Downtown Three Rivers"],
        co_host_ids=[police.pk],
        surveys=["overdose-knowledge", "stigma-attitudes"],
    )
    _accepted(region, officers)
    for name in REGISTRANTS:
        actions.add_registration(health, officers, name=name, affiliation="Three Rivers Police Department")
    actions.record_attendance(health, officers, attendance_count=34, naloxone_kits=34)
    actions.add_material(
        health,
        officers,
        title="Overdose response slides",
        file_name="overdose-response-officers.pdf",
        media_type="slides",
    )
    _surveys(rng, officers, 26, knowledge_gain=(1, 4), attitude_gain=0.6)

    second_shift = actions.create_event(
        health,
        title="Overdose response for the second shift",
        kind="overdose_response",
        audience="law_enforcement",
        starts_at=_at(region, 9, 15),
        ends_at=_at(region, 9, 17),
        location_id=station.pk if station else None,
        area_code=TRACT_BY_NAME["Downtown Three Rivers"],
        co_host_ids=[police.pk],
        surveys=["overdose-knowledge", "stigma-attitudes"],
    )
    _accepted(region, second_shift)
    for name in REGISTRANTS[:4]:
        actions.add_registration(health, second_shift, name=name.replace("Officer", "Deputy"))

    school = orgs.get("valley-high-school")
    schools = actions.create_event(
        health,
        title="Naloxone in schools: training for Valley High staff",
        kind="overdose_response",
        audience="schools",
        starts_at=_at(region, 16, 14),
        ends_at=_at(region, 16, 16),
        venue="Valley High School library",
        area_code=TRACT_BY_NAME["Valley"],
        co_host_ids=[school.pk] if school else [],
        surveys=["overdose-knowledge"],
    )
    _accepted(region, schools)

    hospital = orgs.get("st-lukes-hospital")
    stigma = actions.create_event(
        coalition,
        title="Words matter: reducing stigma in the emergency department",
        kind="stigma_reduction",
        audience="health_care",
        starts_at=_at(region, -35, 13),
        ends_at=_at(region, -35, 15),
        venue="St. Luke's Hospital, conference room B",
        area_code=TRACT_BY_NAME["Riverfront"],
        co_host_ids=[hospital.pk] if hospital else [],
        surveys=["stigma-attitudes"],
    )
    _accepted(region, stigma)
    actions.record_attendance(coalition, stigma, attendance_count=22)
    _surveys(rng, stigma, 15, knowledge_gain=(0, 0), attitude_gain=0.5, pre_only=3)

    ssp = _staff(region, "ssp")
    if ssp is not None:
        families = actions.create_event(
            ssp,
            title="Naloxone for families and friends",
            kind="overdose_response",
            audience="families",
            starts_at=_at(region, -10, 18),
            ends_at=_at(region, -10, 19),
            venue="Southport community room",
            area_code=TRACT_BY_NAME["Southport"],
            is_public=True,
        )
        actions.record_attendance(ssp, families, attendance_count=17, naloxone_kits=25)

    mobile = _staff(region, "mobile")
    if mobile is not None:
        actions.create_event(
            mobile,
            title="Overdose response for Main Street businesses",
            kind="overdose_response",
            audience="businesses",
            starts_at=_at(region, 6, 8),
            ends_at=_at(region, 6, 9),
            venue="Northside business association hall",
            area_code=TRACT_BY_NAME["Northside"],
            is_public=True,
        )

    forum = actions.create_event(
        coalition,
        title="Community forum: overdose in Three Rivers",
        kind="community_forum",
        audience="general_public",
        description="What the partners see, what they do, and what neighbours can do. Naloxone kits available.",
        starts_at=_at(region, 12, 18),
        ends_at=_at(region, 12, 20),
        venue="Three Rivers Public Library, main hall",
        area_code=TRACT_BY_NAME["Downtown Three Rivers"],
        co_host_ids=[orgs["riverside-harm-reduction"].pk] if "riverside-harm-reduction" in orgs else [],
        is_public=True,
        registration_open=True,
    )
    _accepted(region, forum)
    actions.create_event(  # the health department has not answered the invitation yet
        coalition,
        title="Prevention curriculum for middle school families",
        kind="prevention_curriculum",
        audience="families",
        starts_at=_at(region, 23, 18),
        venue="Northgate Middle School cafeteria",
        area_code=TRACT_BY_NAME["Hilltop"],
        co_host_ids=[health.organization_id],
        is_public=True,
    )

    boxes = police.services.filter(taxonomy_terms__code="drug-take-back").first()
    fall = actions.create_take_back(
        health,
        title="Fall drug take-back day",
        date=region.today - timedelta(days=30),
        location_id=station.pk if station else None,
        venue="" if station else "Police headquarters lobby",
        area_code=TRACT_BY_NAME["Downtown Three Rivers"],
        partner_ids=[police.pk],
        pounds_collected=Decimal("212.4"),
        people_dropped_off=87,
        sharps_pounds=Decimal("14.5"),
        permanent_box_id=boxes.pk if boxes else None,
        notes="Officers collected and logged the medication; the health department took sharps.",
    )
    _accepted(region, fall)
    spring = actions.create_take_back(
        health,
        title="Spring drug take-back day",
        date=region.today + timedelta(days=20),
        venue="Southport plaza",
        area_code=TRACT_BY_NAME["Southport"],
        partner_ids=[police.pk],
    )
    _accepted(region, spring)
