"""Shared argument handling of the process-map commands."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import CommandError


def day(value: str) -> dt.date:
    """An ISO date (YYYY-MM-DD) from the command line."""
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"{value!r} is not a date (YYYY-MM-DD)") from None


def period(options: dict[str, Any]) -> tuple[dt.date | None, dt.date | None]:
    date_from, date_to = options.get("date_from"), options.get("date_to")
    if date_from and date_to and date_from > date_to:
        raise CommandError(f"--from {date_from} is after --to {date_to}")
    return date_from, date_to


def actor(username: str | None) -> Any:
    """The staff member named by --by, journaled as the one who acted (None: the system)."""
    if not username:
        return None
    user = get_user_model().objects.filter(username=username, is_active=True).first()
    if user is None:
        raise CommandError(f"no active user {username!r}")
    return user
