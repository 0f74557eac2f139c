"""Reading the review queue (docs/review.md): the queue filtered and oldest first, its counts per reason, and
an item's story — its event among the subject's other journal events — with the answer or problem concerned
as the rule version in force worded it."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet

from roer.answers.selectors import book_of
from roer.core.dates import start_of_day
from roer.core.models import JournalEvent, RuleVersion
from roer.repairs.tree import Tree
from roer.supervision.meter_base import ANSWERS, WIZARD
from roer.supervision.models import ReviewItem, ReviewItemTag, ReviewReason, ReviewState

QUEUE_LIMIT = 200
# An item's story: the subject's events this long either side of the item's event, at most STORY_LIMIT.
STORY_WINDOW = dt.timedelta(days=14)
STORY_LIMIT = 100


def _filtered(state: str, first: dt.date | None, last: dt.date | None) -> QuerySet[ReviewItem]:
    items = ReviewItem.objects.all()
    if state:
        items = items.filter(state=state)
    if first is not None:
        items = items.filter(occurred_at__gte=start_of_day(first))
    if last is not None:
        items = items.filter(occurred_at__lt=start_of_day(last + dt.timedelta(days=1)))
    return items


def queue(
    *, reason: str = "", state: str = "", first: dt.date | None = None, last: dt.date | None = None
) -> list[ReviewItem]:
    """The items of one reason (blank: all), state (blank: all) and period of the event, oldest first,
    with their event and tags: two queries."""
    items = _filtered(state, first, last)
    if reason:
        items = items.filter(reason=reason)
    return list(
        items.select_related("event", "reviewer")
        .prefetch_related(Prefetch("tags", queryset=ReviewItemTag.objects.order_by("tag")))
        .order_by("occurred_at", "id")[:QUEUE_LIMIT]
    )


def counts_per_reason(
    *, state: str = "", first: dt.date | None = None, last: dt.date | None = None
) -> dict[str, int]:
    """How many items each reason has under the same state and period (every reason, zero or not)."""
    found = dict(_filtered(state, first, last).order_by().values_list("reason").annotate(n=Count("id")))
    return {reason: found.get(reason, 0) for reason in ReviewReason.values}


def get_item(item_id: int) -> ReviewItem:
    """One item with its event, reviewer, tags and rule versions; ReviewItem.DoesNotExist when unknown."""
    return (
        ReviewItem.objects.select_related("event", "reviewer")
        .prefetch_related(
            Prefetch("tags", queryset=ReviewItemTag.objects.order_by("tag")),
            Prefetch("rule_versions", queryset=RuleVersion.objects.select_related("rule_set")),
        )
        .get(pk=item_id)
    )


def next_open(item: ReviewItem) -> int | None:
    """The id of the next open item of the same reason after this one (oldest first), for reviewing on."""
    after = Q(occurred_at__gt=item.occurred_at) | Q(occurred_at=item.occurred_at, id__gt=item.pk)
    return (
        ReviewItem.objects.filter(after, state=ReviewState.OPEN, reason=item.reason)
        .order_by("occurred_at", "id")
        .values_list("pk", flat=True)
        .first()
    )


def story(item: ReviewItem) -> list[JournalEvent]:
    """The subject's journal events around the item's event, in order (the item's own event among them)."""
    moment = item.occurred_at
    return list(
        JournalEvent.objects.filter(
            subjects__kind=item.subject_kind,
            subjects__subject_id=item.subject_id,
            occurred_at__gte=moment - STORY_WINDOW,
            occurred_at__lte=moment + STORY_WINDOW,
        )
        .prefetch_related("subjects")
        .order_by("occurred_at", "id")[:STORY_LIMIT]
    )


@dataclass(frozen=True)
class Concerned:
    """The answer or repair problem an item is about, as the rule version in force worded it."""

    kind: str  # "answer" or "problem"
    id: str
    title: str
    text: str
    version: RuleVersion


def _version(item: ReviewItem, rule_set: str) -> RuleVersion | None:
    return next((v for v in item.rule_versions.all() if v.rule_set.key == rule_set), None)


def concerned(item: ReviewItem) -> Concerned | None:
    """The answer (an `answer_id` fact) or else the problem (`problem_id`) of the item's event, when the
    event carries the rule version that words it; None otherwise."""
    facts: dict[str, Any] = item.event.facts or {}
    answer_id, problem_id = facts.get("answer_id"), facts.get("problem_id")
    if answer_id and (version := _version(item, ANSWERS)) is not None:
        answer = book_of(version).answers.get(str(answer_id))
        if answer is not None:
            return Concerned("answer", answer.id, answer.question, answer.text, version)
    if problem_id and (version := _version(item, WIZARD)) is not None:
        problem = Tree.from_document(version.document).problems.get(str(problem_id))
        if problem is not None:
            path = " › ".join((problem.area.label, problem.location.label, problem.element.label))
            return Concerned("problem", problem.id, problem.label, path, version)
    return None
