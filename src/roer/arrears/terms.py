"""The last day of the 14-day term of a final notice (art. 6:96 lid 6 BW), computed conservatively.

A wrong or unclear term voids the costs entirely (HR 25-11-2016, ECLI:NL:HR:2016:2704), and a term that
ends later than strictly needed never does: every choice below errs towards a later day.

1. Receipt: the letter date plus a delivery margin of two working days. We count Dutch working days
   (Monday to Friday, public holidays excluded, from `roer.core.dates`). PostNL delivers letters Tuesday
   to Saturday, so we also count PostNL delivery days (Tuesday to Saturday, public holidays excluded) and
   take whichever count ends later: for a letter dated on a weekend the PostNL count is the later one.
2. The term: 14 days, starting the day after receipt, so the 14th day is receipt + 14 days.
3. Algemene termijnenwet, art. 1 and 3: a term that ends on a Saturday, Sunday or generally recognised
   holiday ends on the next day that is none of these. The Act names 5 May every year, whereas the
   calendar in `roer.core.dates` has Liberation Day only in lustrum years, so we add it here. Good
   Friday is not in the Act but is in that calendar; moving past it only gives the tenant more time.
"""

from __future__ import annotations

import datetime as dt

from roer.core.dates import add_working_days, is_public_holiday

TERM_DAYS = 14
DEFAULT_DELIVERY_MARGIN = 2


def is_postnl_delivery_day(day: dt.date) -> bool:
    return 1 <= day.weekday() <= 5 and not is_public_holiday(day)


def _add_postnl_delivery_days(day: dt.date, count: int) -> dt.date:
    while count > 0:
        day += dt.timedelta(days=1)
        if is_postnl_delivery_day(day):
            count -= 1
    return day


def is_term_holiday(day: dt.date) -> bool:
    """Days on which a statutory term may not end (Algemene termijnenwet)."""
    return day.weekday() >= 5 or is_public_holiday(day) or (day.month, day.day) == (5, 5)


def assumed_receipt(
    letter_date: dt.date, *, delivery_margin_working_days: int = DEFAULT_DELIVERY_MARGIN
) -> dt.date:
    if delivery_margin_working_days < 0:
        raise ValueError("the delivery margin cannot be negative")
    return max(
        add_working_days(letter_date, delivery_margin_working_days),
        _add_postnl_delivery_days(letter_date, delivery_margin_working_days),
    )


def final_notice_deadline(
    letter_date: dt.date, *, delivery_margin_working_days: int = DEFAULT_DELIVERY_MARGIN
) -> dt.date:
    """The last day the tenant can pay without costs; print this date in the letter."""
    receipt = assumed_receipt(letter_date, delivery_margin_working_days=delivery_margin_working_days)
    last_day = receipt + dt.timedelta(days=TERM_DAYS)
    while is_term_holiday(last_day):
        last_day += dt.timedelta(days=1)
    return last_day


def term_ran_out(deadline: dt.date, today: dt.date) -> bool:
    """The tenant may still pay on the deadline itself; costs are owed from the day after."""
    return today > deadline
