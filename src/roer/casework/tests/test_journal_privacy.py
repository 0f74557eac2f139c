"""Whatever a person writes stays on the casework rows: no journal event carries it."""

import datetime as dt
import json

import pytest

from roer.casework import selectors, services
from roer.casework.constants import CaseOutcome, NoteCategory
from roer.core.models import JournalEvent

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 3, 10, 9, 0, tzinfo=dt.UTC)

REASON = "Eerste achterstand in 31 jaar na overlijden partner"
SUMMARY = "Mevrouw Jansen huilde aan de telefoon"
HEALTH = "Diagnose borstkanker in januari"
FAMILY = "Zoon zit in detentie"
GENERAL = "Belt terug na gesprek met budgetcoach"
CLOSING = "Regeling met Plangroep getroffen"
HOLD = "Wacht op beslissing UWV over WW"


def test_no_journal_event_carries_personal_text(tenancy, social_manager, collections_officer):
    case = services.case_open(tenancy=tenancy, priority=75, reasons=[REASON], now=NOW)
    services.case_open(tenancy=tenancy, priority=80, reasons=[REASON, "Tweede signaal"], now=NOW)
    services.case_assign(case=case, to=social_manager, by=social_manager)
    services.contact_log(
        tenancy=tenancy,
        by=social_manager,
        channel="TEL",
        direction="UIT",
        succeeded=True,
        topic="arrears",
        summary=SUMMARY,
        happened_at=NOW + dt.timedelta(hours=2),
    )
    services.note_add(case=case, by=social_manager, category=NoteCategory.HEALTH, text=HEALTH)
    services.note_add(case=case, by=social_manager, category=NoteCategory.FAMILY, text=FAMILY)
    services.note_add(case=case, by=collections_officer, category=NoteCategory.GENERAL, text=GENERAL)
    selectors.notes_for_user(user=social_manager, case=case, purpose="case_work")
    selectors.notes_for_user(user=collections_officer, case=case, purpose="review")
    services.case_hold_automation(case=case, by=social_manager, weeks=6, reason=HOLD, now=NOW)
    services.case_refer_to_debt_help(case=case, by=social_manager)
    services.case_close(case=case, by=social_manager, outcome=CaseOutcome.ARRANGEMENT_MADE, note=CLOSING)

    events = list(JournalEvent.objects.all())
    assert {e.activity for e in events} >= {
        "case_opened",
        "case_signal_repeated",
        "case_assigned",
        "contact_logged",
        "case_note_added",
        "casework_notes_read",
        "hold_placed",
        "case_automation_held",
        "case_referred_to_debt_help",
        "case_closed",
    }
    everything = json.dumps([e.facts for e in events], ensure_ascii=False)
    for text in (REASON, "Tweede signaal", SUMMARY, HEALTH, FAMILY, GENERAL, CLOSING, HOLD):
        assert text not in everything
    # The words themselves, not just the sentences.
    for word in ("Jansen", "borstkanker", "detentie", "UWV", "Plangroep"):
        assert word not in everything
