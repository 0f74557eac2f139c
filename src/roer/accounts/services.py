"""Writes about users, roles and second factors."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass

import structlog
from django.conf import settings
from django.contrib.auth.models import Group, Permission
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django_otp import devices_for_user
from django_otp.models import Device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from roer.accounts.constants import (
    DEMO_PASSWORD,
    DEMO_USERNAMES,
    PASSWORD_RESET_LINK_HOURS,
    STAFF_ROLES,
    STATIC_CODE_COUNT,
    Role,
    SecondFactorMethod,
)
from roer.accounts.demo_accounts import DemoLogin, demo_static_codes
from roer.accounts.models import User
from roer.accounts.tokens import tenant_password_reset_token
from roer.core import journal
from roer.core.constants import Channel
from roer.core.outbox import mail_enqueue

logger = structlog.get_logger(__name__)

TOTP_DEVICE_NAME = "authenticator"
STATIC_DEVICE_NAME = "backup codes"
PENDING_TOTP_DEVICE_NAME = "authenticator (not yet confirmed)"

# The administrator role manages people and roles in the admin. Not the devices: their admin pages show
# the secrets (TOTP keys, backup codes) of everyone, and a second factor someone else has read is no factor.
_ADMINISTRATOR_PERMISSION_APPS = ("accounts",)


def role_groups_ensure() -> None:
    """Every role of DESIGN.md exists as a group; the administrators' group may manage accounts."""
    for role in Role:
        Group.objects.get_or_create(name=role.value)
    administrators = Group.objects.get(name=Role.ADMINISTRATOR)
    administrators.permissions.add(
        *Permission.objects.filter(content_type__app_label__in=_ADMINISTRATOR_PERMISSION_APPS),
        *Permission.objects.filter(content_type__app_label="auth", codename="view_group"),
        # The e-mail outbox, to see (and queue again) messages that could not be sent.
        *Permission.objects.filter(content_type__app_label="core", codename="view_outboxmessage"),
    )


def _roles_checked(roles: Iterable[Role | str]) -> list[str]:
    checked = [str(role) for role in roles]
    unknown = sorted(set(checked) - set(Role.values))
    if unknown:
        raise ValueError(f"unknown roles: {unknown}")
    return checked


def user_create(
    *,
    username: str,
    email: str = "",
    password: str | None,
    roles: Iterable[Role | str],
    first_name: str = "",
    last_name: str = "",
    is_demo: bool = False,
    by: User | None = None,
) -> User:
    """A new account with its roles. `password=None` leaves it without a usable password (to be set later)."""
    role_names = _roles_checked(roles)
    with transaction.atomic():
        user = User(
            username=username,
            email=email,
            first_name=first_name,
            last_name=last_name,
            is_demo=is_demo,
            # Only administrators enter the Django admin, and the admin demands the second factor.
            is_staff=Role.ADMINISTRATOR in role_names,
        )
        if password is None:
            user.set_unusable_password()
        else:
            user.set_password(password)
        user.save()
        user.groups.set([Group.objects.get_or_create(name=name)[0] for name in role_names])
        journal.record(
            activity="user_created",
            subjects=[user],
            actor=by,
            facts={"roles": sorted(role_names), "demo": is_demo},
        )
    logger.info("user_created", user_id=user.pk, roles=sorted(role_names))
    return user


def _static_codes_top_up(device: StaticDevice, codes: list[str]) -> int:
    present = set(device.token_set.values_list("token", flat=True))
    missing = [code for code in codes if code not in present]
    StaticToken.objects.bulk_create([StaticToken(device=device, token=code) for code in missing])
    return len(missing)


def staff_second_factor_add(
    *, user: User, static_codes: list[str] | None = None, by: User | None = None
) -> tuple[TOTPDevice, StaticDevice]:
    """Give a staff member an authenticator (TOTP) and a sheet of one-time backup codes.

    Replaces any devices they had: this is what the administrator does when someone's phone is lost.
    Without `static_codes`, fresh random codes are issued.
    """
    codes = static_codes or [StaticToken.random_token() for _ in range(STATIC_CODE_COUNT)]
    with transaction.atomic():
        user = User.objects.select_for_update().get(pk=user.pk)
        TOTPDevice.objects.filter(user=user).delete()
        StaticDevice.objects.filter(user=user).delete()
        totp = TOTPDevice.objects.create(user=user, name=TOTP_DEVICE_NAME, confirmed=True)
        static = StaticDevice.objects.create(user=user, name=STATIC_DEVICE_NAME, confirmed=True)
        _static_codes_top_up(static, codes)
        journal.record(
            activity="second_factor_added",
            subjects=[user],
            actor=by,
            facts={"devices": ["totp", "static"], "static_codes": len(codes)},
        )
    logger.info("second_factor_added", user_id=user.pk)
    return totp, static


def demo_accounts_ensure() -> list[DemoLogin]:
    """One demo account per staff role and a contractor, each with the demo password.

    Idempotent. Staff accounts keep an authenticator and their fixed backup codes; codes used since the
    last run are issued again, so the home page always shows a full, working list.
    """
    logins = []
    with transaction.atomic():
        for role, username in DEMO_USERNAMES.items():
            user = User.objects.select_for_update().filter(username=username).first()
            if user is None:
                user = user_create(
                    username=username,
                    email=f"{username}@demo.roer.local",
                    password=DEMO_PASSWORD,
                    roles=[role],
                    is_demo=True,
                )
            else:
                _demo_account_restore(user=user, role=role)
            codes = demo_static_codes(username) if role in STAFF_ROLES else []
            if codes:
                _demo_codes_restore(user=user, codes=codes)
            logins.append(
                DemoLogin(
                    username=username,
                    role=str(role),
                    role_label=str(Role(role).label),
                    password=DEMO_PASSWORD,
                    codes=codes,
                )
            )
    logger.info("demo_accounts_ensured", count=len(logins))
    return logins


def _demo_account_restore(*, user: User, role: str) -> None:
    changed = []
    if not user.is_demo:
        user.is_demo = True
        changed.append("is_demo")
    if not user.is_active:
        user.is_active = True
        changed.append("is_active")
    if not user.check_password(DEMO_PASSWORD):
        user.set_password(DEMO_PASSWORD)
        changed.append("password")
    if changed:
        user.save(update_fields=changed)
    if not user.groups.filter(name=role).exists():
        user.groups.add(Group.objects.get_or_create(name=role)[0])
    if changed:
        journal.record(activity="demo_account_restored", subjects=[user], facts={"fields": changed})


def _demo_codes_restore(*, user: User, codes: list[str]) -> None:
    static = StaticDevice.objects.select_for_update().filter(user=user, confirmed=True).first()
    if static is None or not TOTPDevice.objects.filter(user=user, confirmed=True).exists():
        staff_second_factor_add(user=user, static_codes=codes)
        return
    added = _static_codes_top_up(static, codes)
    if added:
        # A demo visitor may have locked the codes with wrong attempts; the next build starts clean.
        static.throttle_reset(commit=False)
        static.save(update_fields=["throttling_failure_count", "throttling_failure_timestamp"])
        journal.record(activity="backup_codes_refilled", subjects=[user], facts={"added": added})


@dataclass(frozen=True)
class SecondFactorOutcome:
    device: Device | None
    method: SecondFactorMethod
    throttled: bool = False

    @property
    def verified(self) -> bool:
        return self.device is not None


def code_normalize(code: str) -> str:
    """People type codes with spaces or dashes and in capitals; tokens are stored without."""
    return "".join(ch for ch in code if ch.isalnum()).lower()


def second_factor_verify(*, user: User, code: str) -> SecondFactorOutcome:
    """Check a one-time code against the user's devices; a backup code is used up.

    Six digits go to the authenticator, anything else to the backup codes, so that a wrong guess only
    counts against (and throttles) the device it was meant for.
    """
    token = code_normalize(code)
    if len(token) == 6 and token.isdigit():
        method, device_class = SecondFactorMethod.TOTP, TOTPDevice
    else:
        method, device_class = SecondFactorMethod.STATIC, StaticDevice
    throttled = False
    verified: Device | None = None
    with transaction.atomic():
        for device in devices_for_user(user, confirmed=True, for_verify=True):
            if not isinstance(device, device_class):
                continue
            allowed, _ = device.verify_is_allowed()
            if not allowed:
                throttled = True
                continue
            if device.verify_token(token):
                verified = device
                break
    if verified is None:
        # Its own transaction: the failure is recorded even if the caller's work is rolled back.
        with transaction.atomic():
            journal.record(
                activity="second_factor_failed",
                subjects=[user],
                actor=user,
                channel=Channel.PORTAL,
                facts={"method": method.value, "throttled": throttled},
            )
        logger.info("second_factor_failed", user_id=user.pk, method=method.value, throttled=throttled)
    return SecondFactorOutcome(device=verified, method=method, throttled=throttled)


def sign_in_record(*, user: User, method: SecondFactorMethod) -> None:
    """Journal a completed sign-in. Staff sign-ins are an audit fact of their own."""
    activity = "staff_signed_in" if user.requires_second_factor else "signed_in"
    journal.record(
        activity=activity,
        subjects=[user],
        actor=user,
        channel=Channel.PORTAL,
        facts={"second_factor": method.value},
    )
    logger.info(activity, user_id=user.pk, second_factor=method.value)


def totp_enrolment_start(*, user: User) -> TOTPDevice:
    """A new, not yet confirmed authenticator; it counts only once the person proves they scanned it."""
    with transaction.atomic():
        user = User.objects.select_for_update().get(pk=user.pk)
        TOTPDevice.objects.filter(user=user, confirmed=False).delete()
        device = TOTPDevice.objects.create(user=user, name=PENDING_TOTP_DEVICE_NAME, confirmed=False)
        journal.record(activity="authenticator_enrolment_started", subjects=[user], actor=user)
    return device


def totp_enrolment_confirm(*, user: User, code: str) -> bool:
    """Confirm the pending authenticator with a code from it; it then replaces the old authenticator."""
    with transaction.atomic():
        device = TOTPDevice.objects.select_for_update().filter(user=user, confirmed=False).first()
        if device is None:
            return False
        if not device.verify_token(code_normalize(code)):
            return False
        TOTPDevice.objects.filter(user=user, confirmed=True).delete()
        device.confirmed = True
        device.name = TOTP_DEVICE_NAME
        device.save(update_fields=["confirmed", "name"])
        journal.record(activity="authenticator_enrolled", subjects=[user], actor=user, channel=Channel.PORTAL)
    logger.info("authenticator_enrolled", user_id=user.pk)
    return True


def tenant_second_factor_remove(*, user: User) -> int:
    """A tenant turns two-factor off again (it is optional for them); staff cannot."""
    if user.requires_second_factor:
        raise PermissionError("staff keep their second factor; the administrator replaces it")
    with transaction.atomic():
        user = User.objects.select_for_update().get(pk=user.pk)
        removed, _ = TOTPDevice.objects.filter(user=user).delete()
        StaticDevice.objects.filter(user=user).delete()
        journal.record(
            activity="second_factor_removed", subjects=[user], actor=user, channel=Channel.PORTAL, facts={}
        )
    logger.info("second_factor_removed", user_id=user.pk)
    return removed


def _password_reset_mail(*, user: User, reset_path: str, base_url: str) -> EmailMultiAlternatives:
    context = {
        "user": user,
        "reset_url": base_url.rstrip("/") + reset_path,
        "hours": PASSWORD_RESET_LINK_HOURS,
        "corporation": settings.CORPORATION_NAME,
        "phone": settings.CORPORATION_PHONE,
    }
    subject = "".join(render_to_string("accounts/email/password_reset_subject.txt", context).splitlines())
    body = render_to_string("accounts/email/password_reset_email.txt", context)
    return EmailMultiAlternatives(subject, body, settings.DEFAULT_FROM_EMAIL, [user.email])


def password_reset_request(
    *, users: Iterable[User], base_url: str, reset_path_for: Callable[[str, str], str]
) -> int:
    """Send each (tenant) user a link to choose a new password; journaled without the address.

    `users` comes from `selectors.tenant_users_for_password_reset`: for an address nobody has, nothing
    happens and the page says the same, so the form tells no one who has an account.
    `reset_path_for(uidb64, token)` gives the path of the confirm page. The mail leaves after the commit.
    """
    sent = 0
    with transaction.atomic():
        for user in users:
            uid = urlsafe_base64_encode(force_bytes(user.pk))
            token = tenant_password_reset_token.make_token(user)
            message = _password_reset_mail(
                user=user, reset_path=reset_path_for(uid, token), base_url=base_url
            )
            # Sent by the outbox after the commit. The token is new for each request; the key holds its
            # hash, as the token itself opens the account.
            token_hash = hashlib.sha256(token.encode()).hexdigest()[:32]
            mail_enqueue(message, key=f"password-reset:{user.pk}:{token_hash}")
            journal.record(
                activity="password_reset_requested",
                subjects=[user],
                actor=user,
                channel=Channel.PORTAL,
                facts={"valid_hours": PASSWORD_RESET_LINK_HOURS},
            )
            logger.info("password_reset_requested", user_id=user.pk)
            sent += 1
    return sent


def password_reset_complete(*, user: User, password: str) -> User:
    """The new password from the reset link (already checked by the validators)."""
    with transaction.atomic():
        user = User.objects.select_for_update().get(pk=user.pk)
        user.set_password(password)
        user.save(update_fields=["password"])
        journal.record(
            activity="password_reset_done", subjects=[user], actor=user, channel=Channel.PORTAL, facts={}
        )
    logger.info("password_reset_done", user_id=user.pk)
    return user
