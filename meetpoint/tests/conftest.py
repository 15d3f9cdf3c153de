import pytest
from django.db import transaction

from meetpoint.tests.home_world import build_home_world


@pytest.fixture(scope="module")
def home_world(django_db_setup, django_db_blocker):
    """The rich home world, built once per test module inside a transaction that is rolled back afterwards.

    Each test still runs in its own savepoint (pytest-django's `db`), so a write one test lets through cannot
    leak into the next test.
    """
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            yield build_home_world()
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)
