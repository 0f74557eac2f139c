import os

from roer.conf.celery import app
from roer.core.tasks import ping


def test_without_a_broker_tasks_run_in_process(settings):
    # The suite runs without CELERY_BROKER_URL, as the embedded default does.
    assert settings.CELERY_BROKER_URL is None
    assert app.conf.task_always_eager is True
    assert ping.delay().get()["pid"] == os.getpid()
