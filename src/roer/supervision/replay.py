"""Replay a draft rule version over real past cases: "what would have changed last month?"

One function per rule set takes the draft and a period (Amsterdam days, both included) and returns a
`ReplayResult`: how many past cases were looked at, how many would come out differently, the changes
grouped by kind (a field and its before → after, or a contractor pair) with example cases. "Before" is the
outcome under the LIVE version today, so the result shows the draft's own effect, not older changes.

- `repair-wizard`: the repair requests submitted in the period, their problem and answers, through
  `roer.repairs.tree.problem_outcome` under the live and the draft tree;
- `contractor-routing`: the work orders created in the period, their trade and dwelling, through
  `roer.repairs.routing.route` under the live and the draft table;
- `answers`: the searches that found no answer in the period (`UnansweredSearch`), through
  `roer.answers.search.replay` under the live and the draft book. Searches that did find an answer are
  journaled without their words, so they cannot be replayed.

The collections policy and the letters are not replayed: deciding a route needs each tenancy's full
payment history as of the day of the run (`roer.arrears.assessment.assess`), which the runs do not keep.

Nothing here writes, except `replay_record` (the journal event, with counts only) and `draft_publish`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from roer.answers.book import Book
from roer.answers.constants import KEY as ANSWERS_KEY
from roer.answers.models import UnansweredSearch
from roer.answers.search import replay as answers_replay
from roer.core import journal, rules
from roer.core.constants import RuleVersionStatus
from roer.core.dates import start_of_day
from roer.core.models import RuleVersion
from roer.repairs import routing
from roer.repairs.models import RepairRequest, WorkOrder
from roer.repairs.tree import Outcome, Tree, WizardError, problem_outcome
from roer.repairs.wizard_rules import KEY as WIZARD_KEY

ROUTING_KEY = routing.KEY
EXAMPLES_PER_KIND = 5
NOTHING = "—"

# The outcome fields a wizard replay compares, with their labels.
WIZARD_FIELDS: tuple[tuple[str, Any], ...] = (
    ("responsibility", gettext_lazy("Responsibility")),
    ("urgency", gettext_lazy("Urgency")),
    ("trade", gettext_lazy("Trade")),
    ("clause", gettext_lazy("Clause")),
)


class NotReplayable(LookupError):
    """This rule set has no replay (yet)."""


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
    """One kind of change (`what`: a field, or "contractor"/"answer"), with its count and examples."""

    what: str
    label: str
    before: str
    after: str
    count: int = 0
    examples: list[str] = field(default_factory=list)

    def add(self, example: str) -> None:
        self.count += 1
        if len(self.examples) < EXAMPLES_PER_KIND:
            self.examples.append(example)


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

    def change(self, what: str, label: str, before: Any, after: Any) -> Change:
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

    def totals(self) -> list[tuple[str, int]]:
        """Changed cases per kind of change (`what`), for the bar chart; largest first."""
        found: dict[str, int] = {}
        labels: dict[str, str] = {}
        for change in self.changes:
            found[change.what] = found.get(change.what, 0) + change.count
            labels[change.what] = change.label
        return sorted(((labels[w], n) for w, n in found.items()), key=lambda pair: (-pair[1], pair[0]))

    def facts(self) -> dict[str, Any]:
        """Counts only, for the journal."""
        return {
            "rule_set": self.rule_set,
            "number": self.draft_number,
            "live_number": self.live_number,
            "first_day": self.period.first.isoformat(),
            "last_day": self.period.last.isoformat(),
            "cases": self.cases,
            "changed": self.changed,
            "not_replayable": self.not_replayable,
        }


def _live(key: str) -> RuleVersion | None:
    try:
        return rules.live_version(key)
    except LookupError:
        return None


def _outcome(tree: Tree | None, problem_id: str, answers: dict[str, str]) -> Outcome | None:
    if tree is None:
        return None
    try:
        return problem_outcome(tree, problem_id, answers)
    except WizardError:
        return None


def replay_wizard(draft: RuleVersion, period: Period) -> ReplayResult:
    live = _live(WIZARD_KEY)
    result = ReplayResult(WIZARD_KEY, draft.number, live.number if live else None, period)
    live_tree = Tree.from_document(live.document) if live else None
    draft_tree = Tree.from_document(draft.document)
    requests = (
        RepairRequest.objects.filter(submitted_at__gte=period.start, submitted_at__lt=period.end)
        .only("pk", "problem_id", "answers")
        .order_by("submitted_at", "pk")
    )
    for request in requests.iterator():
        result.cases += 1
        answers = dict(request.answers or {})
        before = _outcome(live_tree, request.problem_id, answers)
        after = _outcome(draft_tree, request.problem_id, answers)
        if after is None:
            # The draft has no such problem or answer any more: the wizard could not have taken it.
            result.not_replayable += 1
            result.change("problem", _("Problem"), request.problem_id, _("not in the draft")).add(
                request.code
            )
            continue
        if before is None:
            result.not_replayable += 1
            continue
        changed = False
        for name, label in WIZARD_FIELDS:
            if getattr(before, name) != getattr(after, name):
                result.change(name, label, getattr(before, name), getattr(after, name)).add(request.code)
                changed = True
        result.changed += changed
    result.sort()
    return result


def _route(document: dict[str, Any], order: WorkOrder) -> str | None:
    try:
        return routing.route(
            document,
            trade=order.trade or None,
            neighbourhood=order.request.dwelling.neighbourhood,
            postcode=order.request.dwelling.postcode,
        ).contractor
    except routing.NoRouteError:
        return None


def replay_routing(draft: RuleVersion, period: Period) -> ReplayResult:
    live = _live(ROUTING_KEY)
    result = ReplayResult(ROUTING_KEY, draft.number, live.number if live else None, period)
    orders = (
        WorkOrder.objects.filter(created_at__gte=period.start, created_at__lt=period.end)
        .select_related("request__dwelling")
        .order_by("created_at", "pk")
    )
    for order in orders.iterator():
        result.cases += 1
        before = _route(live.document, order) if live else None
        after = _route(draft.document, order)
        if before != after:
            result.changed += 1
            result.change("contractor", _("Contractor"), before, after).add(order.code)
    result.sort()
    return result


def replay_answers(draft: RuleVersion, period: Period) -> ReplayResult:
    live = _live(ANSWERS_KEY)
    result = ReplayResult(ANSWERS_KEY, draft.number, live.number if live else None, period)
    texts = list(
        UnansweredSearch.objects.filter(created_at__gte=period.start, created_at__lt=period.end)
        .order_by("created_at", "pk")
        .values_list("text", flat=True)
    )
    result.cases = len(texts)
    before = dict(answers_replay(Book.from_document(live.document), texts)) if live else {}
    for text, after in answers_replay(Book.from_document(draft.document), texts):
        was = before.get(text)
        if was != after:
            result.changed += 1
            result.change("answer", _("Answer found"), was, after).add(text)
    result.sort()
    return result


REPLAYS: dict[str, Callable[[RuleVersion, Period], ReplayResult]] = {
    WIZARD_KEY: replay_wizard,
    ROUTING_KEY: replay_routing,
    ANSWERS_KEY: replay_answers,
}


def replayable(key: str) -> bool:
    return key in REPLAYS


def replay(version: RuleVersion, period: Period) -> ReplayResult:
    """What the version would have changed on the period's real cases, against the live version."""
    key = version.rule_set.key
    if key not in REPLAYS:
        raise NotReplayable(key)
    return REPLAYS[key](version, period)


def replay_record(*, version: RuleVersion, result: ReplayResult, by: Any) -> None:
    """Journal that a person replayed a version (counts only: no texts, no case ids)."""
    live = _live(result.rule_set)
    journal.record(
        activity="rule_version_replayed",
        subjects=[version],
        actor=by,
        rule_versions=[live] if live else [],
        facts=result.facts(),
    )


def draft_publish(*, version: RuleVersion, by: Any, reason: str) -> RuleVersion:
    """Publish a draft with the person's reason, kept on the version's note (never in the journal)."""
    if not reason.strip():
        raise ValueError(_("Say why you publish this version."))
    if version.status == RuleVersionStatus.PUBLISHED:
        raise ValueError(_("This version is already live."))
    with transaction.atomic():
        published = rules.rule_version_publish(version=version, by=by)
        stamp = _("Published: %(reason)s") % {"reason": reason.strip()}
        published.note = f"{published.note}\n{stamp}".strip()
        published.save(update_fields=["note"])
    return published
