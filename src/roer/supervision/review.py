"""The review queue (docs/review.md): portal interactions for the process supervisor to review, the tags
the reviewer gives them, and the `review_tags` meter those tags feed.

Every night `review_queue_fill` puts the day's interactions in the queue that ask for a look — an answer
that did not help, a channel switch, an order a contractor flagged, a grade below 6 — plus a random sample
of all portal interactions, so that what went wrong quietly is seen too. The sample is decided by a hash
of the journal event's id, so a rerun picks the same events; one item per (event, reason) makes the filler
idempotent. A day costs a fixed handful of queries whatever its size.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import structlog
from django.conf import settings
from django.db import transaction
from django.db.models import Count, Exists, IntegerField, OuterRef, Q
from django.db.models.fields.json import KT, KeyTextTransform
from django.db.models.functions import Cast
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from roer.accounts.constants import Role
from roer.core import journal
from roer.core.constants import Channel
from roer.core.dates import start_of_day
from roer.core.models import JournalEvent, JournalRuleVersion, JournalSubject
from roer.supervision.meter_base import (
    LOW_GRADE,
    REQUEST,
    TENANCY,
    Meter,
    Row,
    Rows,
    Unit,
    about_tenancy,
    day_events,
    portal_visits,
)
from roer.supervision.models import ReviewItem, ReviewItemTag, ReviewReason, ReviewState, ReviewTag

logger = structlog.get_logger(__name__)

ANSWER = "answers.answer"
# The portal interactions the sample draws from: each ends an errand on the portal (a request sent, an
# answer read, a callback asked for, a wizard run left without a request).
SAMPLED_ACTIVITIES = ("repair_request_submitted", "answer_viewed", "callback_requested", "wizard_step")
# An item belongs to the story of the first of these kinds among its event's subjects (else the first one).
SUBJECT_PREFERENCE = (REQUEST, TENANCY, ANSWER)
PROBLEM_TAGS = frozenset(tag for tag in ReviewTag if tag != ReviewTag.FINE)
_HASH_SPACE = 2**64
# Ids per IN list when reading the new items' subjects and rule versions: within every backend's limit.
_CHUNK = 5000


class ReviewClosed(Exception):
    """The item has been reviewed already: a review is final, because the meter counted it that day."""


# --- filling the queue -----------------------------------------------------------------------------------


def sampled(event_id: int, percent: Decimal) -> bool:
    """Whether the sample takes this event: its id's hash falls in the first `percent` of the hash space.
    A hash, not the id itself, so that no rhythm in how events are written biases the sample."""
    digest = hashlib.blake2b(str(event_id).encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big") < int(percent * _HASH_SPACE / 100)


def _sample(start: dt.datetime, end: dt.datetime, percent: Decimal) -> list[int]:
    if percent <= 0:
        return []
    ids = (
        day_events(SAMPLED_ACTIVITIES, start, end)
        .filter(channel=Channel.PORTAL)
        .filter(~Q(activity="wizard_step") | Q(facts__step="abandoned"))
        .values_list("id", flat=True)
    )
    return [pk for pk in ids if sampled(pk, percent)]


def _did_not_help(start: dt.datetime, end: dt.datetime) -> list[int]:
    return list(
        day_events("answer_feedback", start, end).filter(facts__helped=False).values_list("id", flat=True)
    )


def _contractor_flags(start: dt.datetime, end: dt.datetime) -> list[int]:
    return list(day_events("work_order_flagged", start, end).values_list("id", flat=True))


def _low_grades(start: dt.datetime, end: dt.datetime) -> list[int]:
    return list(
        day_events("satisfaction_recorded", start, end)
        .annotate(grade=Cast(KT("facts__grade"), IntegerField()))
        .filter(grade__lt=LOW_GRADE)
        .values_list("id", flat=True)
    )


def _channel_switches(start: dt.datetime, end: dt.datetime) -> list[int]:
    """The day's phone and desk contacts and callback requests that followed a portal visit by the tenant
    on the same topic within 7 days: a switch as the `channel_switch` meter recognises it (meters.py),
    here with the contact's event id."""
    contacts = list(
        about_tenancy(("contact_logged", "callback_requested"), start, end)
        .filter(Q(event__activity="callback_requested") | Q(event__channel__in=[Channel.PHONE, Channel.DESK]))
        .values_list(
            "event_id", "subject_id", KeyTextTransform("topic", "event__facts"), "event__occurred_at"
        )
    )
    if not contacts:
        return []
    window = portal_visits(start, end, (tenancy for _event, tenancy, _topic, _moment in contacts))
    return [event for event, tenancy, topic, moment in contacts if window.before(tenancy, topic, moment)]


def story_subject(pairs: Sequence[tuple[str, str]]) -> tuple[str, str]:
    """The subject whose story an event is reviewed in: a repair request, else the tenancy, else the answer."""
    for kind in SUBJECT_PREFERENCE:
        for pair in pairs:
            if pair[0] == kind:
                return pair
    return min(pairs)


@dataclass(frozen=True)
class _EventFacts:
    occurred_at: dt.datetime
    subjects: list[tuple[str, str]]
    rule_versions: list[int]


def _event_facts(event_ids: Sequence[int]) -> dict[int, _EventFacts]:
    """Moment, subjects and rule versions of the events that get a new item: three queries per chunk."""
    found: dict[int, _EventFacts] = {}
    for first in range(0, len(event_ids), _CHUNK):
        chunk = event_ids[first : first + _CHUNK]
        for pk, moment in (
            JournalEvent.objects.filter(pk__in=chunk).order_by().values_list("id", "occurred_at")
        ):
            found[pk] = _EventFacts(moment, [], [])
        subjects = JournalSubject.objects.filter(event_id__in=chunk).order_by("id")
        for event_id, kind, subject_id in subjects.values_list("event_id", "kind", "subject_id"):
            found[event_id].subjects.append((kind, subject_id))
        versions = JournalRuleVersion.objects.filter(event_id__in=chunk).order_by("rule_version_id")
        for event_id, version_id in versions.values_list("event_id", "rule_version_id"):
            found[event_id].rule_versions.append(version_id)
    return found


@dataclass(frozen=True)
class QueueFill:
    day: dt.date
    added: dict[str, int]

    @property
    def total(self) -> int:
        return sum(self.added.values())


def review_queue_fill(*, day: dt.date, sample_percent: Decimal | None = None) -> QueueFill:
    """Put one Amsterdam day's portal interactions that ask for review in the queue, with a sample of
    all of them (`sample_percent`, default the ROER_REVIEW_SAMPLE_PERCENT setting). Idempotent."""
    start, end = start_of_day(day), start_of_day(day + dt.timedelta(days=1))
    percent = settings.REVIEW_SAMPLE_PERCENT if sample_percent is None else sample_percent
    wanted: dict[str, list[int]] = {
        ReviewReason.SAMPLE: _sample(start, end, percent),
        ReviewReason.DID_NOT_HELP: _did_not_help(start, end),
        ReviewReason.CHANNEL_SWITCH: _channel_switches(start, end),
        ReviewReason.CONTRACTOR_FLAG: _contractor_flags(start, end),
        ReviewReason.LOW_GRADE: _low_grades(start, end),
    }
    queued = set(
        ReviewItem.objects.filter(occurred_at__gte=start, occurred_at__lt=end).values_list(
            "event_id", "reason"
        )
    )
    new = [
        (event_id, str(reason))
        for reason, ids in wanted.items()
        for event_id in sorted(set(ids))
        if (event_id, reason) not in queued
    ]
    if not new:
        logger.info("review_queue_filled", day=day.isoformat(), added=0)
        return QueueFill(day=day, added={})
    facts = _event_facts(sorted({event_id for event_id, _reason in new}))
    now = timezone.now()
    through = ReviewItem.rule_versions.through
    with transaction.atomic():
        items = ReviewItem.objects.bulk_create(
            [
                ReviewItem(
                    event_id=event_id,
                    reason=reason,
                    subject_kind=story_subject(facts[event_id].subjects)[0],
                    subject_id=story_subject(facts[event_id].subjects)[1],
                    occurred_at=facts[event_id].occurred_at,
                    queued_at=now,
                )
                for event_id, reason in new
            ],
            batch_size=500,
        )
        through.objects.bulk_create(
            [
                through(reviewitem_id=item.pk, ruleversion_id=version_id)
                for item in items
                for version_id in facts[item.event_id].rule_versions
            ],
            batch_size=1000,
        )
    added: dict[str, int] = {}
    for _event_id, reason in new:
        added[reason] = added.get(reason, 0) + 1
    logger.info("review_queue_filled", day=day.isoformat(), added=len(new), **added)
    return QueueFill(day=day, added=added)


def review_queue_fill_period(*, first: dt.date, last: dt.date) -> list[QueueFill]:
    """Fill every day from `first` to `last` (inclusive), oldest first: a backfill."""
    if first > last:
        raise ValueError(f"{first} is after {last}")
    return [
        review_queue_fill(day=first + dt.timedelta(days=offset)) for offset in range((last - first).days + 1)
    ]


# --- reviewing ---------------------------------------------------------------------------------------------


def valid_tags(tags: Iterable[str]) -> list[str]:
    """The tags in their standard order; ValueError unless they are known and either `fine` alone or one or
    more problems."""
    chosen = set(tags)
    unknown = chosen - set(ReviewTag.values)
    if unknown:
        raise ValueError(f"unknown review tags: {sorted(unknown)}")
    if not chosen:
        raise ValueError("a review needs at least one tag (or 'fine')")
    if ReviewTag.FINE in chosen and len(chosen) > 1:
        raise ValueError("'fine' cannot be combined with a problem tag")
    return [tag for tag in ReviewTag.values if tag in chosen]


def review_item_tag(*, item: ReviewItem, by: Any, tags: Iterable[str], note: str = "") -> ReviewItem:
    """The reviewer's verdict on one item: its tags and an optional note (which stays on the item; the
    journal gets the tags and the reason only). ReviewClosed if it was reviewed already."""
    chosen = valid_tags(tags)
    with transaction.atomic():
        item = ReviewItem.objects.select_for_update().get(pk=item.pk)
        if item.state == ReviewState.REVIEWED:
            raise ReviewClosed(f"review item {item.pk} was reviewed already")
        item.state = ReviewState.REVIEWED
        item.reviewer = by
        item.reviewed_at = timezone.now()
        item.note = note.strip()
        item.save(update_fields=["state", "reviewer", "reviewed_at", "note"])
        ReviewItemTag.objects.bulk_create([ReviewItemTag(item=item, tag=tag) for tag in chosen])
        journal.record(
            activity="review_tagged",
            subjects=[item],
            actor=by,
            rule_versions=list(item.rule_versions.all()),
            occurred_at=item.reviewed_at,
            facts={
                "tags": chosen,
                "reason": item.reason,
                "problem": not PROBLEM_TAGS.isdisjoint(chosen),
            },
        )
    return item


# --- the meter ------------------------------------------------------------------------------------------


def review_tags(start: dt.datetime, end: dt.datetime) -> list[Row]:
    """Items reviewed in [start, end): how many carry a problem tag, per reason, and per tag. Two grouped
    queries over the review tables (the tags are rows, so SQL counts them on any database)."""
    out = Rows()
    reviewed = ReviewItem.objects.filter(
        state=ReviewState.REVIEWED, reviewed_at__gte=start, reviewed_at__lt=end
    ).order_by()
    with_problem = ReviewItemTag.objects.filter(item=OuterRef("pk"), tag__in=sorted(PROBLEM_TAGS))
    per_reason = (
        reviewed.annotate(problem=Exists(with_problem)).values("reason", "problem").annotate(n=Count("id"))
    )
    total = 0
    for r in per_reason:
        problems = r["n"] if r["problem"] else 0
        out.add("", "", None, problems, r["n"])
        out.add("reason", r["reason"], None, problems, r["n"])
        total += r["n"]
    if not total:
        return out.rows()
    # Every tag gets the day's reviewed items as its denominator, found or not, so that a tag's share over
    # a period is out of all the items reviewed in it.
    for tag in ReviewTag.values:
        out.add("tag", tag, None, 0, total)
    per_tag = ReviewItemTag.objects.filter(item__in=reviewed).order_by().values("tag").annotate(n=Count("id"))
    for t in per_tag:
        out.add("tag", t["tag"], None, t["n"])
    return out.rows()


REVIEW_TAGS = Meter(
    key="review_tags",
    name=_("Reviewed interactions with a problem"),
    definition=_(
        "Items of the review queue reviewed that day that the reviewer tagged with a problem (wrong answer, "
        "wrong action, unclear text, tenant error, system error), as a share of all items reviewed that "
        "day; the others were tagged fine. Per reason the item was queued for (sample, did not help, "
        "channel switch, contractor flag, grade below 6), and per tag the share of reviewed items with it."
    ),
    unit=Unit.SHARE,
    target=Decimal("25"),
    higher_is_better=False,
    owner=Role.PROCESS_SUPERVISOR,
    compute=review_tags,
    breakdowns=(("reason", _("Per reason for review")), ("tag", _("Per tag"))),
)
