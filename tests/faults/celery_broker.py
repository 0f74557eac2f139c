"""Point the suite's Celery app at a private broker for one test, as production runs it (not eager)."""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import redis

from roer.conf.celery import app


def _forget_pools(*, close: bool) -> None:
    """Celery keeps its broker connections (kombu's pools, one per broker URL): the next send must take one
    of the broker set now. Only the private broker's pool is closed; the suite's stays usable."""
    if close and app._pool is not None:
        app._pool.force_close_all()
    app._pool = None
    app.amqp._producer_pool = None


@contextmanager
def broker(url: str) -> Iterator[None]:
    saved = {key: app.conf[key] for key in ("broker_url", "task_always_eager")}
    app.conf.update(broker_url=url, task_always_eager=False)
    _forget_pools(close=False)
    try:
        yield
    finally:
        _forget_pools(close=True)
        app.conf.update(saved)


def queued_tasks(url: str, queue: str = "celery") -> list[tuple[str, dict[str, Any]]]:
    """The task messages waiting in the Redis queue, oldest first: (task name, keyword arguments)."""
    client = redis.Redis.from_url(url)
    try:
        raw = client.lrange(queue, 0, -1)
    finally:
        client.close()
    tasks = []
    for entry in reversed(raw):  # kombu pushes on the left
        message = json.loads(entry)
        _args, kwargs, _embed = json.loads(base64.b64decode(message["body"]))
        tasks.append((message["headers"]["task"], kwargs))
    return tasks
