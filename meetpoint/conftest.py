import pytest

from meetpoint.testworld import make_world


@pytest.fixture
def world(db):
    """Two unrelated organizations with a member of every role each, and a coalition (meetpoint/testworld.py)."""
    return make_world()


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # Argon2 is deliberately slow; tests check behaviour, not hashing cost.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
