"""Policy work in the demo region: the coalition tracks a Good Samaritan bill from introduction to "in effect",
and other policies on test strips, syringe services, supervised consumption and behavioral health coverage.
All bills, numbers and links are fictional (links point at example.org)."""

from datetime import timedelta

from meetpoint.policy import actions


def load(region) -> None:
    coalition = region.memberships.get("demo-coalition-staff")
    if coalition is None:
        return
    today = region.today
    orgs = region.organizations

    def ago(days: int):
        return today - timedelta(days=days)

    samaritan = actions.create_policy(
        coalition,
        title="Overdose Good Samaritan protections expansion",
        identifier="HB 1311",
        kind="bill",
        topic="good_samaritan",
        jurisdiction="Commonwealth (state legislature)",
        position="support",
        summary="Extends immunity from arrest for possession to the person who calls 911 for an overdose and "
        "to the person who overdoses, and covers probation and parole violations.",
        status="introduced",
        status_date=ago(420),
    )
    for status, days, note in (
        ("in_committee", 400, "Referred to the House Judiciary Committee."),
        ("passed", 240, "Passed the House 151-48 and the Senate 38-12."),
        ("signed", 225, "Signed by the Governor."),
        ("in_effect", 165, "Effective 60 days after signing."),
    ):
        actions.record_status(coalition, samaritan, status=status, date=ago(days), note=note)
    for kind, days, text in (
        ("letter", 395, "Coalition letter of support to the Judiciary Committee, 14 partners signed."),
        (
            "testimony",
            380,
            "Health department director and a peer specialist testified at the committee hearing.",
        ),
        ("meeting", 300, "Met with the county's two senators' staff."),
        ("media", 250, "Op-ed in the Three Rivers Courier by the coalition chair."),
    ):
        actions.add_action(coalition, samaritan, kind=kind, date=ago(days), description=text)
    actions.add_link(
        coalition, samaritan, title="Bill text and history (fictional)", url="https://example.org/hb1311"
    )
    signers = [
        orgs[s].pk
        for s in (
            "three-rivers-health",
            "riverside-harm-reduction",
            "three-rivers-mobile-health",
            "northside-recovery",
            "st-lukes-hospital",
            "three-rivers-police",
        )
        if s in orgs
    ]
    actions.record_sign_ons(coalition, samaritan, signers)

    strips = actions.create_policy(
        coalition,
        title="Drug checking equipment legalization",
        identifier="SB 402",
        kind="bill",
        topic="test_strips",
        jurisdiction="Commonwealth (state legislature)",
        position="support",
        summary="Removes fentanyl and xylazine test strips from the definition of drug paraphernalia.",
        status="introduced",
        status_date=ago(90),
    )
    actions.record_status(coalition, strips, status="in_committee", date=ago(75))
    actions.add_action(
        coalition,
        strips,
        kind="letter",
        date=ago(60),
        description="Sign-on letter to the Senate Health Committee.",
    )
    actions.record_sign_ons(coalition, strips, signers[:3])

    ssp = actions.create_policy(
        coalition,
        title="County ordinance authorizing syringe services programs",
        identifier="Ord. 2026-07",
        kind="ordinance",
        topic="syringe_services",
        jurisdiction="Three Rivers County Council",
        position="support",
        status="introduced",
        status_date=ago(120),
    )
    actions.record_status(coalition, ssp, status="in_committee", date=ago(100))
    actions.record_status(coalition, ssp, status="passed", date=ago(45), note="First reading passed 5-2.")
    actions.record_status(
        coalition,
        ssp,
        status="in_committee",
        date=ago(30),
        note="Returned to the health committee to amend the siting rules before the second reading.",
    )
    actions.add_action(
        coalition,
        ssp,
        kind="testimony",
        date=ago(44),
        description="Riverside Harm Reduction's director testified on the program's results.",
    )

    pilot = actions.create_policy(
        coalition,
        title="Overdose prevention center pilot",
        identifier="HB 77",
        kind="bill",
        topic="supervised_consumption",
        jurisdiction="Commonwealth (state legislature)",
        position="monitor",
        status="introduced",
        status_date=ago(300),
    )
    actions.record_status(
        coalition, pilot, status="failed", date=ago(200), note="Died in committee at session end."
    )

    coverage = actions.create_policy(
        coalition,
        title="Medicaid payment for behavioral health in primary care",
        identifier="Bulletin 26-03",
        kind="agency_rule",
        topic="behavioral_health_coverage",
        jurisdiction="Commonwealth Department of Human Services",
        position="support",
        summary="Pays physical health practices that screen for and treat substance use and mental health "
        "conditions on site (collaborative care codes), an incentive to offer behavioral health services.",
        status="introduced",
        status_date=ago(150),
    )
    actions.record_status(coalition, coverage, status="passed", date=ago(20), note="Final rule published.")
    actions.add_action(
        coalition,
        coverage,
        kind="public_comment",
        date=ago(130),
        description="Coalition comment on the draft rule.",
    )

    health = region.memberships.get("demo-health-staff")
    if health is not None:
        actions.create_policy(
            health,
            title="Naloxone in every county building",
            kind="organizational",
            topic="naloxone_access",
            jurisdiction="Three Rivers County Health Department",
            position="support",
            status="in_effect",
            status_date=ago(60),
        )
