"""Tasks of the core app."""

from __future__ import annotations

import os
import socket

from celery import shared_task


@shared_task(name="roer.core.ping")
def ping() -> dict[str, str | int]:
    """Answers from a worker: the IT team's check that the broker and the workers are alive."""
    return {"answer": "pong", "host": socket.gethostname(), "pid": os.getpid()}
