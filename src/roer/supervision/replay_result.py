"""What a replay returns: the period it covered and the changes a draft would have made, grouped by kind.

Shared by every rule set's replay (`replay_portal`, `replay_collections`, `replay_letters`); the console
renders a `ReplayResult` the same way whichever rule set it came from.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _

from roer.core import rules
from roer.core.dates import start_of_day
from roer.core.models import RuleVersion
from roer.core.money import ZERO

EXAMPLES_PER_KIND = 5
NOTHING = "—"


class NotReplayable(LookupError):
    """This rule set has no replay (yet)."""


def live_or_none(key: str) -> RuleVersion | None:
    try:
        return rules.live_version(key)
    except LookupError:
        return None


@dataclass(frozen=True)
class Period:
    first: dt.date
    last: dt.date

    def __post_init__(self) -> None:
        if self.last < self.first:
            raise ValueError(_("The period must end on or after its first day."))

    @property
    def start(self) -> dt.datetime:
        return start_of_day(self.first)

    @property
    def end(self) -> dt.datetime:
        """The moment after the last day (exclusive)."""
        return start_of_day(self.last + dt.timedelta(days=1))

    @classmethod
    def last_days(cls, days: int, today: dt.date) -> Period:
        return cls(first=today - dt.timedelta(days=days), last=today - dt.timedelta(days=1))


@dataclass
class Change:
    """One kind of change (`what`: a field, or "contractor"/"answer"), with its count and examples.

    `money` adds up what the change does to an amount (draft minus live), where it has one; `diff` is a
    short text diff, where the change is a text."""

    what: str
    label: str
    before: str
    after: str
    count: int = 0
    examples: list[str] = field(default_factory=list)
    money: Decimal | None = None
    diff: list[str] = field(default_factory=list)

    def add(self, example: str, *, money: Decimal | None = None) -> None:
        self.count += 1
        if money is not None:
            self.money = (self.money or ZERO) + money
        # The same tenancy can change on several run days: name it once.
        if len(self.examples) < EXAMPLES_PER_KIND and example not in self.examples:
            self.examples.append(example)


@dataclass(frozen=True)
class MoneyTotals:
    """An amount over all replayed cases, under the live version and under the draft."""

    label: str
    before: Decimal
    after: Decimal

    @property
    def difference(self) -> Decimal:
        return self.after - self.before


@dataclass
class ReplayResult:
    rule_set: str
    draft_number: int
    live_number: int | None
    period: Period
    cases: int = 0
    changed: int = 0
    not_replayable: int = 0
    changes: list[Change] = field(default_factory=list)
    # What a case is for this rule set ("Cases replayed", "Decisions replayed", "Letters replayed").
    cases_label: str = field(default_factory=lambda: _("Cases replayed"))
    money: MoneyTotals | None = None
    # Legally required parts the draft lacks: shown above the changes, whatever the period.
    warnings: list[str] = field(default_factory=list)
    # How this rule set's cases are replayed, where the reader needs to know it to read the result.
    note: str = ""

    def change(self, what: str, label: Any, before: Any, after: Any) -> Change:
        before_text = NOTHING if before in (None, "") else str(before)
        after_text = NOTHING if after in (None, "") else str(after)
        for existing in self.changes:
            if (existing.what, existing.before, existing.after) == (what, before_text, after_text):
                return existing
        made = Change(what=what, label=str(label), before=before_text, after=after_text)
        self.changes.append(made)
        return made

    def sort(self) -> None:
        self.changes.sort(key=lambda c: (-c.count, c.what, c.before, c.after))

    @property
    def has_money(self) -> bool:
        return any(change.money is not None for change in self.changes)

    def totals(self) -> list[tuple[str, int]]:
        """Changed cases per kind of change (`what`), for the bar chart; largest first."""
        found: dict[str, int] = {}
        labels: dict[str, str] = {}
        for change in self.changes:
            found[change.what] = found.get(change.what, 0) + change.count
            labels[change.what] = change.label
        return sorted(((labels[w], n) for w, n in found.items()), key=lambda pair: (-pair[1], pair[0]))

    def facts(self) -> dict[str, Any]:
        """Counts (and a money total) only, for the journal."""
        facts: dict[str, Any] = {
            "rule_set": self.rule_set,
            "number": self.draft_number,
            "live_number": self.live_number,
            "first_day": self.period.first.isoformat(),
            "last_day": self.period.last.isoformat(),
            "cases": self.cases,
            "changed": self.changed,
            "not_replayable": self.not_replayable,
        }
        if self.money is not None:
            facts["money_difference"] = str(self.money.difference)
        if self.warnings:
            facts["warnings"] = len(self.warnings)
        return facts
