"""The demo region's combined report over the partners' last six closed months (the founding brief's "180
days"): the mobile unit's kits and syringes exactly as it recorded them, from the packages alone."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.db.models import Sum

from meetpoint.accounts.models import Membership
from meetpoint.outreach.models import EncounterSupply

pytestmark = pytest.mark.django_db


def test_the_demo_combined_report_shows_the_mobile_units_figures_as_recorded(client):
    call_command("load_demo", stdout=StringIO())
    analyst = Membership.objects.get(user__username="demo-coalition-analyst")
    from meetpoint.outcomes import combined
    from meetpoint.outcomes.views import _combined_from_request

    class Request:  # the page's default period: the last six closed months
        GET: dict = {}
        membership = analyst

    report = _combined_from_request(Request())
    assert report.days >= 180 and len(report.periods) == 6
    mobile = "Three Rivers Mobile Health"
    assert mobile in report.partners and not report.left_out
    lines = EncounterSupply.objects.filter(
        encounter__organization__slug="three-rivers-mobile-health",
        encounter__occurred_at__date__gte=report.start,
        encounter__occurred_at__date__lte=report.end,
    )
    for code, category in (("naloxone_kits_distributed", "naloxone"), ("syringes_distributed", "syringe")):
        recorded = lines.filter(supply_item__category=category).aggregate(total=Sum("quantity"))["total"]
        row = next(row for row in report.rows if row.code == code)
        assert row.by_partner[mobile].number == recorded and not row.by_partner[mobile].partial
    assert combined.key_sentence(report).startswith("Across 3 partners")
