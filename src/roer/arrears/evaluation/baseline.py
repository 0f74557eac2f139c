"""The blind baseline: the dunning schedule most corporations publish (DOMAIN.md), as a collections policy.

Letters and costs for everyone, on the calendar: a reminder on day 8, a phone attempt on day 21 (the
"second letter / phone attempt" of the published schedules; Roer's run has no second letter, so it is the
contact attempt), the 14-day notice with costs on day 35, a bailiff proposal 14 days after its term. No
detection of atypical arrears, no waiver of costs for a first arrears, no officer review of growing arrears.

What stays on in both arms, because it is the law or plain data hygiene rather than policy: statutory debt
measures hold everything, a death (MD07) goes to a person, a data error (AC01/MD01) is corrected before a
letter, and the early-warning signal follows its legal preconditions.
"""

from __future__ import annotations

import copy
from typing import Any

from roer.arrears import policy as policy_rules
from roer.core.rules import Document, validate

# Growing arrears never reach these: twelve months of rent, twelve months rising in a row.
_NEVER_GROWING = {"min_months_of_rent": 12, "rising_months": 12}


def _has(schema: dict[str, Any], *path: str) -> bool:
    node: Any = schema
    for key in path:
        node = node.get("properties", {}).get(key)
        if node is None:
            return False
    return True


def baseline_document(roer: Document | None = None) -> Document:
    """Roer's policy (the default document unless given) with everything that makes it humane taken out.

    Where the policy has a switch for a feature (`atypical.enabled`), it is switched off; otherwise the
    feature is made unreachable with values the schema allows (a score no tenant can reach).
    """
    document = copy.deepcopy(roer if roer is not None else policy_rules.default_document())
    schema = policy_rules.SCHEMA
    atypical = document["atypical"]
    if _has(schema, "atypical", "enabled"):
        atypical["enabled"] = False
    else:
        # Only an on-time streak of 50 years would score, and no ledger is that long. (Not the payment
        # deviation: it is measured from the oldest unpaid rent, which can be years ago.)
        atypical["weights"] = {name: 0 for name in atypical["weights"]}
        atypical["weights"]["long_on_time_streak"] = 100
        atypical["score_threshold"] = 100
        atypical["min_on_time_months"] = 600
    if _has(schema, "growing", "enabled"):
        document["growing"]["enabled"] = False
    else:
        document["growing"].update(_NEVER_GROWING)
    document["first_arrears_no_costs_years"] = 0
    if _has(schema, "self_service_arrangement", "enabled"):
        document["self_service_arrangement"]["enabled"] = False
    validate(policy_rules.KEY, document)
    return document
