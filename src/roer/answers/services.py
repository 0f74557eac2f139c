"""Writes of the answers app: a search, an answer viewed, "did this help?", a callback asked for and
handled, and a contact registered by customer service.

Every step is journaled once, with the `answers` rule version in force (and the repair wizard's when a
repair problem is named): portal steps through channel INT, staff calls through TEL. The journal holds ids
and yes/no facts only; what someone typed (a search, a comment, a note, a phone number, an outcome) stays
on the rows here or on the contact moment.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import structlog
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from roer.answers import selectors
from roer.answers.book import Answer, UnknownAnswer
from roer.answers.constants import (
    ANSWER_SUBJECT_KIND,
    COMMENT_MAX,
    CONTACT_TOPIC_OF,
    HANDLED_STATUSES,
    NOTE_MAX,
    OUTCOME_MAX,
    WAITING_STATUSES,
    CallbackPart,
    CallbackStatus,
    CallbackTopic,
)
from roer.answers.models import AnswerFeedback, CallbackRequest, UnansweredSearch
from roer.answers.search import SearchResult, normalised_text, search
from roer.casework import services as casework_services
from roer.casework.constants import ContactTopic, Direction
from roer.casework.models import ContactMoment
from roer.core import helm, journal
from roer.core.constants import ActorKind, Channel, Flow
from roer.core.models import RuleVersion
from roer.core.subjects import Subject, SubjectRef
from roer.repairs.selectors import live_wizard
from roer.tenancies.models import TenancyParty

if TYPE_CHECKING:
    from roer.accounts.models import User
    from roer.tenancies.models import Tenancy

logger = structlog.get_logger(__name__)

QUERY_MAX = 200
PHONE_DIGITS = (10, 15)
_PHONE_CHARACTERS = re.compile(r"^\+?[0-9 ()./-]+$")


class CallbackRefused(ValueError):
    """The callback request cannot be taken as asked (a day not offered, a phone number we cannot call);
    `field` names the form field it is about, if one."""

    def __init__(self, message: str, *, field: str | None = None):
        super().__init__(message)
        self.field = field


class CallbackHandled(ValueError):
    """The callback was handled already: nothing waits any more."""


@dataclass(frozen=True)
class AnonymousVisitor:
    """A portal visitor who is not signed in: in the journal a tenant-side actor without an id."""

    pk: None = None

    @property
    def journal_actor_kind(self) -> str:
        return ActorKind.TENANT


VISITOR = AnonymousVisitor()


def _actor(by: Any) -> Any:
    return by if by is not None and bool(getattr(by, "is_authenticated", False)) else VISITOR


def _user_or_none(by: Any) -> User | None:
    return by if by is not None and bool(getattr(by, "is_authenticated", False)) else None


def answer_ref(answer_id: str) -> SubjectRef:
    """An answer as a journal subject: it is part of a rule document, not a row."""
    return SubjectRef(kind=ANSWER_SUBJECT_KIND, id=answer_id)


def _check_key(idempotency_key: str) -> None:
    if not idempotency_key or len(idempotency_key) > 64:
        raise ValueError("an idempotency key of 1 to 64 characters is required")


def _check_party(by: Any, tenancy: Tenancy | None) -> None:
    """A tenant acts only for a tenancy they are a party to."""
    if tenancy is None or by is None or not bool(getattr(by, "is_authenticated", False)):
        return
    if by.has_role(*selectors.CALLBACK_STAFF_ROLES):
        return
    if not TenancyParty.objects.filter(tenancy=tenancy, person__user=by).exists():
        raise PermissionDenied("a tenant acts for their own tenancy only")


# --- the portal: search, view, feedback ------------------------------------------------------------------


def answer_search_record(*, text: str, by: Any, tenancy: Tenancy | None) -> SearchResult:
    """Search the live answers and journal whether something matched (never the words). Words that found
    nothing are kept, without any link to who typed them, for the supervisor's view of unmet demand."""
    text = " ".join((text or "").split())[:QUERY_MAX]
    version, book = selectors.live_answers()
    result = search(book, text)
    if not text:
        return result
    best = result.best
    subjects: list[Subject] = [tenancy] if tenancy is not None else []
    subjects.append(answer_ref(best.id) if best is not None else version)
    with transaction.atomic():
        if best is None:
            UnansweredSearch.objects.create(text=text, normalised=normalised_text(text)[:QUERY_MAX])
        journal.record(
            activity="answers_searched",
            subjects=subjects,
            actor=_actor(by),
            channel=Channel.PORTAL,
            rule_versions=[version],
            facts={
                "matched": best is not None,
                "answer_id": best.id if best is not None else None,
                "results": len(result),
            },
        )
    return result


def answer_viewed(*, answer_id: str, by: Any, tenancy: Tenancy | None) -> tuple[RuleVersion, Answer]:
    """Journal that an answer was shown (with its topic, for the channel-switch meter). UnknownAnswer when
    the live answers have no such id."""
    version, book = selectors.live_answers()
    answer = book.answer(answer_id)
    journal.record(
        activity="answer_viewed",
        subjects=[*([tenancy] if tenancy is not None else []), answer_ref(answer.id)],
        actor=_actor(by),
        channel=Channel.PORTAL,
        rule_versions=[version],
        facts={
            "answer_id": answer.id,
            "topic": answer.topic.id,
            "contact_topic": CONTACT_TOPIC_OF[answer.topic.id],
            "mode": helm.flow_mode(Flow.ANSWERS),
        },
    )
    return version, answer


def answer_feedback_record(
    *,
    answer_id: str,
    helped: bool,
    by: Any,
    tenancy: Tenancy | None,
    version_number: int | None = None,
    comment: str = "",
    idempotency_key: str,
) -> AnswerFeedback:
    """ "Did this help?" on the answer as the version the page showed worded it (the live one when that
    version is unknown). The same `idempotency_key` (a double-submitted form) counts once. The comment stays
    on the feedback row; the journal only says there was one."""
    _check_key(idempotency_key)
    existing = AnswerFeedback.objects.filter(idempotency_key=idempotency_key).first()
    if existing is not None:
        return existing
    _check_party(by, tenancy)
    comment = (comment or "").strip()
    if len(comment) > COMMENT_MAX:
        raise ValueError(_("Write at most %(n)d characters.") % {"n": COMMENT_MAX})
    version = selectors.answers_version(version_number) or selectors.live_answers()[0]
    answer = selectors.book_of(version).answer(answer_id)
    try:
        with transaction.atomic():
            feedback = AnswerFeedback.objects.create(
                answer_id=answer.id,
                rule_version=version,
                helped=helped,
                tenancy=tenancy,
                user=_user_or_none(by),
                comment=comment,
                idempotency_key=idempotency_key,
            )
            journal.record(
                activity="answer_feedback",
                subjects=[*([tenancy] if tenancy is not None else []), answer_ref(answer.id), feedback],
                actor=_actor(by),
                channel=Channel.PORTAL,
                rule_versions=[version],
                occurred_at=feedback.created_at,
                facts={
                    "answer_id": answer.id,
                    "topic": answer.topic.id,
                    "helped": helped,
                    "with_comment": bool(comment),
                },
            )
    except IntegrityError:
        # The same form came in twice at once: the other submission counted.
        existing = AnswerFeedback.objects.filter(idempotency_key=idempotency_key).first()
        if existing is None:
            raise
        return existing
    return feedback


# --- callbacks -----------------------------------------------------------------------------------------


def clean_phone(phone: str) -> str:
    """A phone number as the tenant wrote it, trimmed; CallbackRefused when it cannot be one."""
    phone = " ".join((phone or "").split())
    digits = sum(c.isdigit() for c in phone)
    if not _PHONE_CHARACTERS.match(phone) or not PHONE_DIGITS[0] <= digits <= PHONE_DIGITS[1]:
        raise CallbackRefused(_("Enter a phone number we can call, for example 06 12345678."), field="phone")
    return phone


def _subject_ids(
    topic: CallbackTopic | ContactTopic, problem_id: str, answer_id: str
) -> tuple[str, str, list[RuleVersion]]:
    """The problem or answer a callback or contact names, checked against the live rules, with the rule
    versions they come from."""
    problem_id, answer_id = (problem_id or "").strip(), (answer_id or "").strip()
    versions: list[RuleVersion] = []
    if problem_id:
        if topic != ContactTopic.REPAIR:
            raise ValueError(_("Only a repair names a repair problem."))
        wizard_version, tree = live_wizard()
        if problem_id not in tree.problems:
            raise ValueError(_("We do not know this repair problem."))
        versions.append(wizard_version)
    if answer_id:
        if topic != ContactTopic.ANSWER:
            raise ValueError(_("Only a question names an answer."))
        version, book = selectors.live_answers()
        if answer_id not in book.answers:
            raise ValueError(_("We do not know this answer."))
        versions.append(version)
    return problem_id, answer_id, versions


def callback_request_create(
    *,
    tenancy: Tenancy,
    by: User,
    phone: str,
    day: dt.date,
    part: CallbackPart | str,
    topic: CallbackTopic | str,
    problem_id: str = "",
    answer_id: str = "",
    note: str = "",
    idempotency_key: str,
    now: dt.datetime | None = None,
) -> CallbackRequest:
    """A tenant asks to be called back on a day and part of the day the live answers offer.

    The same `idempotency_key` (a double-submitted form) returns the request made the first time.
    """
    _check_key(idempotency_key)
    existing = CallbackRequest.objects.filter(idempotency_key=idempotency_key).first()
    if existing is not None:
        if existing.tenancy_id != tenancy.pk:
            raise ValueError("this idempotency key belongs to another tenancy's callback")
        return existing
    _check_party(by, tenancy)
    now = now or timezone.now()
    topic, part = CallbackTopic(topic), CallbackPart(part)
    phone = clean_phone(phone)
    note = (note or "").strip()
    if len(note) > NOTE_MAX:
        raise CallbackRefused(_("Write at most %(n)d characters.") % {"n": NOTE_MAX}, field="note")
    problem_id, answer_id, versions = _subject_ids(ContactTopic(topic.value), problem_id, answer_id)
    version, book = selectors.live_answers()
    offered = dict(selectors.callback_slots(book, now))
    if part not in offered.get(day, []):
        raise CallbackRefused(_("Choose one of the days and times offered."), field="slot")
    try:
        with transaction.atomic():
            callback = CallbackRequest.objects.create(
                tenancy=tenancy,
                user=by,
                phone=phone,
                preferred_day=day,
                preferred_part=part,
                topic=topic,
                problem_id=problem_id,
                answer_id=answer_id,
                note=note,
                rule_version=version,
                idempotency_key=idempotency_key,
                created_at=now,
            )
            facts: dict[str, Any] = {
                "topic": topic,
                "preferred_day": day.isoformat(),
                "preferred_part": part,
                "with_note": bool(note),
            }
            if problem_id:
                facts["problem_id"] = problem_id
            if answer_id:
                facts["answer_id"] = answer_id
            journal.record(
                activity="callback_requested",
                subjects=[tenancy, callback, *([answer_ref(answer_id)] if answer_id else [])],
                actor=by,
                channel=Channel.PORTAL,
                rule_versions=[version, *(v for v in versions if v.pk != version.pk)],
                occurred_at=now,
                facts=facts,
            )
    except IntegrityError:
        existing = CallbackRequest.objects.filter(idempotency_key=idempotency_key).first()
        if existing is None:
            raise
        return existing
    logger.info("callback_requested", callback_id=callback.pk, tenancy_id=tenancy.pk, topic=str(topic))
    return callback


def callback_handle(
    *,
    callback: CallbackRequest,
    by: User,
    status: CallbackStatus | str,
    outcome: str = "",
    now: dt.datetime | None = None,
) -> CallbackRequest:
    """Customer service marks a waiting callback: called (reached), no answer (it stays in the queue to try
    again) or closed without a call. A call, reached or not, is logged as an outgoing phone contact through
    casework; closing without a call logs no contact, because none took place."""
    if not selectors.may_handle_callbacks(by):
        raise PermissionDenied(_("Only customer service handles callbacks."))
    status = CallbackStatus(status)
    if status not in HANDLED_STATUSES or status == CallbackStatus.OPEN:
        raise ValueError(_("Choose what happened."))
    outcome = (outcome or "").strip()
    if len(outcome) > OUTCOME_MAX:
        raise ValueError(_("Write at most %(n)d characters.") % {"n": OUTCOME_MAX})
    if status == CallbackStatus.CLOSED and not outcome:
        raise ValueError(_("Say why the callback is closed without a call."))
    now = now or timezone.now()
    with transaction.atomic():
        callback = CallbackRequest.objects.select_for_update().select_related("tenancy").get(pk=callback.pk)
        if callback.status not in WAITING_STATUSES:
            raise CallbackHandled(_("This callback was handled already."))
        contact: ContactMoment | None = None
        if status in (CallbackStatus.CALLED, CallbackStatus.NO_ANSWER):
            versions = [callback.rule_version]
            if callback.problem_id:
                versions.append(live_wizard()[0])
            contact = casework_services.contact_log(
                tenancy=callback.tenancy,
                by=by,
                channel=Channel.PHONE,
                direction=Direction.OUTGOING,
                succeeded=status == CallbackStatus.CALLED,
                topic=ContactTopic(callback.topic),
                summary=outcome,
                happened_at=now,
                problem_id=callback.problem_id,
                answer_id=callback.answer_id,
                rule_versions=versions,
            )
            callback.attempts += 1
        callback.status = status
        callback.handled_by = by
        callback.handled_at = now
        callback.outcome = outcome
        callback.save(update_fields=["status", "attempts", "handled_by", "handled_at", "outcome"])
        starts, ends = selectors.part_window(callback.preferred_day, callback.preferred_part)
        journal.record(
            activity="callback_handled",
            subjects=[callback.tenancy, callback, *([contact] if contact is not None else [])],
            actor=by,
            channel=Channel.PHONE if contact is not None else "",
            rule_versions=[callback.rule_version],
            occurred_at=now,
            facts={
                "status": status,
                "topic": callback.topic,
                "attempts": callback.attempts,
                "timing": "early" if now < starts else ("in_time" if now < ends else "late"),
                "minutes_waited": int((now - callback.created_at).total_seconds() // 60),
                "contact_id": contact.pk if contact is not None else None,
            },
        )
    return callback


# --- contacts registered by customer service --------------------------------------------------------


def contact_register(
    *,
    tenancy: Tenancy,
    by: User,
    channel: Channel | str,
    direction: Direction | str,
    succeeded: bool,
    topic: ContactTopic | str,
    summary: str,
    problem_id: str = "",
    answer_id: str = "",
    happened_at: dt.datetime | None = None,
) -> ContactMoment:
    """Customer service logs a phone, desk or other contact, naming the repair problem or the answer it was
    about as the live rules know them; casework keeps it and journals `contact_logged`."""
    if not selectors.may_handle_callbacks(by):
        raise PermissionDenied(_("Only customer service logs contacts here."))
    topic = ContactTopic(topic)
    problem_id, answer_id, versions = _subject_ids(topic, problem_id, answer_id)
    return casework_services.contact_log(
        tenancy=tenancy,
        by=by,
        channel=channel,
        direction=direction,
        succeeded=succeeded,
        topic=topic,
        summary=summary,
        happened_at=happened_at,
        problem_id=problem_id,
        answer_id=answer_id,
        rule_versions=versions,
    )


__all__ = [
    "VISITOR",
    "CallbackHandled",
    "CallbackRefused",
    "UnknownAnswer",
    "answer_feedback_record",
    "answer_ref",
    "answer_search_record",
    "answer_viewed",
    "callback_handle",
    "callback_request_create",
    "contact_register",
]
