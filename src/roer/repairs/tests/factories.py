"""Repair data for tests: one factory per model, a trait per lifecycle state."""

from __future__ import annotations

import datetime as dt

import factory
from django.utils import timezone

from roer.core import rules
from roer.repairs.constants import (
    AppointmentStatus,
    Handling,
    IntakeChannel,
    OrderFlag,
    OrderResult,
    OrderStatus,
    PartOfDay,
    RequestStatus,
    Responsibility,
    Urgency,
)
from roer.repairs.models import Appointment, Contractor, RepairRequest, WorkOrder
from roer.repairs.routing import KEY as ROUTING_KEY
from roer.repairs.wizard_rules import KEY as WIZARD_KEY
from roer.tenancies.tests.factories import TenancyFactory


class ContractorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Contractor
        django_get_or_create = ("key",)

    key = factory.Sequence(lambda n: f"aannemer-{n}")
    name = factory.Sequence(lambda n: f"Aannemer {n}")
    email = factory.LazyAttribute(lambda c: f"orders@{c.key}.example.nl")
    trades = ["LOO"]


class RepairRequestFactory(factory.django.DjangoModelFactory):
    """A boiler that broke down: the corporation's part, urgent, heating trade — just registered."""

    class Meta:
        model = RepairRequest

    tenancy = factory.SubFactory(TenancyFactory)
    dwelling = factory.SelfAttribute("tenancy.dwelling")
    problem_id = "boiler-broken"
    answers = {"whole-home": "ja", "display": "error"}
    responsibility = Responsibility.CORPORATION
    urgency = Urgency.URGENT
    trade = "CVI"
    defect_soort = "STO"
    defect_locatie = "TRI"
    wizard_version = factory.LazyFunction(lambda: rules.live_version(WIZARD_KEY))
    channel = IntakeChannel.PORTAL
    status = RequestStatus.REGISTERED
    handling = Handling.ORDERED
    idempotency_key = factory.Sequence(lambda n: f"form-{n:06d}")
    submitted_at = factory.LazyFunction(timezone.now)

    class Params:
        tenant_part = factory.Trait(
            problem_id="tap-dripping",
            answers={"tap-itself": "drips"},
            responsibility=Responsibility.TENANT,
            urgency="",
            trade="LOO",
            defect_soort="DRP",
            defect_locatie="KEU",
            clause="d",
            handling=Handling.TENANT_PART,
            status=RequestStatus.HANDLED,
        )
        in_progress = factory.Trait(status=RequestStatus.IN_PROGRESS)
        under_review = factory.Trait(status=RequestStatus.UNDER_REVIEW, handling=Handling.AWAITING_APPROVAL)
        queued = factory.Trait(status=RequestStatus.IN_PROGRESS, handling=Handling.STAFF_QUEUE)
        done = factory.Trait(status=RequestStatus.TECHNICALLY_DONE)
        cancelled = factory.Trait(status=RequestStatus.CANCELLED, cancelled_reason="Al gerepareerd")


class WorkOrderFactory(factory.django.DjangoModelFactory):
    """An order issued to a contractor (VERA GUN), due tomorrow."""

    class Meta:
        model = WorkOrder

    request = factory.SubFactory(RepairRequestFactory, in_progress=True)
    contractor = factory.SubFactory(ContractorFactory, trades=["CVI"])
    trade = factory.SelfAttribute("request.trade")
    status = OrderStatus.ISSUED
    due_by = factory.LazyFunction(lambda: timezone.now() + dt.timedelta(days=1))
    routing_version = factory.LazyFunction(lambda: rules.live_version(ROUTING_KEY))
    routed_by = "default"
    issued_at = factory.LazyFunction(timezone.now)

    class Params:
        awaiting_approval = factory.Trait(
            status=OrderStatus.AWAITING_APPROVAL,
            issued_at=None,
            request=factory.SubFactory(RepairRequestFactory, under_review=True),
        )
        planned = factory.Trait(status=OrderStatus.PLANNED)
        done = factory.Trait(
            status=OrderStatus.TECHNICALLY_DONE,
            result=OrderResult.DONE,
            completed_at=factory.LazyFunction(timezone.now),
            request=factory.SubFactory(RepairRequestFactory, done=True),
        )
        flagged = factory.Trait(
            status=OrderStatus.CANCELLED,
            flag=OrderFlag.WRONG_TRADE,
            flagged_at=factory.LazyFunction(timezone.now),
            request=factory.SubFactory(RepairRequestFactory, queued=True),
        )
        cancelled = factory.Trait(
            status=OrderStatus.CANCELLED, request=factory.SubFactory(RepairRequestFactory, cancelled=True)
        )


class AppointmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Appointment

    order = factory.SubFactory(WorkOrderFactory)
    date = factory.LazyFunction(lambda: timezone.localdate() + dt.timedelta(days=1))
    part = PartOfDay.MORNING
    status = AppointmentStatus.PROPOSED

    class Params:
        confirmed = factory.Trait(
            status=AppointmentStatus.CONFIRMED,
            confirmed_at=factory.LazyFunction(timezone.now),
            order=factory.SubFactory(WorkOrderFactory, planned=True),
        )
        cancelled = factory.Trait(
            status=AppointmentStatus.CANCELLED, cancelled_at=factory.LazyFunction(timezone.now)
        )
