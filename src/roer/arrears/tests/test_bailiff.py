"""Bailiff: Roer only proposes, never while early-warning steps are missing or a social case is open; only a
collections officer decides, with a reason."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied

from roer.accounts.constants import Role
from roer.accounts.tests.factories import UserFactory
from roer.arrears.constants import BailiffProposalStatus
from roer.arrears.models import BailiffProposal, Episode
from roer.arrears.selectors_arrangements import bailiff_proposals_pending
from roer.arrears.services.bailiff import (
    BailiffProposalRefused,
    bailiff_proposal_create,
    bailiff_proposal_decide,
)
from roer.casework.tests.factories import CaseFactory
from roer.core.models import JournalEvent
from roer.tenancies.models import DebtMeasure
from roer.tenancies.tests.factories import TenancyFactory

ON = dt.date(2026, 3, 20)
ARREARS = Decimal("1400.00")


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def officer(db):
    return UserFactory(roles=[Role.COLLECTIONS_OFFICER])


def episode(**dates):
    steps = {
        "contact_attempted_on": dt.date(2026, 1, 25),
        "debt_help_pointed_on": dt.date(2026, 1, 25),
        "early_warning_offered_on": dt.date(2026, 1, 12),
    }
    return Episode.objects.create(
        tenancy=TenancyFactory(), opened_on=dt.date(2026, 1, 10), **{**steps, **dates}
    )


def test_proposed_when_the_steps_were_taken(db):
    proposal = bailiff_proposal_create(episode=episode(), on=ON, arrears=ARREARS)
    assert proposal.status == BailiffProposalStatus.PROPOSED
    assert JournalEvent.objects.get(activity="bailiff_proposed").facts == {
        "on": "2026-03-20",
        "arrears": "1400.00",
    }
    # Once per episode: the nightly run may ask again.
    assert bailiff_proposal_create(episode=proposal.episode, on=ON, arrears=ARREARS) == proposal
    assert [row.proposal_id for row in bailiff_proposals_pending(today=ON)] == [proposal.pk]


@pytest.mark.parametrize(
    "missing", ["contact_attempted_on", "debt_help_pointed_on", "early_warning_offered_on"]
)
def test_refused_while_an_early_warning_step_is_missing(db, missing):
    with pytest.raises(BailiffProposalRefused) as refused:
        bailiff_proposal_create(episode=episode(**{missing: None}), on=ON, arrears=ARREARS)
    assert len(refused.value.reasons) == 2
    assert not BailiffProposal.objects.exists()
    assert JournalEvent.objects.filter(activity="bailiff_proposal_refused").count() == 1


def test_refused_while_a_social_case_is_open(db):
    open_episode = episode()
    CaseFactory(tenancy=open_episode.tenancy)
    with pytest.raises(BailiffProposalRefused, match="sociaal beheerder"):
        bailiff_proposal_create(episode=open_episode, on=ON, arrears=ARREARS)
    assert not BailiffProposal.objects.exists()


def test_refused_while_a_debt_measure_applies(db):
    measured = episode()
    DebtMeasure.objects.create(tenancy=measured.tenancy, kind="wsnp", starts_on=dt.date(2026, 3, 1))
    with pytest.raises(BailiffProposalRefused):
        bailiff_proposal_create(episode=measured, on=ON, arrears=ARREARS)


def test_only_a_collections_officer_decides_and_gives_a_reason(db, officer):
    proposal = bailiff_proposal_create(episode=episode(), on=ON, arrears=ARREARS)
    with pytest.raises(PermissionDenied):
        bailiff_proposal_decide(
            proposal=proposal, by=UserFactory(roles=[Role.SOCIAL_MANAGER]), approve=True, reason="ok"
        )
    with pytest.raises(ValueError):
        bailiff_proposal_decide(proposal=proposal, by=officer, approve=True, reason="  ")
    decided = bailiff_proposal_decide(proposal=proposal, by=officer, approve=False, reason="Eerst huisbezoek")
    assert decided.status == BailiffProposalStatus.REJECTED
    assert decided.decided_by == officer
    assert decided.decision_reason == "Eerst huisbezoek"
    event = JournalEvent.objects.get(activity="bailiff_proposal_decided")
    assert event.facts == {"approved": False, "status": "rejected", "arrears": "1400.00"}
    assert event.actor_id == officer.pk
    assert bailiff_proposals_pending(today=ON) == []
    with pytest.raises(ValueError):
        bailiff_proposal_decide(proposal=proposal, by=officer, approve=True, reason="toch wel")


def test_approval_refused_when_a_case_opened_meanwhile(db, officer):
    proposal = bailiff_proposal_create(episode=episode(), on=ON, arrears=ARREARS)
    CaseFactory(tenancy=proposal.tenancy)
    assert bailiff_proposals_pending(today=ON)[0].open_case is True
    with pytest.raises(BailiffProposalRefused):
        bailiff_proposal_decide(proposal=proposal, by=officer, approve=True, reason="Geen reactie")
    proposal.refresh_from_db()
    assert proposal.status == BailiffProposalStatus.PROPOSED


def test_approved_by_an_officer(db, officer):
    proposal = bailiff_proposal_create(episode=episode(), on=ON, arrears=ARREARS)
    approved = bailiff_proposal_decide(
        proposal=proposal, by=officer, approve=True, reason="Geen reactie op drie brieven"
    )
    assert approved.status == BailiffProposalStatus.APPROVED
