"""Charging collection costs: only after the final notice's term ran out unpaid, once per episode, never
when waived, and exactly the amount the notice stated (art. 6:96 lid 6 BW; DOMAIN.md)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal

import structlog
from django.db import transaction

from roer.arrears.history import BalanceLine, LedgerMovement
from roer.arrears.models import Episode
from roer.arrears.terms import term_ran_out
from roer.core import journal
from roer.core.money import ZERO
from roer.ledger.constants import EntryKind, EntrySource
from roer.ledger.models import LedgerEntry

logger = structlog.get_logger(__name__)


def costs_due(
    *, episode: Episode | None, movements: Sequence[LedgerMovement], today: dt.date, negligible: Decimal
) -> Decimal:
    """The costs to charge today, or zero: the notice stated costs, its term ran out before today, the
    rent it asked for was still unpaid at the end of the last day, and nothing was charged or waived."""
    if episode is None or episode.final_notice_sent_on is None or episode.final_notice_deadline is None:
        return ZERO
    if episode.costs_charged_on is not None or episode.costs_waived_on is not None:
        return ZERO
    stated = episode.final_notice_costs or ZERO
    if stated <= 0 or not term_ran_out(episode.final_notice_deadline, today):
        return ZERO
    # Collection costs are left out of the balance line: only the principal decides "unpaid".
    owed_at_deadline = BalanceLine(movements).at(episode.final_notice_deadline)
    if owed_at_deadline <= negligible:
        return ZERO
    return stated


def costs_charge(*, episode: Episode, today: dt.date) -> LedgerEntry | None:
    """Book the costs the final notice stated on the ledger (kind cost, source roer), once per episode."""
    with transaction.atomic():
        episode = Episode.objects.select_for_update().select_related("tenancy").get(pk=episode.pk)
        if episode.costs_charged_on is not None or episode.costs_waived_on is not None:
            return None
        amount = episode.final_notice_costs or ZERO
        if amount <= 0 or episode.final_notice_sent_on is None or episode.final_notice_deadline is None:
            return None
        entry = LedgerEntry.objects.create(
            tenancy=episode.tenancy,
            date=today,
            kind=EntryKind.COST,
            amount=amount,
            source=EntrySource.ROER,
            reference=f"Incassokosten aanmaning {episode.final_notice_sent_on:%d-%m-%Y}",
        )
        episode.costs_charged_on = today
        episode.save(update_fields=["costs_charged_on"])
        journal.record(
            activity="collection_costs_charged",
            subjects=[episode.tenancy, episode, entry],
            facts={
                "amount": amount,
                "notice_date": episode.final_notice_sent_on,
                "deadline": episode.final_notice_deadline,
            },
        )
    logger.info("collection_costs_charged", episode_id=episode.pk, amount=str(amount))
    return entry
