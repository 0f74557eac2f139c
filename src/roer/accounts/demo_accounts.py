"""What a demo login is, and the fixed one-time codes that make two-factor usable in a demo."""

from __future__ import annotations

import hashlib
import hmac
from base64 import b32encode
from dataclasses import dataclass

from roer.accounts.constants import STATIC_CODE_COUNT

# Not a secret: demo codes are printed on the home page. Fixed so that every demo build shows the same codes.
_DEMO_CODE_KEY = b"roer-demo-static-codes"


@dataclass(frozen=True)
class DemoLogin:
    username: str
    role: str
    role_label: str
    password: str
    codes: list[str]


def demo_static_codes(username: str, count: int = STATIC_CODE_COUNT) -> list[str]:
    """The demo account's backup codes: derived from its username, shaped like django-otp's own tokens."""
    return [
        b32encode(hmac.new(_DEMO_CODE_KEY, f"{username}:{i}".encode(), hashlib.sha256).digest()[:5])
        .decode()
        .lower()
        for i in range(count)
    ]
