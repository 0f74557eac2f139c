"""Arrears episodes: opened when a tenancy falls into arrears, closed when it is paid up."""

from __future__ import annotations

import datetime as dt

import structlog
from django.db import transaction

from roer.arrears.models import Episode
from roer.arrears.routing import CollectionState
from roer.core import journal
from roer.core.subjects import SubjectRef
from roer.tenancies.models import Tenancy

logger = structlog.get_logger(__name__)


def episode_open(*, tenancy: Tenancy, opened_on: dt.date) -> Episode:
    """Open the tenancy's arrears episode from the oldest unpaid date (or return the open one)."""
    with transaction.atomic():
        episode = Episode.objects.select_for_update().filter(tenancy=tenancy, closed_on__isnull=True).first()
        if episode is not None:
            return episode
        episode = Episode.objects.create(tenancy=tenancy, opened_on=opened_on)
        journal.record(
            activity="arrears_episode_opened",
            subjects=[tenancy, episode],
            facts={"opened_on": opened_on},
        )
    logger.info("arrears_episode_opened", tenancy_id=tenancy.pk, episode_id=episode.pk)
    return episode


def episode_close(*, episode: Episode, closed_on: dt.date) -> Episode:
    """Close the episode: the rent arrears are paid up (collection costs charged in it may still be owed).
    A later arrears opens a new one, so its letters start again from the first step."""
    with transaction.atomic():
        episode = Episode.objects.select_for_update().get(pk=episode.pk)
        if episode.closed_on is not None:
            return episode
        episode.closed_on = closed_on
        episode.save(update_fields=["closed_on"])
        journal.record(
            activity="arrears_episode_closed",
            subjects=[_tenancy_ref(episode), episode],
            facts={"opened_on": episode.opened_on, "closed_on": closed_on},
        )
    logger.info("arrears_episode_closed", episode_id=episode.pk)
    return episode


def _tenancy_ref(episode: Episode) -> SubjectRef:
    return SubjectRef(kind=Tenancy._meta.label_lower, id=str(episode.tenancy_id))


def episode_state(
    episode: Episode | None,
    *,
    bailiff_proposed_on: dt.date | None = None,
    early_warning_reported_on: dt.date | None = None,
    objected_on: dt.date | None = None,
    as_of: dt.date | None = None,
) -> CollectionState:
    """What has already happened in the episode, as `route` reads it; `objected_on` is the tenant's
    objection to early warning standing on the day (kept per tenancy, `EarlyWarningObjection`). Steps
    dated after `as_of` are not seen, as `bailiff_blockers` does not see them."""
    if episode is None:
        return CollectionState()
    return CollectionState(
        personal_message_sent_on=episode.personal_message_sent_on,
        reminder_sent_on=episode.reminder_sent_on,
        contact_attempted_on=episode.contact_attempted_on,
        final_notice_approved_on=episode.final_notice_approved_on,
        final_notice_sent_on=episode.final_notice_sent_on,
        final_notice_deadline=episode.final_notice_deadline,
        bailiff_proposed_on=bailiff_proposed_on,
        early_warning_steps_done=all(
            day is not None and (as_of is None or day <= as_of)
            for day in (
                episode.contact_attempted_on,
                episode.debt_help_pointed_on,
                episode.early_warning_offered_on,
            )
        ),
        early_warning_objected_on=objected_on,
        early_warning_sent_on=episode.early_warning_sent_on or early_warning_reported_on,
    )
