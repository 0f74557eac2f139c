"""Password-reset links for tenants: Django's token, valid for PASSWORD_RESET_LINK_HOURS."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.utils.http import base36_to_int

from roer.accounts.constants import PASSWORD_RESET_LINK_HOURS


class TenantPasswordResetTokenGenerator(PasswordResetTokenGenerator):
    """Django's token (dead once the password or last sign-in changes), with a shorter life of its own."""

    key_salt = "roer.accounts.tokens.TenantPasswordResetTokenGenerator"
    max_age_seconds = PASSWORD_RESET_LINK_HOURS * 3600

    def check_token(self, user: Any, token: str | None) -> bool:
        if not super().check_token(user, token):
            return False
        assert token is not None
        try:
            issued = base36_to_int(token.split("-")[0])
        except ValueError:
            return False
        return self._num_seconds(self._now()) - issued <= self.max_age_seconds


tenant_password_reset_token = TenantPasswordResetTokenGenerator()
