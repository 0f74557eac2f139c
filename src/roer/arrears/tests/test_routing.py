import dataclasses
import datetime as dt
from decimal import Decimal

from django.utils import translation
from hypothesis import given
from hypothesis import strategies as st

from roer.arrears.assessment import Assessment, PaymentHistory, assess
from roer.arrears.constants import Action, Route
from roer.arrears.policy import Policy
from roer.arrears.routing import CollectionState, RouteDecision, route

from .builders import RENT, direct_debit, ledger, payment, returned
from .test_assessment import thirty_year_payer

D = dt.date
POLICY = Policy.default()
MARCH_10 = D(2025, 3, 10)
FREE = {"held": False, "debt_measure": False, "open_case": False}


def habitual_late_payer(as_of: dt.date = MARCH_10) -> Assessment:
    def on_the_twelfth(due):
        return [payment(due + dt.timedelta(days=11))]

    return assess(
        PaymentHistory(
            as_of=as_of,
            tenancy_start=D(2015, 6, 1),
            ledger_start=D(2015, 6, 1),
            monthly_rent=RENT,
            movements=ledger(D(2015, 6, 1), as_of, on_the_twelfth, unpaid=[D(2025, 3, 1)]),
        ),
        POLICY,
    )


def growing(as_of: dt.date = MARCH_10) -> Assessment:
    return assess(
        PaymentHistory(
            as_of=as_of,
            tenancy_start=D(2022, 1, 1),
            ledger_start=D(2022, 1, 1),
            monthly_rent=RENT,
            movements=ledger(
                D(2022, 1, 1),
                as_of,
                unpaid=[D(2025, 2, 1), D(2025, 3, 1), D(2024, 7, 1)],
                special={D(2024, 6, 1): [], D(2024, 8, 1): [payment(D(2024, 8, 3), RENT * 3)]},
            ),
        ),
        POLICY,
    )


def test_the_thirty_year_payer_gets_a_person_and_a_personal_message_not_a_reminder():
    with translation.override("nl"):
        assessment = assess(thirty_year_payer(), POLICY)
        decision = route(assessment, POLICY, **FREE)
    assert (decision.route, decision.action) == (Route.HUMAN_CONTACT, Action.PERSONAL_MESSAGE)
    assert "Eerste achterstand in 30 jaar" in decision.reasons
    assert decision.costs == Decimal("0.00")
    again = route(assessment, POLICY, **FREE, state=CollectionState(personal_message_sent_on=D(2025, 1, 12)))
    assert (again.route, again.action) == (Route.HUMAN_CONTACT, None)


def test_atypical_arrears_wait_for_the_reminder_day():
    early = assess(thirty_year_payer(as_of=D(2025, 1, 5)), POLICY)
    assert early.atypical and early.days_overdue == 4
    assert (route(early, POLICY, **FREE).route, route(early, POLICY, **FREE).action) == (Route.ON_TRACK, None)


def test_a_habitual_late_payer_gets_the_ordinary_reminder():
    decision = route(habitual_late_payer(), POLICY, **FREE)
    assert (decision.route, decision.action) == (Route.AUTOMATED, Action.REMINDER)


def test_the_reminder_is_sent_once_then_a_person_tries_to_call():
    sent = CollectionState(reminder_sent_on=D(2025, 3, 10))
    assert route(habitual_late_payer(), POLICY, **FREE, state=sent).action is None
    later = habitual_late_payer(as_of=D(2025, 3, 22))
    decision = route(later, POLICY, **FREE, state=sent)
    assert (decision.route, decision.action) == (Route.HUMAN_CONTACT, None)


def test_growing_arrears_go_to_a_collections_officer_before_any_final_notice():
    assessment = growing()
    first = route(assessment, POLICY, **FREE)
    assert (first.route, first.action) == (Route.OFFICER_REVIEW, Action.REMINDER)
    reminded = CollectionState(reminder_sent_on=D(2025, 2, 10), contact_attempted_on=D(2025, 2, 24))
    with translation.override("nl"):
        review = route(assessment, POLICY, **FREE, state=reminded)
    assert (review.route, review.action) == (Route.OFFICER_REVIEW, None)
    assert "Achterstand groeit: een incassomedewerker beoordeelt dit vóór een aanmaning" in review.reasons
    approved = dataclasses.replace(reminded, final_notice_approved_on=D(2025, 3, 10))
    notice = route(assessment, POLICY, **FREE, state=approved)
    assert (notice.route, notice.action) == (Route.OFFICER_REVIEW, Action.FINAL_NOTICE)
    assert notice.costs == Decimal("225.00")  # 15% of € 1,500


def test_growing_arrears_also_get_a_contact_attempt_after_the_reminder():
    """Without it the early-warning steps (a: contact attempted) are never done for the largest arrears."""
    reminded = CollectionState(reminder_sent_on=D(2025, 2, 10))
    decision = route(growing(), POLICY, **FREE, state=reminded)
    assert (decision.route, decision.action) == (Route.HUMAN_CONTACT, None)


def test_a_personal_message_is_the_episodes_first_written_step_so_no_reminder_follows_it():
    """One episode, one cycle: when the arrears are no longer unusual, the schedule goes on from the
    personal message instead of starting again with a reminder."""
    messaged = CollectionState(personal_message_sent_on=D(2025, 3, 10))
    with translation.override("en"):
        too_soon = route(habitual_late_payer(), POLICY, **FREE, state=messaged)
        later = route(habitual_late_payer(as_of=D(2025, 3, 22)), POLICY, **FREE, state=messaged)
    assert (too_soon.route, too_soon.action) == (Route.AUTOMATED, None)
    assert any("Personal message sent on 10 March 2025" in line for line in too_soon.reasons)
    assert (later.route, later.action) == (Route.HUMAN_CONTACT, None)
    assert any("personal message of 10 March 2025 did not help" in line for line in later.reasons)


def test_arrears_that_become_unusual_after_the_reminder_go_to_a_person_without_another_letter():
    """The personal message replaces the reminder; it does not follow it (or a final notice)."""
    assessment = assess(thirty_year_payer(), POLICY)
    for state in (
        CollectionState(reminder_sent_on=D(2025, 1, 9)),
        CollectionState(reminder_sent_on=D(2024, 11, 9), final_notice_sent_on=D(2024, 12, 6)),
    ):
        with translation.override("en"):
            decision = route(assessment, POLICY, **FREE, state=state)
        assert (decision.route, decision.action) == (Route.HUMAN_CONTACT, None)
        assert "This is unusual for this tenant: a person makes contact" in decision.reasons


def test_a_bailiff_is_only_proposed_after_the_term_and_with_early_warning_done():
    assessment = growing(as_of=D(2025, 4, 20))
    state = CollectionState(
        reminder_sent_on=D(2025, 2, 10),
        contact_attempted_on=D(2025, 2, 24),
        final_notice_approved_on=D(2025, 3, 10),
        final_notice_sent_on=D(2025, 3, 10),
        final_notice_deadline=D(2025, 3, 26),
    )
    assert route(assessment, POLICY, **FREE, state=state).action is None  # no early warning preconditions
    ready = dataclasses.replace(state, early_warning_steps_done=True, early_warning_sent_on=D(2025, 3, 14))
    proposal = route(assessment, POLICY, **FREE, state=ready)
    assert (proposal.route, proposal.action) == (Route.OFFICER_REVIEW, Action.BAILIFF_PROPOSAL)
    too_soon = route(growing(as_of=D(2025, 4, 9)), POLICY, **FREE, state=ready)
    assert too_soon.action is None
    assert (
        route(assessment, POLICY, held=False, debt_measure=False, open_case=True, state=ready).action is None
    )


def test_an_objection_stops_only_the_signal_and_a_bailiff_follows_the_legal_steps():
    assessment = growing(as_of=D(2025, 4, 20))
    state = CollectionState(
        reminder_sent_on=D(2025, 2, 10),
        contact_attempted_on=D(2025, 2, 24),
        final_notice_approved_on=D(2025, 3, 10),
        final_notice_sent_on=D(2025, 3, 10),
        final_notice_deadline=D(2025, 3, 26),
        early_warning_steps_done=True,
        early_warning_objected_on=D(2025, 2, 20),
    )
    assert not state.early_warning_ready
    with translation.override("nl"):
        proposal = route(assessment, POLICY, **FREE, state=state)
        missing = route(
            assessment, POLICY, **FREE, state=dataclasses.replace(state, early_warning_steps_done=False)
        )
    # The objection stops the signal, not the bailiff: the corporation did its legal part.
    assert (proposal.route, proposal.action) == (Route.OFFICER_REVIEW, Action.BAILIFF_PROPOSAL)
    assert any("bezwaar" in line and "20 februari 2025" in line for line in proposal.reasons), (
        proposal.reasons
    )
    assert not any("nog niet alle" in line for line in proposal.reasons)
    assert (missing.route, missing.action) == (Route.OFFICER_REVIEW, None)
    assert any("nog niet alle" in line for line in missing.reasons), missing.reasons
    # Before the term ran out an objection never brings the signal.
    early = dataclasses.replace(state, final_notice_sent_on=None, final_notice_deadline=None)
    assert route(growing(as_of=D(2025, 4, 20)), POLICY, **FREE, state=early).action != Action.EARLY_WARNING


def test_a_deceased_account_holder_goes_to_a_person_and_never_gets_a_letter():
    history = PaymentHistory(
        as_of=D(2025, 3, 10),
        tenancy_start=D(2010, 1, 1),
        ledger_start=D(2010, 1, 1),
        monthly_rent=RENT,
        movements=ledger(
            D(2010, 1, 1),
            D(2025, 3, 10),
            direct_debit,
            special={D(2025, 3, 1): [*direct_debit(D(2025, 3, 1)), returned(D(2025, 3, 6), "MD07")]},
        ),
    )
    for day in (D(2025, 3, 10), D(2025, 5, 30)):
        decision = route(assess(dataclasses.replace(history, as_of=day), POLICY), POLICY, **FREE)
        assert (decision.route, decision.action) == (Route.HUMAN_CONTACT, None)


def test_a_debt_measure_or_a_hold_stops_everything():
    assessment = growing()
    measure = route(assessment, POLICY, held=False, debt_measure=True, open_case=False)
    held = route(assessment, POLICY, held=True, debt_measure=False, open_case=False)
    assert (measure.route, measure.action) == (Route.HELD, None)
    assert (held.route, held.action) == (Route.HELD, None)


def test_an_open_case_holds_the_letters():
    decision = route(habitual_late_payer(), POLICY, held=False, debt_measure=False, open_case=True)
    assert (decision.route, decision.action) == (Route.HUMAN_CONTACT, None)


# --- properties ----------------------------------------------------------------------------------

dates = st.dates(min_value=D(2024, 1, 1), max_value=D(2026, 12, 31))
maybe_date = st.none() | dates
assessments = st.builds(
    Assessment,
    as_of=dates,
    arrears=st.decimals(min_value=0, max_value=20000, places=2),
    months_of_rent=st.decimals(min_value=0, max_value=30, places=2),
    days_overdue=st.integers(min_value=0, max_value=400),
    oldest_unpaid=maybe_date,
    atypical=st.booleans(),
    habitual_late=st.booleans(),
    growing=st.booleans(),
    priority=st.integers(min_value=0, max_value=100),
    reasons=st.just([]),
    facts=st.just({}),
    bereavement=st.booleans(),
    data_error=st.booleans(),
    broken_arrangement=st.booleans(),
    arrangement_active=st.booleans(),
    years_without_arrears=st.integers(min_value=0, max_value=40),
    score=st.integers(min_value=0, max_value=100),
)
states = st.builds(
    CollectionState,
    personal_message_sent_on=maybe_date,
    reminder_sent_on=maybe_date,
    contact_attempted_on=maybe_date,
    final_notice_approved_on=maybe_date,
    final_notice_sent_on=maybe_date,
    final_notice_deadline=maybe_date,
    bailiff_proposed_on=maybe_date,
    early_warning_steps_done=st.booleans(),
    early_warning_objected_on=maybe_date,
    early_warning_sent_on=maybe_date,
)
flags = st.fixed_dictionaries(
    {"held": st.booleans(), "debt_measure": st.booleans(), "open_case": st.booleans()}
)


@given(assessments, states, flags)
def test_atypical_or_bereaved_tenants_never_get_a_final_notice_or_a_bailiff(assessment, state, kwargs):
    decision = route(assessment, POLICY, state=state, **kwargs)
    if assessment.atypical or assessment.bereavement:
        assert decision.action not in {Action.FINAL_NOTICE, Action.BAILIFF_PROPOSAL}
    if assessment.bereavement:
        assert decision.action is None  # no letter of any kind
    if kwargs["held"] or kwargs["debt_measure"]:
        assert (decision.route, decision.action) == (Route.HELD, None)


def _after(decision: RouteDecision, state: CollectionState, today: dt.date) -> CollectionState:
    done = {
        Action.PERSONAL_MESSAGE: {"personal_message_sent_on": today},
        Action.REMINDER: {"reminder_sent_on": today},
        Action.FINAL_NOTICE: {
            "final_notice_sent_on": today,
            "final_notice_deadline": today + dt.timedelta(days=18),
        },
        Action.EARLY_WARNING: {"early_warning_sent_on": today},
        Action.BAILIFF_PROPOSAL: {"bailiff_proposed_on": today},
    }
    return dataclasses.replace(state, **done[decision.action]) if decision.action else state


@given(assessments, states, flags)
def test_an_action_taken_is_never_repeated(assessment, state, kwargs):
    first = route(assessment, POLICY, state=state, **kwargs)
    second = route(assessment, POLICY, state=_after(first, state, assessment.as_of), **kwargs)
    if first.action is not None:
        assert second.action != first.action


@given(assessments, states, flags)
def test_no_signal_while_an_objection_stands_and_no_bailiff_without_the_steps(assessment, state, kwargs):
    decision = route(assessment, POLICY, state=state, **kwargs)
    if state.early_warning_objected_on is not None:
        assert decision.action != Action.EARLY_WARNING
    if not state.early_warning_steps_done:
        assert decision.action not in {Action.EARLY_WARNING, Action.BAILIFF_PROPOSAL}
