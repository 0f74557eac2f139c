"""Fixtures shared by every app's tests."""

import os
from pathlib import Path

import factory.random
import pytest
from hypothesis import settings as hypothesis_settings

# Property tests are deterministic (the same examples on every run and machine) and have no per-example
# deadline: a loaded CI machine must not turn a slow example into a failure.
hypothesis_settings.register_profile("roer", derandomize=True, deadline=None, print_blob=True)
hypothesis_settings.load_profile("roer")

# Factories draw names, addresses and amounts from one seeded stream: a run of the suite is the same run
# every time (the names in a failure can be looked up again).
factory.random.reseed_random("roer")

PROJECT_ROOT = Path(__file__).resolve().parent


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """../shared/data: real files written outside this project (bank statements, VERA, event logs)."""
    folder = Path(os.environ.get("ROER_SHARED_DIR", PROJECT_ROOT.parent / "shared")) / "data"
    if not folder.is_dir():
        pytest.fail(f"{folder} is missing: clone Roer beside the shared folder, or set ROER_SHARED_DIR")
    return folder


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """Real hashers cost a third of a second a password by design; tests make hundreds."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def plain_http_in_tests(settings):
    """Production settings redirect plain HTTP to HTTPS (behind the proxy); the test client and the live
    server talk plain HTTP."""
    settings.SECURE_SSL_REDIRECT = False


@pytest.fixture
def in_english(settings):
    """For tests that read English message ids in pages and command output; Dutch is tested on its own."""
    settings.LANGUAGE_CODE = "en"


@pytest.fixture(autouse=True)
def _no_language_leaks_between_tests():
    """A test that activates a language must not decide the language of the next one."""
    from django.utils import translation

    yield
    translation.deactivate()
