"""The social manager stops a letter that is not printed yet, from the case page."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from roer.accounts.constants import Role
from roer.arrears import letters as letter_rules
from roer.arrears.constants import LetterKind, Route
from roer.arrears.selectors import letters_to_post, tenancy_files
from roer.arrears.services.letters import LetterFacts, letters_send, print_batch_build, recipients_for
from roer.arrears.tests.factories import EpisodeFactory, media, tenancy_with_ledger
from roer.casework.tests.factories import CaseFactory
from roer.core.models import Hold
from roer.core.rules import live_version

__all__ = ["media"]

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media")]

DAY = dt.date(2026, 10, 12)


@pytest.fixture
def case_with_letter():
    tenancy = tenancy_with_ledger(start=dt.date(2025, 1, 1), until=dt.date(2026, 10, 1), email="")
    file = tenancy_files(ids=[tenancy.pk], day=DAY, grace_days=5)[tenancy.pk]
    (letter,) = letters_send(
        tenancy=tenancy,
        episode=EpisodeFactory(tenancy=tenancy),
        kind=LetterKind.REMINDER,
        route=Route.AUTOMATED,
        letter_date=DAY,
        recipients=recipients_for(tenancy=tenancy, parties=file.parties, day=DAY),
        facts=LetterFacts(arrears=Decimal("750.00")),
        version=live_version(letter_rules.KEY),
    )
    return CaseFactory(tenancy=tenancy), letter


def stop_url(case, letter) -> str:
    return reverse("console:case_letter_stop", args=[case.pk, letter.pk])


def test_the_social_manager_stops_a_pending_letter(client, social_manager, case_with_letter):
    case, letter = case_with_letter
    page = client.get(reverse("console:case_detail", args=[case.pk]))
    assert page.status_code == 200
    assert stop_url(case, letter) in page.content.decode()
    response = client.post(stop_url(case, letter), {f"letter-{letter.pk}-reason": "Alles is betaald."})
    assert response.status_code == 302
    assert (
        Hold.objects.get(subject_kind="arrears.letter", subject_id=str(letter.pk)).reason
        == "Alles is betaald."
    )
    assert letters_to_post(DAY) == []
    page = client.get(reverse("console:case_detail", args=[case.pk])).content.decode()
    assert stop_url(case, letter) not in page


def test_a_printed_letter_is_refused_with_a_clear_message(client, social_manager, case_with_letter):
    case, letter = case_with_letter
    print_batch_build(day=DAY)
    response = client.post(stop_url(case, letter), {f"letter-{letter.pk}-reason": "Alles is betaald."})
    assert response.status_code == 200  # the case page again, saying why (as every case action does)
    assert "it has gone to the post and cannot be stopped" in response.content.decode()
    assert not Hold.objects.exists()


def test_a_letter_of_another_tenancy_is_not_found(client, social_manager, case_with_letter):
    _case, letter = case_with_letter
    other = CaseFactory()
    response = client.post(stop_url(other, letter), {f"letter-{letter.pk}-reason": "x"})
    assert response.status_code == 404
    assert not Hold.objects.exists()


def test_the_collections_officer_cannot_stop_a_letter(client, as_role, case_with_letter):
    as_role(Role.COLLECTIONS_OFFICER)
    case, letter = case_with_letter
    assert client.post(stop_url(case, letter), {f"letter-{letter.pk}-reason": "x"}).status_code == 403
    assert not Hold.objects.exists()
