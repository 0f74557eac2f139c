"""The building blocks of the supervisor's meters: the `Meter` record, the `Row`s a day's pass yields, and the
index-friendly queries the passes share. The passes themselves live in `meters` and the modules it gathers.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import OuterRef, QuerySet, Subquery
from django.db.models.fields.json import KeyTextTransform
from django.utils.functional import Promise

from roer.core.constants import ActorKind, Channel
from roer.core.models import JournalEvent, JournalRuleVersion, JournalSubject

WIZARD = "repair-wizard"
ROUTING = "contractor-routing"
ANSWERS = "answers"
POLICY = "collections-policy"

REQUEST = "repairs.repairrequest"
TENANCY = "tenancies.tenancy"

FUNNEL_STEPS = ("searched", "questions_shown", "outcome_shown", "submitted")
WRONG_FLAGS = ("wrong_trade", "tenant_responsibility", "other_contractor")
PORTAL_VISITS = ("wizard_step", "answer_viewed", "answer_feedback")
COLLECTION_ACTIVITIES = (
    "arrears_episode_opened",
    "arrears_episode_closed",
    "case_opened",
    "letter_sent",
    "collection_costs_charged",
    "collection_costs_waived",
    "bailiff_proposed",
    "arrangement_proposed",
    "arrangement_completed",
    "arrangement_instalment_missed",
    "early_warning_signalled",
)
SWITCH_WINDOW = dt.timedelta(days=7)
REPEAT_WINDOW = dt.timedelta(days=30)
LOW_GRADE = 6


class Unit:
    SHARE = "share"
    GRADE = "grade"
    DAYS = "days"
    COUNT = "count"


class Rollup:
    """How a period's days add up: a ratio of sums, a plain sum, or the last day's stock."""

    RATIO = "ratio"
    SUM = "sum"
    LAST = "last"


@dataclass(frozen=True)
class Row:
    dimension: str
    value: str
    rule_version_id: int | None
    numerator: int
    denominator: int
    extra: int = 0


class Rows:
    """Accumulates rows by (dimension, value, rule version): sums of what the grouped queries gave."""

    def __init__(self) -> None:
        self._sums: dict[tuple[str, str, int | None], list[int]] = defaultdict(lambda: [0, 0, 0])

    def add(
        self, dimension: str, value: Any, rv: int | None, num: int = 0, den: int = 0, extra: int = 0
    ) -> None:
        sums = self._sums[(dimension, "" if value is None else str(value)[:200], rv)]
        sums[0] += int(num or 0)
        sums[1] += int(den or 0)
        sums[2] += int(extra or 0)

    def rows(self) -> list[Row]:
        return [Row(d, v, rv, n, m, e) for (d, v, rv), (n, m, e) in sorted(self._sums.items(), key=str)]


Compute = Callable[[dt.datetime, dt.datetime], list[Row]]


@dataclass(frozen=True)
class Meter:
    key: str
    name: Promise
    definition: Promise
    unit: str
    owner: str
    compute: Compute
    target: Decimal | None = None
    higher_is_better: bool = True
    rollup: str = Rollup.RATIO
    rule_set: str | None = None
    breakdowns: tuple[tuple[str, Promise], ...] = field(default_factory=tuple)

    def value(self, numerator: int, denominator: int) -> Decimal | None:
        """The meter's value from summed (or last) numbers: a percentage for a share."""
        if self.rollup != Rollup.RATIO:
            return Decimal(numerator)
        if not denominator:
            return None
        ratio = Decimal(numerator) / Decimal(denominator)
        return (ratio * 100 if self.unit == Unit.SHARE else ratio).quantize(Decimal("0.1"))

    def met(self, value: Decimal | None) -> bool | None:
        if value is None or self.target is None:
            return None
        return value >= self.target if self.higher_is_better else value <= self.target


# --- building blocks ------------------------------------------------------------------------------------


def day_events(activity: str | Iterable[str], start: dt.datetime, end: dt.datetime) -> QuerySet[JournalEvent]:
    """The day's events of one or more activities, on the (activity, occurred_at) index."""
    events = JournalEvent.objects.filter(occurred_at__gte=start, occurred_at__lt=end)
    if isinstance(activity, str):
        return events.filter(activity=activity).order_by()
    return events.filter(activity__in=list(activity)).order_by()


def version_of(rule_set: str) -> Subquery:
    """The id of the event's rule version of one rule set (an event carries at most one per set)."""
    return Subquery(
        JournalRuleVersion.objects.filter(event=OuterRef("pk"), rule_version__rule_set__key=rule_set)
        .order_by()
        .values("rule_version")[:1]
    )


def subject_of(kind: str) -> Subquery:
    """The id of the event's subject of one kind."""
    return Subquery(
        JournalSubject.objects.filter(event=OuterRef("pk"), kind=kind).order_by().values("subject_id")[:1]
    )


def about_tenancy(
    activities: Iterable[str], start: dt.datetime, end: dt.datetime
) -> QuerySet[JournalSubject]:
    """The links to a tenancy of the events of some activities in [start, end)."""
    return JournalSubject.objects.filter(
        kind=TENANCY,
        event__activity__in=list(activities),
        event__occurred_at__gte=start,
        event__occurred_at__lt=end,
    ).order_by()


class Window:
    """Earlier moments per (tenancy, key), to ask "did this happen in the window before?".

    The meters that look back over a window (channel switch, repeat requests) read the day's events and
    the window's events in two plain range scans of the (activity, occurred_at) index and match them here,
    by a dictionary: a correlated sub-query per event would scan the window again for every event of the
    day, and SQLite probes an `IN (sub-query)` on the subject index once per value and row."""

    def __init__(self, moments: Iterable[tuple[str, Any, dt.datetime]], window: dt.timedelta) -> None:
        self.window = window
        self._moments: dict[tuple[str, Any], list[dt.datetime]] = defaultdict(list)
        for tenancy_id, key, moment in moments:
            self._moments[(tenancy_id, key)].append(moment)

    def before(self, tenancy_id: str, key: Any, moment: dt.datetime) -> bool:
        earliest = moment - self.window
        return any(earliest <= m < moment for m in self._moments.get((tenancy_id, key), ()))


def portal_visits(start: dt.datetime, end: dt.datetime, tenancy_ids: Iterable[str]) -> Window:
    """The given tenancies' own portal visits in the channel-switch window before [start, end), per topic:
    a repair in the wizard (`repair`), or an answer on its topic. Only those tenancies': a look-up on the
    subject index, not a scan of the week's visits. Used by the channel-switch meter and the review queue."""
    visits = (
        about_tenancy(
            ("wizard_step", "repair_request_submitted", "answer_viewed"), start - SWITCH_WINDOW, end
        )
        .filter(
            subject_id__in=sorted(set(tenancy_ids)),
            event__actor_kind=ActorKind.TENANT,
            event__channel=Channel.PORTAL,
        )
        .values_list(
            "subject_id",
            "event__activity",
            KeyTextTransform("contact_topic", "event__facts"),
            "event__occurred_at",
        )
    )
    return Window(
        (
            (tenancy, "repair" if activity != "answer_viewed" else topic, moment)
            for tenancy, activity, topic, moment in visits
        ),
        SWITCH_WINDOW,
    )
