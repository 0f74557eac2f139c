"""Conformance to a designed flow: which cases left the path the flow was designed for, and where.

A designed flow is a plain list of the activities a case may start with and of the directly-follows
steps it may take (a → b); a case deviates where it starts elsewhere, where it takes a step not in
the list, or (if the flow names its ends) where it ends elsewhere. Open cases are not held to an
end unless the flow says so. Checking is pure Python, one pass per distinct variant.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext_lazy as _

from roer.core.constants import Flow


@dataclass(frozen=True)
class DesignedFlow:
    name: str
    case_kind: str
    starts: frozenset[str]
    steps: frozenset[tuple[str, str]]
    ends: frozenset[str] | None = None
    description: Any = ""

    @classmethod
    def of(
        cls,
        name: str,
        case_kind: str,
        *,
        starts: Iterable[str],
        steps: dict[str, Iterable[str]],
        ends: Iterable[str] | None = None,
        description: Any = "",
    ) -> DesignedFlow:
        return cls(
            name=name,
            case_kind=case_kind,
            starts=frozenset(starts),
            steps=frozenset((a, b) for a, targets in steps.items() for b in targets),
            ends=frozenset(ends) if ends is not None else None,
            description=description,
        )


@dataclass(frozen=True)
class Deviation:
    """`start`: the case began with `target`; `step`: it went from `source` to `target` at
    `position` (the target's place in the case, from 0); `end`: it ended with `source`."""

    kind: str
    source: str | None
    target: str | None
    position: int

    def __str__(self) -> str:
        if self.kind == "start":
            return f"starts with {self.target}"
        if self.kind == "end":
            return f"ends with {self.source}"
        return f"{self.source} → {self.target}"


@dataclass(frozen=True)
class CaseDeviation:
    case_id: str
    activities: tuple[str, ...]
    deviations: tuple[Deviation, ...]


@dataclass
class Conformance:
    flow: str
    cases: int = 0
    deviating: list[CaseDeviation] = field(default_factory=list)
    # how many cases took each deviation, by its text (`a → b`, `starts with a`)
    counts: Counter[str] = field(default_factory=Counter)

    @property
    def conforming(self) -> int:
        return self.cases - len(self.deviating)

    def as_dict(self) -> dict[str, Any]:
        return {
            "flow": self.flow,
            "cases": self.cases,
            "conforming": self.conforming,
            "deviations": dict(self.counts.most_common()),
            "deviating": [
                {
                    "case": c.case_id,
                    "activities": list(c.activities),
                    "deviations": [str(d) for d in c.deviations],
                }
                for c in self.deviating
            ],
        }


def check(flow: DesignedFlow, activities: Sequence[str]) -> tuple[Deviation, ...]:
    """How one case (its activities in order) deviates from the flow; () if it does not."""
    if not activities:
        return ()
    found: list[Deviation] = []
    if activities[0] not in flow.starts:
        found.append(Deviation("start", None, activities[0], 0))
    for position in range(1, len(activities)):
        pair = (activities[position - 1], activities[position])
        if pair not in flow.steps:
            found.append(Deviation("step", pair[0], pair[1], position))
    if flow.ends is not None and activities[-1] not in flow.ends:
        found.append(Deviation("end", activities[-1], None, len(activities) - 1))
    return tuple(found)


def check_cases(flow: DesignedFlow, cases: Iterable[tuple[str, tuple[str, ...]]]) -> Conformance:
    """Check (case id, activities) pairs; each distinct variant is checked once."""
    result = Conformance(flow=flow.name)
    known: dict[tuple[str, ...], tuple[Deviation, ...]] = {}
    for case_id, activities in cases:
        result.cases += 1
        deviations = known.get(activities)
        if deviations is None:
            deviations = known[activities] = check(flow, activities)
        if deviations:
            result.deviating.append(CaseDeviation(case_id, activities, deviations))
            result.counts.update({str(d) for d in deviations})
    return result


REPAIR_INTAKE = DesignedFlow.of(
    Flow.REPAIR_INTAKE.value,
    "repairs.repairrequest",
    description=_(
        "A repair request as designed: decided and submitted, ordered and confirmed, accepted and "
        "planned by the contractor (rescheduling and return visits allowed), reported done, then graded."
    ),
    starts={"decision_taken", "repair_request_submitted"},
    steps={
        "decision_taken": {"repair_request_submitted"},
        "repair_request_submitted": {"work_order_created", "repair_request_confirmation_sent"},
        "work_order_created": {
            "repair_request_confirmation_sent",
            "work_order_approved",
            "work_order_accepted",
            "appointment_booked",
        },
        "repair_request_confirmation_sent": {
            "work_order_created",
            "work_order_approved",
            "work_order_accepted",
            "appointment_booked",
            "appointment_confirmed",
        },
        "work_order_approved": {"work_order_accepted", "appointment_booked"},
        "work_order_accepted": {"appointment_booked", "appointment_confirmed", "work_order_reported"},
        "appointment_booked": {
            "repair_request_confirmation_sent",
            "appointment_confirmed",
            "appointment_rescheduled",
            "repair_request_rescheduled",
            "work_order_accepted",
            "work_order_reported",
        },
        "appointment_confirmed": {
            "work_order_reported",
            "appointment_rescheduled",
            "repair_request_rescheduled",
        },
        "appointment_rescheduled": {
            "appointment_confirmed",
            "appointment_rescheduled",
            "work_order_reported",
        },
        "repair_request_rescheduled": {
            "appointment_confirmed",
            "repair_request_rescheduled",
            "work_order_reported",
        },
        "work_order_reported": {"satisfaction_asked", "appointment_booked"},  # done, or a return visit
        "satisfaction_asked": {"satisfaction_recorded"},
    },
)

DESIGNED_FLOWS: dict[str, DesignedFlow] = {REPAIR_INTAKE.name: REPAIR_INTAKE}
