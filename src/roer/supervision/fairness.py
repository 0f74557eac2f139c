"""The fairness meter (docs/meters.md, "Fairness"): signal, escalation and cost rates per neighbourhood and
per age band of the main tenant, and the test that flags a group whose rate departs from the rest's.

The journal holds no personal data, so the day's pass joins each event's tenancy subject to the tenancy's
dwelling (neighbourhood) and main tenant (birth date) in SQL, at rollup time. The age band is the main
tenant's age on that day. Per day, per group and per measure, it counts distinct tenancies:

- episodes: arrears episodes opened (`arrears_episode_opened`), the denominator of every rate;
- signals: human-contact signals (`case_opened`: a social manager's case);
- escalations: reminders and final notices (`letter_sent` of those kinds) and bailiff proposals;
- costs: collection costs charged (`collection_costs_charged`).

A rate is events per arrears episode opened in the same period. One tenancy can be escalated more than once
per episode (a reminder, then a final notice), so a rate can exceed 1 and is not a proportion: a group is
compared with the rest of the groups by the exact conditional test for two Poisson rates — given the
group's and the rest's events together, the group's count is binomial with the group's share of the
episodes under equal rates — two-sided, Bonferroni-corrected over the groups tested.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from django.db.models import BigIntegerField, Case, CharField, Count, OuterRef, Q, Subquery, Value, When
from django.db.models.functions import Cast
from django.utils.translation import gettext_lazy as _

from roer.accounts.constants import Role
from roer.arrears.constants import LetterKind
from roer.core.dates import local_date
from roer.core.models import JournalSubject
from roer.supervision.meter_base import TENANCY, Meter, Row, Rows, Unit, day_events
from roer.supervision.stats import binomial_lower, binomial_upper
from roer.tenancies.constants import PartyRole
from roer.tenancies.models import Tenancy, TenancyParty

EPISODES = "episodes"
SIGNAL = "signal"
ESCALATION = "escalation"
COST = "cost"
RATES = (SIGNAL, ESCALATION, COST)
DIMENSIONS = ("neighbourhood", "age_band")
ESCALATING_LETTERS = (LetterKind.REMINDER, LetterKind.FINAL_NOTICE)
ACTIVITIES = (
    "arrears_episode_opened",
    "case_opened",
    "letter_sent",
    "bailiff_proposed",
    "collection_costs_charged",
)

UNKNOWN = "unknown"
# (band, lowest age): the main tenant's age on the day; no birth date or no main tenant: unknown.
AGE_BANDS = (("65_plus", 65), ("45_64", 45), ("30_44", 30), ("under_30", 0))
AGE_BAND_LABELS = {
    "under_30": _("under 30"),
    "30_44": _("30 to 44"),
    "45_64": _("45 to 64"),
    "65_plus": _("65 and over"),
    UNKNOWN: _("unknown"),
}
RATE_LABELS = {
    SIGNAL: _("Human-contact signals"),
    ESCALATION: _("Escalations (reminders, final notices, bailiff proposals)"),
    COST: _("Collection costs charged"),
}
DIMENSION_LABELS = {"neighbourhood": _("Neighbourhood"), "age_band": _("Age band of the main tenant")}

ALPHA = 0.01
MIN_EPISODES = 20


def years_before(day: dt.date, years: int) -> dt.date:
    """The same calendar day `years` earlier (28 February for 29 February in a common year)."""
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return day.replace(year=day.year - years, day=28)


def _age_band(day: dt.date) -> Case:
    """The band of the main tenant's birth date on `day`: aged at least N means born on or before the day
    N years earlier."""
    whens = [When(birth__isnull=True, then=Value(UNKNOWN))]
    whens += [When(birth__lte=years_before(day, age), then=Value(band)) for band, age in AGE_BANDS[:-1]]
    return Case(*whens, default=Value(AGE_BANDS[-1][0]), output_field=CharField())


def _measure() -> Case:
    return Case(
        When(event__activity="arrears_episode_opened", then=Value(EPISODES)),
        When(event__activity="case_opened", then=Value(SIGNAL)),
        When(
            Q(event__activity="letter_sent", event__facts__kind__in=list(ESCALATING_LETTERS))
            | Q(event__activity="bailiff_proposed"),
            then=Value(ESCALATION),
        ),
        When(event__activity="collection_costs_charged", then=Value(COST)),
        default=Value(""),
        output_field=CharField(),
    )


def fairness(start: dt.datetime, end: dt.datetime) -> list[Row]:
    """One grouped query: the day's events about a tenancy, each joined to its tenancy's neighbourhood and
    main tenant's birth date, counted as distinct tenancies per measure, neighbourhood and age band."""
    day = local_date(start)
    tenancy = Cast(OuterRef("subject_id"), BigIntegerField())
    neighbourhood = Subquery(Tenancy.objects.filter(pk=tenancy).values("dwelling__neighbourhood")[:1])
    birth = Subquery(
        TenancyParty.objects.filter(tenancy_id=tenancy, role=PartyRole.TENANT)
        .order_by("pk")
        .values("person__birth_date")[:1]
    )
    rows = (
        # The day's events first, on the (activity, occurred_at) index; then their tenancy links.
        JournalSubject.objects.filter(kind=TENANCY, event__in=day_events(ACTIVITIES, start, end).values("pk"))
        .annotate(measure=_measure(), neighbourhood=neighbourhood, birth=birth)
        .annotate(age_band=_age_band(day))
        .exclude(measure="")
        .values("measure", "neighbourhood", "age_band")
        .annotate(n=Count("subject_id", distinct=True))
        .order_by()
    )
    counts: dict[tuple[str, str], dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for r in rows:
        counts[("neighbourhood", r["neighbourhood"] or "")][r["measure"]] += r["n"]
        counts[("age_band", r["age_band"])][r["measure"]] += r["n"]
    out = Rows()
    for (dimension, group), measures in counts.items():
        for rate in RATES:
            out.add(f"{dimension}:{rate}", group, None, measures[rate], measures[EPISODES])
        if dimension == "neighbourhood":
            out.add("", "", None, measures[SIGNAL], measures[EPISODES])
    return out.rows()


# --- disparities (pure) ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class GroupCount:
    group: str
    events: int
    episodes: int


@dataclass(frozen=True)
class Disparity:
    """One group against the rest of its dimension, for one rate."""

    group: str
    events: int
    episodes: int
    rest_events: int
    rest_episodes: int
    p_value: float | None  # None: not tested (too few episodes in the group or in the rest)
    adjusted_p: float | None  # Bonferroni: p times the number of groups tested, at most 1
    flagged: bool

    @property
    def rate(self) -> float | None:
        return self.events / self.episodes if self.episodes else None

    @property
    def rest_rate(self) -> float | None:
        return self.rest_events / self.rest_episodes if self.rest_episodes else None

    @property
    def higher(self) -> bool | None:
        if self.rate is None or self.rest_rate is None:
            return None
        return self.rate > self.rest_rate


def rate_test(events: int, episodes: int, rest_events: int, rest_episodes: int) -> float:
    """Two-sided p-value of "the group's rate equals the rest's": conditional on all events, the group's
    events are Binomial(all events, the group's share of the episodes). Exact below 10,000 events."""
    total = events + rest_events
    if total == 0:
        return 1.0
    share = episodes / (episodes + rest_episodes)
    tail = min(binomial_upper(events, total, share), binomial_lower(events, total, share))
    return min(1.0, 2 * tail)


def disparities(
    groups: list[GroupCount], *, alpha: float = ALPHA, min_episodes: int = MIN_EPISODES
) -> list[Disparity]:
    """Each group against the rest (all other groups together). A group is tested with at least
    `min_episodes` episodes in it and in the rest, and flagged when its Bonferroni-adjusted p < `alpha`."""
    all_events = sum(g.events for g in groups)
    all_episodes = sum(g.episodes for g in groups)
    tested = [g for g in groups if g.episodes >= min_episodes and all_episodes - g.episodes >= min_episodes]
    found = []
    for g in groups:
        rest_events, rest_episodes = all_events - g.events, all_episodes - g.episodes
        p_value = adjusted = None
        if g in tested:
            p_value = rate_test(g.events, g.episodes, rest_events, rest_episodes)
            adjusted = min(1.0, p_value * len(tested))
        found.append(
            Disparity(
                group=g.group,
                events=g.events,
                episodes=g.episodes,
                rest_events=rest_events,
                rest_episodes=rest_episodes,
                p_value=p_value,
                adjusted_p=adjusted,
                flagged=adjusted is not None and adjusted < alpha,
            )
        )
    return found


FAIRNESS = Meter(
    key="fairness",
    name=_("Fairness in collections"),
    definition=_(
        "Per neighbourhood and per age band of the main tenant: human-contact signals, escalations "
        "(reminders, final notices, bailiff proposals) and collection costs charged, per arrears episode "
        "opened in the period (counted as tenancies per day). The headline is human-contact signals per "
        "episode opened; the Fairness page compares each group with the rest and flags disparities."
    ),
    unit=Unit.SHARE,
    owner=Role.PROCESS_SUPERVISOR,
    compute=fairness,
)
