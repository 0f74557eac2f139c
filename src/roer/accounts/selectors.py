"""Reads about users, roles and second factors."""

from __future__ import annotations

import enum

from django.db.models import Prefetch, Q
from django_otp import user_has_device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from roer.accounts.constants import (
    DEMO_PASSWORD,
    DEMO_TENANT_LOGINS_SHOWN,
    DEMO_USERNAMES,
    STAFF_ROLES,
    Role,
)
from roer.accounts.demo_accounts import DemoLogin, demo_static_codes
from roer.accounts.models import User


class SecondFactorNeed(enum.Enum):
    NOT_NEEDED = "not_needed"
    REQUIRED = "required"
    NO_DEVICE = "no_device"  # required, but nothing to verify with: the administrator must set it up


def second_factor_need(user: User) -> SecondFactorNeed:
    """Staff always need the second factor; a tenant who turned on an authenticator needs it too."""
    if user_has_device(user, confirmed=True):
        return SecondFactorNeed.REQUIRED
    if user.requires_second_factor:
        return SecondFactorNeed.NO_DEVICE
    return SecondFactorNeed.NOT_NEEDED


def pending_authenticator(user: User) -> TOTPDevice | None:
    """The authenticator this person started to set up and has not confirmed yet."""
    return TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-pk").first()


def backup_codes_remaining(user: User) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


def _role_order(role: str) -> int:
    order = [*DEMO_USERNAMES, Role.TENANT]
    return order.index(role) if role in order else len(order)


def demo_logins() -> list[DemoLogin]:
    """The demo accounts to show on the home page: staff with their unused codes, a contractor, some tenants.

    Only meaningful in demo mode; the caller decides whether to show them.
    """
    staff_and_contractors = list(
        User.objects.filter(is_demo=True, is_active=True, groups__name__in=[*STAFF_ROLES, Role.CONTRACTOR])
        .distinct()
        .prefetch_related(
            "groups",
            Prefetch(
                "staticdevice_set",
                queryset=StaticDevice.objects.filter(confirmed=True).prefetch_related("token_set"),
                to_attr="confirmed_static_devices",
            ),
        )
    )
    tenants = list(
        User.objects.filter(is_demo=True, is_active=True, groups__name=Role.TENANT)
        .exclude(Q(groups__name__in=STAFF_ROLES) | Q(groups__name=Role.CONTRACTOR))
        .distinct()
        .prefetch_related("groups")
        .order_by("username")[:DEMO_TENANT_LOGINS_SHOWN]
    )
    logins = []
    for user in staff_and_contractors:
        role = _main_role(user)
        devices: list[StaticDevice] = user.confirmed_static_devices
        remaining = {token.token for device in devices for token in device.token_set.all()}
        # Show the codes in their fixed order, so the list reads the same from one visit to the next.
        fixed = demo_static_codes(user.username)
        codes = [c for c in fixed if c in remaining] + sorted(remaining - set(fixed))
        logins.append(_demo_login(user, role, codes))
    logins.sort(key=lambda login: (_role_order(login.role), login.username))
    logins.extend(_demo_login(user, Role.TENANT, []) for user in tenants)
    return logins


def _main_role(user: User) -> str:
    names = [group.name for group in user.groups.all()]
    return min(names, key=_role_order)


def _demo_login(user: User, role: str, codes: list[str]) -> DemoLogin:
    return DemoLogin(
        username=user.username,
        role=role,
        role_label=str(Role(role).label),
        password=DEMO_PASSWORD,
        codes=codes,
    )


def tenant_by_email(email: str) -> User | None:
    """The one active tenant account with this e-mail address (any case); staff and contractors never.

    Two tenant accounts sharing an address (possible for accounts made before activation checked it) give
    none: a sign-in by e-mail must not guess between people.
    """
    candidates = list(
        User.objects.filter(email__iexact=email.strip(), is_active=True, groups__name=Role.TENANT)
        .exclude(groups__name__in=[*STAFF_ROLES, Role.CONTRACTOR])
        .exclude(is_staff=True)
        .exclude(is_superuser=True)
        .distinct()[:2]
    )
    return candidates[0] if len(candidates) == 1 else None


def tenant_users_for_password_reset(email: str) -> list[User]:
    """Who gets a reset link for this address: the tenant account, if it has a password to reset."""
    user = tenant_by_email(email)
    return [user] if user is not None and user.has_usable_password() else []


def tenant_has_authenticator(user: User) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()
