"""Reads of answers: the live answers (parsed once per rule version), the days and parts a callback may
be asked for, and the access helpers for callback requests."""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db.models import F, Q, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from roer.accounts.constants import Role
from roer.answers.book import Book
from roer.answers.constants import KEY, PART_HOURS, WAITING_STATUSES, CallbackPart
from roer.answers.models import CallbackRequest
from roer.casework.models import ContactMoment
from roer.core import rules
from roer.core.dates import AMSTERDAM, is_working_day
from roer.core.models import RuleVersion
from roer.tenancies.models import Tenancy

# Keyed by the version's id and creation time, as the repair wizard's tree: a stored version's document
# never changes, and the time guards against an id reused after a rolled-back transaction.
_BOOKS: dict[tuple[int, str], Book] = {}
_LOCK = threading.Lock()
_KEEP = 8

# Customer service answers the callbacks and logs phone and desk contacts; social managers call the same
# households and may do the same.
CALLBACK_STAFF_ROLES: tuple[Role, ...] = (Role.CUSTOMER_SERVICE, Role.SOCIAL_MANAGER)
TENANCY_SEARCH_LIMIT = 20


def live_answers() -> tuple[RuleVersion, Book]:
    """The published answers version and its parsed book; the parse is cached per version id."""
    version = rules.live_version(KEY)
    return version, book_of(version)


def book_of(version: RuleVersion) -> Book:
    key = (version.pk, version.created_at.isoformat())
    book = _BOOKS.get(key)
    if book is None:
        book = Book.from_document(version.document)
        with _LOCK:
            if len(_BOOKS) >= _KEEP:
                _BOOKS.clear()
            _BOOKS[key] = book
    return book


def answers_version(number: int | None) -> RuleVersion | None:
    """A version of the answers by its number (the one a page showed), or None."""
    if number is None:
        return None
    return RuleVersion.objects.select_related("rule_set").filter(rule_set__key=KEY, number=number).first()


# --- when a callback can be asked for ------------------------------------------------------------------


def part_window(day: dt.date, part: str) -> tuple[dt.datetime, dt.datetime]:
    """When a part of the day begins and ends, aware, in Amsterdam."""
    start, end = PART_HOURS[part]
    return (
        dt.datetime.combine(day, dt.time(start), tzinfo=AMSTERDAM),
        dt.datetime.combine(day, dt.time(end), tzinfo=AMSTERDAM),
    )


def callback_slots(book: Book, now: dt.datetime | None = None) -> list[tuple[dt.date, list[str]]]:
    """The working days a tenant may choose, each with the parts still ahead: today's parts that have not
    ended yet (an hour's margin), then the next working days, `days_ahead` of them in all."""
    now = now or timezone.now()
    local = timezone.localtime(now, AMSTERDAM)
    parts = [p for p in CallbackPart.values if p in book.callback["parts"]]
    days: list[tuple[dt.date, list[str]]] = []
    day = local.date()
    while len(days) < int(book.callback["days_ahead"]):
        if is_working_day(day):
            open_parts = [p for p in parts if part_window(day, p)[1] - dt.timedelta(hours=1) > local]
            if open_parts:
                days.append((day, open_parts))
        day += dt.timedelta(days=1)
    return days


# --- callback requests: access helpers -----------------------------------------------------------------


def _signed_in(user: Any) -> bool:
    return user is not None and bool(getattr(user, "is_authenticated", False)) and bool(user.is_active)


def may_handle_callbacks(user: Any) -> bool:
    return _signed_in(user) and user.has_role(*CALLBACK_STAFF_ROLES)


def callbacks_visible_to(user: Any) -> QuerySet[CallbackRequest]:
    """Staff who call back see all; a tenant sees those of tenancies they are a party to; else none."""
    callbacks = CallbackRequest.objects.all()
    if not _signed_in(user):
        return callbacks.none()
    if user.has_role(*CALLBACK_STAFF_ROLES):
        return callbacks
    if user.has_role(Role.TENANT):
        return callbacks.filter(tenancy__parties__person__user=user).distinct()
    return callbacks.none()


def get_callback_for_user(user: Any, callback_id: int) -> CallbackRequest:
    """The callback request if this user may see it; else Http404 (whether it exists or not)."""
    found = (
        callbacks_visible_to(user)
        .select_related("tenancy__dwelling", "handled_by", "user__person")
        .filter(pk=callback_id)
        .first()
    )
    if found is None:
        raise Http404(_("No such callback request."))
    return found


def waiting_callbacks_of(user: Any, tenancy: Tenancy) -> list[CallbackRequest]:
    """The tenancy's callbacks still waiting for a call, as this user may see them."""
    return list(
        callbacks_visible_to(user)
        .filter(tenancy=tenancy, status__in=WAITING_STATUSES)
        .order_by("preferred_day", "created_at")
    )


@dataclass(frozen=True)
class QueueRow:
    callback: CallbackRequest
    starts: dt.datetime
    ends: dt.datetime
    state: str  # "later", "due" (in the tenant's part of the day now) or "overdue" (past it)

    @property
    def due(self) -> bool:
        return self.state != "later"


def callback_queue(*, user: Any, now: dt.datetime | None = None) -> list[QueueRow]:
    """The callbacks still waiting, oldest request first, each marked later, due or overdue: one query."""
    if not may_handle_callbacks(user):
        raise Http404(_("Not found."))
    now = now or timezone.now()
    rows = []
    waiting = (
        CallbackRequest.objects.filter(status__in=WAITING_STATUSES)
        .select_related("tenancy__dwelling")
        .order_by("created_at", "id")
    )
    for callback in waiting:
        starts, ends = part_window(callback.preferred_day, callback.preferred_part)
        state = "later" if now < starts else ("due" if now < ends else "overdue")
        rows.append(QueueRow(callback, starts, ends, state))
    return rows


def waiting_callback_count(user: Any) -> int | None:
    """How many callbacks wait, for those who may handle them (None for everyone else)."""
    if not may_handle_callbacks(user):
        return None
    return CallbackRequest.objects.filter(status__in=WAITING_STATUSES).count()


# --- finding the tenancy of a contact --------------------------------------------------------------------


def _postcode_and_number(query: str) -> tuple[str, str] | None:
    """ "3512 PK 12a" -> ("3512PK", "12a"); None when the query is no postcode and house number."""
    parts = query.replace(",", " ").split()
    if not parts:
        return None
    joined = "".join(parts)
    head, rest = joined[:6], joined[6:]
    if len(head) == 6 and head[:4].isdigit() and head[4:].isalpha() and rest[:1].isdigit():
        return head.upper(), rest
    return None


def tenancies_for_contact(*, user: Any, query: str, limit: int = TENANCY_SEARCH_LIMIT) -> list[Tenancy]:
    """Tenancies by reference or by postcode and house number, for logging a contact; running ones first.

    Only for staff who log contacts; others get 404.
    """
    if not may_handle_callbacks(user):
        raise Http404(_("Not found."))
    query = " ".join(query.split())
    if len(query) < 2:
        return []
    condition = Q(reference__iexact=query) | Q(reference__istartswith=query)
    found = _postcode_and_number(query)
    if found is not None:
        postcode, number = found
        spaced = f"{postcode[:4]} {postcode[4:]}"
        condition |= (Q(dwelling__postcode__iexact=postcode) | Q(dwelling__postcode__iexact=spaced)) & Q(
            dwelling__house_number__iexact=number
        )
    return list(
        Tenancy.objects.filter(condition)
        .select_related("dwelling")
        .order_by(F("end_date").desc(nulls_first=True), "-start_date", "reference")[:limit]
    )


def get_tenancy_for_contact(user: Any, tenancy_id: int) -> Tenancy:
    if not may_handle_callbacks(user):
        raise Http404(_("Not found."))
    found = Tenancy.objects.select_related("dwelling").filter(pk=tenancy_id).first()
    if found is None:
        raise Http404(_("Not found."))
    return found


def recent_contacts_of(*, user: Any, tenancy: Tenancy, limit: int = 5) -> Sequence[ContactMoment]:
    """The tenancy's last contacts (for the person logging a new one: is this a repeat?)."""
    if not may_handle_callbacks(user):
        raise Http404(_("Not found."))
    contacts = ContactMoment.objects.filter(tenancy=tenancy).select_related("by")
    return list(contacts.order_by("-happened_at", "-id")[:limit])
