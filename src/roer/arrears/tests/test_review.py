"""A person's decisions on an arrears episode: approve or put off the final notice, waive costs, refer to
debt help."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import PermissionDenied

from roer.accounts.constants import Role
from roer.accounts.tests.factories import UserFactory
from roer.arrears.models import Episode
from roer.arrears.services.review import (
    ReviewError,
    case_debt_help_refer,
    episode_costs_waive,
    episode_final_notice_approve,
    episode_final_notice_postpone,
)
from roer.casework.tests.factories import CaseFactory
from roer.core import helm
from roer.core.models import Hold, JournalEvent
from roer.tenancies.tests.factories import TenancyFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("in_english")]

NOW = dt.datetime(2026, 10, 20, 10, 0, tzinfo=zoneinfo.ZoneInfo("Europe/Amsterdam"))


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def officer():
    return UserFactory(roles=[Role.COLLECTIONS_OFFICER])


@pytest.fixture
def social_manager():
    return UserFactory(roles=[Role.SOCIAL_MANAGER])


@pytest.fixture
def episode():
    return Episode.objects.create(tenancy=TenancyFactory(), opened_on=dt.date(2026, 7, 2))


def test_an_officer_approves_the_final_notice_once(episode, officer):
    episode_final_notice_approve(episode=episode, by=officer)
    episode.refresh_from_db()
    assert (episode.final_notice_approved_on, episode.final_notice_approved_by) == (
        dt.date(2026, 10, 20),
        officer,
    )
    episode_final_notice_approve(episode=episode, by=officer)
    event = JournalEvent.objects.get(activity="final_notice_approved")
    assert event.facts == {"on": "2026-10-20"}


def test_only_an_officer_approves(episode, social_manager):
    with pytest.raises(PermissionDenied):
        episode_final_notice_approve(episode=episode, by=social_manager)


def test_no_approval_after_the_notice_or_for_a_closed_episode(officer):
    sent = Episode.objects.create(
        tenancy=TenancyFactory(), opened_on=dt.date(2026, 7, 2), final_notice_sent_on=dt.date(2026, 10, 1)
    )
    with pytest.raises(ReviewError, match="already been sent"):
        episode_final_notice_approve(episode=sent, by=officer)
    closed = Episode.objects.create(
        tenancy=TenancyFactory(), opened_on=dt.date(2026, 7, 2), closed_on=dt.date(2026, 10, 3)
    )
    with pytest.raises(ReviewError, match="closed"):
        episode_final_notice_approve(episode=closed, by=officer)


def test_not_now_places_a_hold_with_the_reason_off_the_journal(episode, officer):
    hold = episode_final_notice_postpone(episode=episode, by=officer, weeks=3, reason="Wacht op schuldhulp")
    assert hold.reason == "Wacht op schuldhulp"
    assert hold.until == NOW.astimezone(dt.UTC) + dt.timedelta(weeks=3)
    assert any(h.active_at(NOW) for h in helm.holds_on(episode.tenancy))
    event = JournalEvent.objects.get(activity="final_notice_postponed")
    assert "Wacht" not in str(event.facts)


@pytest.mark.parametrize(("weeks", "reason"), [(0, "x"), (27, "x"), (4, " ")])
def test_not_now_needs_a_sensible_period_and_a_reason(episode, officer, weeks, reason):
    with pytest.raises(ReviewError):
        episode_final_notice_postpone(episode=episode, by=officer, weeks=weeks, reason=reason)
    assert not Hold.objects.exists()


def test_waiving_costs(episode, social_manager):
    episode_costs_waive(episode=episode, by=social_manager)
    episode.refresh_from_db()
    assert (episode.costs_waived_on, episode.costs_waived_by) == (dt.date(2026, 10, 20), social_manager)
    assert JournalEvent.objects.filter(activity="collection_costs_waived").count() == 1
    episode_costs_waive(episode=episode, by=social_manager)  # once is enough
    assert JournalEvent.objects.filter(activity="collection_costs_waived").count() == 1


def test_costs_already_charged_are_not_waived_here(social_manager):
    charged = Episode.objects.create(
        tenancy=TenancyFactory(),
        opened_on=dt.date(2026, 7, 2),
        costs_charged_on=dt.date(2026, 10, 1),
        final_notice_costs=Decimal("40.00"),
    )
    with pytest.raises(ReviewError, match="already been charged"):
        episode_costs_waive(episode=charged, by=social_manager)


def test_customer_service_does_not_waive(episode):
    with pytest.raises(PermissionDenied):
        episode_costs_waive(episode=episode, by=UserFactory(roles=[Role.CUSTOMER_SERVICE]))


def test_a_debt_help_referral_is_also_the_early_warning_step(episode, social_manager):
    case = CaseFactory(tenancy=episode.tenancy)
    case_debt_help_refer(case=case, by=social_manager)
    case.refresh_from_db()
    episode.refresh_from_db()
    assert case.referred_to_debt_help_at == NOW
    assert episode.debt_help_pointed_on == dt.date(2026, 10, 20)


def test_a_referral_without_arrears_only_marks_the_case(social_manager):
    case = CaseFactory()
    case_debt_help_refer(case=case, by=social_manager)
    case.refresh_from_db()
    assert case.referred_to_debt_help_at == NOW
    assert not Episode.objects.exists()
