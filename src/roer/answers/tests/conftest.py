"""Answers test fixtures: a tenant with a tenancy, customer service, and a fixed Wednesday morning."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from roer.accounts.constants import Role
from roer.accounts.tests.factories import UserFactory
from roer.core.dates import AMSTERDAM
from roer.tenancies.tests.factories import PersonFactory, TenancyFactory

# A Wednesday, 10:00 in Amsterdam: today's morning is still open, the afternoon too.
NOW = dt.datetime(2026, 1, 14, 10, 0, tzinfo=AMSTERDAM)


@pytest.fixture
def wednesday_morning():
    with time_machine.travel(NOW, tick=False):
        yield NOW


@pytest.fixture
def tenant(db):
    user = UserFactory(roles=[Role.TENANT])
    TenancyFactory(tenant__person=PersonFactory(user=user, phone="06 1234 5678"))
    return user


@pytest.fixture
def tenancy(tenant):
    return tenant.person.tenancy_parties.get().tenancy


@pytest.fixture
def customer_service(db):
    return UserFactory(roles=[Role.CUSTOMER_SERVICE])
