"""A person stops a posted letter before it is printed: it never goes into a print batch."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from roer.accounts.constants import Role
from roer.accounts.tests.factories import UserFactory
from roer.arrears import letters as letter_rules
from roer.arrears.constants import LetterKind, Route
from roer.arrears.selectors import letters_pending, letters_to_post, tenancy_files
from roer.arrears.services.letters import (
    LetterFacts,
    LetterStopRefused,
    letter_stop,
    letters_send,
    print_batch_build,
    recipients_for,
)
from roer.arrears.tests.factories import EpisodeFactory, media, tenancy_with_ledger
from roer.core import journal
from roer.core.models import Hold, JournalEvent
from roer.core.rules import live_version

__all__ = ["media"]

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media", "in_english")]

DAY = dt.date(2026, 10, 12)
REASON = "De huurder heeft vandaag alles betaald; de brief is niet meer nodig."


def _send(tenancy):
    file = tenancy_files(ids=[tenancy.pk], day=DAY, grace_days=5)[tenancy.pk]
    return letters_send(
        tenancy=tenancy,
        episode=EpisodeFactory(tenancy=tenancy),
        kind=LetterKind.REMINDER,
        route=Route.AUTOMATED,
        letter_date=DAY,
        recipients=recipients_for(tenancy=tenancy, parties=file.parties, day=DAY),
        facts=LetterFacts(arrears=Decimal("750.00")),
        version=live_version(letter_rules.KEY),
    )


@pytest.fixture
def manager():
    return UserFactory(roles=[Role.SOCIAL_MANAGER])


@pytest.fixture
def posted():
    """Two tenancies' reminders by post, not printed yet."""
    first = tenancy_with_ledger(start=dt.date(2025, 1, 1), until=dt.date(2026, 10, 1), email="")
    second = tenancy_with_ledger(start=dt.date(2025, 1, 1), until=dt.date(2026, 10, 1), email="")
    return _send(first)[0], _send(second)[0]


def test_a_stopped_letter_is_never_printed(posted, manager):
    stopped, kept = posted
    assert letters_pending(stopped.tenancy_id) == [stopped]
    hold = letter_stop(letter=stopped, by=manager, reason=REASON)
    assert hold.reason == REASON and hold.until is None
    assert letters_pending(stopped.tenancy_id) == []
    assert letters_to_post(DAY) == [kept]
    batch = print_batch_build(day=DAY)
    assert batch is not None and list(batch.letters.all()) == [kept]
    stopped.refresh_from_db()
    assert stopped.print_batch is None
    event = JournalEvent.objects.get(activity="letter_stopped")
    assert event.actor_kind == "staff" and event.facts["kind"] == LetterKind.REMINDER
    assert {"tenancies.tenancy", "arrears.letter"} <= {s.kind for s in event.subjects.all()}
    assert "letter_stopped" in [e.activity for e in journal.events_for(stopped.tenancy)]
    assert not JournalEvent.objects.filter(facts__icontains="betaald").exists()  # the reason stays off


def test_a_printed_letter_cannot_be_stopped(posted, manager):
    letter = posted[0]
    print_batch_build(day=DAY)
    letter.refresh_from_db()
    with pytest.raises(LetterStopRefused, match="print batch"):
        letter_stop(letter=letter, by=manager, reason=REASON)
    assert not Hold.objects.exists()
    assert not JournalEvent.objects.filter(activity="letter_stopped").exists()


def test_an_emailed_letter_cannot_be_stopped(manager):
    tenancy = tenancy_with_ledger(start=dt.date(2025, 1, 1), until=dt.date(2026, 10, 1))
    (letter,) = _send(tenancy)
    assert letter.channel == "EMA"
    assert letters_pending(tenancy.pk) == []
    with pytest.raises(LetterStopRefused, match="e-mailed"):
        letter_stop(letter=letter, by=manager, reason=REASON)


def test_a_stop_needs_a_reason_and_happens_once(posted, manager):
    letter = posted[0]
    with pytest.raises(LetterStopRefused):
        letter_stop(letter=letter, by=manager, reason="  ")
    letter_stop(letter=letter, by=manager, reason=REASON)
    with pytest.raises(LetterStopRefused, match="already"):
        letter_stop(letter=letter, by=manager, reason=REASON)
    assert Hold.objects.count() == 1
