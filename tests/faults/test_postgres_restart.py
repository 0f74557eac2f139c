"""PostgreSQL restarted under load: while it is down, requests fail cleanly (503 from /healthz, the plain
500 page elsewhere, never a traceback, never a hang); once it is back, the same app processes answer again
without a restart (CONN_HEALTH_CHECKS drops the dead persistent connection)."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import dj_database_url
import pytest
from django.contrib.sessions.models import Session
from django.db.utils import ConnectionHandler

from .servers import PrivatePostgres, end_process, free_port, wait_until

pytestmark = pytest.mark.faults

BIN = Path(sys.executable).parent
# A signed-in visitor's session is read from the database on every request: the cookie makes the login
# page a database page. The value is no real session (it is simply not found while the database is up).
SESSION_COOKIE = "sessionid=" + "x" * 32
HEALTH = "/healthz"
PAGE = "/accounts/login/"


def get(port: int, path: str) -> tuple[int, str]:
    request = urllib.request.Request(f"http://127.0.0.1:{port}{path}", headers={"Cookie": SESSION_COOKIE})
    try:
        with urllib.request.urlopen(request, timeout=10) as answer:
            return answer.status, answer.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def _create_sessions_table(url: str, django_db_blocker: Any) -> None:
    """Only the sessions table, made by Django's schema editor: `migrate` of the whole schema takes half a
    minute (and its post-migrate steps need all of it), and these pages need no more."""
    private = ConnectionHandler({"default": dj_database_url.parse(url)})["default"]
    with django_db_blocker.unblock():
        try:
            with private.schema_editor() as editor:
                editor.create_model(Session)
        finally:
            private.close()


@pytest.fixture
def app_on_private_postgres(
    private_postgres: PrivatePostgres, django_db_blocker: Any
) -> Iterator[tuple[PrivatePostgres, int]]:
    private_postgres.create_database("roer")
    _create_sessions_table(private_postgres.url("roer"), django_db_blocker)
    var = Path(tempfile.mkdtemp(prefix="roer-faults-var-"))
    env = {
        **os.environ,
        "DATABASE_URL": private_postgres.url("roer"),
        "SECRET_KEY": "fault-test-only-not-secret-" + "x" * 30,
        "ROER_VAR_DIR": str(var),
        "ROER_SSL_REDIRECT": "0",
        "ROER_SECURE_COOKIES": "0",
        "ALLOWED_HOSTS": "127.0.0.1",
        "DEBUG": "0",
    }
    env.pop("CELERY_BROKER_URL", None)
    port = free_port()
    server: subprocess.Popen[bytes] | None = None
    try:
        server = subprocess.Popen(
            [
                str(BIN / "gunicorn"),
                "roer.conf.wsgi",
                "--workers",
                "1",
                "--threads",
                "4",
                "--bind",
                f"127.0.0.1:{port}",
                "--log-level",
                "warning",
            ],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        wait_until(lambda: _answers(port), seconds=20, what="gunicorn did not answer /healthz")
        yield private_postgres, port
    finally:
        end_process(server, signal.SIGQUIT)  # gunicorn's quick shutdown
        shutil.rmtree(var, ignore_errors=True)


def _answers(port: int) -> bool:
    try:
        return get(port, HEALTH)[0] == 200
    except OSError:
        return False


class Load:
    """Clients requesting both pages without pause until stopped; every outcome is counted."""

    def __init__(self, port: int, clients: int = 4) -> None:
        self.port = port
        self.outcomes: Counter[tuple[str, int | str]] = Counter()
        self.tracebacks = 0
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self._threads = [threading.Thread(target=self._run, daemon=True) for _ in range(clients)]

    def __enter__(self) -> Load:
        for thread in self._threads:
            thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        for thread in self._threads:
            thread.join(timeout=15)

    def _run(self) -> None:
        while not self._stop.is_set():
            for path in (HEALTH, PAGE):
                try:
                    status, body = get(self.port, path)
                    outcome: int | str = status
                except OSError as error:  # a reset or a timeout: not a clean failure
                    outcome, body = type(error).__name__, ""
                with self._lock:
                    self.outcomes[(path, outcome)] += 1
                    self.tracebacks += "Traceback" in body

    def snapshot(self) -> Counter[tuple[str, int | str]]:
        with self._lock:
            return Counter(self.outcomes)


def test_requests_fail_cleanly_while_postgres_is_down_and_recover_after(app_on_private_postgres):
    cluster, port = app_on_private_postgres
    started = time.monotonic()
    assert get(port, PAGE)[0] == 200  # the database page works, and the workers hold a live connection

    with Load(port) as load:
        time.sleep(1.5)
        before = load.snapshot()
        cluster.stop()
        time.sleep(2)
        during_start = load.snapshot()
        error_page = get(port, PAGE)
        time.sleep(3)
        during = load.snapshot() - during_start
        cluster.start()
        # Back without restarting gunicorn: the first requests after the restart succeed again.
        wait_until(lambda: get(port, PAGE)[0] == 200, seconds=10, what="the app did not recover")
        recovered_at = load.snapshot()
        time.sleep(2)
        after = load.snapshot() - recovered_at

    assert before[(HEALTH, 200)] > 0 and before[(PAGE, 200)] > 0
    # While the database was down: only clean refusals, answered at once.
    assert set(during) == {(HEALTH, 503), (PAGE, 500)}, during
    status, body = error_page
    assert status == 500 and "Server Error" in body
    assert "OperationalError" not in body and "5432" not in body and str(cluster.port) not in body
    assert get(port, HEALTH) == (200, '{"status": "ok"}')
    # Once it was back, everything succeeded: no lingering broken connections.
    assert set(after) == {(HEALTH, 200), (PAGE, 200)}, after
    assert load.tracebacks == 0
    assert not any(isinstance(outcome, str) for _path, outcome in load.snapshot())
    assert time.monotonic() - started < 60
