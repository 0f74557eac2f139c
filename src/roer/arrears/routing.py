"""From an assessment to a route and at most one action, as of the assessment's date (pure).

The order of the checks is the order of precedence: a statutory debt measure or a person's hold stops
everything; a death in the household goes to a person and never gets a letter; unusual arrears and a
broken arrangement go to a person; an open social case holds the automated letters; growing arrears go
to a collections officer before any 14-day notice; the rest gets the automated schedule. What was already
sent is an input (`CollectionState`), so no action is ever repeated when the run is repeated.

Early warning and the bailiff agree: the corporation's legal steps (contact attempted, debt help pointed
out, a written reminder with the offer) are the precondition for a bailiff proposal; a tenant's objection
stops only the signal to the municipality, never the steps the corporation took.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.utils.formats import date_format
from django.utils.translation import gettext as _

from roer.arrears.assessment import Assessment
from roer.arrears.constants import Action, Route
from roer.arrears.costs import collection_costs
from roer.arrears.policy import Policy
from roer.core.money import ZERO, format_euros


@dataclass(frozen=True)
class CollectionState:
    """What has already happened in the current arrears episode."""

    personal_message_sent_on: dt.date | None = None
    reminder_sent_on: dt.date | None = None
    contact_attempted_on: dt.date | None = None  # a call or visit tried (early-warning precondition a)
    final_notice_approved_on: dt.date | None = None  # a collections officer approved it
    final_notice_sent_on: dt.date | None = None
    final_notice_deadline: dt.date | None = None  # the last day of the 14-day term, as printed
    bailiff_proposed_on: dt.date | None = None
    # The corporation's legal part of early warning (BGS art. 2 a-c): contact attempted, debt help pointed
    # out, a written reminder with the offer. The precondition for a bailiff proposal.
    early_warning_steps_done: bool = False
    early_warning_objected_on: dt.date | None = None  # the tenant's standing objection: stops the signal only
    early_warning_sent_on: dt.date | None = None

    @property
    def early_warning_ready(self) -> bool:
        """The four legal preconditions of the signal: the steps were taken and the tenant did not object."""
        return self.early_warning_steps_done and self.early_warning_objected_on is None


@dataclass(frozen=True)
class RouteDecision:
    route: str
    action: str | None
    reasons: list[str]
    costs: Decimal = ZERO  # the exact amount a final notice states; zero when costs are waived
    costs_waived: bool = False


def costs_waiver(assessment: Assessment, policy: Policy) -> str | None:
    """Why no collection costs are charged for these arrears, or None when the policy allows them."""
    years = policy.first_arrears_no_costs_years
    if years and assessment.years_without_arrears >= years:
        return _("No collection costs: no arrears in the last %(years)s years") % {"years": years}
    return None


def _date(day: dt.date) -> str:
    return date_format(day, "j F Y")


def _did_not_help(state: CollectionState) -> str:
    if state.reminder_sent_on is not None:
        return _("The reminder of %(date)s did not help: a person tries to reach the tenant") % {
            "date": _date(state.reminder_sent_on)
        }
    assert state.personal_message_sent_on is not None
    return _("The personal message of %(date)s did not help: a person tries to reach the tenant") % {
        "date": _date(state.personal_message_sent_on)
    }


def _written_then_notice(state: CollectionState, day: int) -> str:
    if state.reminder_sent_on is not None:
        return _("Reminder sent on %(date)s; the final notice can follow from day %(day)s") % {
            "date": _date(state.reminder_sent_on),
            "day": day,
        }
    assert state.personal_message_sent_on is not None
    return _("Personal message sent on %(date)s; the final notice can follow from day %(day)s") % {
        "date": _date(state.personal_message_sent_on),
        "day": day,
    }


def _early_warning_due(assessment: Assessment, policy: Policy, state: CollectionState) -> bool:
    if not state.early_warning_ready or state.early_warning_sent_on is not None:
        return False
    if assessment.arrangement_active and not policy.early_warning.signal_during_arrangement:
        return False
    written = [d for d in (state.reminder_sent_on, state.personal_message_sent_on) if d is not None]
    if not written:
        return False
    return assessment.as_of >= min(written) + dt.timedelta(days=policy.early_warning.days_after_reminder)


def _early_warning(route: str, reasons: list[str]) -> RouteDecision:
    reasons.append(
        _(
            "The legal conditions for the early-warning signal to the municipality are met; the tenant did not object"
        )
    )
    return RouteDecision(route=route, action=Action.EARLY_WARNING, reasons=reasons)


def route(
    assessment: Assessment,
    policy: Policy,
    *,
    held: bool,
    debt_measure: bool,
    open_case: bool,
    state: CollectionState | None = None,
) -> RouteDecision:
    state = state or CollectionState()
    reasons = list(assessment.reasons)
    today = assessment.as_of
    schedule = policy.schedule

    if debt_measure:
        reasons.append(
            _("A statutory debt measure applies (WSNP or a court's cooling-off period): collection stops")
        )
        return RouteDecision(route=Route.HELD, action=None, reasons=reasons)
    if held:
        reasons.append(_("A person has taken the helm: no automated step"))
        return RouteDecision(route=Route.HELD, action=None, reasons=reasons)
    if assessment.bereavement:
        reasons.append(_("A person contacts the household. No letter."))
        return RouteDecision(route=Route.HUMAN_CONTACT, action=None, reasons=reasons)
    if not assessment.in_arrears:
        return RouteDecision(route=Route.ON_TRACK, action=None, reasons=[_("No arrears")])
    if assessment.data_error:
        reasons.append(_("A person corrects the payment details before any letter is sent"))
        return RouteDecision(route=Route.HUMAN_CONTACT, action=None, reasons=reasons)
    if assessment.arrangement_active:
        reasons.append(_("Collection waits while the arrangement is kept"))
        if _early_warning_due(assessment, policy, state):
            return _early_warning(Route.ON_TRACK, reasons)
        return RouteDecision(route=Route.ON_TRACK, action=None, reasons=reasons)
    if open_case:
        reasons.append(_("A social manager's case is open: automated letters wait"))
        if _early_warning_due(assessment, policy, state):
            return _early_warning(Route.HUMAN_CONTACT, reasons)
        return RouteDecision(route=Route.HUMAN_CONTACT, action=None, reasons=reasons)
    if assessment.atypical or assessment.broken_arrangement:
        if assessment.atypical and assessment.days_overdue < schedule.reminder_days:
            reasons.append(
                _("Nothing is due yet: the first step is on day %(day)s") % {"day": schedule.reminder_days}
            )
            return RouteDecision(route=Route.ON_TRACK, action=None, reasons=reasons)
        # The personal message replaces the episode's reminder; when the reminder already went out (the
        # arrears became unusual later in the episode), a person makes contact without another letter.
        written = state.personal_message_sent_on is not None or state.reminder_sent_on is not None
        if assessment.atypical and not written:
            reasons.append(_("This is unusual for this tenant: a person makes contact instead of a reminder"))
            return RouteDecision(route=Route.HUMAN_CONTACT, action=Action.PERSONAL_MESSAGE, reasons=reasons)
        if assessment.atypical:
            reasons.append(_("This is unusual for this tenant: a person makes contact"))
        else:
            reasons.append(_("A missed instalment goes to a person, not to the next letter"))
        if _early_warning_due(assessment, policy, state):
            return _early_warning(Route.HUMAN_CONTACT, reasons)
        return RouteDecision(route=Route.HUMAN_CONTACT, action=None, reasons=reasons)

    lane = Route.OFFICER_REVIEW if assessment.growing else Route.AUTOMATED
    days = assessment.days_overdue
    if days < schedule.reminder_days:
        reasons.append(
            _("Nothing is due yet: the first step is on day %(day)s") % {"day": schedule.reminder_days}
        )
        return RouteDecision(route=Route.ON_TRACK, action=None, reasons=reasons)
    # One episode, one cycle (DOMAIN.md): its first written step is the reminder, or the personal message
    # an atypical tenant got instead. When the arrears stop being unusual in the same episode, the
    # schedule goes on from there; it does not start again with a reminder.
    if state.reminder_sent_on is None and state.personal_message_sent_on is None:
        return RouteDecision(route=lane, action=Action.REMINDER, reasons=reasons)
    if _early_warning_due(assessment, policy, state):
        return _early_warning(lane, reasons)
    # Growing arrears too: a person tries to reach the tenant (and the early-warning steps need it).
    if days >= schedule.second_contact_days and state.contact_attempted_on is None:
        reasons.append(_did_not_help(state))
        return RouteDecision(route=Route.HUMAN_CONTACT, action=None, reasons=reasons)
    if state.final_notice_sent_on is None:
        if days < schedule.final_notice_days:
            reasons.append(_written_then_notice(state, schedule.final_notice_days))
            return RouteDecision(route=lane, action=None, reasons=reasons)
        if assessment.growing and state.final_notice_approved_on is None:
            reasons.append(_("Growing arrears: a collections officer reviews before any final notice"))
            return RouteDecision(route=Route.OFFICER_REVIEW, action=None, reasons=reasons)
        waiver = costs_waiver(assessment, policy)
        if waiver:
            reasons.append(waiver)
            return RouteDecision(
                route=lane, action=Action.FINAL_NOTICE, reasons=reasons, costs=ZERO, costs_waived=True
            )
        costs = collection_costs([assessment.arrears], vat=policy.vat_on_costs).total
        reasons.append(
            _("The final notice states collection costs of %(costs)s, owed only if the term runs out unpaid")
            % {"costs": format_euros(costs)}
        )
        return RouteDecision(route=lane, action=Action.FINAL_NOTICE, reasons=reasons, costs=costs)
    deadline = state.final_notice_deadline
    if deadline is None or today <= deadline + dt.timedelta(days=schedule.bailiff_proposal_days_after_term):
        if deadline is not None:
            reasons.append(_("Final notice sent; the term ends on %(date)s") % {"date": _date(deadline)})
        return RouteDecision(route=lane, action=None, reasons=reasons)
    if state.bailiff_proposed_on is not None:
        reasons.append(
            _("A bailiff was proposed on %(date)s; a collections officer decides")
            % {"date": _date(state.bailiff_proposed_on)}
        )
        return RouteDecision(route=Route.OFFICER_REVIEW, action=None, reasons=reasons)
    if not state.early_warning_steps_done:
        reasons.append(_("No bailiff: the legal steps for early warning have not all been taken"))
        return RouteDecision(route=Route.OFFICER_REVIEW, action=None, reasons=reasons)
    if state.early_warning_objected_on is not None:
        reasons.append(
            _(
                "The legal steps for early warning were taken; the tenant objected on %(date)s, so no signal "
                "went to the municipality"
            )
            % {"date": _date(state.early_warning_objected_on)}
        )
    reasons.append(_("The term ran out unpaid: Roer proposes a bailiff; a collections officer decides"))
    return RouteDecision(route=Route.OFFICER_REVIEW, action=Action.BAILIFF_PROPOSAL, reasons=reasons)
