"""The directory of the demo region (Three Rivers County, fictional): ~40 partner organizations of every
partner type, ~150 services across the whole taxonomy at fixed sites with weekly hours, a few confidential
syringe services sites, and two mobile units with a month of dated stops around region.today.

Deterministic: every choice comes from region.rng. Writes go through accounts.actions and directory.actions.
"""

import math
from datetime import time, timedelta

from meetpoint.accounts import actions as accounts
from meetpoint.accounts.roles import PartnerType, Role
from meetpoint.demo.region import CENTER_LAT, CENTER_LON, DEMO_PASSWORD
from meetpoint.directory import actions
from meetpoint.directory.taxonomy import load_taxonomy

EVERY_DAY = range(7)
WEEKDAYS = range(5)

# slug, name, partner type, login short name (None: no demo logins)
ORGANIZATIONS = [
    ("three-rivers-coalition", "Three Rivers Prevention Coalition", PartnerType.COALITION, "coalition"),
    ("three-rivers-health", "Three Rivers County Health Department", PartnerType.HEALTH_DEPARTMENT, "health"),
    ("riverside-harm-reduction", "Riverside Harm Reduction", PartnerType.HARM_REDUCTION, "ssp"),
    ("three-rivers-mobile-health", "Three Rivers Mobile Health", PartnerType.HARM_REDUCTION, "mobile"),
    ("st-lukes-hospital", "St. Luke's Hospital Emergency Department", PartnerType.HOSPITAL, "ed"),
    ("three-rivers-police", "Three Rivers Police Department", PartnerType.LAW_ENFORCEMENT, "police"),
    ("northside-recovery", "Northside Recovery Center", PartnerType.TREATMENT, "recovery"),
    ("harvest-food-bank", "Harvest Community Food Bank", PartnerType.SOCIAL_SERVICE, "food"),
    ("valley-high-school", "Valley High School", PartnerType.SCHOOL, "school"),
    (
        "commonwealth-health",
        "Commonwealth Department of Health, Western Office",
        PartnerType.HEALTH_DEPARTMENT,
        None,
    ),
    ("red-oak-tribal-health", "Red Oak Tribal Health Services", PartnerType.TRIBAL_HEALTH, None),
    ("seven-fires-wellness", "Seven Fires Wellness Lodge", PartnerType.TRIBAL_HEALTH, None),
    ("hilltop-peer-network", "Hilltop Peer Support Network", PartnerType.PEER_SUPPORT, None),
    ("second-chance-peers", "Second Chance Peer Collective", PartnerType.PEER_SUPPORT, None),
    ("families-in-recovery", "Families in Recovery", PartnerType.PEER_SUPPORT, None),
    ("allies-hiv-clinic", "Allies Community HIV Clinic", PartnerType.HIV_CLINIC, None),
    ("positive-living-center", "Positive Living Center", PartnerType.HIV_CLINIC, None),
    ("safe-nights-alliance", "Safe Nights Alliance", PartnerType.SEX_WORKER_ADVOCACY, None),
    ("eastbrook-clinic", "Eastbrook Neighborhood Health Clinic", PartnerType.NEIGHBORHOOD_CLINIC, None),
    ("clinica-la-esperanza", "Clínica La Esperanza", PartnerType.NEIGHBORHOOD_CLINIC, None),
    ("southport-family-health", "Southport Family Health Center", PartnerType.NEIGHBORHOOD_CLINIC, None),
    ("millvale-coalition", "Millvale Heights Drug-Free Communities Coalition", PartnerType.COALITION, None),
    ("bridges-foundation", "Bridges Community Foundation", PartnerType.FOUNDATION, None),
    ("open-door-nonprofit", "Open Door Neighborhood Services", PartnerType.FOUNDATION, None),
    ("westside-syringe-exchange", "Westside Syringe Services", PartnerType.HARM_REDUCTION, None),
    (
        "prevention-point-pharmacy",
        "Prevention Point Pharmacy Collaborative",
        PartnerType.HARM_REDUCTION,
        None,
    ),
    ("youth-first-prevention", "Youth First Prevention", PartnerType.PREVENTION, None),
    ("strong-families-program", "Strong Families Program", PartnerType.PREVENTION, None),
    ("riverbend-opioid-treatment", "Riverbend Opioid Treatment Program", PartnerType.TREATMENT, None),
    ("new-path-counseling", "New Path Counseling", PartnerType.TREATMENT, None),
    ("mercy-behavioral-health", "Mercy Behavioral Health", PartnerType.TREATMENT, None),
    ("county-general-hospital", "County General Hospital", PartnerType.HOSPITAL, None),
    ("three-rivers-sheriff", "Three Rivers County Sheriff's Office", PartnerType.LAW_ENFORCEMENT, None),
    ("northgate-middle-school", "Northgate Middle School", PartnerType.SCHOOL, None),
    ("haven-house-shelter", "Haven House Shelter", PartnerType.SOCIAL_SERVICE, None),
    ("ride-together-transit", "Ride Together Community Transit", PartnerType.SOCIAL_SERVICE, None),
    ("warm-homes-fund", "Warm Homes Utility Assistance Fund", PartnerType.SOCIAL_SERVICE, None),
    ("safe-harbor-center", "Safe Harbor Violence Prevention Center", PartnerType.SOCIAL_SERVICE, None),
    ("three-rivers-legal-aid", "Three Rivers Legal Aid", PartnerType.SOCIAL_SERVICE, None),
    ("three-rivers-library", "Three Rivers Public Library", PartnerType.OTHER, None),
]

# Service kinds: code -> (name, description, free)
KINDS = {
    "syringe-services": (
        "Syringe services",
        "Sterile syringes, cookers, cottons and sharps containers; bring used syringes back for safe disposal. No ID needed.",
        True,
    ),
    "fentanyl-test-strips": (
        "Fentanyl and xylazine test strips",
        "Free test strips with instructions; ask staff how to test.",
        True,
    ),
    "naloxone": (
        "Naloxone (Narcan) kits and overdose training",
        "Free nasal naloxone kits and a 10-minute training to recognise and reverse an overdose. No questions asked.",
        True,
    ),
    "good-samaritan-info": (
        "Good Samaritan law information",
        "Know your rights when you call 911 for an overdose.",
        True,
    ),
    "supervised-consumption": (
        "Overdose prevention room (pilot)",
        "A supervised space with trained staff and oxygen on hand. Pilot program; call first.",
        True,
    ),
    "drug-take-back": (
        "Medicine take-back drop box",
        "Drop off unused or expired medicines, no questions asked. No needles or liquids.",
        True,
    ),
    "wound-care": ("Wound care", "Care for abscesses and skin infections by a nurse; wound care kits.", True),
    "std-testing": (
        "HIV, hepatitis C and STI testing",
        "Rapid HIV and hepatitis C tests with results in 20 minutes; STI testing; PrEP referral.",
        True,
    ),
    "prevention-education": (
        "Community prevention workshops",
        "Workshops on substance use, stigma and overdose response for groups and workplaces.",
        True,
    ),
    "youth-prevention": (
        "Youth prevention program",
        "After-school program building skills and connection for ages 11-17.",
        True,
    ),
    "family-support": (
        "Support for families",
        "Groups and one-to-one support for parents and loved ones.",
        True,
    ),
    "safe-storage": ("Medicine lock boxes", "Free lock boxes and disposal bags for medicines at home.", True),
    "moud": (
        "Buprenorphine and methadone treatment",
        "Medications for opioid use disorder, with same-day starts when possible. Medicaid and uninsured welcome.",
        False,
    ),
    "outpatient-treatment": (
        "Outpatient counseling",
        "Individual and group counseling, evenings available.",
        False,
    ),
    "residential-treatment": ("Residential treatment", "28-day residential program; call for a bed.", False),
    "detox": ("Withdrawal management", "Medically monitored withdrawal, 24 hours a day.", False),
    "mental-health": (
        "Mental health counseling",
        "Counseling and psychiatry, including crisis walk-in hours.",
        False,
    ),
    "peer-recovery": (
        "Peer recovery coaching",
        "Meet a certified recovery specialist with lived experience.",
        True,
    ),
    "support-groups": ("Recovery support groups", "Weekly mutual-help meetings open to all.", True),
    "recovery-housing": ("Recovery housing", "Certified recovery residences with peer support.", False),
    "employment-support": (
        "Job readiness for people in recovery",
        "Resume help, job training and placement.",
        True,
    ),
    "housing": (
        "Emergency shelter and housing help",
        "Shelter beds, housing search and rental assistance.",
        True,
    ),
    "food": (
        "Food pantry",
        "Groceries once a week; fresh produce on Thursdays. Help applying for SNAP.",
        True,
    ),
    "transportation": (
        "Rides to appointments",
        "Free rides to treatment, medical and court appointments; book a day ahead.",
        True,
    ),
    "utilities": (
        "Utility bill assistance",
        "Help paying heating, electric and water bills; shut-off prevention.",
        True,
    ),
    "safety": (
        "Safety planning and advocacy",
        "Confidential advocacy for people facing violence, 24-hour hotline.",
        True,
    ),
    "legal-aid": (
        "Legal help and record clearing",
        "Free legal help with records, benefits and housing court.",
        True,
    ),
}

# What each partner type offers (codes of KINDS).
OFFERS = {
    PartnerType.COALITION: ["prevention-education", "drug-take-back", "good-samaritan-info"],
    PartnerType.HEALTH_DEPARTMENT: ["naloxone", "std-testing", "drug-take-back", "prevention-education"],
    PartnerType.HARM_REDUCTION: [
        "syringe-services",
        "naloxone",
        "fentanyl-test-strips",
        "wound-care",
        "std-testing",
    ],
    PartnerType.HOSPITAL: ["naloxone", "detox", "moud", "mental-health"],
    PartnerType.LAW_ENFORCEMENT: ["drug-take-back", "naloxone", "good-samaritan-info"],
    PartnerType.TREATMENT: ["moud", "outpatient-treatment", "residential-treatment", "mental-health"],
    PartnerType.SOCIAL_SERVICE: ["food"],
    PartnerType.SCHOOL: ["youth-prevention", "family-support", "naloxone"],
    PartnerType.TRIBAL_HEALTH: ["moud", "mental-health", "naloxone", "support-groups"],
    PartnerType.PEER_SUPPORT: ["peer-recovery", "support-groups", "family-support", "employment-support"],
    PartnerType.HIV_CLINIC: ["std-testing", "naloxone", "wound-care", "fentanyl-test-strips"],
    PartnerType.SEX_WORKER_ADVOCACY: ["safety", "std-testing", "naloxone", "fentanyl-test-strips"],
    PartnerType.NEIGHBORHOOD_CLINIC: ["std-testing", "moud", "mental-health", "naloxone"],
    PartnerType.FOUNDATION: ["housing", "transportation", "employment-support"],
    PartnerType.PREVENTION: ["youth-prevention", "prevention-education", "family-support", "safe-storage"],
    PartnerType.OTHER: ["naloxone", "prevention-education", "legal-aid"],
}
# Social-service organizations each lead with their own need.
OWN_NEED = {
    "harvest-food-bank": ["food", "transportation"],
    "haven-house-shelter": ["housing", "food", "recovery-housing"],
    "ride-together-transit": ["transportation"],
    "warm-homes-fund": ["utilities"],
    "safe-harbor-center": ["safety", "housing"],
    "three-rivers-legal-aid": ["legal-aid", "good-samaritan-info"],
    "northside-recovery": ["moud", "outpatient-treatment", "peer-recovery", "naloxone", "detox"],
    "riverside-harm-reduction": [
        "syringe-services",
        "naloxone",
        "fentanyl-test-strips",
        "wound-care",
        "std-testing",
        "good-samaritan-info",
        "supervised-consumption",
    ],
    "three-rivers-mobile-health": [
        "syringe-services",
        "naloxone",
        "fentanyl-test-strips",
        "wound-care",
        "std-testing",
        "moud",
        "peer-recovery",
    ],
}
SPANISH_FIRST = {
    "clinica-la-esperanza",
    "southport-family-health",
    "safe-nights-alliance",
    "harvest-food-bank",
}

STREETS = [
    "Market St",
    "River Rd",
    "Elm St",
    "Ohio Ave",
    "Bridge St",
    "Hill Rd",
    "Carson St",
    "Penn Ave",
    "Liberty Ave",
    "Butler St",
    "Forbes Ave",
    "Grant St",
    "Maple Ave",
    "Chestnut St",
    "Ferry St",
    "Spring Garden Ave",
]
TOWNS = [
    ("Three Rivers", "152"),
    ("Northside", "152"),
    ("Eastbrook", "151"),
    ("Millvale Heights", "152"),
    ("Southport", "151"),
]
AREAS = ["Near Elm Park", "Eastbrook, near the library", "Lower Southport", "Northside, by the river trail"]
STOPS = [
    ("Riverfront Park lot", 0.004, -0.010),
    ("Eastbrook library", 0.012, 0.045),
    ("Southport plaza", -0.040, 0.010),
    ("Millvale Heights community center", 0.045, 0.020),
    ("Northside church lot", 0.030, -0.020),
    ("Bus terminal, bay 4", -0.006, 0.002),
    ("Hilltop laundromat", -0.020, -0.035),
    ("West End bridge", 0.010, -0.060),
    ("Carson Street shelter", -0.015, 0.025),
    ("Valley grocery lot", 0.060, -0.045),
]


def _point(rng, max_km: float) -> tuple[float, float]:
    distance = max_km * math.sqrt(rng.random())
    bearing = rng.random() * 2 * math.pi
    dlat = distance * math.cos(bearing) / 111.2
    dlon = distance * math.sin(bearing) / (111.2 * math.cos(math.radians(CENTER_LAT)))
    return round(CENTER_LAT + dlat, 5), round(CENTER_LON + dlon, 5)


def _phone(rng) -> str:
    return f"(412) 555-01{rng.randint(0, 99):02d}"


def _hours(rng, organization_slug: str, partner_type: str) -> list[tuple[int, time, time]]:
    if partner_type in (PartnerType.HOSPITAL, PartnerType.LAW_ENFORCEMENT):
        return [(day, time(0, 0), time(23, 59)) for day in EVERY_DAY]
    if partner_type == PartnerType.SCHOOL:
        return [(day, time(7, 30), time(15, 30)) for day in WEEKDAYS]
    opens = rng.choice([time(8, 0), time(9, 0), time(10, 0)])
    closes = rng.choice([time(16, 0), time(17, 0), time(18, 0), time(19, 0)])
    rows = [(day, opens, closes) for day in WEEKDAYS]
    if rng.random() < 0.5:
        rows.append((5, time(10, 0), time(14, 0)))
    return rows


def _site(region, organization, name, *, max_km=12.0, confidential=False, point=None, languages=("en",)):
    rng = region.rng
    lat, lon = point or _point(rng, max_km)
    town, zip_prefix = rng.choice(TOWNS)
    data = actions.LocationInput(
        name=name,
        latitude=lat,
        longitude=lon,
        is_confidential=confidential,
        public_area=rng.choice(AREAS) if confidential else "",
        address_1=f"{rng.randint(100, 4999)} {rng.choice(STREETS)}",
        city=town,
        state_province="PA",
        postal_code=f"{zip_prefix}{rng.randint(1, 40):02d}",
        phone=_phone(rng),
        languages=tuple(languages),
        transportation=rng.choice(
            [
                "Bus 12 stops out front.",
                "Free parking behind the building.",
                "Two blocks from the T station.",
                "",
            ]
        ),
    )
    return actions.save_location(organization, data)


def _weekly(location, rows) -> None:
    for day, opens, closes in rows:
        actions.add_schedule(
            actions.ScheduleInput(opens_at=opens, closes_at=closes, weekday=day), location=location
        )


def _service(region, organization, code, locations, *, spanish=False, suffix=""):
    rng = region.rng
    name, description, free = KINDS[code]
    languages = ("en", "es") if spanish else ("en",)
    if spanish and rng.random() < 0.3:
        languages = ("es", "en")
    data = actions.ServiceInput(
        name=f"{name}{suffix}",
        description=description,
        is_free=free,
        fees_description=""
        if free
        else "Medicaid, Medicare and most insurance; sliding scale for the uninsured.",
        eligibility_description=rng.choice(
            ["Anyone.", "Adults 18 and over.", "Anyone; no ID needed.", "Residents of Three Rivers County."]
        )
        if code != "youth-prevention"
        else "Young people aged 11-17.",
        taxonomy_codes=(code,),
        languages=languages,
        location_ids=tuple(str(location.pk) for location in locations),
        phone=_phone(rng),
        accepts_referrals=True,
        capacity_available=rng.randint(0, 12)
        if code in ("moud", "residential-treatment", "housing", "detox")
        else None,
    )
    return actions.save_service(organization, data)


def load(region) -> None:
    load_taxonomy()
    rng = region.rng
    for slug, name, partner_type, short in ORGANIZATIONS:
        organization = accounts.create_organization(
            name,
            partner_type,
            slug=slug,
            description=f"{name} is a partner of the Three Rivers prevention and harm reduction network.",
            website=f"https://{slug}.example.org",
        )
        region.organizations[slug] = organization
        if short:
            for role in (Role.ADMIN, Role.STAFF, Role.ANALYST, Role.VIEWER):
                username = f"demo-{short}-{role}"
                region.memberships[username] = accounts.add_member(
                    organization, username, role, password=DEMO_PASSWORD
                )
                region.logins.append((username, name, role))

    for slug, name, partner_type, _short in ORGANIZATIONS:
        organization = region.organizations[slug]
        spanish = slug in SPANISH_FIRST or rng.random() < 0.3
        languages = ("en", "es") if spanish else ("en",)
        if slug == "three-rivers-mobile-health":
            _mobile_units(region, organization)
            continue
        main = _site(
            region,
            organization,
            f"{name}",
            max_km=9.0 if partner_type != PartnerType.SCHOOL else 12.0,
            languages=languages,
        )
        _weekly(main, _hours(rng, slug, partner_type))
        sites = [main]
        if slug == "riverside-harm-reduction":
            region.extra["ssp_site"] = main
            for n, area in enumerate(("Eastside satellite", "Southport satellite"), start=1):
                satellite = _site(
                    region,
                    organization,
                    f"Riverside {area}",
                    max_km=8.0,
                    confidential=True,
                    languages=languages,
                )
                _weekly(satellite, [(day, time(11 + n, 0), time(17 + n, 0)) for day in (n, n + 2, 5)])
                sites.append(satellite)
        elif slug == "westside-syringe-exchange":
            hidden = _site(
                region, organization, "Westside drop-in (confidential)", max_km=10.0, confidential=True
            )
            _weekly(hidden, [(day, time(18, 0), time(23, 0)) for day in EVERY_DAY])
            sites.append(hidden)
        elif rng.random() < 0.25:
            second = _site(region, organization, f"{name} — second site", max_km=15.0, languages=languages)
            _weekly(second, _hours(rng, slug, partner_type))
            sites.append(second)
        codes = OWN_NEED.get(slug) or OFFERS[partner_type]
        for code in codes:
            at = sites if code in ("syringe-services", "naloxone") else [rng.choice(sites)]
            _service(region, organization, code, at, spanish=spanish)
    _daytime_naloxone(region)


def _daytime_naloxone(region) -> None:
    """Several naloxone points open every day in daytime within 10 km of the centre, for 'open now' demos."""
    for slug, name, km in (
        ("three-rivers-health", "Health Department naloxone window", 3.0),
        ("prevention-point-pharmacy", "Prevention Point Pharmacy — Market St", 5.0),
        ("three-rivers-library", "Main Library naloxone vending machine", 2.0),
        ("allies-hiv-clinic", "Allies Clinic front desk", 6.0),
    ):
        organization = region.organizations[slug]
        site = _site(region, organization, name, max_km=km, languages=("en", "es"))
        _weekly(site, [(day, time(7, 0), time(22, 0)) for day in EVERY_DAY])
        _service(region, organization, "naloxone", [site], spanish=True, suffix=" — 7 days a week")
        _service(
            region, organization, "fentanyl-test-strips", [site], spanish=True, suffix=" — 7 days a week"
        )


def _mobile_units(region, organization) -> None:
    rng = region.rng
    units = []
    plans = [
        (
            "Mobile Health Van 1",
            [
                (time(8, 0), time(11, 0)),
                (time(11, 0), time(14, 0)),
                (time(14, 0), time(17, 0)),
                (time(17, 0), time(20, 0)),
            ],
        ),
        (
            "Mobile Health Van 2",
            [(time(9, 0), time(12, 30)), (time(13, 0), time(16, 30)), (time(17, 0), time(21, 0))],
        ),
    ]
    for name, slots in plans:
        unit = actions.save_location(
            organization,
            actions.LocationInput(
                name=name,
                description="A van with a nurse and peer workers: supplies, naloxone, testing, wound care and buprenorphine starts.",
                is_mobile=True,
                latitude=CENTER_LAT,
                longitude=CENTER_LON,
                phone=_phone(rng),
                languages=("en", "es"),
            ),
        )
        for offset in range(-14, 15):
            day = region.today + timedelta(days=offset)
            for opens, closes in slots:
                stop, dlat, dlon = rng.choice(STOPS)
                actions.add_schedule(
                    actions.ScheduleInput(
                        date=day,
                        opens_at=opens,
                        closes_at=closes,
                        stop_name=stop,
                        stop_latitude=round(CENTER_LAT + dlat, 5),
                        stop_longitude=round(CENTER_LON + dlon, 5),
                    ),
                    location=unit,
                )
        units.append(unit)
    region.extra["mobile_units"] = units
    for code in OWN_NEED["three-rivers-mobile-health"]:
        _service(region, organization, code, units, spanish=True, suffix=" (mobile van)")
