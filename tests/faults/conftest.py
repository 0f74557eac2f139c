"""Fixtures of the fault tests: throwaway servers, stopped again even when a test fails. Each test module
is marked `faults`: `make faults` runs them, `make test` leaves them out."""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from .servers import LocalSmtp, PrivatePostgres, PrivateRedis


@pytest.fixture
def private_postgres() -> Iterator[PrivatePostgres]:
    # Not pytest's tmp_path: its parents are private to this user, and the cluster may run as `postgres`.
    folder = Path(tempfile.mkdtemp(prefix="roer-faults-pg-"))
    cluster = PrivatePostgres(folder)
    try:
        cluster.init()
        cluster.start()
        yield cluster
    finally:
        try:
            cluster.stop()
        finally:
            shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture
def private_redis() -> Iterator[PrivateRedis]:
    redis = PrivateRedis()
    try:
        redis.start()
        yield redis
    finally:
        redis.stop()


@pytest.fixture
def local_smtp(settings) -> Iterator[LocalSmtp]:
    """Not started: each test decides when the mail server is up. Django sends to it over real SMTP."""
    server = LocalSmtp(refused={"weg@example.nl"})
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = server.port
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_TIMEOUT = 5
    try:
        yield server
    finally:
        server.stop()
