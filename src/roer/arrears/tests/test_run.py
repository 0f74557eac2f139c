"""The nightly collections run against the database: routes, actions, idempotency, holds, query counts."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from roer.accounts.constants import Role
from roer.accounts.tests.factories import UserFactory
from roer.arrears.constants import Action, LetterKind, Route, RunStatus
from roer.arrears.models import CollectionRun, Episode, Letter, RunDecision
from roer.arrears.services.run import CollectionRunBusy, collections_run
from roer.arrears.tests.builders import payment, returned
from roer.arrears.tests.factories import RENT, days, media, pay, tenancy_with_ledger
from roer.casework.constants import CaseOutcome
from roer.casework.models import Case
from roer.casework.services import case_close, contact_log
from roer.core import helm
from roer.core.constants import Flow, Mode
from roer.core.dates import AMSTERDAM
from roer.core.models import Decision
from roer.ledger.constants import EntryKind
from roer.ledger.models import LedgerEntry
from roer.tenancies.constants import DebtMeasureKind
from roer.tenancies.models import DebtMeasure

__all__ = ["media"]

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media")]

OCTOBER = dt.date(2026, 10, 1)


def late_payer(due: dt.date) -> list:
    """Pays by transfer around the 14th: late, but never far behind."""
    return [payment(due + dt.timedelta(days=13))]


def decisions_of(tenancy) -> list[RunDecision]:
    return list(RunDecision.objects.filter(tenancy=tenancy).order_by("run__run_date"))


def test_thirty_years_on_time_and_a_first_arrears_goes_to_a_person_without_costs(
    django_capture_on_commit_callbacks,
):
    loyal = tenancy_with_ledger(start=dt.date(1996, 1, 1), until=OCTOBER, unpaid=[OCTOBER])

    with django_capture_on_commit_callbacks(execute=True):
        for day in days(OCTOBER, dt.date(2026, 10, 31)):
            collections_run(run_date=day)

    routes = {d.route for d in decisions_of(loyal)}
    assert Route.AUTOMATED not in routes and Route.OFFICER_REVIEW not in routes
    assert Route.HUMAN_CONTACT in routes
    case = Case.objects.get(tenancy=loyal)
    assert any("30 jaar" in line for line in case.reasons), case.reasons
    kinds = set(Letter.objects.filter(tenancy=loyal).values_list("kind", flat=True))
    assert kinds == {LetterKind.PERSONAL_MESSAGE}
    assert not Letter.objects.filter(tenancy=loyal, costs__gt=0).exists()
    assert not LedgerEntry.objects.filter(tenancy=loyal, kind=EntryKind.COST).exists()
    episode = Episode.objects.get(tenancy=loyal)
    assert episode.opened_on == OCTOBER and episode.personal_message_sent_on is not None
    assert episode.reminder_sent_on is None and episode.final_notice_sent_on is None


def test_a_habitual_late_payer_gets_the_ordinary_reminder():
    late = tenancy_with_ledger(
        start=dt.date(2022, 1, 1),
        until=OCTOBER,
        pays=late_payer,
        unpaid=[OCTOBER],
        payment_reference="RF-LATE-1",
    )

    run = collections_run(run_date=dt.date(2026, 10, 9))

    decision = RunDecision.objects.get(run=run, tenancy=late)
    assert (decision.route, decision.action) == (Route.AUTOMATED, Action.REMINDER)
    letter = Letter.objects.get(tenancy=late)
    assert letter.kind == LetterKind.REMINDER and letter.costs == 0
    episode = Episode.objects.get(tenancy=late)
    assert episode.reminder_sent_on == dt.date(2026, 10, 9)
    assert episode.early_warning_offered_on == dt.date(2026, 10, 9)  # the reminder carries the offer


def _growing() -> object:
    """A tenancy of under two years, two months of rent unpaid: growing arrears, no clean record."""
    return tenancy_with_ledger(
        start=dt.date(2025, 1, 1), until=OCTOBER, unpaid=[dt.date(2026, 9, 1), OCTOBER], email=""
    )


def _final_notice(tenancy) -> Episode:
    collections_run(run_date=dt.date(2026, 10, 8))  # the reminder
    collections_run(run_date=dt.date(2026, 10, 9))  # officer review, no notice yet
    assert decisions_of(tenancy)[-1].route == Route.OFFICER_REVIEW
    assert decisions_of(tenancy)[-1].action == ""
    assert not Letter.objects.filter(tenancy=tenancy, kind=LetterKind.FINAL_NOTICE).exists()
    Episode.objects.filter(tenancy=tenancy).update(
        final_notice_approved_on=dt.date(2026, 10, 9), final_notice_approved_by=UserFactory()
    )
    collections_run(run_date=dt.date(2026, 10, 12))
    return Episode.objects.get(tenancy=tenancy)


def test_growing_arrears_go_to_an_officer_before_any_final_notice_then_costs_once_after_the_term():
    tenancy = _growing()

    episode = _final_notice(tenancy)

    assert decisions_of(tenancy)[0].action == Action.REMINDER
    assert decisions_of(tenancy)[0].route == Route.OFFICER_REVIEW
    notice = Letter.objects.get(tenancy=tenancy, kind=LetterKind.FINAL_NOTICE)
    assert notice.costs == Decimal("225.00")  # 15% of € 1.500 (art. 2 Besluit)
    assert notice.deadline == episode.final_notice_deadline == dt.date(2026, 10, 28)
    assert episode.final_notice_costs == Decimal("225.00")
    assert episode.final_notice_principal == 2 * RENT

    collections_run(run_date=episode.final_notice_deadline)  # the last day: the tenant may still pay
    assert not LedgerEntry.objects.filter(tenancy=tenancy, kind=EntryKind.COST).exists()
    run = collections_run(run_date=episode.final_notice_deadline + dt.timedelta(days=1))
    collections_run(run_date=episode.final_notice_deadline + dt.timedelta(days=2))

    costs = LedgerEntry.objects.get(tenancy=tenancy, kind=EntryKind.COST)
    assert costs.amount == Decimal("225.00") and costs.source == "roer"
    assert RunDecision.objects.get(run=run, tenancy=tenancy).costs == Decimal("225.00")
    assert Episode.objects.get(
        pk=episode.pk
    ).costs_charged_on == episode.final_notice_deadline + dt.timedelta(days=1)


def test_no_costs_when_paid_within_the_term():
    tenancy = _growing()
    episode = _final_notice(tenancy)
    pay(tenancy, episode.final_notice_deadline, 2 * RENT)

    for day in days(episode.final_notice_deadline, episode.final_notice_deadline + dt.timedelta(days=5)):
        collections_run(run_date=day)

    assert not LedgerEntry.objects.filter(tenancy=tenancy, kind=EntryKind.COST).exists()
    assert Episode.objects.get(pk=episode.pk).closed_on == episode.final_notice_deadline


def test_a_returned_debit_because_the_account_holder_died_never_gets_a_letter():
    tenancy = tenancy_with_ledger(
        start=dt.date(2010, 1, 1),
        until=OCTOBER,
        special={
            OCTOBER: [
                payment(dt.date(2026, 10, 2), method="direct_debit"),
                returned(dt.date(2026, 10, 6), "MD07", RENT),
            ]
        },
    )

    for day in days(dt.date(2026, 10, 6), dt.date(2026, 11, 20)):
        collections_run(run_date=day)

    assert not Letter.objects.filter(tenancy=tenancy).exists()
    assert {d.route for d in decisions_of(tenancy)} == {Route.HUMAN_CONTACT}
    assert Case.objects.filter(tenancy=tenancy).exists()


def test_a_statutory_debt_measure_holds_everything():
    tenancy = _growing()
    DebtMeasure.objects.create(tenancy=tenancy, kind=DebtMeasureKind.WSNP, starts_on=dt.date(2026, 9, 15))

    for day in (dt.date(2026, 10, 8), dt.date(2026, 10, 20), dt.date(2026, 11, 10)):
        collections_run(run_date=day)

    assert {d.route for d in decisions_of(tenancy)} == {Route.HELD}
    assert not Letter.objects.filter(tenancy=tenancy).exists()


def test_a_hold_or_manual_mode_holds_and_assist_mode_only_proposes():
    officer = UserFactory()
    held = _growing()
    helm.hold_place(
        subject=held, by=officer, reason="Ik bel zelf", now=dt.datetime(2026, 10, 1, 9, tzinfo=AMSTERDAM)
    )
    proposed = tenancy_with_ledger(
        start=dt.date(2022, 1, 1), until=OCTOBER, pays=late_payer, unpaid=[OCTOBER]
    )
    helm.flow_mode_set(flow=Flow.DUNNING, mode=Mode.ASSIST, by=officer, reason="test")

    run = collections_run(run_date=dt.date(2026, 10, 9))

    assert RunDecision.objects.get(run=run, tenancy=held).route == Route.HELD
    row = RunDecision.objects.get(run=run, tenancy=proposed)
    assert row.action == ""
    assert row.decision.inputs["proposed_only"] is True and row.decision.inputs["action"] == Action.REMINDER
    assert not Letter.objects.exists()
    assert run.summary["proposed"] == {"reminder": 1}


def test_running_twice_for_a_date_changes_nothing():
    _growing()
    tenancy_with_ledger(start=dt.date(2022, 1, 1), until=OCTOBER, pays=late_payer, unpaid=[OCTOBER])
    first = collections_run(run_date=dt.date(2026, 10, 9))
    counts = (
        Letter.objects.count(),
        LedgerEntry.objects.count(),
        RunDecision.objects.count(),
        Decision.objects.count(),
    )

    again = collections_run(run_date=dt.date(2026, 10, 9))

    assert again.pk == first.pk and again.status == RunStatus.FINISHED
    assert counts == (
        Letter.objects.count(),
        LedgerEntry.objects.count(),
        RunDecision.objects.count(),
        Decision.objects.count(),
    )
    assert CollectionRun.objects.count() == 1


def test_a_failed_run_is_taken_over_without_repeating_what_it_did():
    tenancy = tenancy_with_ledger(start=dt.date(2022, 1, 1), until=OCTOBER, pays=late_payer, unpaid=[OCTOBER])
    run = collections_run(run_date=dt.date(2026, 10, 9))
    CollectionRun.objects.filter(pk=run.pk).update(status=RunStatus.FAILED)

    again = collections_run(run_date=dt.date(2026, 10, 9))

    assert again.status == RunStatus.FINISHED
    assert Letter.objects.filter(tenancy=tenancy).count() == 1
    assert RunDecision.objects.filter(tenancy=tenancy).count() == 1


def _queries(run_date: dt.date) -> int:
    with CaptureQueriesContext(connection) as captured:
        collections_run(run_date=run_date)
    return len(captured)


def test_the_number_of_queries_does_not_grow_with_the_tenancies():
    # Two in arrears, already handled (nothing new to send), and more and more tenants who paid.
    for _ in range(2):
        tenancy_with_ledger(start=dt.date(2022, 1, 1), until=OCTOBER, pays=late_payer, unpaid=[OCTOBER])
    collections_run(run_date=dt.date(2026, 10, 9))
    for _ in range(3):
        tenancy_with_ledger(start=dt.date(2020, 1, 1), until=OCTOBER)
    few = _queries(dt.date(2026, 10, 10))
    for _ in range(12):
        tenancy_with_ledger(start=dt.date(2020, 1, 1), until=OCTOBER)
    many = _queries(dt.date(2026, 10, 11))

    assert few == many


def test_tenancies_in_arrears_are_read_in_bulk():
    """Reads are a fixed number per batch; each tenancy in arrears adds only its own writes (the decision,
    its journal event, the run's row), the same number for each."""
    for _ in range(2):
        tenancy_with_ledger(start=dt.date(2022, 1, 1), until=OCTOBER, pays=late_payer, unpaid=[OCTOBER])
    collections_run(run_date=dt.date(2026, 10, 9))
    two = _queries(dt.date(2026, 10, 10))
    for _ in range(2):
        tenancy_with_ledger(start=dt.date(2022, 1, 1), until=OCTOBER, pays=late_payer, unpaid=[OCTOBER])
    collections_run(run_date=dt.date(2026, 10, 11))
    Episode.objects.update(reminder_sent_on=dt.date(2026, 10, 9))
    four = _queries(dt.date(2026, 10, 12))
    for _ in range(2):
        tenancy_with_ledger(start=dt.date(2022, 1, 1), until=OCTOBER, pays=late_payer, unpaid=[OCTOBER])
    collections_run(run_date=dt.date(2026, 10, 13))
    six = _queries(dt.date(2026, 10, 14))

    per_tenancy = (four - two) / 2
    assert six - four == four - two  # linear in writes only: no per-tenancy read
    assert per_tenancy <= 12


def test_a_second_run_for_a_date_refuses_while_the_first_is_running():
    collections_run(run_date=dt.date(2026, 10, 9))
    CollectionRun.objects.filter(run_date=dt.date(2026, 10, 9)).update(status=RunStatus.RUNNING)

    with pytest.raises(CollectionRunBusy):
        collections_run(run_date=dt.date(2026, 10, 9))

    # A run that died hours ago is taken over.
    CollectionRun.objects.filter(run_date=dt.date(2026, 10, 9)).update(
        started_at=dt.datetime(2026, 10, 9, 1, tzinfo=AMSTERDAM)
    )
    assert collections_run(run_date=dt.date(2026, 10, 9)).status == RunStatus.FINISHED


def test_after_a_persons_contact_and_a_closed_case_the_final_notice_follows(
    django_capture_on_commit_callbacks,
):
    manager = UserFactory(roles=[Role.SOCIAL_MANAGER])
    tenancy = tenancy_with_ledger(start=dt.date(2022, 1, 1), until=OCTOBER, pays=late_payer, unpaid=[OCTOBER])
    collections_run(run_date=dt.date(2026, 10, 9))  # the reminder
    collections_run(run_date=dt.date(2026, 10, 22))  # day 21: a person tries to reach the tenant
    case = Case.objects.get(tenancy=tenancy)
    assert decisions_of(tenancy)[-1].route == Route.HUMAN_CONTACT
    contact_log(
        tenancy=tenancy,
        by=manager,
        channel="TEL",
        direction="UIT",
        succeeded=False,
        topic="arrears",
        summary="Geen gehoor",
        happened_at=dt.datetime(2026, 10, 23, 10, tzinfo=AMSTERDAM),
    )
    case_close(
        case=case,
        by=manager,
        outcome=CaseOutcome.NO_CONTACT,
        now=dt.datetime(2026, 10, 26, 9, tzinfo=AMSTERDAM),
    )

    with django_capture_on_commit_callbacks(execute=True):
        collections_run(run_date=dt.date(2026, 11, 5))  # day 35

    episode = Episode.objects.get(tenancy=tenancy)
    assert episode.contact_attempted_on == dt.date(2026, 10, 23)
    assert decisions_of(tenancy)[-1].action == Action.FINAL_NOTICE
    notice = Letter.objects.get(tenancy=tenancy, kind=LetterKind.FINAL_NOTICE)
    assert notice.costs == episode.final_notice_costs == Decimal("112.50")  # 15% of € 750
    assert notice.deadline == episode.final_notice_deadline
