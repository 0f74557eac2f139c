"""Due dates and appointment slots: pure functions over dates (Dutch working days and public holidays)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field

from roer.core.dates import AMSTERDAM, add_working_days, is_working_day
from roer.repairs.constants import PART_HOURS, PartOfDay, Urgency

Slot = tuple[dt.date, str]

# The parts of the day in their order.
PARTS: tuple[str, ...] = (PartOfDay.MORNING.value, PartOfDay.AFTERNOON.value)
# A working day ends when the afternoon ends.
END_OF_WORKING_DAY = dt.time(PART_HOURS[PartOfDay.AFTERNOON][1])


@dataclass(frozen=True)
class Preference:
    """The tenant's preferred weekdays (0 Monday .. 4 Friday; empty: any) and part of the day (None: any)."""

    weekdays: frozenset[int] = field(default_factory=frozenset)
    part: str | None = None

    def __post_init__(self) -> None:
        bad = sorted(d for d in self.weekdays if d not in range(5))
        if bad:
            raise ValueError(f"preferred weekdays are 0 (Monday) to 4 (Friday), not {bad}")
        if self.part is not None and self.part not in PARTS:
            raise ValueError(f"a part of the day is one of {list(PARTS)}, not {self.part!r}")

    @classmethod
    def from_stored(cls, weekdays: Iterable[int], part: str) -> Preference:
        return cls(frozenset(weekdays), part or None)

    def accepts(self, slot: Slot) -> bool:
        day, part = slot
        return (not self.weekdays or day.weekday() in self.weekdays) and (
            self.part is None or part == self.part
        )


def due_by(*, urgency: str | None, working_days: int | None, submitted_at: dt.datetime) -> dt.datetime | None:
    """When the work must be done: emergency the same day (midnight), urgent within 24 hours, normal by the
    end of the N-th working day after the submission (weekends and Dutch public holidays excluded)."""
    local = submitted_at.astimezone(AMSTERDAM)
    if urgency == Urgency.EMERGENCY:
        return dt.datetime.combine(local.date() + dt.timedelta(days=1), dt.time.min, tzinfo=AMSTERDAM)
    if urgency == Urgency.URGENT:
        return local + dt.timedelta(hours=24)
    if urgency == Urgency.NORMAL:
        if not working_days:
            raise ValueError("the normal urgency needs a number of working days")
        last = add_working_days(local.date(), working_days)
        return dt.datetime.combine(last, END_OF_WORKING_DAY, tzinfo=AMSTERDAM)
    return None


def slot_start(slot: Slot) -> dt.datetime:
    day, part = slot
    return dt.datetime.combine(day, dt.time(PART_HOURS[part][0]), tzinfo=AMSTERDAM)


def slots(
    *,
    start: dt.datetime,
    days: int = 10,
    due: dt.datetime | None = None,
    preference: Preference | None = None,
) -> list[Slot]:
    """Slots on working days from `start` on (a part of the day that has begun is gone), `days` calendar days
    ahead. Slots must begin before `due`; if none does (an urgent order at the weekend), the first working
    day's slots are offered. The tenant's preference narrows the list, unless it would leave nothing."""
    local = start.astimezone(AMSTERDAM)
    found: list[Slot] = []
    for offset in range(max(days, 0)):
        day = local.date() + dt.timedelta(days=offset)
        if not is_working_day(day):
            continue
        found.extend((day, part) for part in PARTS if slot_start((day, part)) > local)
    if due is not None:
        in_time = [slot for slot in found if slot_start(slot) < due]
        if not in_time and found:
            first_day = found[0][0]
            in_time = [slot for slot in found if slot[0] == first_day]
        found = in_time
    if preference is not None:
        preferred = [slot for slot in found if preference.accepts(slot)]
        if preferred:
            found = preferred
    return found
