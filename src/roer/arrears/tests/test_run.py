"""The nightly collections run against the database: routes, actions, idempotency, holds, query counts."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from roer.accounts.constants import Role
from roer.accounts.tests.factories import UserFactory
from roer.arrears import letters as letter_rules
from roer.arrears.constants import Action, ArrangementStatus, LetterKind, Route, RunStatus
from roer.arrears.models import (
    Arrangement,
    BailiffProposal,
    CollectionRun,
    EarlyWarningSignal,
    Episode,
    Instalment,
    Letter,
    RunDecision,
)
from roer.arrears.selectors import tenancy_files
from roer.arrears.services.early_warning import early_warning_objection_record
from roer.arrears.services.run import CollectionRunBusy, collections_run, run_report
from roer.arrears.tests.builders import charge, payment, returned
from roer.arrears.tests.factories import RENT, book, co_tenant, days, media, pay, tenancy_with_ledger
from roer.casework.constants import CaseOutcome
from roer.casework.models import Case
from roer.casework.services import case_close, contact_log
from roer.core import helm, rules
from roer.core.constants import Flow, Mode
from roer.core.dates import AMSTERDAM
from roer.core.models import Decision, JournalEvent
from roer.ledger.constants import EntryKind
from roer.ledger.models import LedgerEntry
from roer.tenancies.constants import DebtMeasureKind, PartyRole
from roer.tenancies.models import DebtMeasure, Person

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


def _contact_attempt(tenancy, on: dt.date, succeeded: bool = False) -> None:
    contact_log(
        tenancy=tenancy,
        by=UserFactory(roles=[Role.SOCIAL_MANAGER]),
        channel="TEL",
        direction="UIT",
        succeeded=succeeded,
        topic="arrears",
        summary="Geen gehoor",
        happened_at=dt.datetime.combine(on, dt.time(10), tzinfo=AMSTERDAM),
    )


def _final_notice(tenancy) -> Episode:
    collections_run(run_date=dt.date(2026, 10, 8))  # the reminder
    _contact_attempt(tenancy, dt.date(2026, 10, 8))  # growing arrears too: a person tries to call
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


def test_growing_arrears_also_get_the_contact_attempt_before_the_officer_reviews():
    tenancy = _growing()
    collections_run(run_date=dt.date(2026, 10, 8))  # the reminder (37 days overdue)

    run = collections_run(run_date=dt.date(2026, 10, 9))

    row = RunDecision.objects.get(run=run, tenancy=tenancy)
    assert (row.route, row.action) == (Route.HUMAN_CONTACT, "")
    assert Case.objects.filter(tenancy=tenancy).exists()
    assert not Letter.objects.filter(tenancy=tenancy, kind=LetterKind.FINAL_NOTICE).exists()


def test_paid_rent_ends_the_episode_though_costs_are_unpaid_and_new_arrears_start_a_new_cycle():
    """Before: charged costs kept the episode open, so the next month's arrears got no reminder and, with
    the old notice's term long gone, a bailiff proposal for rent a week late."""
    tenancy = _growing()
    episode = _final_notice(tenancy)
    deadline = episode.final_notice_deadline
    collections_run(run_date=deadline + dt.timedelta(days=1))
    assert LedgerEntry.objects.filter(tenancy=tenancy, kind=EntryKind.COST).exists()
    pay(tenancy, deadline + dt.timedelta(days=1), 2 * RENT)  # the rent, not the costs
    collections_run(run_date=deadline + dt.timedelta(days=2))
    assert Episode.objects.get(pk=episode.pk).closed_on == deadline + dt.timedelta(days=2)
    november = dt.date(2026, 11, 1)
    book(tenancy, [charge(november)])

    for day in days(november, dt.date(2026, 11, 30)):
        collections_run(run_date=day)

    assert not BailiffProposal.objects.filter(tenancy=tenancy).exists()
    new = Episode.objects.get(tenancy=tenancy, closed_on__isnull=True)
    assert new.pk != episode.pk and new.opened_on == november
    assert new.reminder_sent_on == dt.date(2026, 11, 9)
    assert Letter.objects.filter(episode=new, kind=LetterKind.REMINDER).count() == 1


def test_after_a_personal_message_the_episode_gets_no_reminder_when_the_arrears_stop_being_unusual():
    """One episode, one cycle: the personal message was its first written step."""
    loyal = tenancy_with_ledger(start=dt.date(1996, 1, 1), until=OCTOBER, unpaid=[OCTOBER])
    collections_run(run_date=dt.date(2026, 10, 9))
    episode = Episode.objects.get(tenancy=loyal)
    assert episode.personal_message_sent_on == dt.date(2026, 10, 9)
    case_close(
        case=Case.objects.get(tenancy=loyal),
        by=UserFactory(roles=[Role.SOCIAL_MANAGER]),
        outcome=CaseOutcome.OTHER,
        now=dt.datetime(2026, 10, 12, 9, tzinfo=AMSTERDAM),
    )
    # The tenant is no longer unusual for the policy (say, its weights were changed): the automated path.
    policy = rules.live_version("collections-policy").document
    policy["atypical"]["score_threshold"] = 100
    rules.rule_version_publish(
        version=rules.rule_version_draft(key="collections-policy", document=policy, note="test")
    )

    collections_run(run_date=dt.date(2026, 10, 22))

    assert decisions_of(loyal)[-1].route == Route.HUMAN_CONTACT  # day 21: a person tries to call
    assert not Letter.objects.filter(tenancy=loyal, kind=LetterKind.REMINDER).exists()
    assert Episode.objects.get(pk=episode.pk).reminder_sent_on is None


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
    """Reads are a fixed number per batch, and so are the writes of the decisions, their journal events and
    the run's rows (`decision_record_many`, bulk inserts): a tenancy with nothing to send adds only its
    savepoint."""
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
    assert per_tenancy <= 2  # SAVEPOINT and RELEASE; no decision or journal write of its own


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


# --- one place for the legal checks; objections per tenancy ---------------------------------------

NOTICE_DAY = dt.date(2026, 10, 12)


def _after_the_term(tenancy, **dates) -> Episode:
    """The growing tenancy's episode after a final notice whose term ran out, the early-warning steps
    taken (contact, debt help, the reminder with the offer)."""
    fields = {
        "opened_on": dt.date(2026, 9, 1),
        "reminder_sent_on": dt.date(2026, 9, 9),
        "early_warning_offered_on": dt.date(2026, 9, 9),
        "debt_help_pointed_on": dt.date(2026, 9, 9),
        "contact_attempted_on": dt.date(2026, 9, 22),
        "final_notice_approved_on": NOTICE_DAY,
        "final_notice_sent_on": NOTICE_DAY,
        "final_notice_deadline": dt.date(2026, 10, 28),
    }
    return Episode.objects.create(tenancy=tenancy, **{**fields, **dates})


def test_after_an_objection_the_bailiff_follows_the_legal_steps_and_no_signal_goes_out():
    social_manager = UserFactory(roles=[Role.SOCIAL_MANAGER])
    tenancy = _growing()
    _after_the_term(tenancy)
    early_warning_objection_record(tenancy=tenancy, by=social_manager, on=dt.date(2026, 10, 15))

    run = collections_run(run_date=dt.date(2026, 11, 20))

    row = RunDecision.objects.get(run=run, tenancy=tenancy)
    assert (row.route, row.action) == (Route.OFFICER_REVIEW, Action.BAILIFF_PROPOSAL)
    assert BailiffProposal.objects.filter(tenancy=tenancy).exists()
    assert not EarlyWarningSignal.objects.exists()
    assert any("bezwaar" in line for line in row.reasons), row.reasons
    assert not any("nog niet alle" in line for line in row.reasons), row.reasons
    assert row.decision.inputs["early_warning_objection"] is True


def test_a_standing_objection_of_the_tenant_stops_the_runs_signal():
    social_manager = UserFactory(roles=[Role.SOCIAL_MANAGER])
    tenancy = _growing()
    _after_the_term(
        tenancy, final_notice_sent_on=None, final_notice_deadline=None, final_notice_approved_on=None
    )
    early_warning_objection_record(tenancy=tenancy, by=social_manager, on=dt.date(2026, 9, 20))

    run = collections_run(run_date=dt.date(2026, 10, 20))

    assert RunDecision.objects.get(run=run, tenancy=tenancy).action != Action.EARLY_WARNING
    assert not EarlyWarningSignal.objects.exists()


def test_the_run_makes_the_bailiff_proposal_through_the_service_and_keeps_its_refusal(monkeypatch):
    from roer.arrears.services import bailiff as bailiff_services

    tenancy = _growing()
    _after_the_term(tenancy, early_warning_sent_on=dt.date(2026, 10, 9))
    monkeypatch.setattr(bailiff_services, "bailiff_blockers", lambda episode, on: ["Een blokkade"])

    run = collections_run(run_date=dt.date(2026, 11, 20))

    assert run.status == RunStatus.FINISHED and run.summary["errors"] == 0
    row = RunDecision.objects.get(run=run, tenancy=tenancy)
    assert (row.route, row.action) == (Route.OFFICER_REVIEW, "")
    assert "Geen voorstel voor een deurwaarder: Een blokkade" in row.reasons
    assert row.decision.reasons == row.reasons and row.decision.inputs["refused"] == Action.BAILIFF_PROPOSAL
    assert not BailiffProposal.objects.exists()
    assert JournalEvent.objects.filter(activity="bailiff_proposal_refused").count() == 1
    assert run.summary["refused"] == {"bailiff_proposal": 1}


def test_the_run_makes_the_signal_through_the_service_and_keeps_its_refusal(monkeypatch):
    from roer.arrears.services import early_warning as early_warning_services

    tenancy = _growing()
    _after_the_term(
        tenancy, final_notice_sent_on=None, final_notice_deadline=None, final_notice_approved_on=None
    )
    monkeypatch.setattr(
        early_warning_services, "objection_standing_on", lambda tenancy_id, day: dt.date(2026, 10, 1)
    )

    run = collections_run(run_date=dt.date(2026, 10, 20))

    assert run.status == RunStatus.FINISHED
    row = RunDecision.objects.get(run=run, tenancy=tenancy)
    assert row.action == "" and row.decision.inputs["refused"] == Action.EARLY_WARNING
    assert any(
        line.startswith("Geen signaal voor vroegsignalering: De huurder heeft bezwaar")
        for line in row.reasons
    )
    assert not EarlyWarningSignal.objects.exists()


def test_a_signal_is_made_by_the_service_when_all_is_in_order():
    tenancy = _growing()
    episode = _after_the_term(
        tenancy, final_notice_sent_on=None, final_notice_deadline=None, final_notice_approved_on=None
    )

    run = collections_run(run_date=dt.date(2026, 10, 20))

    assert RunDecision.objects.get(run=run, tenancy=tenancy).action == Action.EARLY_WARNING
    signal = EarlyWarningSignal.objects.get(tenancy=tenancy)
    assert signal.reported_on == dt.date(2026, 10, 20) and signal.arrears_since == episode.opened_on
    assert Episode.objects.get(pk=episode.pk).early_warning_sent_on == dt.date(2026, 10, 20)


# --- the offer and the pointer to debt help, also for atypical tenants ------------------------------


def test_the_reminder_records_the_offer_and_the_debt_help_pointer_in_the_journal():
    late = tenancy_with_ledger(start=dt.date(2022, 1, 1), until=OCTOBER, pays=late_payer, unpaid=[OCTOBER])

    collections_run(run_date=dt.date(2026, 10, 9))

    episode = Episode.objects.get(tenancy=late)
    assert episode.early_warning_offered_on == episode.debt_help_pointed_on == dt.date(2026, 10, 9)
    for activity in ("early_warning_offered", "early_warning_debt_help_pointed"):
        event = JournalEvent.objects.get(activity=activity)
        assert event.facts == {"on": "2026-10-09", "source": "letter"}


def test_the_friendly_personal_message_carries_the_offer_so_atypical_tenants_reach_the_legal_steps():
    loyal = tenancy_with_ledger(start=dt.date(1996, 1, 1), until=OCTOBER, unpaid=[OCTOBER], email="")

    collections_run(run_date=dt.date(2026, 10, 9))

    letter = Letter.objects.get(tenancy=loyal)
    assert letter.kind == LetterKind.PERSONAL_MESSAGE
    assert "gratis" in letter.html and "23 oktober 2026" in letter.html  # debt help; the day to object
    episode = Episode.objects.get(tenancy=loyal)
    assert episode.personal_message_sent_on == dt.date(2026, 10, 9)
    assert episode.early_warning_offered_on == episode.debt_help_pointed_on == dt.date(2026, 10, 9)
    assert JournalEvent.objects.filter(activity="early_warning_offered").count() == 1


def test_a_personal_message_text_without_the_offer_records_no_offer():
    document = letter_rules.default_document()
    message = document["routes"]["human_contact"]["letters"]["personal_message"]
    message["body"] = "Beste {tenant},\n\nBel ons even op {phone}.\n\nMet vriendelijke groet,\n{sender}"
    rules.rule_version_publish(version=rules.rule_version_draft(key=letter_rules.KEY, document=document))
    loyal = tenancy_with_ledger(start=dt.date(1996, 1, 1), until=OCTOBER, unpaid=[OCTOBER], email="")

    collections_run(run_date=dt.date(2026, 10, 9))

    episode = Episode.objects.get(tenancy=loyal)
    assert episode.personal_message_sent_on == dt.date(2026, 10, 9)
    assert episode.early_warning_offered_on is None and episode.debt_help_pointed_on is None


# --- a tenant's own death ---------------------------------------------------------------------------


def test_a_tenant_who_died_is_a_bereavement_a_person_and_never_a_letter():
    tenancy = tenancy_with_ledger(start=dt.date(2020, 1, 1), until=OCTOBER, unpaid=[OCTOBER], email="")
    co_tenant(tenancy, email="")
    Person.objects.filter(tenancy_parties__tenancy=tenancy, tenancy_parties__role=PartyRole.TENANT).update(
        died_on=dt.date(2026, 10, 3)
    )

    run = collections_run(run_date=dt.date(2026, 10, 9))

    row = RunDecision.objects.get(run=run, tenancy=tenancy)
    assert (row.route, row.action) == (Route.HUMAN_CONTACT, "")
    assert any("overleden" in line for line in row.reasons), row.reasons
    assert not Letter.objects.filter(tenancy=tenancy).exists()
    assert Case.objects.get(tenancy=tenancy).priority == 100


# --- assist mode --------------------------------------------------------------------------------------


def test_in_assist_mode_the_proposal_is_kept_on_the_row_and_shown_in_the_report():
    helm.flow_mode_set(flow=Flow.DUNNING, mode=Mode.ASSIST, by=UserFactory(), reason="test")
    late = tenancy_with_ledger(start=dt.date(2022, 1, 1), until=OCTOBER, pays=late_payer, unpaid=[OCTOBER])
    paying = tenancy_with_ledger(start=dt.date(2022, 1, 1), until=OCTOBER, pays=late_payer, unpaid=[OCTOBER])
    Episode.objects.create(tenancy=paying, opened_on=OCTOBER, reminder_sent_on=dt.date(2026, 10, 8))

    run = collections_run(run_date=dt.date(2026, 10, 9))

    row = RunDecision.objects.get(run=run, tenancy=late)
    assert (row.action, row.proposed_action) == ("", Action.REMINDER)
    decisions = {d["reference"]: d for d in run_report(run)["decisions"]}
    assert decisions[late.reference]["action"] is None
    assert decisions[late.reference]["proposed_action"] == "reminder"
    assert "proposed_action" not in decisions[paying.reference]


# --- fresh arrangement and precondition state ---------------------------------------------------------


def test_the_run_reconciles_instalments_and_syncs_the_preconditions_first():
    manager = UserFactory(roles=[Role.SOCIAL_MANAGER])
    tenancy = tenancy_with_ledger(start=dt.date(2022, 1, 1), until=OCTOBER, pays=late_payer, unpaid=[OCTOBER])
    arrangement = Arrangement.objects.create(
        tenancy=tenancy,
        status=ArrangementStatus.ACTIVE,
        amount=RENT,
        start_date=dt.date(2026, 10, 2),
        proposed_at=dt.datetime(2026, 10, 2, 9, tzinfo=AMSTERDAM),
    )
    Instalment.objects.create(arrangement=arrangement, number=1, due_date=dt.date(2026, 10, 3), amount=RENT)
    Episode.objects.create(tenancy=tenancy, opened_on=OCTOBER)
    contact_log(
        tenancy=tenancy,
        by=manager,
        channel="TEL",
        direction="UIT",
        succeeded=False,
        topic="arrears",
        summary="Geen gehoor",
        happened_at=dt.datetime(2026, 10, 5, 10, tzinfo=AMSTERDAM),
    )

    run = collections_run(run_date=dt.date(2026, 10, 12))

    assert Instalment.objects.get(arrangement=arrangement).missed_signalled_on == dt.date(2026, 10, 12)
    assert run.summary["instalments_missed"] == 1
    episode = Episode.objects.get(tenancy=tenancy)
    assert episode.contact_attempted_on == dt.date(2026, 10, 5)
    assert JournalEvent.objects.get(activity="early_warning_contact_attempted").facts["source"] == "casework"


@pytest.mark.parametrize(("grace_days", "broken"), [(3, True), (5, False)])
def test_a_broken_arrangement_is_judged_with_the_policys_grace_days(grace_days, broken):
    tenancy = tenancy_with_ledger(start=dt.date(2022, 1, 1), until=OCTOBER, pays=late_payer, unpaid=[OCTOBER])
    arrangement = Arrangement.objects.create(
        tenancy=tenancy,
        status=ArrangementStatus.ACTIVE,
        amount=RENT,
        start_date=dt.date(2026, 10, 2),
        proposed_at=dt.datetime(2026, 10, 2, 9, tzinfo=AMSTERDAM),
    )
    Instalment.objects.create(
        arrangement=arrangement,
        number=1,
        due_date=dt.date(2026, 10, 3),
        amount=RENT,
        paid_amount=RENT,
        paid_on=dt.date(2026, 10, 7),  # four days late
    )

    file = tenancy_files(ids=[tenancy.pk], day=dt.date(2026, 10, 12), grace_days=grace_days)[tenancy.pk]

    assert (file.arrangements[0].broken_on is not None) is broken
