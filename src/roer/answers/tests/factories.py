"""Answers data for tests: a callback request, a trait per state."""

from __future__ import annotations

import datetime as dt

import factory

from roer.accounts.constants import Role
from roer.accounts.tests.factories import UserFactory
from roer.answers.constants import KEY, CallbackPart, CallbackStatus, CallbackTopic
from roer.answers.models import CallbackRequest
from roer.core import rules
from roer.tenancies.tests.factories import TenancyFactory


class CallbackRequestFactory(factory.django.DjangoModelFactory):
    """An open request to be called on Thursday 15 January 2026 in the morning, about a repair."""

    class Meta:
        model = CallbackRequest

    tenancy = factory.SubFactory(TenancyFactory)
    user = factory.SubFactory(UserFactory, roles=[Role.TENANT])
    phone = "06 1234 5678"
    preferred_day = dt.date(2026, 1, 15)
    preferred_part = CallbackPart.MORNING
    topic = CallbackTopic.REPAIR
    problem_id = "tap-dripping"
    note = "Liefst na tienen."
    status = CallbackStatus.OPEN
    rule_version = factory.LazyFunction(lambda: rules.live_version(KEY))
    idempotency_key = factory.Sequence(lambda n: f"callback-{n}")
    created_at = dt.datetime(2026, 1, 14, 8, 0, tzinfo=dt.UTC)

    class Params:
        about_answer = factory.Trait(topic=CallbackTopic.ANSWER, problem_id="", answer_id="housing-allowance")
        called = factory.Trait(
            status=CallbackStatus.CALLED,
            attempts=1,
            handled_by=factory.SubFactory(UserFactory, roles=[Role.CUSTOMER_SERVICE]),
            handled_at=dt.datetime(2026, 1, 15, 9, 30, tzinfo=dt.UTC),
            outcome="Uitgelegd hoe de kraan werkt.",
        )
