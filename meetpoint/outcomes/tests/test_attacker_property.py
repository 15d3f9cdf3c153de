"""The attacker's property test: random worlds (a total with categories, a plain count, months and quarters
released to several recipients, late records between releases), everything the recipients hold pooled, and
an exact integer program for every small count they were not given. Bounded examples here; the longer run is
`python -m bench.disclosure_attack`."""

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from meetpoint.outcomes.attack_worlds import play, world_from


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow], derandomize=True)
@given(st.data())
def test_no_small_count_is_pinned_by_anything_an_audience_holds(data):
    world = world_from(lambda n: data.draw(st.integers(0, n - 1)))
    outcome = play(world)
    assert outcome.narrowed == [], f"pinned: {outcome.narrowed} in {world}"
    assert outcome.unfrozen == [], f"a quarter differs from its released months: {outcome.unfrozen}"
