import pytest


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    # The real hasher costs a third of a second per password; these tests are about the flow, not the hash.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
