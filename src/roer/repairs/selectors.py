"""Reads for the repair wizard: the live tree (parsed once per rule version) and problem summaries."""

from __future__ import annotations

import threading
from dataclasses import dataclass

from roer.core import rules
from roer.core.models import RuleVersion
from roer.repairs.tree import Outcome, Problem, Tree, default_outcome
from roer.repairs.wizard_rules import KEY

# Keyed by the version's id and creation time: a stored version's document never changes, and the time
# guards against an id reused after a rolled-back transaction.
_TREES: dict[tuple[int, str], Tree] = {}
_LOCK = threading.Lock()
_KEEP = 8


def live_wizard() -> tuple[RuleVersion, Tree]:
    """The published wizard version and its parsed tree; the parse is cached per version id."""
    version = rules.live_version(KEY)
    key = (version.pk, version.created_at.isoformat())
    tree = _TREES.get(key)
    if tree is None:
        tree = Tree.from_document(version.document)
        with _LOCK:
            if len(_TREES) >= _KEEP:
                _TREES.clear()
            _TREES[key] = tree
    return version, tree


@dataclass(frozen=True)
class ProblemSummary:
    """A problem with its default outcome (every question at its most common answer)."""

    problem: Problem
    outcome: Outcome
    questions: int
    score: float | None = None

    @property
    def id(self) -> str:
        return self.problem.id

    @property
    def label(self) -> str:
        return self.problem.label


def summarise(tree: Tree, problem: Problem, score: float | None = None) -> ProblemSummary:
    return ProblemSummary(problem, default_outcome(tree, problem.id), len(problem.questions), score)


def problem_summaries(tree: Tree) -> list[ProblemSummary]:
    """Every problem, in the tree's order."""
    return [summarise(tree, p) for p in tree.problems.values()]
