"""The suite keeps to itself: its cache lives in a folder of the test run, never the checkout's var/cache."""

from pathlib import Path


def test_the_suite_caches_outside_the_checkouts_var_folder():
    from django.conf import settings
    from django.core.cache import caches

    checkout_var = Path(__file__).resolve().parents[2] / "var"
    for alias, config in settings.CACHES.items():
        if config["BACKEND"].endswith("FileBasedCache"):
            assert not Path(config["LOCATION"]).resolve().is_relative_to(checkout_var), alias
            caches[alias].set("isolation-probe", 1)
            assert Path(caches[alias]._dir) == Path(config["LOCATION"])
