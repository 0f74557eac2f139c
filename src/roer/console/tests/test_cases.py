"""The social manager's queue and case page, end to end through HTTP."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from roer.accounts.constants import Role
from roer.arrears.constants import ArrangementStatus
from roer.arrears.models import Arrangement, Episode
from roer.arrears.tests.builders import ledger, payment, returned
from roer.arrears.tests.factories import book
from roer.casework.constants import CaseOutcome, CaseStatus, NoteCategory
from roer.casework.models import Case, CaseNote, ContactMoment
from roer.casework.tests.factories import CaseFactory, CaseNoteFactory, ContactMomentFactory
from roer.core.models import Hold, JournalEvent
from roer.tenancies.constants import MembershipEnd, PartyRole
from roer.tenancies.tests.factories import (
    DwellingFactory,
    HouseholdMemberFactory,
    PersonFactory,
    TenancyFactory,
    TenancyPartyFactory,
)

from .conftest import make_user, sign_in

pytestmark = pytest.mark.django_db

AMS = zoneinfo.ZoneInfo("Europe/Amsterdam")
NOW = dt.datetime(2026, 10, 20, 10, 0, tzinfo=AMS)
QUEUE = reverse("console:case_queue")


@pytest.fixture(autouse=True)
def frozen_time():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def household_case():
    """Thirty-one years a tenant, a ledger from 2014, a partner who died in August, a returned debit (MD07)
    and September and October unpaid."""
    tenancy = TenancyFactory(
        reference="HO-0042",
        start_date=dt.date(1995, 5, 1),
        tenant=None,
        dwelling=DwellingFactory(street="Kanaalweg", house_number="12a", postcode="3526 KL", city="Utrecht"),
        administrator_name="Bewindvoering Noord",
        administrator_address="Postbus 12, 3500 AA Utrecht",
    )
    TenancyPartyFactory(
        tenancy=tenancy,
        person=PersonFactory(name="Gerrit Smit", phone="030 123 45 67", email="gerrit@example.nl"),
        role=PartyRole.TENANT,
    )
    partner = PersonFactory(name="Ans Smit", died_on=dt.date(2026, 8, 14))
    TenancyPartyFactory(tenancy=tenancy, person=partner, role=PartyRole.CO_TENANT)
    HouseholdMemberFactory(
        tenancy=tenancy,
        person=partner,
        moved_in=dt.date(1995, 5, 1),
        moved_out=dt.date(2026, 8, 14),
        end_reason=MembershipEnd.DECEASED,
    )
    book(
        tenancy,
        ledger(
            dt.date(2014, 1, 1),
            dt.date(2026, 10, 1),
            unpaid=[dt.date(2026, 9, 1), dt.date(2026, 10, 1)],
            special={
                dt.date(2026, 8, 1): [
                    payment(dt.date(2026, 8, 3), method="direct_debit"),
                    returned(dt.date(2026, 8, 5), "MD07"),
                ]
            },
        ),
    )
    Episode.objects.create(tenancy=tenancy, opened_on=dt.date(2026, 8, 1))
    case = CaseFactory(
        tenancy=tenancy,
        priority=90,
        reasons=["Eerste achterstand in 31 jaar", "Partner overleden in augustus"],
        opened_at=NOW - dt.timedelta(days=6),
    )
    ContactMomentFactory(tenancy=tenancy, case=case, happened_at=NOW - dt.timedelta(days=2), attempt=True)
    return case


def case_url(case: Case, action: str = "") -> str:
    if not action:
        return reverse("console:case_detail", args=[case.pk])
    return reverse(f"console:case_{action}", args=[case.pk])


def messages_of(response) -> list[str]:
    return [str(m) for m in response.context["messages"]] if response.context else []


# --- the queue -------------------------------------------------------------------------------------


def test_the_queue_shows_the_most_urgent_first_with_reasons_and_last_contact(client, social_manager):
    low = CaseFactory(priority=20, reasons=["Kleine achterstand"], opened_at=NOW - dt.timedelta(days=3))
    high = CaseFactory(
        priority=80, reasons=["Eerste achterstand in 30 jaar"], opened_at=NOW - dt.timedelta(days=9)
    )
    ContactMomentFactory(tenancy=high.tenancy, happened_at=NOW - dt.timedelta(days=1))
    CaseFactory(priority=100, closed=True, reasons=["Gesloten zaak"])

    response = client.get(QUEUE)

    assert response.status_code == 200
    html = response.content.decode()
    assert html.index(high.tenancy.reference) < html.index(low.tenancy.reference)
    assert "Eerste achterstand in 30 jaar" in html
    assert "Gesloten zaak" not in html
    rows = response.context["rows"]
    assert [r.days_open for r in rows] == [9, 3]
    assert rows[0].last_contact_at is not None and rows[1].last_contact_at is None


def test_the_queue_filters_mine_and_unassigned(client, social_manager):
    mine = CaseFactory(assigned_to=social_manager)
    theirs = CaseFactory(assigned=True)
    nobodys = CaseFactory()

    def ids(show):
        return {r.case_id for r in client.get(QUEUE, {"show": show}).context["rows"]}

    assert ids("mine") == {mine.pk}
    assert ids("unassigned") == {nobodys.pk}
    assert ids("all") == {mine.pk, theirs.pk, nobodys.pk}
    assert ids("nonsense") == {mine.pk, theirs.pk, nobodys.pk}


def test_a_social_manager_takes_a_case(client, social_manager):
    case = CaseFactory()
    response = client.post(case_url(case, "take"), {"next": QUEUE + "?show=unassigned"}, follow=True)
    assert response.redirect_chain[-1][0] == QUEUE + "?show=unassigned"
    case.refresh_from_db()
    assert case.assigned_to == social_manager
    assert any("You took case" in m for m in messages_of(response))
    assert JournalEvent.objects.filter(activity="case_assigned").exists()


def test_taking_a_case_ignores_a_next_to_another_site(client, social_manager):
    case = CaseFactory()
    response = client.post(case_url(case, "take"), {"next": "https://evil.example/"})
    assert response["Location"] == QUEUE


def test_the_queue_reads_in_a_constant_number_of_queries(
    client, social_manager, django_assert_max_num_queries
):
    for _ in range(2):
        ContactMomentFactory(tenancy=CaseFactory(assigned=True).tenancy)
    with CaptureQueriesContext(connection) as two:
        assert client.get(QUEUE).status_code == 200
    for _ in range(38):
        ContactMomentFactory(tenancy=CaseFactory(assigned=True).tenancy)
    with django_assert_max_num_queries(len(two.captured_queries)):
        response = client.get(QUEUE)
    assert len(response.context["rows"]) == 40


def test_the_home_page_counts_the_queues(client, social_manager):
    CaseFactory(assigned_to=social_manager)
    CaseFactory()
    response = client.get(reverse("console:home"))
    counts = response.context["counts"]
    assert (counts.open_cases, counts.my_cases, counts.unassigned_cases) == (2, 1, 1)
    assert counts.unmatched_payments is None and counts.bailiff_proposals is None
    assert reverse("console:case_queue") in response.content.decode()
    assert reverse("console:unmatched") not in response.content.decode()


# --- the case page ---------------------------------------------------------------------------------


def test_the_case_page_shows_the_household_and_the_reasons(client, social_manager, household_case):
    html = client.get(case_url(household_case)).content.decode()
    for text in (
        "Gerrit Smit",
        "Ans Smit",
        "030 123 45 67",
        "gerrit@example.nl",
        "Bewindvoering Noord",
        "Kanaalweg 12a",
        "Partner overleden in augustus",
        "Tenant since 01-05-1995 (31 years)",
        "€ 2.250,00",  # August (returned), September and October unpaid
    ):
        assert text in html, text


def test_the_timeline_is_an_svg_chart_with_a_text_alternative(client, social_manager, household_case):
    response = client.get(case_url(household_case))
    html = response.content.decode()
    assert '<svg class="timeline"' in html
    assert 'role="img"' in html and 'aria-labelledby="timeline-title timeline-desc"' in html
    assert "Tenant since 1995" in html  # the tenancy's start although the ledger starts in 2014
    assert "before the ledger" in html
    assert 'x="150,0"' not in html  # coordinates are never localised
    assert "The ledger starts in 2013; the tenancy began in 1995" in html
    chart = response.context["chart"]
    kinds = {m.kind for m in chart.markers}
    assert {"payment", "return", "contact", "household"} <= kinds
    (md07,) = [m for m in chart.markers if m.kind == "return"]
    assert md07.code == "MD07"
    (contact,) = [m for m in chart.markers if m.kind == "contact"]
    assert contact.hollow  # not reached
    # The list below the chart: every event as text, newest first.
    events = response.context["timeline_events"]
    assert events[0].day >= events[-1].day
    assert events[-1].kind == "tenancy_start"
    assert "Debtor deceased" in html and "Died" in html


def test_a_collections_officer_reads_the_case_without_health_notes_or_actions(client, household_case):
    CaseNoteFactory(case=household_case, health=True, text="Opgenomen in het ziekenhuis.")
    CaseNoteFactory(case=household_case, text="Huisbezoek gepland.")
    sign_in(client, make_user(Role.COLLECTIONS_OFFICER))

    html = client.get(case_url(household_case)).content.decode()

    assert "Huisbezoek gepland." in html
    assert "ziekenhuis" not in html
    assert "Log a call or visit" not in html
    # The general note was read: journaled, with the purpose of a collections officer's read.
    event = JournalEvent.objects.get(activity="casework_notes_read")
    assert (event.facts["categories"], event.facts["purpose"]) == (["general"], "review")


def test_a_social_manager_sees_health_notes_and_the_read_is_journaled(client, social_manager, household_case):
    CaseNoteFactory(case=household_case, health=True, text="Opgenomen in het ziekenhuis.")
    html = client.get(case_url(household_case)).content.decode()
    assert "Opgenomen in het ziekenhuis." in html
    event = JournalEvent.objects.get(activity="casework_notes_read")
    assert event.facts["purpose"] == "case_work"
    assert event.actor_id == social_manager.pk


def test_free_text_is_escaped(client, social_manager, household_case):
    client.post(
        case_url(household_case, "note"),
        {"note-category": "general", "note-text": "<script>alert(1)</script>"},
    )
    html = client.get(case_url(household_case)).content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<script>alert(1)</script>" not in html


# --- the actions -----------------------------------------------------------------------------------


def test_logging_a_call(client, social_manager, household_case):
    response = client.post(
        case_url(household_case, "contact"),
        {
            "contact-channel": "TEL",
            "contact-direction": "UIT",
            "contact-succeeded": "yes",
            "contact-topic": "arrears",
            "contact-summary": "Gesproken met meneer Smit.",
        },
        follow=True,
    )
    assert response.redirect_chain[-1][0] == case_url(household_case)
    assert "The contact is logged." in messages_of(response)
    contact = ContactMoment.objects.get(summary="Gesproken met meneer Smit.")
    assert (contact.channel, contact.succeeded, contact.summary, contact.by, contact.case) == (
        "TEL",
        True,
        "Gesproken met meneer Smit.",
        social_manager,
        household_case,
    )


def test_a_contact_in_the_future_is_refused_and_the_input_kept(client, social_manager, household_case):
    response = client.post(
        case_url(household_case, "contact"),
        {
            "contact-channel": "BEZ",
            "contact-direction": "UIT",
            "contact-succeeded": "no",
            "contact-topic": "arrears",
            "contact-happened_at": "2026-12-01T10:00",
            "contact-summary": "Niemand thuis.",
        },
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "A contact cannot happen in the future." in html
    assert "Niemand thuis." in html
    assert "Nothing was saved" in html
    assert not ContactMoment.objects.filter(summary="Niemand thuis.").exists()


def test_offering_an_arrangement_then_approving_it(client, social_manager, household_case):
    response = client.post(
        case_url(household_case, "arrangement"),
        {"arrangement-count": "3", "arrangement-start_date": "2026-11-01"},
        follow=True,
    )
    assert "The arrangement is offered" in " ".join(messages_of(response))
    arrangement = Arrangement.objects.get(tenancy=household_case.tenancy)
    assert arrangement.status == ArrangementStatus.REQUESTED
    assert arrangement.proposed_by == social_manager
    assert arrangement.instalments.count() == 3

    response = client.post(
        reverse("console:arrangement_decision", args=[arrangement.pk]),
        {
            f"arrangement-{arrangement.pk}-decision": "approve",
            f"arrangement-{arrangement.pk}-next": case_url(household_case),
        },
        follow=True,
    )
    assert response.redirect_chain[-1][0] == case_url(household_case)
    arrangement.refresh_from_db()
    assert (arrangement.status, arrangement.decided_by) == (ArrangementStatus.ACTIVE, social_manager)


def test_an_arrangement_without_instalments_shows_the_error(client, social_manager, household_case):
    response = client.post(case_url(household_case, "arrangement"), {"arrangement-count": "0"})
    assert response.status_code == 200
    assert response.context["arrangement_form"].errors
    assert not Arrangement.objects.exists()


def test_waiving_the_costs(client, social_manager, household_case):
    response = client.post(case_url(household_case, "waive_costs"), follow=True)
    assert "The collection costs are waived for these arrears." in messages_of(response)
    episode = Episode.objects.get(tenancy=household_case.tenancy)
    assert (episode.costs_waived_on, episode.costs_waived_by) == (dt.date(2026, 10, 20), social_manager)


def test_waiving_without_arrears_says_why(client, social_manager):
    case = CaseFactory()
    response = client.post(case_url(case, "waive_costs"))
    assert "There are no open arrears, so there are no costs to waive." in response.content.decode()


def test_holding_the_automation(client, social_manager, household_case):
    response = client.post(
        case_url(household_case, "hold"), {"hold-weeks": "6", "hold-reason": "Rouwperiode"}, follow=True
    )
    assert "No automated step touches this tenancy for 6 weeks." in messages_of(response)
    hold = Hold.objects.get(subject_id=str(household_case.tenancy_id))
    assert hold.until == NOW.astimezone(dt.UTC) + dt.timedelta(weeks=6)
    assert "Rouwperiode" in response.content.decode()


def test_a_hold_too_long_is_refused_with_the_reason_kept(client, social_manager, household_case):
    response = client.post(
        case_url(household_case, "hold"), {"hold-weeks": "60", "hold-reason": "Rouwperiode"}
    )
    assert response.status_code == 200
    assert response.context["hold_form"].errors["weeks"]
    assert "Rouwperiode" in response.content.decode()
    assert not Hold.objects.exists()


def test_referring_to_debt_help_also_records_the_early_warning_step(client, social_manager, household_case):
    response = client.post(case_url(household_case, "debt_help"), follow=True)
    assert "The referral to debt help is recorded." in messages_of(response)
    household_case.refresh_from_db()
    assert household_case.referred_to_debt_help_at == NOW
    assert Episode.objects.get(tenancy=household_case.tenancy).debt_help_pointed_on == dt.date(2026, 10, 20)


def test_recording_an_objection_to_early_warning(client, social_manager, household_case):
    response = client.post(case_url(household_case, "objection"), {"objection-on": ""}, follow=True)
    assert any("objection is recorded" in m for m in messages_of(response))
    assert Episode.objects.get(tenancy=household_case.tenancy).early_warning_objected_on == dt.date(
        2026, 10, 20
    )


def test_adding_a_health_note(client, social_manager, household_case):
    response = client.post(
        case_url(household_case, "note"),
        {"note-category": "health", "note-text": "Herstelt van operatie."},
        follow=True,
    )
    assert "The note is added." in messages_of(response)
    note = CaseNote.objects.get(case=household_case)
    assert (note.category, note.author) == (NoteCategory.HEALTH, social_manager)


def test_an_empty_note_is_refused(client, social_manager, household_case):
    response = client.post(case_url(household_case, "note"), {"note-category": "general", "note-text": ""})
    assert response.context["note_form"].errors["text"]
    assert not CaseNote.objects.exists()


def test_closing_the_case(client, social_manager, household_case):
    response = client.post(
        case_url(household_case, "close"),
        {"close-outcome": "arrangement_made", "close-note": "Regeling loopt."},
        follow=True,
    )
    assert "The case is closed." in messages_of(response)
    household_case.refresh_from_db()
    assert (household_case.status, household_case.outcome, household_case.outcome_note) == (
        CaseStatus.CLOSED,
        CaseOutcome.ARRANGEMENT_MADE,
        "Regeling loopt.",
    )
    # A closed case: no more actions but the note; closing again says why.
    assert "Log a call or visit" not in response.content.decode()
    again = client.post(case_url(household_case, "close"), {"close-outcome": "paid"})
    assert "This case is closed." in again.content.decode()
