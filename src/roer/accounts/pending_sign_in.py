"""Between the password and the second factor, the person is not signed in yet.

The session only remembers who gave a correct password, with which backend, and when. Nothing that
checks `is_authenticated` lets them through until the second factor is done.
"""

from __future__ import annotations

import time
from dataclasses import asdict, dataclass

from django.http import HttpRequest

from roer.accounts.models import User

_SESSION_KEY = "roer_pending_sign_in"
# Long enough to find the phone, short enough that a forgotten tab does not stay half signed in.
PENDING_SECONDS = 5 * 60


@dataclass(frozen=True)
class PendingSignIn:
    user_id: int
    backend: str
    next_url: str
    started: float


def pending_sign_in_start(request: HttpRequest, *, user: User, backend: str, next_url: str) -> None:
    pending = PendingSignIn(user_id=user.pk, backend=backend, next_url=next_url, started=time.time())
    request.session[_SESSION_KEY] = asdict(pending)


def pending_sign_in(request: HttpRequest) -> PendingSignIn | None:
    data = request.session.get(_SESSION_KEY)
    if not data:
        return None
    pending = PendingSignIn(**data)
    if time.time() - pending.started > PENDING_SECONDS:
        pending_sign_in_clear(request)
        return None
    return pending


def pending_sign_in_clear(request: HttpRequest) -> None:
    request.session.pop(_SESSION_KEY, None)
