import copy
from decimal import Decimal

import pytest

from roer.arrears import letters, policy
from roer.arrears.policy import Policy
from roer.core import rules


def test_the_default_policy_is_valid_and_follows_the_schedule():
    rules.validate(policy.KEY, policy.default_document())
    loaded = Policy.default()
    assert (loaded.schedule.reminder_days, loaded.schedule.second_contact_days) == (8, 21)
    assert (loaded.schedule.final_notice_days, loaded.schedule.bailiff_proposal_days_after_term) == (35, 14)
    assert loaded.first_arrears_no_costs_years == 5
    assert loaded.vat_on_costs is False
    assert loaded.early_warning.days_after_reminder == 30
    assert loaded.habitual_late.max_months_behind == Decimal("1")
    assert loaded.negligible_amount == Decimal("5.00")
    arrangement = loaded.self_service_arrangement
    assert (
        arrangement.min_on_time_months,
        arrangement.no_arrangement_months,
        arrangement.max_instalments,
    ) == (
        12,
        12,
        6,
    )
    assert arrangement.allowed_with_bailiff is False


def test_both_rule_sets_are_registered():
    assert rules.definition_of("collections-policy").title == "Collections policy"
    assert rules.definition_of("collections-letters").title == "Collections letters"


def _changed(**changes):
    document = copy.deepcopy(policy.default_document())
    for path, value in changes.items():
        *parents, leaf = path.split("__")
        target = document
        for part in parents:
            target = target[part]
        target[leaf] = value
    return document


def test_the_reminder_must_come_before_the_final_notice():
    with pytest.raises(rules.RuleValidationError, match="reminder comes before"):
        rules.validate(policy.KEY, _changed(schedule__reminder_days=40))


def test_schema_problems_are_named_by_path():
    with pytest.raises(rules.RuleValidationError, match="vat_on_costs"):
        rules.validate(policy.KEY, _changed(vat_on_costs="nee"))
    with pytest.raises(rules.RuleValidationError, match="delivery_margin_working_days"):
        rules.validate(policy.KEY, _changed(schedule__delivery_margin_working_days=1))
    with pytest.raises(rules.RuleValidationError, match="negligible_amount"):
        rules.validate(policy.KEY, _changed(negligible_amount="5,00"))


def test_cross_field_checks():
    assert policy.check(_changed(habitual_late__min_late_months=13)) == [
        "habitual_late/min_late_months: more late months than the window holds"
    ]
    assert "nothing is ever atypical" in " ".join(
        policy.check(
            _changed(
                atypical__score_threshold=100,
                atypical__weights={
                    "long_on_time_streak": 1,
                    "no_recent_arrears": 1,
                    "household_change": 1,
                    "bank_return_signal": 1,
                    "payment_deviation": 1,
                    "partial_payment": 1,
                },
            )
        )
    )


def test_a_policy_loads_a_changed_document():
    loaded = Policy.from_document(_changed(growing__min_months_of_rent=1.5, first_arrears_no_costs_years=0))
    assert loaded.growing.min_months_of_rent == Decimal("1.5")
    assert loaded.first_arrears_no_costs_years == 0


# --- letters -----------------------------------------------------------------------------------


def test_the_default_letters_are_valid_and_in_plain_dutch():
    document = letters.default_document()
    rules.validate(letters.KEY, document)
    notice = letters.letter_text(document, route="automated", kind="final_notice")
    assert {"costs", "deadline", "arrears"} <= letters.placeholders_in(notice.body)
    assert "14 dagen" in notice.body
    personal = letters.letter_text(document, route="human_contact", kind="personal_message")
    assert "Ik bel u" in personal.body
    assert "kosten" in personal.body  # it says there are no extra costs
    assert personal.tone != notice.tone


def test_a_final_notice_without_costs_deadline_or_arrears_is_refused():
    document = letters.default_document()
    document["routes"]["officer_review"]["letters"]["final_notice"]["body"] = "Betaal {arrears} snel."
    with pytest.raises(rules.RuleValidationError) as raised:
        rules.validate(letters.KEY, document)
    assert raised.value.problems == [
        "routes/officer_review/letters/final_notice/body: a final notice must state {costs}, {deadline} "
        "(art. 6:96 lid 6 BW)"
    ]


def test_unknown_placeholders_and_stray_braces_are_refused():
    document = letters.default_document()
    document["routes"]["automated"]["letters"]["reminder"]["subject"] = "Hallo {voornaam}"
    document["routes"]["human_contact"]["letters"]["personal_message"]["body"] = "Beste {tenant"
    problems = letters.check(document)
    assert len(problems) == 2
    assert "unknown placeholders ['voornaam']" in problems[0]
    assert problems[1].startswith("routes/human_contact/letters/personal_message/body:")


def test_a_letter_has_every_route_that_sends_letters():
    document = letters.default_document()
    del document["routes"]["human_contact"]["letters"]["personal_message"]
    with pytest.raises(rules.RuleValidationError, match="personal_message"):
        rules.validate(letters.KEY, document)


def test_filling_a_letter_needs_every_value():
    text = letters.letter_text(letters.default_document(), route="automated", kind="final_notice")
    values = {name: f"<{name}>" for name in letters.PLACEHOLDERS}
    subject, body = text.fill(values)
    assert subject == "Aanmaning: betaal uiterlijk <deadline>"
    assert "incassokosten betalen: <costs>." in body
    del values["costs"]
    with pytest.raises(KeyError, match="costs"):
        text.fill(values)
    with pytest.raises(LookupError):
        letters.letter_text(letters.default_document(), route="held", kind="reminder")
