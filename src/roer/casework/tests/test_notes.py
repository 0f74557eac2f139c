import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

from roer.casework import selectors, services
from roer.casework.constants import NoteCategory, NoteReadPurpose
from roer.core.models import JournalEvent

from .factories import CaseFactory, CaseNoteFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def case_with_notes(social_manager):
    case = CaseFactory()
    general = CaseNoteFactory(case=case, author=social_manager)
    health = CaseNoteFactory(case=case, author=social_manager, health=True)
    family = CaseNoteFactory(case=case, author=social_manager, family=True)
    CaseNoteFactory(author=social_manager, health=True)  # another case
    return case, general, health, family


def read_events():
    return list(JournalEvent.objects.filter(activity="casework_notes_read"))


def test_a_social_manager_reads_every_note_and_the_read_is_journaled(social_manager, case_with_notes):
    case, general, health, family = case_with_notes
    case = selectors.get_case_for_user(social_manager, case.pk)

    notes = selectors.notes_for_user(user=social_manager, case=case, purpose=NoteReadPurpose.CASE_WORK)

    assert notes == [general, health, family]
    (event,) = read_events()
    assert event.actor_kind == "staff"
    assert event.actor_id == social_manager.pk
    assert event.facts == {
        "case_id": case.pk,
        "categories": ["family", "general", "health"],
        "count": 3,
        "protected": 2,
        "purpose": "case_work",
    }
    assert {(s.kind, s.subject_id) for s in event.subjects.all()} == {
        ("tenancies.tenancy", str(case.tenancy_id)),
        ("casework.case", str(case.pk)),
    }
    assert health.text not in str(event.facts)


def test_every_read_is_journaled_not_only_the_first(social_manager, case_with_notes):
    case = case_with_notes[0]
    selectors.notes_for_user(user=social_manager, case=case, purpose="case_work")
    selectors.notes_for_user(user=social_manager, case=case, purpose="contact_preparation")
    assert [e.facts["purpose"] for e in read_events()] == ["case_work", "contact_preparation"]


def test_a_collections_officer_reads_general_notes_only_and_the_read_is_journaled(
    collections_officer, case_with_notes
):
    case, general, _health, _family = case_with_notes
    case = selectors.get_case_for_user(collections_officer, case.pk)

    notes = selectors.notes_for_user(user=collections_officer, case=case, purpose=NoteReadPurpose.REVIEW)

    assert notes == [general]
    (event,) = read_events()
    assert (event.actor_id, event.facts["categories"], event.facts["protected"]) == (
        collections_officer.pk,
        ["general"],
        0,
    )
    assert event.facts["purpose"] == "review"


def test_reading_only_general_notes_is_journaled_too(social_manager):
    note = CaseNoteFactory(author=social_manager)
    assert selectors.notes_for_user(user=social_manager, case=note.case, purpose="case_work") == [note]
    assert [e.facts["count"] for e in read_events()] == [1]


def test_a_case_without_notes_shows_nothing_and_journals_nothing(social_manager):
    assert selectors.notes_for_user(user=social_manager, case=CaseFactory(), purpose="case_work") == []
    assert read_events() == []


def test_customer_service_does_not_see_the_case(customer_service, case_with_notes):
    case = case_with_notes[0]
    with pytest.raises(Http404):
        selectors.get_case_for_user(customer_service, case.pk)
    with pytest.raises(Http404):
        selectors.notes_for_user(user=customer_service, case=case, purpose="case_work")
    assert read_events() == []


def test_nobody_signed_out_or_deactivated_sees_a_case(social_manager, case_with_notes):
    from django.contrib.auth.models import AnonymousUser

    case = case_with_notes[0]
    with pytest.raises(Http404):
        selectors.get_case_for_user(AnonymousUser(), case.pk)
    social_manager.is_active = False
    with pytest.raises(Http404):
        selectors.get_case_for_user(social_manager, case.pk)


def test_an_unknown_case_is_404(social_manager):
    with pytest.raises(Http404):
        selectors.get_case_for_user(social_manager, 999_999)


def test_a_read_needs_a_known_purpose(social_manager, case_with_notes):
    with pytest.raises(ValueError):
        selectors.notes_for_user(user=social_manager, case=case_with_notes[0], purpose="curiosity")
    assert read_events() == []


def test_a_social_manager_adds_a_health_note(social_manager):
    case = CaseFactory()

    note = services.note_add(
        case=case, by=social_manager, category=NoteCategory.HEALTH, text="  Ligt in het ziekenhuis. "
    )

    assert note.text == "Ligt in het ziekenhuis."
    event = JournalEvent.objects.get(activity="case_note_added")
    assert event.facts == {"category": "health"}


def test_only_social_managers_write_protected_notes(collections_officer):
    case = CaseFactory()
    with pytest.raises(PermissionDenied):
        services.note_add(case=case, by=collections_officer, category="family", text="Scheiding")
    general = services.note_add(case=case, by=collections_officer, category="general", text="Beoordeeld")
    assert general.category == NoteCategory.GENERAL


def test_an_empty_note_is_refused(social_manager):
    with pytest.raises(ValueError):
        services.note_add(case=CaseFactory(), by=social_manager, category="general", text="   ")
