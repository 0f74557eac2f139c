"""Dates in the Netherlands: Europe/Amsterdam, working days and public holidays."""

from __future__ import annotations

import datetime as dt
from functools import lru_cache
from zoneinfo import ZoneInfo

import holidays

AMSTERDAM = ZoneInfo("Europe/Amsterdam")


@lru_cache(maxsize=64)
def _holidays_of(year: int) -> holidays.HolidayBase:
    return holidays.country_holidays("NL", years=year)


def is_public_holiday(day: dt.date) -> bool:
    return day in _holidays_of(day.year)


def is_working_day(day: dt.date) -> bool:
    return day.weekday() < 5 and not is_public_holiday(day)


def next_working_day(day: dt.date) -> dt.date:
    """The day itself if it is a working day, else the first working day after it."""
    while not is_working_day(day):
        day += dt.timedelta(days=1)
    return day


def add_working_days(day: dt.date, count: int) -> dt.date:
    while count > 0:
        day += dt.timedelta(days=1)
        if is_working_day(day):
            count -= 1
    return day


def local_date(moment: dt.datetime) -> dt.date:
    return moment.astimezone(AMSTERDAM).date()


def start_of_day(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time.min, tzinfo=AMSTERDAM)


def parse_date(text: str) -> dt.date:
    """YYYY-MM-DD or DD-MM-YYYY (also with / or .), as ERPs write them."""
    cleaned = text.strip().replace("/", "-").replace(".", "-")
    for layout in ("%Y-%m-%d", "%d-%m-%Y"):
        try:
            return dt.datetime.strptime(cleaned, layout).date()
        except ValueError:
            continue
    raise ValueError(f"not a date (YYYY-MM-DD or DD-MM-YYYY): {text!r}")


def parse_month(text: str) -> dt.date:
    """YYYY-MM to the first of that month."""
    try:
        return dt.datetime.strptime(text.strip(), "%Y-%m").date()
    except ValueError:
        raise ValueError(f"not a month (YYYY-MM): {text!r}") from None


def add_months(day: dt.date, months: int) -> dt.date:
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    return dt.date(year, month + 1, 1)
