"""Replay draft letter texts (`collections-letters`) over the letters sent in a period.

A letter's text is its route's template for its kind (`roer.arrears.letters.letter_text`); a reminder
also carries its route's early-warning offer. Each letter in the register (`Letter`, one per recipient)
is compared under the live texts and the draft: whether it would read differently, with a short diff of
the template per route and kind, and whether the draft drops a part the law requires of that letter.

The route of a letter is its run decision's (a personal message always goes out on the human-contact
route); a letter without a run decision that day cannot be placed and is counted as not replayable.

Legally required, per letter (DOMAIN.md):
- the final notice states the arrears, the exact collection costs and the last day of the 14-day term
  (art. 6:96 lid 6 BW), and, when the policy adds VAT to the costs, that it does (`{vat_note}`);
- the early-warning offer, and the personal message that makes it in its own words, state the day by
  which the tenant can object (Besluit gemeentelijke schuldhulpverlening art. 2 d).
The rule set's own `check` refuses most of these when a draft is saved; the replay checks them again with
the live policy, because only the policy says whether VAT is added.
"""

from __future__ import annotations

import datetime as dt
import difflib
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

from roer.arrears import letters as letter_rules
from roer.arrears import policy as policy_rules
from roer.arrears.constants import LetterKind, Route
from roer.arrears.models import Letter, RunDecision
from roer.arrears.policy import Policy
from roer.core.models import RuleVersion
from roer.supervision.replay_result import Period, ReplayResult, live_or_none

KEY = letter_rules.KEY
DIFF_LINES = 12  # a short diff: enough to see what changed, not the whole letter
DIFF_WIDTH = 160
VAT_NOTE = "vat_note"

Template = tuple[str, str]  # (route, kind)


def required_elements(kind: str, *, vat_on_costs: bool) -> tuple[str, ...]:
    """The placeholders a letter of this kind must keep."""
    if kind == LetterKind.FINAL_NOTICE:
        return (*letter_rules.REQUIRED_IN_FINAL_NOTICE, *((VAT_NOTE,) if vat_on_costs else ()))
    if kind in (LetterKind.EARLY_WARNING_OFFER, LetterKind.PERSONAL_MESSAGE):
        return (letter_rules.OFFER_PLACEHOLDER,)
    return ()


def _text(document: dict[str, Any], template: Template) -> letter_rules.LetterText | None:
    route, kind = template
    try:
        return letter_rules.letter_text(document, route=route, kind=kind)
    except LookupError:
        return None


def _placeholders(text: letter_rules.LetterText | None) -> set[str]:
    if text is None:
        return set()
    try:
        return letter_rules.placeholders_in(text.subject) | letter_rules.placeholders_in(text.body)
    except ValueError:
        return set()


def _lines(text: letter_rules.LetterText | None) -> list[str]:
    if text is None:
        return []
    return [text.subject, "", *text.body.replace("\r\n", "\n").split("\n")]


def template_diff(before: letter_rules.LetterText | None, after: letter_rules.LetterText | None) -> list[str]:
    """The changed lines of a template, live (-) against draft (+), shortened."""
    changed = [
        line
        for line in difflib.unified_diff(_lines(before), _lines(after), lineterm="", n=0)
        if line[:1] in "-+" and not line.startswith(("---", "+++"))
    ]
    shown = [line if len(line) <= DIFF_WIDTH else line[: DIFF_WIDTH - 1] + "…" for line in changed]
    if len(shown) > DIFF_LINES:
        rest = len(shown) - DIFF_LINES
        shown = [*shown[:DIFF_LINES], _("… and %(count)s more changed lines") % {"count": rest}]
    return shown


def _templates_of(route: str, kind: str) -> list[Template]:
    """The templates a letter is made of: its own, and for a reminder the early-warning offer it carries."""
    found = [(route, kind)]
    if kind == LetterKind.REMINDER:
        found.append((route, LetterKind.EARLY_WARNING_OFFER.value))
    return found


def _title(template: Template) -> str:
    route, kind = template
    return _("%(kind)s — %(route)s") % {"kind": LetterKind(kind).label, "route": Route(route).label}


def _all_templates(document: dict[str, Any]) -> Iterable[Template]:
    for route, settings in document.get("routes", {}).items():
        for kind in settings.get("letters", {}):
            yield route, kind


def draft_warnings(document: dict[str, Any], *, vat_on_costs: bool) -> list[str]:
    """Every letter of the draft that lacks a legally required part, in words."""
    warnings = list(letter_rules.check(document))
    for template in _all_templates(document):
        kind = template[1]
        missing = [
            name
            for name in required_elements(kind, vat_on_costs=vat_on_costs)
            if name not in _placeholders(_text(document, template))
        ]
        if not missing:
            continue
        problem = _("%(letter)s does not state %(missing)s") % {
            "letter": _title(template),
            "missing": ", ".join("{" + name + "}" for name in missing),
        }
        if problem not in warnings:
            warnings.append(problem)
    return warnings


def _routes_by_day(period: Period) -> dict[tuple[int, dt.date], str]:
    rows = RunDecision.objects.filter(
        run__run_date__gte=period.first, run__run_date__lte=period.last
    ).values_list("tenancy_id", "run__run_date", "route")
    return {(tenancy_id, day): route for tenancy_id, day, route in rows}


@dataclass(frozen=True)
class TemplateChange:
    """How the draft changes one template: whether it reads differently, and the required parts it drops."""

    differs: bool
    diff: list[str]
    dropped: list[str]


def template_change(
    live_document: dict[str, Any], draft_document: dict[str, Any], template: Template, *, vat_on_costs: bool
) -> TemplateChange:
    before, after = _text(live_document, template), _text(draft_document, template)
    differs = _lines(before) != _lines(after)
    had, kept = _placeholders(before), _placeholders(after)
    return TemplateChange(
        differs=differs,
        diff=template_diff(before, after) if differs else [],
        dropped=[
            name
            for name in required_elements(template[1], vat_on_costs=vat_on_costs)
            if name in had and name not in kept
        ],
    )


def replay_letters(draft: RuleVersion, period: Period) -> ReplayResult:
    live = live_or_none(KEY)
    result = ReplayResult(
        KEY, draft.number, live.number if live else None, period, cases_label=_("Letters replayed")
    )
    policy_version = live_or_none(policy_rules.KEY)
    vat_on_costs = Policy.from_document(policy_version.document).vat_on_costs if policy_version else False
    result.warnings = draft_warnings(draft.document, vat_on_costs=vat_on_costs)
    routes = _routes_by_day(period)
    changes: dict[Template, TemplateChange] = {}
    letters = (
        Letter.objects.filter(letter_date__gte=period.first, letter_date__lte=period.last)
        .order_by("letter_date", "pk")
        .values_list("tenancy_id", "letter_date", "kind", "tenancy__reference")
    )
    for tenancy_id, letter_date, kind, reference in letters.iterator():
        result.cases += 1
        personal = kind == LetterKind.PERSONAL_MESSAGE
        route = Route.HUMAN_CONTACT.value if personal else routes.get((tenancy_id, letter_date))
        if route is None or live is None:
            result.not_replayable += 1
            continue
        changed = False
        for template in _templates_of(route, kind):
            if template not in changes:
                changes[template] = template_change(
                    live.document, draft.document, template, vat_on_costs=vat_on_costs
                )
            found = changes[template]
            if found.differs:
                title = _title(template)
                change = result.change(f"text:{route}:{template[1]}", title, _("live text"), _("new text"))
                change.diff = found.diff
                change.add(reference)
                changed = True
            for name in found.dropped:
                where = f"{_title(template)}: {{{name}}}"
                result.change("legal", _("Legally required"), where, _("missing")).add(reference)
                changed = True
        result.changed += changed
    result.sort()
    return result
