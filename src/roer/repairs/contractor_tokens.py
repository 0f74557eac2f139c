"""A contractor's access: the API token (one per contractor) and the account for their own area.

Only a keyed hash of the token is stored (HMAC-SHA256 with SECRET_KEY, in `Contractor.api_token_hash`): the
token itself is shown once, when it is issued, and exists nowhere else. Without SECRET_KEY the table alone
gives nothing to try tokens against. The journal records that a token was issued or revoked, never the token.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from typing import Any

import structlog
from django.db import transaction
from django.utils.crypto import salted_hmac

from roer.accounts.constants import Role
from roer.accounts.models import User
from roer.core import journal
from roer.core.constants import ActorKind
from roer.repairs.models import Contractor

logger = structlog.get_logger(__name__)

# Every token starts with this, so that a leaked one is easy to recognise (secret scanners, logs).
TOKEN_PREFIX = "roer_ct_"
TOKEN_BYTES = 32  # 256 bits of randomness
_DIGEST_SALT = "roer.repairs.contractor_token"
# A token longer than this is not one of ours; it is refused before any hashing.
TOKEN_MAX_LENGTH = 128


class ContractorTokenError(ValueError):
    """The token cannot be issued or revoked as asked."""


def contractor_token_digest(token: str) -> str:
    """The keyed hash that is stored: 64 hexadecimal characters."""
    return salted_hmac(_DIGEST_SALT, token, algorithm="sha256").hexdigest()


def contractor_token_issue(*, contractor: Contractor, by: Any = None, rotate: bool = False) -> str:
    """Make a new token for the contractor and return it: the only time it can be read.

    A contractor who has a token already keeps it unless `rotate` is given: then the old token stops
    working at once. `by` is the person who asked (None: the system, e.g. a command run by IT)."""
    token = TOKEN_PREFIX + secrets.token_urlsafe(TOKEN_BYTES)
    with transaction.atomic():
        contractor = Contractor.objects.select_for_update().get(pk=contractor.pk)
        had_token = bool(contractor.api_token_hash)
        if had_token and not rotate:
            raise ContractorTokenError(
                f"contractor {contractor.key!r} has a token already; rotate it to replace it"
            )
        contractor.api_token_hash = contractor_token_digest(token)
        contractor.save(update_fields=["api_token_hash"])
        journal.record(
            activity="contractor_token_issued",
            subjects=[contractor],
            actor=by,
            facts={"key": contractor.key, "rotated": had_token, "active": contractor.active},
        )
    logger.info("contractor_token_issued", contractor_id=contractor.pk, rotated=had_token)
    return token


def contractor_token_revoke(*, contractor: Contractor, by: Any = None) -> Contractor:
    """The contractor's token stops working; a new one can be issued later."""
    with transaction.atomic():
        contractor = Contractor.objects.select_for_update().get(pk=contractor.pk)
        if not contractor.api_token_hash:
            raise ContractorTokenError(f"contractor {contractor.key!r} has no token to revoke")
        contractor.api_token_hash = ""
        contractor.save(update_fields=["api_token_hash"])
        journal.record(
            activity="contractor_token_revoked",
            subjects=[contractor],
            actor=by,
            facts={"key": contractor.key},
        )
    logger.info("contractor_token_revoked", contractor_id=contractor.pk)
    return contractor


def contractor_for_token(token: str) -> Contractor | None:
    """The contractor whose token this is (active or not: the caller decides), or None.

    The lookup is by the keyed hash, which an attacker cannot choose; the stored hash is then compared
    in constant time all the same."""
    if not token or len(token) > TOKEN_MAX_LENGTH or not token.startswith(TOKEN_PREFIX):
        return None
    digest = contractor_token_digest(token)
    found = Contractor.objects.select_related("user").filter(api_token_hash=digest).first()
    if found is None or not secrets.compare_digest(found.api_token_hash, digest):
        return None
    return found


@dataclass(frozen=True, eq=False)
class ContractorActor:
    """Who acts when a contractor without an account of its own uses the API: it quacks like a signed-in
    contractor user for the access helpers and the services, and the journal records a contractor actor
    (without an account id: the work order among the event's subjects names the contractor)."""

    contractor: Contractor
    pk: None = None
    is_authenticated: bool = True
    is_anonymous: bool = False
    is_active: bool = True
    is_staff: bool = False
    is_superuser: bool = False
    is_staff_member: bool = False
    requires_second_factor: bool = False
    roles: frozenset[str] = field(default_factory=lambda: frozenset({Role.CONTRACTOR.value}))

    @property
    def journal_actor_kind(self) -> str:
        return ActorKind.CONTRACTOR

    def has_role(self, *roles: Role | str) -> bool:
        return bool(self.roles.intersection(roles))

    def get_username(self) -> str:
        return self.contractor.key

    def __str__(self) -> str:
        return self.contractor.key


def contractor_actor(contractor: Contractor) -> Any:
    """Who acts for the contractor: its own account when it has an active one with the contractor role,
    else a `ContractorActor`."""
    user = contractor.user
    if user is not None and user.is_active and user.has_role(Role.CONTRACTOR) and not user.is_staff_member:
        return user
    return ContractorActor(contractor)


# --- the account for the contractor's own area ------------------------------------------------------

# The demo's contractor account (`aannemer`) works the orders of the demo's heating installer: most
# demo repairs are boilers and thermostats.
DEMO_CONTRACTOR_KEY = "warmte-totaal"


def contractor_account_link(*, contractor: Contractor, user: Any, by: Any = None) -> Contractor:
    """Link an account to a contractor: with it, a person signs in to the contractor's area and works
    that contractor's orders. The account needs the contractor role and no staff role; an account
    linked to another contractor is moved (one account per contractor, one contractor per account)."""
    if not user.has_role(Role.CONTRACTOR):
        raise ContractorTokenError("only an account with the contractor role can be linked to a contractor")
    if user.is_staff_member:
        raise ContractorTokenError("a staff account cannot be a contractor's account")
    with transaction.atomic():
        contractor = Contractor.objects.select_for_update().get(pk=contractor.pk)
        if contractor.user_id == user.pk:
            return contractor
        previous = Contractor.objects.select_for_update().filter(user=user).exclude(pk=contractor.pk).first()
        if previous is not None:
            previous.user = None
            previous.save(update_fields=["user"])
        replaced = contractor.user_id
        contractor.user = user
        contractor.save(update_fields=["user"])
        journal.record(
            activity="contractor_account_linked",
            subjects=[contractor, user],
            actor=by,
            facts={
                "key": contractor.key,
                "user_id": user.pk,
                "replaced_user_id": replaced,
                "moved_from_contractor_id": previous.pk if previous else None,
            },
        )
    return contractor


def contractor_demo_account_link(*, username: str = "aannemer", key: str = DEMO_CONTRACTOR_KEY) -> None:
    """Demo only: link the demo contractor account to the demo heating installer, if both exist.
    Safe to run again; the demo calls it after it made its accounts and contractors."""
    user = User.objects.filter(username=username).first()
    contractor = Contractor.objects.filter(key=key).first()
    if user is None or contractor is None:
        logger.info("contractor_demo_account_not_linked", user=user is not None, contractor=bool(contractor))
        return
    contractor_account_link(contractor=contractor, user=user)
