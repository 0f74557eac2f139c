"""Casework data for tests: one factory per model, a trait per lifecycle state."""

from __future__ import annotations

import datetime as dt

import factory

from roer.accounts.constants import Role
from roer.accounts.tests.factories import UserFactory
from roer.casework.constants import CaseOutcome, CaseStatus, ContactTopic, Direction, NoteCategory
from roer.casework.models import Case, CaseNote, ContactMoment
from roer.core.constants import Channel
from roer.tenancies.tests.factories import TenancyFactory

OPENED = dt.datetime(2026, 3, 9, 8, 30, tzinfo=dt.UTC)


class CaseFactory(factory.django.DjangoModelFactory):
    """An open case raised by the system's signal."""

    class Meta:
        model = Case

    tenancy = factory.SubFactory(TenancyFactory)
    status = CaseStatus.OPEN
    priority = 50
    reasons = factory.LazyFunction(lambda: ["Eerste achterstand in 30 jaar"])
    opened_at = OPENED

    class Params:
        assigned = factory.Trait(
            assigned_to=factory.SubFactory(UserFactory, roles=[Role.SOCIAL_MANAGER]),
        )
        closed = factory.Trait(
            status=CaseStatus.CLOSED,
            closed_at=factory.LazyAttribute(lambda c: c.opened_at + dt.timedelta(days=10)),
            closed_by=factory.SubFactory(UserFactory, roles=[Role.SOCIAL_MANAGER]),
            outcome=CaseOutcome.PAID,
        )


class ContactMomentFactory(factory.django.DjangoModelFactory):
    """A successful outgoing phone call about the arrears."""

    class Meta:
        model = ContactMoment

    tenancy = factory.SubFactory(TenancyFactory)
    channel = Channel.PHONE
    direction = Direction.OUTGOING
    happened_at = OPENED + dt.timedelta(days=1)
    by = factory.SubFactory(UserFactory, roles=[Role.SOCIAL_MANAGER])
    succeeded = True
    topic = ContactTopic.ARREARS
    summary = "Gebeld; huurder was verrast."

    class Params:
        attempt = factory.Trait(succeeded=False, summary="")


class CaseNoteFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CaseNote

    case = factory.SubFactory(CaseFactory)
    author = factory.SubFactory(UserFactory, roles=[Role.SOCIAL_MANAGER])
    category = NoteCategory.GENERAL
    text = "Afspraak gemaakt voor een huisbezoek."

    class Params:
        health = factory.Trait(category=NoteCategory.HEALTH, text="Opgenomen in het ziekenhuis.")
        family = factory.Trait(category=NoteCategory.FAMILY, text="Partner is vertrokken.")
