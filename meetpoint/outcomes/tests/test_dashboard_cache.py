"""The coalition dashboard kept in the cache: a later view reads no package contents, yet always shows the
current figures of the organization that asks, and only to its members."""

import re
from datetime import date

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from meetpoint.outcomes import actions, dashboard_cache
from meetpoint.outcomes.tests.conftest import add_activity
from meetpoint.outcomes.tests.test_exchange import TODAY, agreement_between

URL = "/outcomes/dashboard/"


@pytest.fixture(autouse=True)
def _own_cache(settings):
    """Each test starts with an empty cache of its own, in memory."""
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "dashboard-tests"}
    }
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def shared(world, records):
    """Home shares January to June 2025 with the coalition: 40 kits a month in ZIP3 152 and 3 (hidden) in 153."""
    for month in range(1, 7):
        start = date(2025, month, 1)
        add_activity(records, world.home.organization, start, people=25, kits=40, syringes=600, area="152")
        add_activity(records, world.home.organization, start, people=4, kits=3, syringes=20, area="153")
    agreement = agreement_between(world, ["test_people_served", "test_naloxone_kits", "test_syringes"])
    actions.run_exchanges(TODAY)
    return agreement


def main(body: str) -> str:
    """The page's content, without the per-request sign-out token."""
    return body[body.index("<main") : body.index("</main>")]


def partner_row(body: str, partner: str) -> str:
    return re.search(rf"<th scope=\"row\">{re.escape(partner)}</th>(.*?)</tr>", body, re.S).group(1)


def test_a_later_view_comes_from_the_cache_without_reading_package_contents(world, shared):
    client = world.client(world.coalition.analyst)
    first = client.get(URL).content.decode()
    with CaptureQueriesContext(connection) as queries:
        second = client.get(URL).content.decode()
    assert main(second) == main(first)
    assert "By partner, 2025-06" in second and "43" in partner_row(second, "Riverbend Harm Reduction")
    assert not any('"contents"' in query["sql"] for query in queries.captured_queries)


def test_new_figures_show_as_soon_as_a_package_arrives(world, shared, records):
    client = world.client(world.coalition.viewer)
    before = client.get(URL).content.decode()
    assert "2025-07" not in before
    add_activity(records, world.home.organization, date(2025, 7, 1), people=30, kits=77, syringes=900)
    actions.run_exchanges(date(2025, 8, 10))
    after = client.get(URL).content.decode()
    assert "By partner, 2025-07" in after
    assert "77" in partner_row(after, "Riverbend Harm Reduction")
    assert "2025-07: 77" in after  # the naloxone trend chart has the new month


def test_a_second_partner_changes_the_combined_figures(world, shared, records):
    from meetpoint.testworld import make_side

    client = world.client(world.coalition.viewer)
    assert "Second Partner" not in client.get(URL).content.decode()
    second = make_side("Second Partner", "second", "harm_reduction")
    for month in range(1, 7):
        add_activity(records, second.organization, date(2025, month, 1), people=30, kits=20, syringes=100)
    agreement = actions.propose_agreement(
        second.admin,
        actions.AgreementInput(world.coalition.organization, ["test_naloxone_kits"], date(2025, 1, 1)),
    )
    actions.accept_agreement(world.coalition.admin, agreement)
    actions.run_exchanges(TODAY)
    body = client.get(URL).content.decode()
    assert "Second Partner" in body
    assert "63" in partner_row(body, "All partners")  # 43 + 20 kits in June


def test_an_ended_agreement_or_a_renamed_partner_is_shown_at_once(world, shared):
    client = world.client(world.coalition.viewer)
    assert "Riverbend Harm Reduction" in client.get(URL).content.decode()
    world.home.organization.name = "Riverbend Health"
    world.home.organization.save()
    assert "Riverbend Health" in client.get(URL).content.decode()
    actions.end_agreement(world.home.admin, shared)
    body = client.get(URL).content.decode()
    assert "No packages yet" in body and "Riverbend" not in body


def test_an_agreement_past_its_end_drops_out_without_any_write_to_the_packages(world, shared):
    client = world.client(world.coalition.viewer)
    assert "By partner, 2025-06" in client.get(URL).content.decode()
    shared.valid_until = timezone.localdate() - timezone.timedelta(days=1)
    shared.save()
    assert "No packages yet" in client.get(URL).content.decode()


def test_each_period_and_map_asked_for_is_its_own_page(world, shared):
    client = world.client(world.coalition.viewer)
    assert "By partner, 2025-06" in client.get(URL).content.decode()
    assert "By partner, 2025-02" in client.get(URL, {"period": "2025-02"}).content.decode()
    assert "By partner, 2025-06" in client.get(URL).content.decode()
    made_up = client.get(URL, {"period": "1999-01", "map": "<script>"}).content.decode()
    assert "By partner, 2025-06" in made_up and "<script>" not in made_up
    map_of_syringes = client.get(URL, {"map": "test_syringes"}).content.decode()
    assert "Syringes distributed (test) by area, 2025-06" in map_of_syringes


def test_another_organization_never_gets_these_charts(world, shared, records):
    coalition = world.client(world.coalition.analyst).get(URL).content.decode()
    assert "Riverbend Harm Reduction" in coalition
    for member in (world.outsider.admin, world.outsider.viewer, world.home.analyst):
        body = world.client(member).get(URL).content.decode()
        assert "No packages yet" in body and "<svg" not in body
    # the outsider receives figures of its own: it sees those, never the coalition's cached ones
    for month in range(1, 7):
        add_activity(
            records, world.coalition.organization, date(2025, month, 1), people=30, kits=31, syringes=5
        )
    agreement = actions.propose_agreement(
        world.coalition.admin,
        actions.AgreementInput(world.outsider.organization, ["test_naloxone_kits"], date(2025, 1, 1)),
    )
    actions.accept_agreement(world.outsider.admin, agreement)
    actions.run_exchanges(TODAY)
    outsider = world.client(world.outsider.viewer).get(URL).content.decode()
    assert "31" in partner_row(outsider, "Three Rivers Prevention Coalition")
    assert "Riverbend Harm Reduction" not in outsider and "2025-06: 43" not in outsider
    assert main(world.client(world.coalition.viewer).get(URL).content.decode()) == main(coalition)


def test_the_key_names_the_organization_and_the_language(world, shared):
    today = timezone.localdate()
    coalition = dashboard_cache.inbox_digest(world.coalition.organization, today)
    as_if_outsider = dashboard_cache.Digest(
        str(world.outsider.organization.pk), coalition.packages, coalition.periods, coalition.indicators
    )
    keys = {
        coalition.key(None, None, "en"),
        coalition.key(None, None, "es"),
        as_if_outsider.key(None, None, "en"),
        coalition.key("2025-02", None, "en"),
    }
    assert len(keys) == 4
    assert coalition.key("1999-01", "nonsense", "en") == coalition.key(None, None, "en")


def test_anonymous_visitors_are_sent_to_sign_in_and_see_nothing_cached(world, shared):
    world.client(world.coalition.analyst).get(URL)
    for url in (URL, f"{URL}?period=2025-06", f"{URL}download.pdf"):
        response = world.client().get(url)
        assert response.status_code == 302 and "/account/sign-in/" in response["Location"]
        assert b"<svg" not in response.content


def test_an_entry_that_is_not_a_dashboard_is_built_again(world, shared):
    key = dashboard_cache.inbox_digest(world.coalition.organization, timezone.localdate()).key(
        None, None, "en"
    )
    cache.set(key, "not a dashboard")
    body = world.client(world.coalition.viewer).get(URL).content.decode()
    assert "By partner, 2025-06" in body and "not a dashboard" not in body


def test_the_charts_carry_their_accessible_titles_and_values(world, shared):
    body = world.client(world.coalition.viewer).get(URL).content.decode()
    charts = re.findall(r"<svg .*?</svg>", body, re.S)
    assert len(charts) == 4  # the map, and a trend of each of the three indicators shared
    ids = re.findall(r' id="([^"]+)"', body)
    assert len(ids) == len(set(ids))  # every chart's title and description can be found
    for chart in charts:
        assert 'role="img"' in chart
        title_id = re.search(r'aria-labelledby="([^"]+)"', chart).group(1)
        desc_id = re.search(r'aria-describedby="([^"]+)"', chart).group(1)
        assert f'<title id="{title_id}">' in chart and f'<desc id="{desc_id}">' in chart
    kits = next(c for c in charts if '<title id="trend-test_naloxone_kits-title">' in c)
    assert "Naloxone kits distributed (test) by period, all partners." in kits
    assert "2025-01: 43; 2025-02: 43" in kits
    area_map = next(c for c in charts if 'id="area-map-title"' in c)
    assert "by area, 2025-06" in area_map and "153: suppressed" in area_map
    # a download still has every chart
    assert world.client(world.coalition.viewer).get(f"{URL}download.pdf").content.startswith(b"%PDF")
