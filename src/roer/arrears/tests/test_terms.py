import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from roer.arrears.terms import assumed_receipt, final_notice_deadline, is_term_holiday, term_ran_out
from roer.core.dates import is_working_day

D = dt.date


@pytest.mark.parametrize(
    ("letter", "receipt", "deadline", "why"),
    [
        (D(2025, 3, 7), D(2025, 3, 11), D(2025, 3, 25), "a Friday letter arrives on Tuesday"),
        (D(2025, 3, 5), D(2025, 3, 7), D(2025, 3, 21), "a Wednesday letter arrives on Friday"),
        (D(2025, 3, 8), D(2025, 3, 12), D(2025, 3, 26), "a Saturday letter: PostNL delivers Tue-Sat"),
        (D(2025, 12, 9), D(2025, 12, 11), D(2025, 12, 29), "the 14th day is Christmas: moved to Monday"),
        (D(2025, 12, 23), D(2025, 12, 29), D(2026, 1, 12), "Christmas inside the delivery margin"),
        (D(2026, 3, 19), D(2026, 3, 23), D(2026, 4, 7), "the 14th day is Easter Monday"),
        (D(2026, 4, 2), D(2026, 4, 8), D(2026, 4, 22), "Good Friday and Easter Monday in the margin"),
        (D(2026, 4, 9), D(2026, 4, 13), D(2026, 4, 28), "the 14th day is King's Day (27 April)"),
        (D(2026, 4, 17), D(2026, 4, 21), D(2026, 5, 6), "5 May, named every year by the termijnenwet"),
    ],
)
def test_concrete_deadlines(letter, receipt, deadline, why):
    assert assumed_receipt(letter) == receipt, why
    assert final_notice_deadline(letter) == deadline, why


def test_a_term_ending_on_a_weekend_moves_to_monday():
    # Without a delivery margin a Saturday letter's 14th day is a Saturday.
    assert final_notice_deadline(D(2025, 3, 8), delivery_margin_working_days=0) == D(2025, 3, 24)


def test_a_longer_margin_gives_a_later_deadline():
    assert final_notice_deadline(D(2025, 3, 7), delivery_margin_working_days=3) == D(2025, 3, 26)
    with pytest.raises(ValueError):
        final_notice_deadline(D(2025, 3, 7), delivery_margin_working_days=-1)


def test_the_tenant_may_pay_on_the_last_day():
    assert not term_ran_out(D(2025, 3, 25), D(2025, 3, 25))
    assert term_ran_out(D(2025, 3, 25), D(2025, 3, 26))


@given(st.dates(min_value=D(2020, 1, 1), max_value=D(2035, 12, 31)))
def test_every_deadline_leaves_at_least_fourteen_days_and_ends_on_a_working_day(letter):
    receipt = assumed_receipt(letter)
    deadline = final_notice_deadline(letter)
    assert receipt >= letter + dt.timedelta(days=2)
    assert deadline - receipt >= dt.timedelta(days=14)
    assert is_working_day(deadline)
    assert not is_term_holiday(deadline)
    # Never more than a week of extra slack: the margin, the term, and at most Christmas and a weekend.
    assert deadline - letter <= dt.timedelta(days=16 + 9)
