"""Replay a draft rule version over real past cases: "what would have changed last month?"

One function per rule set takes the draft and a period (Amsterdam days, both included) and returns a
`ReplayResult` (replay_result.py): how many past cases were looked at, how many would come out
differently, the changes grouped by kind (a field and its before → after, a contractor pair, a letter
text) with example cases, and where money is involved the total under each version. "Before" is the
outcome under the LIVE version today, so the result shows the draft's own effect, not older changes.

- `repair-wizard`, `contractor-routing`, `answers`: the portal's repair requests, work orders and
  unanswered searches (replay_portal.py);
- `collections-policy`: the tenancies each collections run of the period decided, assessed again as of
  that day from the ledger (route, letter, collection costs, early-warning signal, bailiff proposal;
  replay_collections.py);
- `collections-letters`: the letters sent in the period, which would read differently and which would
  lose a legally required part (replay_letters.py).

Nothing here writes, except `replay_record` (the journal event, with counts only) and `draft_publish`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from roer.core import journal, rules
from roer.core.constants import RuleVersionStatus
from roer.core.models import RuleVersion
from roer.supervision import replay_collections, replay_letters, replay_portal
from roer.supervision.replay_result import (
    EXAMPLES_PER_KIND,
    NOTHING,
    Change,
    MoneyTotals,
    NotReplayable,
    Period,
    ReplayResult,
    live_or_none,
)

__all__ = [
    "EXAMPLES_PER_KIND",
    "NOTHING",
    "Change",
    "MoneyTotals",
    "NotReplayable",
    "Period",
    "ReplayResult",
    "draft_publish",
    "replay",
    "replay_record",
    "replayable",
]

REPLAYS: dict[str, Callable[[RuleVersion, Period], ReplayResult]] = {
    replay_portal.WIZARD_KEY: replay_portal.replay_wizard,
    replay_portal.ROUTING_KEY: replay_portal.replay_routing,
    replay_portal.ANSWERS_KEY: replay_portal.replay_answers,
    replay_collections.KEY: replay_collections.replay_collections_policy,
    replay_letters.KEY: replay_letters.replay_letters,
}


def replayable(key: str) -> bool:
    return key in REPLAYS


def replay(version: RuleVersion, period: Period) -> ReplayResult:
    """What the version would have changed on the period's real cases, against the live version."""
    key = version.rule_set.key
    if key not in REPLAYS:
        raise NotReplayable(key)
    return REPLAYS[key](version, period)


def replay_record(*, version: RuleVersion, result: ReplayResult, by: Any) -> None:
    """Journal that a person replayed a version (counts only: no texts, no case ids)."""
    live = live_or_none(result.rule_set)
    journal.record(
        activity="rule_version_replayed",
        subjects=[version],
        actor=by,
        rule_versions=[live] if live else [],
        facts=result.facts(),
    )


def draft_publish(*, version: RuleVersion, by: Any, reason: str) -> RuleVersion:
    """Publish a draft with the person's reason, kept on the version's note (never in the journal)."""
    if not reason.strip():
        raise ValueError(_("Say why you publish this version."))
    if version.status == RuleVersionStatus.PUBLISHED:
        raise ValueError(_("This version is already live."))
    with transaction.atomic():
        published = rules.rule_version_publish(version=version, by=by)
        stamp = _("Published: %(reason)s") % {"reason": reason.strip()}
        published.note = f"{published.note}\n{stamp}".strip()
        published.save(update_fields=["note"])
    return published
