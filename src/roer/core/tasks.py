"""Tasks of the core app."""

from __future__ import annotations

import os
import socket

from celery import shared_task


@shared_task(name="roer.core.ping")
def ping() -> dict[str, str | int]:
    """Answers from a worker: the IT team's check that the broker and the workers are alive."""
    return {"answer": "pong", "host": socket.gethostname(), "pid": os.getpid()}


@shared_task(name="roer.core.deliver_outbox")
def deliver_outbox(message_ids: list[int] | None = None) -> dict[str, int | bool]:
    """Send the e-mail outbox's due messages: right after a commit (`message_ids`), and every minute."""
    from roer.core.outbox import outbox_deliver

    return outbox_deliver(message_ids=message_ids).as_dict()
