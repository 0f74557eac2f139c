"""A real Celery worker against the real Redis: the production wiring, end to end."""

import os
import subprocess
import sys
import time
import uuid

import pytest
from celery import Celery

pytestmark = pytest.mark.integration

REDIS_URL = os.environ.get("ROER_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


@pytest.fixture
def worker(tmp_path):
    queue = f"roer-test-{uuid.uuid4().hex[:8]}"
    env = {
        **os.environ,
        "CELERY_BROKER_URL": REDIS_URL,
        "CELERY_RESULT_BACKEND": REDIS_URL,
        "ROER_VAR_DIR": str(tmp_path),
    }
    env.pop("DATABASE_URL", None)
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "roer",
            "worker",
            "--pool=solo",
            "-Q",
            queue,
            "--loglevel=WARNING",
        ],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        yield queue, process
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()


def test_a_task_sent_through_redis_is_run_by_a_separate_worker(worker):
    queue, process = worker
    started = time.monotonic()
    # A client of its own, as a web process in production: the suite's app runs tasks in-process.
    client = Celery("roer-client", broker=REDIS_URL, backend=REDIS_URL)
    result = client.send_task("roer.core.ping", queue=queue)
    try:
        answer = result.get(timeout=60)
    except Exception:
        process.terminate()
        output = process.communicate(timeout=20)[0].decode(errors="replace")
        pytest.fail(f"no answer from the worker after {time.monotonic() - started:.0f}s:\n{output}")
    assert answer["answer"] == "pong"
    assert answer["pid"] == process.pid  # run by the worker, not in-process
