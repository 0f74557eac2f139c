"""What a person decides about an arrears episode from the staff console: approve the final notice for growing
arrears, put it off for a while, waive the collection costs, and refer a household to debt help.

Each write is keyword-only, atomic, locks what it changes and journals non-personal facts; reasons stay on the
hold (never in the journal). The nightly run reads the results: `final_notice_approved_on` lets the final
notice go out, a hold keeps every automated step away, `costs_waived_on` stops the costs from being charged.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

import structlog
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from roer.accounts.constants import Role
from roer.arrears.models import Episode
from roer.arrears.services.early_warning import early_warning_debt_help_pointed
from roer.casework import services as casework_services
from roer.casework.constants import HOLD_MAX_WEEKS, HOLD_MIN_WEEKS
from roer.core import helm, journal
from roer.core.subjects import SubjectRef
from roer.tenancies.models import Tenancy

if TYPE_CHECKING:
    from roer.accounts.models import User
    from roer.casework.models import Case
    from roer.core.models import Hold

logger = structlog.get_logger(__name__)

# Who approves a final notice for growing arrears (DESIGN.md: a collections officer reviews escalations).
FINAL_NOTICE_APPROVERS: tuple[Role, ...] = (Role.COLLECTIONS_OFFICER,)
# Who may waive collection costs: the people who talk to the household and the one who reviews escalations.
COSTS_WAIVERS: tuple[Role, ...] = (Role.SOCIAL_MANAGER, Role.COLLECTIONS_OFFICER)


class ReviewError(ValueError):
    """The step cannot be taken on this episode now; the message says why, in plain words."""


def _require(by: User | None, roles: tuple[Role, ...], message: str) -> None:
    if by is None or not by.has_role(*roles):
        raise PermissionDenied(message)


def _tenancy(episode: Episode) -> SubjectRef:
    return SubjectRef(kind=Tenancy._meta.label_lower, id=str(episode.tenancy_id))


def _locked_open(episode: Episode) -> Episode:
    locked = Episode.objects.select_for_update().get(pk=episode.pk)
    if locked.closed_on is not None:
        raise ReviewError(_("These arrears have been paid up: the episode is closed."))
    return locked


def episode_final_notice_approve(*, episode: Episode, by: User, now: dt.datetime | None = None) -> Episode:
    """A collections officer approves the final notice (14 days) for growing arrears; the next nightly run
    sends it. Approving twice changes nothing."""
    _require(by, FINAL_NOTICE_APPROVERS, _("Only a collections officer approves a final notice."))
    now = now or timezone.now()
    with transaction.atomic():
        episode = _locked_open(episode)
        if episode.final_notice_sent_on is not None:
            raise ReviewError(_("The final notice has already been sent."))
        if episode.final_notice_approved_on is not None:
            return episode
        episode.final_notice_approved_on = timezone.localdate(now)
        episode.final_notice_approved_by = by
        episode.save(update_fields=["final_notice_approved_on", "final_notice_approved_by"])
        journal.record(
            activity="final_notice_approved",
            subjects=[_tenancy(episode), episode],
            actor=by,
            occurred_at=now,
            facts={"on": episode.final_notice_approved_on},
        )
    logger.info("final_notice_approved", episode_id=episode.pk)
    return episode


def episode_final_notice_postpone(
    *, episode: Episode, by: User, weeks: int, reason: str, now: dt.datetime | None = None
) -> Hold:
    """ "Not now": a collections officer holds every automated step on the tenancy for N weeks instead of
    approving the final notice. The reason stays on the hold."""
    _require(by, FINAL_NOTICE_APPROVERS, _("Only a collections officer reviews a final notice."))
    if not HOLD_MIN_WEEKS <= weeks <= HOLD_MAX_WEEKS:
        raise ReviewError(
            _("A hold lasts %(low)d to %(high)d weeks.") % {"low": HOLD_MIN_WEEKS, "high": HOLD_MAX_WEEKS}
        )
    if not reason.strip():
        raise ReviewError(_("Say why the final notice waits."))
    now = now or timezone.now()
    until = now + dt.timedelta(weeks=weeks)
    with transaction.atomic():
        episode = _locked_open(episode)
        if episode.final_notice_sent_on is not None:
            raise ReviewError(_("The final notice has already been sent."))
        tenancy = _tenancy(episode)
        hold = helm.hold_place(subject=tenancy, by=by, reason=reason.strip(), until=until, now=now)
        journal.record(
            activity="final_notice_postponed",
            subjects=[tenancy, episode, hold],
            actor=by,
            occurred_at=now,
            facts={"weeks": weeks, "until": until.isoformat()},
        )
    logger.info("final_notice_postponed", episode_id=episode.pk, weeks=weeks)
    return hold


def episode_costs_waive(*, episode: Episode, by: User, now: dt.datetime | None = None) -> Episode:
    """Waive the collection costs of the episode: they are never charged, even when the final notice's term
    runs out unpaid. Costs already on the ledger are not taken back here (that is a credit booking)."""
    _require(by, COSTS_WAIVERS, _("Only a social manager or a collections officer waives collection costs."))
    now = now or timezone.now()
    with transaction.atomic():
        episode = _locked_open(episode)
        if episode.costs_charged_on is not None:
            raise ReviewError(_("The collection costs have already been charged."))
        if episode.costs_waived_on is not None:
            return episode
        episode.costs_waived_on = timezone.localdate(now)
        episode.costs_waived_by = by
        episode.save(update_fields=["costs_waived_on", "costs_waived_by"])
        journal.record(
            activity="collection_costs_waived",
            subjects=[_tenancy(episode), episode],
            actor=by,
            occurred_at=now,
            facts={
                "on": episode.costs_waived_on,
                "notice_sent": episode.final_notice_sent_on is not None,
                "costs_stated": episode.final_notice_costs,
            },
        )
    logger.info("collection_costs_waived", episode_id=episode.pk)
    return episode


def case_debt_help_refer(*, case: Case, by: User, now: dt.datetime | None = None) -> Case:
    """The social manager referred the household to debt help: recorded on the case and, when the tenancy is
    in arrears, as early-warning precondition b (debt help pointed out) on the open episode."""
    now = now or timezone.now()
    with transaction.atomic():
        case = casework_services.case_refer_to_debt_help(case=case, by=by, now=now)
        episode = (
            Episode.objects.select_for_update()
            .filter(tenancy_id=case.tenancy_id, closed_on__isnull=True)
            .first()
        )
        referred_on = timezone.localdate(case.referred_to_debt_help_at or now)
        # A referral made before these arrears began does not count for them (as the nightly sync says).
        if episode is not None and referred_on >= episode.opened_on:
            early_warning_debt_help_pointed(episode=episode, on=referred_on, by=by)
    return case
