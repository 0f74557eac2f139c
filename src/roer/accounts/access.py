"""Who may open a view: by role, and for staff only after the second factor.

One decision (`access_for`) used three ways: a decorator for function views, a mixin for class views and
a permission class for the API.
"""

from __future__ import annotations

import enum
from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar, cast

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import resolve_url
from rest_framework.permissions import BasePermission
from rest_framework.request import Request
from rest_framework.views import APIView

from roer.accounts.constants import Role
from roer.accounts.models import User

ViewFunc = TypeVar("ViewFunc", bound=Callable[..., HttpResponse])


class Access(enum.Enum):
    ALLOWED = "allowed"
    SIGN_IN = "sign_in"  # anonymous: sign in first
    VERIFY = "verify"  # staff signed in with a password only: the second factor first
    FORBIDDEN = "forbidden"  # signed in, but none of the roles


def is_verified(user: Any) -> bool:
    # OTPMiddleware adds is_verified(); a user from elsewhere (an API token, say) has not been verified.
    check = getattr(user, "is_verified", None)
    return bool(check()) if callable(check) else False


def access_for(user: Any, roles: tuple[Role | str, ...]) -> Access:
    if user is None or not user.is_authenticated:
        return Access.SIGN_IN
    if user.requires_second_factor and not is_verified(user):
        # Before the roles: an unverified session learns nothing, not even whether it has the role.
        return Access.VERIFY
    if not user.has_role(*roles):
        return Access.FORBIDDEN
    return Access.ALLOWED


def _deny(request: HttpRequest, access: Access) -> HttpResponse:
    if access is Access.SIGN_IN:
        return redirect_to_login(request.get_full_path(), resolve_url("accounts:login"))
    if access is Access.VERIFY:
        return redirect_to_login(request.get_full_path(), resolve_url("accounts:verify"))
    raise PermissionDenied


def role_required(*roles: Role | str) -> Callable[[ViewFunc], ViewFunc]:
    """`@role_required(Role.SOCIAL_MANAGER, Role.COLLECTIONS_OFFICER)`: any one of the roles will do."""
    if not roles:
        raise ValueError("role_required needs at least one role")

    def decorator(view: ViewFunc) -> ViewFunc:
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            access = access_for(request.user, roles)
            if access is not Access.ALLOWED:
                return _deny(request, access)
            return view(request, *args, **kwargs)

        return cast(ViewFunc, wrapper)

    return decorator


class RoleRequiredMixin:
    """For class-based views: set `required_roles`; any one of them will do."""

    required_roles: tuple[Role | str, ...] = ()

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not self.required_roles:
            raise ValueError(f"{type(self).__name__} must set required_roles")
        access = access_for(request.user, self.required_roles)
        if access is not Access.ALLOWED:
            return _deny(request, access)
        return super().dispatch(request, *args, **kwargs)  # type: ignore[misc]


class HasRole(BasePermission):
    """DRF permission: the view's `required_roles`, or use `HasRole.of(Role.CONTRACTOR)`.

    Unverified staff are refused like anyone without the role: an API cannot redirect to a form.
    """

    required_roles: tuple[Role | str, ...] = ()

    @classmethod
    def of(cls, *roles: Role | str) -> type[HasRole]:
        return type(f"HasRole_{'_'.join(map(str, roles))}", (cls,), {"required_roles": roles})

    def has_permission(self, request: Request, view: APIView) -> bool:
        roles = self.required_roles or tuple(getattr(view, "required_roles", ()))
        if not roles:
            return False
        return access_for(request.user, roles) is Access.ALLOWED


def acting_user(request: HttpRequest) -> User:
    """The signed-in user behind a view that `role_required` guards, typed for the services it calls."""
    user = request.user
    if not isinstance(user, User):
        raise PermissionDenied
    return user
