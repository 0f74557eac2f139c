import datetime as dt

import pytest

from roer.core.dates import AMSTERDAM
from roer.repairs.scheduling import Preference, due_by, slots


def at(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=AMSTERDAM)


def test_emergency_is_due_the_same_day():
    assert due_by(urgency="emergency", working_days=None, submitted_at=at(2026, 4, 25, 22, 0)) == at(
        2026, 4, 26
    )


def test_urgent_is_due_within_24_hours():
    assert due_by(urgency="urgent", working_days=None, submitted_at=at(2026, 1, 14, 9, 30)) == at(
        2026, 1, 15, 9, 30
    )


def test_normal_counts_working_days_and_skips_kings_day():
    # Thursday 23 April 2026 + 3 working days: Fri 24, (weekend), (King's Day Mon 27), Tue 28, Wed 29.
    assert due_by(urgency="normal", working_days=3, submitted_at=at(2026, 4, 23, 10)) == at(2026, 4, 29, 18)


def test_normal_skips_christmas():
    # Wednesday 24 December 2025 + 2: (25, 26 Christmas, weekend) Mon 29, Tue 30.
    assert due_by(urgency="normal", working_days=2, submitted_at=at(2025, 12, 24, 10)) == at(2025, 12, 30, 18)


def test_no_urgency_no_due_date():
    assert due_by(urgency=None, working_days=None, submitted_at=at(2026, 1, 5, 10)) is None


def test_slots_skip_weekends_and_kings_day():
    found = slots(start=at(2026, 4, 24, 7, 0), days=6)
    days = sorted({day for day, _part in found})
    assert days == [dt.date(2026, 4, 24), dt.date(2026, 4, 28), dt.date(2026, 4, 29)]
    assert found[:2] == [(dt.date(2026, 4, 24), "OCH"), (dt.date(2026, 4, 24), "MID")]


def test_slots_skip_christmas_and_parts_already_begun():
    found = slots(start=at(2025, 12, 24, 13, 0), days=7)
    assert found[0] == (dt.date(2025, 12, 29), "OCH")
    assert all(day not in (dt.date(2025, 12, 25), dt.date(2025, 12, 26)) for day, _ in found)
    assert (dt.date(2025, 12, 24), "MID") not in found  # the afternoon had begun


def test_slots_must_begin_before_the_due_date():
    found = slots(start=at(2026, 1, 14, 9, 30), days=10, due=at(2026, 1, 15, 9, 30))
    assert found == [(dt.date(2026, 1, 14), "MID"), (dt.date(2026, 1, 15), "OCH")]


def test_urgent_at_the_weekend_gets_the_first_working_day():
    found = slots(start=at(2026, 1, 16, 19, 0), days=10, due=at(2026, 1, 17, 19, 0))
    assert found == [(dt.date(2026, 1, 19), "OCH"), (dt.date(2026, 1, 19), "MID")]


def test_preference_narrows_the_slots():
    preference = Preference(frozenset({1, 3}), "MID")  # Tuesday and Thursday afternoons
    found = slots(start=at(2026, 1, 12, 7), days=10, preference=preference)
    assert found == [
        (dt.date(2026, 1, 13), "MID"),
        (dt.date(2026, 1, 15), "MID"),
        (dt.date(2026, 1, 20), "MID"),
    ]


def test_preference_gives_way_to_the_due_date():
    preference = Preference(frozenset({4}), None)  # Fridays only, but due Thursday
    found = slots(start=at(2026, 1, 14, 7), days=10, due=at(2026, 1, 15, 9), preference=preference)
    assert found == [
        (dt.date(2026, 1, 14), "OCH"),
        (dt.date(2026, 1, 14), "MID"),
        (dt.date(2026, 1, 15), "OCH"),
    ]


def test_a_preference_is_working_days_and_parts_only():
    with pytest.raises(ValueError):
        Preference(frozenset({5}))
    with pytest.raises(ValueError):
        Preference(part="AVO")
