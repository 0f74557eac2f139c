"""Bailiff hand-over: Roer only ever proposes; a collections officer approves or rejects, with a reason.

No proposal while the early-warning steps (Besluit gemeentelijke schuldhulpverlening art. 2 a-c) have not
all been taken, a social manager's case is open, a statutory debt measure applies, or a person holds the
tenancy. The same checks are made again when an officer approves.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import TYPE_CHECKING

import structlog
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from roer.accounts.constants import Role
from roer.arrears import selectors_arrangements as queries
from roer.arrears.constants import BailiffProposalStatus
from roer.arrears.models import BailiffProposal, Episode
from roer.arrears.services.early_warning import EpisodeFacts
from roer.casework import selectors as casework_selectors
from roer.core import journal
from roer.core.dates import start_of_day

if TYPE_CHECKING:
    from roer.accounts.models import User

logger = structlog.get_logger(__name__)

BAILIFF_DECIDERS: tuple[Role, ...] = (Role.COLLECTIONS_OFFICER,)


class BailiffProposalRefused(ValueError):
    """No bailiff proposal (or approval) now; `reasons` says why, in plain words."""

    def __init__(self, reasons: list[str]):
        self.reasons = reasons
        super().__init__("; ".join(reasons))


def _moment(on: dt.date) -> dt.datetime:
    """The moment holds are checked at: now for today, the end of the day for a past date."""
    now = timezone.now()
    if on >= timezone.localdate(now):
        return now
    return start_of_day(on + dt.timedelta(days=1)) - dt.timedelta(microseconds=1)


def bailiff_blockers(episode: Episode, on: dt.date) -> list[str]:
    """Why no bailiff may be proposed (or approved) for this episode on this day; empty when none."""
    reasons: list[str] = []
    if episode.closed_on is not None and episode.closed_on <= on:
        reasons.append(_("The arrears episode is closed"))
    missing = EpisodeFacts.of(episode).seen(on).missing_preconditions()
    if missing:
        reasons.append(_("The legal steps for early warning have not all been taken"))
        reasons.extend(missing)
    if casework_selectors.open_case_for_tenancy(episode.tenancy_id) is not None:
        reasons.append(_("A social manager's case is open"))
    tenancy = episode.tenancy
    if queries.debt_measure_applies(tenancy, on):
        reasons.append(_("A statutory debt measure applies (WSNP or a court's cooling-off period)"))
    if queries.hold_active(tenancy, _moment(on)):
        reasons.append(_("A person has taken the helm of this tenancy"))
    return reasons


def bailiff_proposal_create(*, episode: Episode, on: dt.date, arrears: Decimal) -> BailiffProposal:
    """Propose handing the arrears to a bailiff; a collections officer decides.

    Raises `BailiffProposalRefused` with the reasons while any precondition is unmet. One proposal per
    episode: calling it again returns the proposal already made.
    """
    with transaction.atomic():
        episode = Episode.objects.select_for_update().select_related("tenancy").get(pk=episode.pk)
        existing = BailiffProposal.objects.filter(episode=episode).first()
        if existing is not None:
            return existing
        reasons = bailiff_blockers(episode, on)
        if arrears <= 0:
            reasons.append(_("There are no arrears"))
        if reasons:
            # Journaled after the transaction, so that the refusal is kept although nothing else changes.
            refused = reasons
        else:
            refused = []
            proposal = BailiffProposal.objects.create(
                tenancy=episode.tenancy, episode=episode, proposed_on=on, arrears=arrears
            )
            journal.record(
                activity="bailiff_proposed",
                subjects=[episode.tenancy, episode, proposal],
                facts={"on": on, "arrears": arrears},
            )
    if refused:
        journal.record(
            activity="bailiff_proposal_refused",
            subjects=[episode.tenancy, episode],
            facts={"on": on, "reason_count": len(refused)},
        )
        raise BailiffProposalRefused(refused)
    logger.info("bailiff_proposed", proposal_id=proposal.pk, tenancy_id=proposal.tenancy_id)
    return proposal


def bailiff_proposal_decide(
    *, proposal: BailiffProposal, by: User, approve: bool, reason: str, now: dt.datetime | None = None
) -> BailiffProposal:
    """A collections officer approves or rejects the proposal, always with a reason (kept on the proposal,
    not in the journal). Approval is refused while a precondition is unmet at the time of deciding."""
    if by is None or not by.has_role(*BAILIFF_DECIDERS):
        raise PermissionDenied(_("Only a collections officer decides on a bailiff."))
    reason = reason.strip()
    if not reason:
        raise ValueError(_("Give the reason for your decision."))
    now = now or timezone.now()
    with transaction.atomic():
        proposal = (
            BailiffProposal.objects.select_for_update()
            .select_related("episode__tenancy", "tenancy")
            .get(pk=proposal.pk)
        )
        if proposal.status != BailiffProposalStatus.PROPOSED:
            raise ValueError(_("This proposal has already been decided."))
        if approve:
            blockers = bailiff_blockers(proposal.episode, timezone.localdate(now))
            if blockers:
                raise BailiffProposalRefused(blockers)
        proposal.status = BailiffProposalStatus.APPROVED if approve else BailiffProposalStatus.REJECTED
        proposal.decided_by = by
        proposal.decided_at = now
        proposal.decision_reason = reason
        proposal.save(update_fields=["status", "decided_by", "decided_at", "decision_reason"])
        journal.record(
            activity="bailiff_proposal_decided",
            subjects=[proposal.tenancy, proposal.episode, proposal],
            actor=by,
            occurred_at=now,
            facts={"approved": approve, "status": proposal.status, "arrears": proposal.arrears},
        )
    logger.info("bailiff_proposal_decided", proposal_id=proposal.pk, approved=approve)
    return proposal
