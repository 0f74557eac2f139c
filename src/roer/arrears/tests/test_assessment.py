import dataclasses
import datetime as dt
from decimal import Decimal

from django.utils import translation

from roer.arrears.assessment import (
    ArrangementRecord,
    HouseholdChange,
    LedgerMovement,
    PaymentHistory,
    assess,
)
from roer.arrears.policy import Policy
from roer.arrears.routing import costs_waiver, route

from .builders import RENT, direct_debit, ledger, payment, returned

D = dt.date
POLICY = Policy.default()
FIRST_MISSED_CHECK = D(2025, 1, 12)


def thirty_year_payer(as_of: dt.date = FIRST_MISSED_CHECK, **extra) -> PaymentHistory:
    """Since 1 January 1995, always four days early; January 2025 not paid."""
    return PaymentHistory(
        as_of=as_of,
        tenancy_start=D(1995, 1, 1),
        ledger_start=D(1995, 1, 1),
        monthly_rent=RENT,
        movements=ledger(D(1995, 1, 1), as_of, unpaid=[D(2025, 1, 1)]),
        **extra,
    )


def test_a_first_arrears_in_thirty_years_is_atypical_and_explained_in_dutch():
    with translation.override("nl"):
        assessment = assess(thirty_year_payer(), POLICY)
    assert assessment.arrears == RENT
    assert assessment.months_of_rent == Decimal("1.00")
    assert (assessment.oldest_unpaid, assessment.days_overdue) == (D(2025, 1, 1), 11)
    assert assessment.atypical
    assert not assessment.habitual_late and not assessment.growing
    assert "Eerste achterstand in 30 jaar" in assessment.reasons
    assert "30 jaar op rij op tijd betaald" in assessment.reasons
    assert assessment.reasons[0] == "Achterstand € 750,00 (1,0 keer de maandhuur), 11 dagen te laat"
    assert assessment.facts["on_time_streak_months"] == 360
    assert assessment.facts["earlier_episodes"] == 0
    assert assessment.facts["usual_payment_offset_days"] == -4
    assert assessment.years_without_arrears == 30
    assert costs_waiver(assessment, POLICY) is not None
    assert 50 <= assessment.priority < 100


def test_the_reasons_are_english_message_ids():
    with translation.override("en"):
        assessment = assess(thirty_year_payer(), POLICY)
    assert "First arrears in 30 years" in assessment.reasons


def test_nothing_after_the_decision_date_is_seen():
    history = thirty_year_payer(as_of=D(2025, 1, 12))
    late_payment = dataclasses.replace(history, movements=(*history.movements, payment(D(2025, 1, 20))))
    assert assess(late_payment, POLICY) == assess(history, POLICY)
    paid = assess(dataclasses.replace(late_payment, as_of=D(2025, 1, 21)), POLICY)
    assert paid.arrears == 0 and paid.priority == 0 and paid.reasons == []


def test_a_habitual_late_payer_is_not_atypical():
    def on_the_twelfth(due):
        return [payment(due + dt.timedelta(days=11))]

    history = PaymentHistory(
        as_of=D(2025, 3, 10),
        tenancy_start=D(2015, 6, 1),
        ledger_start=D(2015, 6, 1),
        monthly_rent=RENT,
        movements=ledger(D(2015, 6, 1), D(2025, 3, 10), on_the_twelfth, unpaid=[D(2025, 3, 1)]),
    )
    with translation.override("nl"):
        assessment = assess(history, POLICY)
    assert assessment.habitual_late
    assert not assessment.atypical
    assert assessment.facts["late_months_in_window"] == 12
    assert assessment.days_overdue == 9
    assert (
        "Betaalt vaak een paar dagen te laat: 12 van de laatste 12 maanden, nooit meer dan 1,0 keer de maandhuur achter"
        in assessment.reasons
    )


def test_an_erp_migration_counts_what_the_ledger_shows_and_says_so():
    history = PaymentHistory(
        as_of=D(2025, 1, 12),
        tenancy_start=D(1995, 3, 1),
        ledger_start=D(2014, 1, 1),
        monthly_rent=RENT,
        movements=ledger(D(2014, 1, 1), D(2025, 1, 12), unpaid=[D(2025, 1, 1)]),
    )
    with translation.override("nl"):
        assessment = assess(history, POLICY)
    assert (
        "Geen achterstand sinds het begin van de administratie in 2014; huurder sinds 1995"
        in assessment.reasons
    )
    assert not any(reason.startswith("Eerste achterstand in") for reason in assessment.reasons)
    assert assessment.years_without_arrears == 11
    assert assessment.facts["ledger_covers_tenancy"] is False
    assert assessment.atypical


def test_a_returned_debit_for_a_deceased_account_holder_is_bereavement():
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
    with translation.override("nl"):
        assessment = assess(history, POLICY)
    assert assessment.bereavement
    assert assessment.priority == 100
    assert assessment.reasons[0].startswith(
        "Automatische incasso gestorneerd: de rekeninghouder is overleden (MD07)"
    )
    assert "stuur geen brief" in assessment.reasons[0]
    assert assessment.oldest_unpaid == D(2025, 3, 1)  # the month the returned debit paid


def test_insufficient_funds_for_the_first_time_since_2012():
    def twelve_may(due):
        return [
            *direct_debit(due),
            returned(due + dt.timedelta(days=5), "AM04"),
            payment(due + dt.timedelta(days=9)),
        ]

    history = PaymentHistory(
        as_of=D(2025, 3, 12),
        tenancy_start=D(2005, 1, 1),
        ledger_start=D(2005, 1, 1),
        monthly_rent=RENT,
        movements=ledger(
            D(2005, 1, 1),
            D(2025, 3, 12),
            direct_debit,
            special={
                D(2012, 5, 1): twelve_may(D(2012, 5, 1)),
                D(2025, 3, 1): [*direct_debit(D(2025, 3, 1)), returned(D(2025, 3, 6), "AM04")],
            },
        ),
    )
    with translation.override("nl"):
        assessment = assess(history, POLICY)
    assert (
        "Automatische incasso gestorneerd wegens onvoldoende saldo (AM04), voor het eerst sinds 2012"
        in assessment.reasons
    )
    assert assessment.facts["recent_returns"] == ["AM04"]
    assert assessment.facts["usual_method"] == "direct_debit"
    assert assessment.atypical
    assert not assessment.bereavement


def test_a_data_error_is_not_payment_behaviour():
    history = PaymentHistory(
        as_of=D(2025, 3, 12),
        tenancy_start=D(2020, 1, 1),
        ledger_start=D(2020, 1, 1),
        monthly_rent=RENT,
        movements=ledger(
            D(2020, 1, 1),
            D(2025, 3, 12),
            direct_debit,
            special={D(2025, 3, 1): [*direct_debit(D(2025, 3, 1)), returned(D(2025, 3, 5), "AC01")]},
        ),
    )
    with translation.override("nl"):
        assessment = assess(history, POLICY)
        decision = route(assessment, POLICY, held=False, debt_measure=False, open_case=False)
    assert assessment.data_error
    assert assessment.facts["recent_returns"] == ["AC01"]
    assert any(
        reason.startswith("De automatische incasso is mislukt door een fout") for reason in assessment.reasons
    )
    assert (decision.route, decision.action) == ("human_contact", None)  # a person fixes it; no letter


def test_growing_arrears():
    history = PaymentHistory(
        as_of=D(2025, 3, 10),
        tenancy_start=D(2022, 1, 1),
        ledger_start=D(2022, 1, 1),
        monthly_rent=RENT,
        # An earlier episode: June 2024 paid only in August.
        movements=ledger(
            D(2022, 1, 1),
            D(2025, 3, 10),
            unpaid=[D(2025, 2, 1), D(2025, 3, 1), D(2024, 7, 1)],
            special={D(2024, 6, 1): [], D(2024, 8, 1): [payment(D(2024, 8, 3), RENT * 3)]},
        ),
    )
    with translation.override("nl"):
        assessment = assess(history, POLICY)
    assert assessment.growing
    assert not assessment.atypical
    assert assessment.months_of_rent == Decimal("2.00")
    assert assessment.days_overdue == 37
    assert assessment.facts["earlier_episodes"] == 1
    assert "1 eerdere achterstand, in 2024" in assessment.reasons
    assert "De achterstand groeit: nu 2,0 keer de maandhuur" in assessment.reasons
    assert costs_waiver(assessment, POLICY) is None


def test_a_partial_payment_and_a_household_change_make_it_atypical():
    history = PaymentHistory(
        as_of=D(2025, 3, 15),
        tenancy_start=D(2023, 9, 1),
        ledger_start=D(2023, 9, 1),
        monthly_rent=RENT,
        movements=ledger(
            D(2023, 9, 1),
            D(2025, 3, 15),
            special={D(2025, 3, 1): [payment(D(2025, 3, 3), Decimal("300.00"))]},
        ),
        household_changes=(HouseholdChange(date=D(2025, 1, 20), kind="divorce"),),
    )
    with translation.override("nl"):
        assessment = assess(history, POLICY)
    assert assessment.arrears == Decimal("450.00")
    assert assessment.atypical
    assert not assessment.bereavement
    assert "Deze maand € 300,00 betaald; er staat nog € 450,00 open" in assessment.reasons
    assert "Het huishouden is uit elkaar gegaan op 20 januari 2025" in assessment.reasons


def test_a_death_in_the_household_is_bereavement_and_a_broken_arrangement_is_noted():
    history = thirty_year_payer(
        household_changes=(HouseholdChange(date=D(2024, 12, 2), kind="deceased"),),
        arrangements=(ArrangementRecord(started_on=D(2024, 6, 1), broken_on=D(2024, 9, 1)),),
    )
    assessment = assess(history, POLICY)
    assert assessment.bereavement
    assert assessment.broken_arrangement
    assert not assessment.arrangement_active


# Never inputs (issue 3): not as a field of any input, under any spelling we can think of.
FORBIDDEN = {
    "nationality",
    "origin",
    "ethnicity",
    "religion",
    "age",
    "birth",
    "birthday",
    "neighbourhood",
    "neighborhood",
    "postcode",
    "zipcode",
    "district",
    "gender",
    "language",
}


def test_nationality_origin_religion_age_and_neighbourhood_are_never_inputs():
    for input_class in (PaymentHistory, LedgerMovement, HouseholdChange, ArrangementRecord):
        for input_field in dataclasses.fields(input_class):
            words = set(input_field.name.lower().split("_"))
            assert not words & FORBIDDEN, f"{input_class.__name__}.{input_field.name}"
            assert input_field.type in {
                "dt.date",
                "dt.date | None",
                "Decimal",
                "str",
                "tuple[LedgerMovement, ...]",
                "tuple[HouseholdChange, ...]",
                "tuple[ArrangementRecord, ...]",
            }, f"{input_class.__name__}.{input_field.name} carries a {input_field.type}"


def test_a_few_cents_left_from_an_earlier_month_do_not_make_this_months_rent_a_month_overdue():
    """Seen in the evaluation: € 0.06 left over since a rent increase, paid oldest first, made every new
    month's rent "30 days overdue" on the 1st: a reminder that day and a final notice five days later."""

    def short_by_six_cents(due):
        return [payment(due + dt.timedelta(days=6), RENT - Decimal("0.06"))]

    history = PaymentHistory(
        as_of=D(2025, 3, 9),
        tenancy_start=D(2020, 1, 1),
        ledger_start=D(2020, 1, 1),
        monthly_rent=RENT,
        movements=ledger(
            D(2020, 1, 1),
            D(2025, 3, 9),
            unpaid=[D(2025, 3, 1)],
            special={D(2025, 2, 1): short_by_six_cents(D(2025, 2, 1))},
        ),
    )
    assessment = assess(history, POLICY)
    assert assessment.arrears == RENT + Decimal("0.06")
    assert (assessment.oldest_unpaid, assessment.days_overdue) == (D(2025, 3, 1), 8)
