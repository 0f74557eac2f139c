"""Replays of the portal's rule sets: the repair wizard, the contractor routing table and the answers.

- `repair-wizard`: the repair requests submitted in the period, their problem and answers, through
  `roer.repairs.tree.problem_outcome` under the live and the draft tree;
- `contractor-routing`: the work orders created in the period, their trade and dwelling, through
  `roer.repairs.routing.route` under the live and the draft table;
- `answers`: the searches that found no answer in the period (`UnansweredSearch`), through
  `roer.answers.search.replay` under the live and the draft book. Searches that did find an answer are
  journaled without their words, so they cannot be replayed.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from roer.answers.book import Book
from roer.answers.constants import KEY as ANSWERS_KEY
from roer.answers.models import UnansweredSearch
from roer.answers.search import replay as answers_replay
from roer.core.models import RuleVersion
from roer.repairs import routing
from roer.repairs.models import RepairRequest, WorkOrder
from roer.repairs.tree import Outcome, Tree, WizardError, problem_outcome
from roer.repairs.wizard_rules import KEY as WIZARD_KEY
from roer.supervision.replay_result import Period, ReplayResult, live_or_none

ROUTING_KEY = routing.KEY

# The outcome fields a wizard replay compares, with their labels.
WIZARD_FIELDS: tuple[tuple[str, Any], ...] = (
    ("responsibility", gettext_lazy("Responsibility")),
    ("urgency", gettext_lazy("Urgency")),
    ("trade", gettext_lazy("Trade")),
    ("clause", gettext_lazy("Clause")),
)

__all__ = ["ANSWERS_KEY", "ROUTING_KEY", "WIZARD_KEY", "replay_answers", "replay_routing", "replay_wizard"]


def _outcome(tree: Tree | None, problem_id: str, answers: dict[str, str]) -> Outcome | None:
    if tree is None:
        return None
    try:
        return problem_outcome(tree, problem_id, answers)
    except WizardError:
        return None


def replay_wizard(draft: RuleVersion, period: Period) -> ReplayResult:
    live = live_or_none(WIZARD_KEY)
    result = ReplayResult(WIZARD_KEY, draft.number, live.number if live else None, period)
    live_tree = Tree.from_document(live.document) if live else None
    draft_tree = Tree.from_document(draft.document)
    requests = (
        RepairRequest.objects.filter(submitted_at__gte=period.start, submitted_at__lt=period.end)
        .only("pk", "problem_id", "answers")
        .order_by("submitted_at", "pk")
    )
    for request in requests.iterator():
        result.cases += 1
        answers = dict(request.answers or {})
        before = _outcome(live_tree, request.problem_id, answers)
        after = _outcome(draft_tree, request.problem_id, answers)
        if after is None:
            # The draft has no such problem or answer any more: the wizard could not have taken it.
            result.not_replayable += 1
            result.change("problem", _("Problem"), request.problem_id, _("not in the draft")).add(
                request.code
            )
            continue
        if before is None:
            result.not_replayable += 1
            continue
        changed = False
        for name, label in WIZARD_FIELDS:
            if getattr(before, name) != getattr(after, name):
                result.change(name, label, getattr(before, name), getattr(after, name)).add(request.code)
                changed = True
        result.changed += changed
    result.sort()
    return result


def _route(document: dict[str, Any], order: WorkOrder) -> str | None:
    try:
        return routing.route(
            document,
            trade=order.trade or None,
            neighbourhood=order.request.dwelling.neighbourhood,
            postcode=order.request.dwelling.postcode,
        ).contractor
    except routing.NoRouteError:
        return None


def replay_routing(draft: RuleVersion, period: Period) -> ReplayResult:
    live = live_or_none(ROUTING_KEY)
    result = ReplayResult(ROUTING_KEY, draft.number, live.number if live else None, period)
    orders = (
        WorkOrder.objects.filter(created_at__gte=period.start, created_at__lt=period.end)
        .select_related("request__dwelling")
        .order_by("created_at", "pk")
    )
    for order in orders.iterator():
        result.cases += 1
        before = _route(live.document, order) if live else None
        after = _route(draft.document, order)
        if before != after:
            result.changed += 1
            result.change("contractor", _("Contractor"), before, after).add(order.code)
    result.sort()
    return result


def replay_answers(draft: RuleVersion, period: Period) -> ReplayResult:
    live = live_or_none(ANSWERS_KEY)
    result = ReplayResult(ANSWERS_KEY, draft.number, live.number if live else None, period)
    texts = list(
        UnansweredSearch.objects.filter(created_at__gte=period.start, created_at__lt=period.end)
        .order_by("created_at", "pk")
        .values_list("text", flat=True)
    )
    result.cases = len(texts)
    before = dict(answers_replay(Book.from_document(live.document), texts)) if live else {}
    for text, after in answers_replay(Book.from_document(draft.document), texts):
        was = before.get(text)
        if was != after:
            result.changed += 1
            result.change("answer", _("Answer found"), was, after).add(text)
    result.sort()
    return result
