"""Tenants sign in with their e-mail address; staff and contractors keep their usernames."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import ModelBackend
from django.http import HttpRequest

from roer.accounts.models import User
from roer.accounts.selectors import tenant_by_email


class EmailOrUsernameBackend(ModelBackend):
    """Like Django's ModelBackend, and a tenant may type their e-mail address (in any case) instead.

    An e-mail address never opens a staff or contractor account: their e-mail is known to many, and their
    sign-in goes by username (then the second factor).
    """

    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> User | None:
        if username and password and "@" in username:
            user = tenant_by_email(username)
            if user is not None:
                if user.check_password(password) and self.user_can_authenticate(user):
                    return user
                return None
        return super().authenticate(request, username=username, password=password, **kwargs)
