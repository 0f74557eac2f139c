"""Console test fixtures: people of each role, signed in as the two-step sign-in leaves them."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal

import pytest
from django.test import Client
from django_otp.plugins.otp_static.models import StaticDevice

from roer.accounts.constants import Role
from roer.accounts.models import User
from roer.accounts.services import staff_second_factor_add
from roer.accounts.tests.factories import UserFactory
from roer.accounts.tests.helpers import sign_in_verified
from roer.ledger.constants import BankEntryStatus, StatementFormat
from roer.ledger.models import BankEntry, BankStatement


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def make_user(*roles: str, **fields) -> User:
    user = UserFactory(roles=list(roles), **fields)
    if user.requires_second_factor:
        staff_second_factor_add(user=user)
    return user


def sign_in(client: Client, user: User) -> User:
    if user.requires_second_factor:
        sign_in_verified(client, user, StaticDevice.objects.get(user=user))
    else:
        client.force_login(user)
    return user


@pytest.fixture
def as_role(client, db) -> Callable[..., User]:
    """`as_role(Role.SOCIAL_MANAGER)`: a new verified user with the role, signed in on `client`."""

    def _as(*roles: str, **fields) -> User:
        return sign_in(client, make_user(*roles, **fields))

    return _as


@pytest.fixture
def social_manager(as_role) -> User:
    return as_role(Role.SOCIAL_MANAGER, first_name="Sanne", last_name="de Vries")


@pytest.fixture
def collections_officer(as_role) -> User:
    return as_role(Role.COLLECTIONS_OFFICER)


@pytest.fixture
def finance_officer(as_role) -> User:
    return as_role(Role.FINANCE_OFFICER)


_statement_counter = iter(range(1, 10**6))


def bank_entry(**fields) -> BankEntry:
    n = next(_statement_counter)
    statement = fields.pop("statement", None) or BankStatement.objects.create(
        file_name=f"day{n}.xml", file_sha256=f"{n:064d}", format=StatementFormat.CAMT053
    )
    values = {
        "statement": statement,
        "dedupe_key": f"key-{n}",
        "bank_reference": f"REF-{n}",
        "booking_date": dt.date(2026, 10, 2),
        "amount": Decimal("750.00"),
        "counterparty_name": "J. Jansen",
        "counterparty_iban": "NL91ABNA0417164300",
        "remittance_info": "huur oktober",
        "status": BankEntryStatus.UNMATCHED,
        "flags": [],
    }
    values.update(fields)
    return BankEntry.objects.create(**values)


@pytest.fixture(autouse=True)
def _console_in_english(in_english):
    """The assertions read the English message ids; the Dutch catalogue is checked by test_translations."""
