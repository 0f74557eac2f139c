"""The replay page for the collections policy and the letter texts: money in euros, text diffs, legal gaps."""

from __future__ import annotations

import copy
import datetime as dt
from typing import Any

import pytest
from django.urls import reverse

from roer.accounts.constants import Role
from roer.accounts.tests.factories import UserFactory
from roer.arrears import letters as letter_rules
from roer.arrears import policy as policy_rules
from roer.arrears.services.run import collections_run
from roer.arrears.tests.factories import media, tenancy_with_ledger
from roer.casework.services import contact_log
from roer.core import rules
from roer.core.dates import AMSTERDAM

__all__ = ["media"]

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("in_english", "media")]

OCTOBER = dt.date(2026, 10, 1)
PERIOD = {"first": "2026-10-01", "last": "2026-10-31"}


@pytest.fixture
def supervisor(as_role):
    return as_role(Role.PROCESS_SUPERVISOR)


def _draft(key: str, change) -> Any:
    document = copy.deepcopy(rules.live_version(key).document)
    change(document)
    return rules.rule_version_draft(key=key, document=document, note="test")


def _final_notice_on_the_12th():
    tenancy = tenancy_with_ledger(
        start=dt.date(2025, 1, 1), until=OCTOBER, unpaid=[dt.date(2026, 9, 1), OCTOBER], email=""
    )
    collections_run(run_date=dt.date(2026, 10, 8))
    contact_log(
        tenancy=tenancy,
        by=UserFactory(roles=[Role.SOCIAL_MANAGER]),
        channel="TEL",
        direction="UIT",
        succeeded=False,
        topic="arrears",
        summary="Geen gehoor",
        happened_at=dt.datetime.combine(dt.date(2026, 10, 8), dt.time(10), tzinfo=AMSTERDAM),
    )
    collections_run(run_date=dt.date(2026, 10, 9))
    tenancy.arrears_episodes.update(
        final_notice_approved_on=dt.date(2026, 10, 9), final_notice_approved_by=UserFactory()
    )
    collections_run(run_date=dt.date(2026, 10, 12))
    return tenancy


def test_the_policy_replay_shows_the_costs_difference_in_euros(client, supervisor):
    tenancy = _final_notice_on_the_12th()

    def with_vat(document: dict[str, Any]) -> None:
        document["vat_on_costs"] = True

    draft = _draft(policy_rules.KEY, with_vat)
    url = reverse("console:helm_replay", args=[policy_rules.KEY, draft.number])
    response = client.get(url, PERIOD)
    page = response.content.decode()

    assert response.status_code == 200
    assert "Decisions replayed" in page
    assert "Each day is replayed on its own" in page
    assert '<dd data-count="changed">1</dd>' in page
    assert '<dd data-money="before">€ 225,00</dd>' in page
    assert '<dd data-money="after">€ 272,25</dd>' in page
    assert '<dd data-money="difference">€ 47,25</dd>' in page
    assert "<td>€ 47,25</td>" in page  # the change's own difference
    assert tenancy.reference in page
    assert 'class="helm-chart-bar"' in page


def test_the_letters_replay_shows_the_diff_and_the_missing_objection_day(client, supervisor):
    loyal = tenancy_with_ledger(start=dt.date(1996, 1, 1), until=OCTOBER, unpaid=[OCTOBER])
    collections_run(run_date=dt.date(2026, 10, 9))

    def no_offer(document: dict[str, Any]) -> None:
        message = document["routes"]["human_contact"]["letters"]["personal_message"]
        message["body"] = message["body"].split("Liever niet?")[0] + "Met vriendelijke groet,\n{sender}"

    draft = _draft(letter_rules.KEY, no_offer)
    response = client.get(reverse("console:helm_replay", args=[letter_rules.KEY, draft.number]), PERIOD)
    page = response.content.decode()

    assert response.status_code == 200
    assert "Letters replayed" in page
    assert '<dd data-count="changed">1</dd>' in page
    assert "This version lacks parts the law requires:" in page
    assert "Personal message — A person makes contact does not state {objection_deadline}" in page
    assert "What changes in the text" in page
    assert "-Liever niet?" in page
    assert loyal.reference in page
    assert "data-money" not in page
