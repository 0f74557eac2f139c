"""Collection costs are charged only after the term ran out unpaid, once, never when waived."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from roer.arrears.models import Episode
from roer.arrears.services.costs_charge import costs_charge, costs_due
from roer.arrears.tests.builders import charge, payment
from roer.arrears.tests.factories import EpisodeFactory
from roer.ledger.constants import EntryKind
from roer.ledger.models import LedgerEntry

NOTICE = dt.date(2026, 10, 12)
DEADLINE = dt.date(2026, 10, 28)
NEGLIGIBLE = Decimal("5.00")
UNPAID = [charge(dt.date(2026, 9, 1)), charge(dt.date(2026, 10, 1))]


def _episode(**fields) -> Episode:
    values = {
        "opened_on": dt.date(2026, 9, 1),
        "final_notice_sent_on": NOTICE,
        "final_notice_deadline": DEADLINE,
        "final_notice_principal": Decimal("1500.00"),
        "final_notice_costs": Decimal("225.00"),
        **fields,
    }
    return Episode(**values)


@pytest.mark.parametrize(
    ("today", "expected"),
    [(DEADLINE, Decimal("0.00")), (DEADLINE + dt.timedelta(days=1), Decimal("225.00"))],
)
def test_costs_are_due_only_from_the_day_after_the_deadline(today, expected):
    assert costs_due(episode=_episode(), movements=UNPAID, today=today, negligible=NEGLIGIBLE) == expected


def test_no_costs_when_paid_on_the_last_day_even_if_the_run_sees_it_later():
    paid = [*UNPAID, payment(DEADLINE, Decimal("1500.00"))]
    assert (
        costs_due(
            episode=_episode(), movements=paid, today=DEADLINE + dt.timedelta(days=3), negligible=NEGLIGIBLE
        )
        == 0
    )


def test_costs_are_due_when_paid_only_after_the_deadline():
    late = [*UNPAID, payment(DEADLINE + dt.timedelta(days=1), Decimal("1500.00"))]
    due = costs_due(
        episode=_episode(), movements=late, today=DEADLINE + dt.timedelta(days=2), negligible=NEGLIGIBLE
    )
    assert due == Decimal("225.00")


@pytest.mark.parametrize(
    "fields",
    [
        {"costs_charged_on": DEADLINE + dt.timedelta(days=1)},
        {"costs_waived_on": NOTICE},
        {"final_notice_costs": Decimal("0.00")},  # the policy waived them: the notice stated none
        {"final_notice_sent_on": None, "final_notice_deadline": None},
    ],
)
def test_no_costs_when_charged_waived_or_never_stated(fields):
    today = DEADLINE + dt.timedelta(days=5)
    assert costs_due(episode=_episode(**fields), movements=UNPAID, today=today, negligible=NEGLIGIBLE) == 0


@pytest.mark.django_db
def test_costs_are_booked_once_for_exactly_the_stated_amount():
    episode = EpisodeFactory(
        final_notice_sent_on=NOTICE, final_notice_deadline=DEADLINE, final_notice_costs=Decimal("225.00")
    )
    today = DEADLINE + dt.timedelta(days=1)

    entry = costs_charge(episode=episode, today=today)
    again = costs_charge(episode=episode, today=today + dt.timedelta(days=1))

    assert entry is not None and again is None
    assert list(LedgerEntry.objects.values_list("kind", "amount", "date", "source")) == [
        (EntryKind.COST, Decimal("225.00"), today, "roer")
    ]
    assert Episode.objects.get(pk=episode.pk).costs_charged_on == today


@pytest.mark.django_db
def test_waived_costs_are_never_booked():
    episode = EpisodeFactory(
        final_notice_sent_on=NOTICE,
        final_notice_deadline=DEADLINE,
        final_notice_costs=Decimal("225.00"),
        costs_waived_on=NOTICE,
    )
    assert costs_charge(episode=episode, today=DEADLINE + dt.timedelta(days=1)) is None
    assert not LedgerEntry.objects.exists()
