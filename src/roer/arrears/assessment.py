"""Atypical arrears, measured against the tenant's own history and explained in plain Dutch (pure).

`assess` reads a `PaymentHistory` (see history.py for what may and may not be an input) and returns an
`Assessment`: how much is owed and for how long, whether this is unusual *for this tenant*, whether the
lateness is a habit or the arrears are growing, a priority for the social manager's queue, and the reasons
in words a person can read out on the phone.
"""

from __future__ import annotations

import datetime as dt
import statistics
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.utils.formats import date_format, number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from roer.arrears.history import (
    ArrangementRecord,
    BalanceLine,
    Episode,
    HouseholdChange,
    LedgerMovement,
    MonthRecord,
    PaymentHistory,
    episodes,
    full_years,
    month_records,
    months_before,
    on_time_streak,
    payment_offset,
)
from roer.arrears.policy import Policy
from roer.core.money import ZERO, euros, format_euros
from roer.ledger.allocation import Movement, OpenItem, allocate
from roer.ledger.constants import EntryKind, ReturnReason
from roer.tenancies.constants import MembershipEnd

__all__ = [
    "ArrangementRecord",
    "Assessment",
    "HouseholdChange",
    "LedgerMovement",
    "PaymentHistory",
    "assess",
]

RECENT_RETURN_DAYS = 60
HOUSEHOLD_CHANGE_MONTHS = 6
BROKEN_ARRANGEMENT_MONTHS = 12
# A returned debit that may tell of a change in the tenant's life (DOMAIN.md, SEPA return codes).
LIFE_SIGNAL_RETURNS = frozenset({ReturnReason.AC04, ReturnReason.AC06})
# Money trouble or a dispute: a signal when it has not happened for years.
RARE_SIGNAL_RETURNS = frozenset({ReturnReason.AM04, ReturnReason.MD06})
DATA_ERROR_RETURNS = frozenset({ReturnReason.AC01, ReturnReason.MD01})
SIGNAL_QUIET_YEARS = 2

RETURN_CAUSES: dict[str, Any] = {
    ReturnReason.AM04: gettext_lazy("insufficient funds"),
    ReturnReason.MD06: gettext_lazy("a refund the account holder asked for"),
    ReturnReason.MS02: gettext_lazy("a refusal by the account holder"),
    ReturnReason.AC04: gettext_lazy("a closed account"),
    ReturnReason.AC06: gettext_lazy("a blocked account"),
    ReturnReason.AC01: gettext_lazy("a wrong account number"),
    ReturnReason.MD01: gettext_lazy("a missing mandate"),
    ReturnReason.MS03: gettext_lazy("a reason the bank did not give"),
    ReturnReason.SL01: gettext_lazy("a block at the tenant's bank"),
}


@dataclass(frozen=True)
class Assessment:
    as_of: dt.date
    arrears: Decimal  # principal owed: rent and returned debits, not collection costs
    months_of_rent: Decimal
    days_overdue: int  # since the due date of the oldest unpaid item
    oldest_unpaid: dt.date | None  # the due date of the oldest unpaid rent
    atypical: bool
    habitual_late: bool
    growing: bool
    priority: int  # 0-100, for the social manager's queue
    reasons: list[str]
    facts: dict[str, Any]
    bereavement: bool = False  # MD07 or a household member died: a person, never a letter
    data_error: bool = False  # the debit failed on account or mandate data: not payment behaviour
    broken_arrangement: bool = False
    arrangement_active: bool = False
    years_without_arrears: int = 0  # as far as the ledger shows
    score: int = 0  # how unusual these arrears are for this tenant, 0-100

    @property
    def in_arrears(self) -> bool:
        return self.arrears > 0


@dataclass
class _Features:
    """Measurements kept together while the reasons are written."""

    reasons: list[str] = field(default_factory=list)
    score: int = 0
    life_event: bool = False


def _year(day: dt.date) -> str:
    # A year is a name, not a number: never "2.014".
    return str(day.year)


def _months(amount: Decimal) -> str:
    return number_format(amount, decimal_pos=1, use_l10n=True)


def _long_date(day: dt.date) -> str:
    return date_format(day, "j F Y")


def _arrears_since(open_items: tuple[OpenItem, ...], negligible: Decimal) -> dt.date | None:
    """The due date from which what is owed, oldest first, is more than the negligible amount: a few cents
    left over from an earlier month do not make this month's rent a month overdue."""
    owed = ZERO
    for item in open_items:
        owed += item.remaining
        if owed > negligible:
            return item.date
    return None


def _current_due(records: list[MonthRecord], oldest_unpaid: dt.date | None, as_of: dt.date) -> dt.date:
    """The due date of the month the current arrears began in (or, without arrears, today)."""
    if oldest_unpaid is None:
        return as_of
    dues = [r.due for r in records if r.due <= oldest_unpaid]
    return dues[-1] if dues else oldest_unpaid


def _history_reason(
    history: PaymentHistory, *, current_due: dt.date, earlier: list[Episode], quiet_years: int
) -> tuple[str, int]:
    """The tenant's record before these arrears, in one line, and the years without arrears it shows."""
    if earlier:
        last = earlier[-1].last_due
        quiet = full_years(last, current_due)
        if quiet >= quiet_years:
            return _("First arrears since %(year)s") % {"year": _year(last)}, quiet
        count = len(earlier)
        return (
            ngettext(
                "%(count)s earlier arrears episode, in %(year)s",
                "%(count)s earlier arrears episodes, the last in %(year)s",
                count,
            )
            % {"count": count, "year": _year(last)},
            quiet,
        )
    if not history.ledger_covers_tenancy:
        quiet = full_years(history.ledger_start, current_due)
        return (
            _("No arrears since the ledger began in %(ledger_year)s; tenant since %(tenancy_year)s")
            % {"ledger_year": _year(history.ledger_start), "tenancy_year": _year(history.tenancy_start)},
            quiet,
        )
    years = full_years(history.tenancy_start, current_due)
    if years < 1:
        return _("First arrears since the tenancy began in %(year)s") % {
            "year": _year(history.tenancy_start)
        }, 0
    return ngettext("First arrears in %(years)s year", "First arrears in %(years)s years", years) % {
        "years": years
    }, years


def _household_reason(change: HouseholdChange) -> str:
    when = _long_date(change.date)
    if change.kind == MembershipEnd.DECEASED:
        return _("A member of the household died on %(date)s") % {"date": when}
    if change.kind == MembershipEnd.CARE_HOME:
        return _("A member of the household moved to a care home on %(date)s") % {"date": when}
    if change.kind == MembershipEnd.DIVORCE:
        return _("The household split up on %(date)s") % {"date": when}
    return _("A member of the household moved out on %(date)s") % {"date": when}


def _return_reason(
    code: str, *, previous: dt.date | None, history: PaymentHistory, when: dt.date
) -> tuple[str, bool]:
    """The line for a returned debit, and whether it is a signal that something changed."""
    cause = str(RETURN_CAUSES.get(code, code))
    values = {"cause": cause, "code": code}
    if code in DATA_ERROR_RETURNS:
        return (
            _(
                "The direct debit failed on a data error (%(code)s): check the account number and the "
                "mandate. This says nothing about how the tenant pays."
            )
            % values,
            False,
        )
    if previous is not None and full_years(previous, when) >= SIGNAL_QUIET_YEARS:
        line = _("Direct debit returned because of %(cause)s (%(code)s), for the first time since %(year)s")
        return line % {**values, "year": _year(previous)}, code in RARE_SIGNAL_RETURNS | LIFE_SIGNAL_RETURNS
    if previous is not None:
        line = _("Direct debit returned because of %(cause)s (%(code)s), as before in %(year)s")
        return line % {**values, "year": _year(previous)}, code in LIFE_SIGNAL_RETURNS
    if history.ledger_covers_tenancy:
        line = _("Direct debit returned because of %(cause)s (%(code)s), for the first time")
        return line % values, code in RARE_SIGNAL_RETURNS | LIFE_SIGNAL_RETURNS
    line = _(
        "Direct debit returned because of %(cause)s (%(code)s), for the first time since the ledger "
        "began in %(year)s"
    )
    return line % {
        **values,
        "year": _year(history.ledger_start),
    }, code in RARE_SIGNAL_RETURNS | LIFE_SIGNAL_RETURNS


def assess(history: PaymentHistory, policy: Policy) -> Assessment:
    as_of = history.as_of
    rent = history.monthly_rent
    negligible = policy.negligible_amount
    weights = policy.atypical.weights
    movements = history.seen_movements()
    principal_movements = [m for m in movements if m.kind != EntryKind.COST]
    balance = BalanceLine(principal_movements)
    allocation = allocate(
        Movement(date=m.date, amount=m.amount, kind=m.kind, entry_id=index)
        for index, m in enumerate(principal_movements)
    )
    arrears = allocation.arrears if allocation.arrears > negligible else ZERO
    oldest_open = _arrears_since(allocation.open_items, negligible) if arrears else None
    months_of_rent = euros(arrears / rent)
    costs_owed = sum((m.amount for m in movements if m.kind == EntryKind.COST), ZERO)

    records = month_records(principal_movements, balance, as_of=as_of, negligible=negligible)
    current_due = _current_due(records, oldest_open, as_of)
    # A returned debit reopens the month it paid: the rent has been overdue since that month's due date.
    oldest = current_due if oldest_open else None
    days_overdue = (as_of - oldest).days if oldest else 0
    before = [r for r in records if r.due < current_due]
    features = _Features()
    facts: dict[str, Any] = {}

    # --- the record before these arrears -------------------------------------------------------
    streak = on_time_streak(before, policy.grace_days)
    earlier = episodes(before)
    history_line, years_without_arrears = _history_reason(
        history, current_due=current_due, earlier=earlier, quiet_years=policy.atypical.quiet_years
    )
    if arrears:
        features.reasons.append(history_line)
    if streak >= policy.atypical.min_on_time_months:
        features.score += weights.long_on_time_streak
        if streak >= 24:
            line = ngettext(
                "Paid on time for %(years)s year in a row",
                "Paid on time for %(years)s years in a row",
                streak // 12,
            ) % {"years": streak // 12}
        else:
            line = _("Paid on time for %(months)s months in a row") % {"months": streak}
        if arrears:
            features.reasons.append(line)
    if years_without_arrears >= policy.atypical.quiet_years:
        features.score += weights.no_recent_arrears

    # --- how this tenant usually pays ----------------------------------------------------------
    window_start = months_before(current_due, policy.habitual_late.window_months)
    window = [r for r in before if r.due >= window_start]
    payments = [m for m in movements if m.kind == EntryKind.PAYMENT and m.amount < 0]
    usual_payments = [m for m in payments if window_start <= m.date < current_due]
    usual_offset = (
        statistics.median_low([payment_offset(m.date) for m in usual_payments]) if usual_payments else None
    )
    methods = Counter(m.method for m in usual_payments if m.method)
    usual_method = methods.most_common(1)[0][0] if methods else ""
    late_months = [
        r
        for r in window
        if r.days_late is not None and policy.grace_days < r.days_late <= policy.habitual_late.max_days_late
    ]
    highest = balance.highest(window_start, current_due) if window else ZERO
    months_behind_max = euros(max(highest, ZERO) / rent)
    habitual_late = (
        len(late_months) >= policy.habitual_late.min_late_months
        and months_behind_max <= policy.habitual_late.max_months_behind
    )
    if arrears and habitual_late:
        features.reasons.append(
            _(
                "Often pays a few days late: %(late)s of the last %(window)s months, never more than "
                "%(months)s months of rent behind"
            )
            % {
                "late": len(late_months),
                "window": len(window),
                "months": _months(policy.habitual_late.max_months_behind),
            }
        )
    deviation = None
    if arrears and usual_offset is not None and usual_offset <= policy.grace_days:
        deviation = days_overdue - max(usual_offset, 0)
        if deviation >= policy.atypical.late_deviation_days:
            features.score += weights.payment_deviation
            if usual_offset <= 0:
                line = _("Usually pays before the 1st of the month; the rent is now %(days)s days overdue")
                features.reasons.append(line % {"days": days_overdue})
            else:
                line = _(
                    "Usually pays around day %(day)s of the month; the rent is now %(days)s days overdue"
                )
                features.reasons.append(line % {"day": usual_offset + 1, "days": days_overdue})

    # --- this month ----------------------------------------------------------------------------
    # Net of returned debits: a collection that bounced was never paid.
    paid_this_month = -sum(
        (
            m.amount
            for m in movements
            if m.date >= current_due and m.kind in (EntryKind.PAYMENT, EntryKind.RETURN)
        ),
        ZERO,
    )
    partial = bool(arrears) and paid_this_month > 0
    if partial:
        features.score += weights.partial_payment
        features.reasons.append(
            _("Paid %(paid)s since the rent fell due; %(open)s is still open")
            % {"paid": format_euros(paid_this_month), "open": format_euros(arrears)}
        )

    # --- returned direct debits ----------------------------------------------------------------
    recent_from = as_of - dt.timedelta(days=RECENT_RETURN_DAYS)
    returns = [m for m in movements if m.kind == EntryKind.RETURN and m.return_reason]
    recent_codes: dict[str, dt.date] = {}
    for movement in returns:
        # Recent, or within these arrears: a death (MD07) months ago still means no letter today.
        if movement.date > recent_from or movement.date >= current_due:
            recent_codes[movement.return_reason] = movement.date
    bereavement = False
    data_error = False
    bank_signal = False
    for code, when in sorted(recent_codes.items(), key=lambda item: item[1]):
        if code == ReturnReason.MD07:
            bereavement = True
            features.reasons.insert(
                0,
                _(
                    "Direct debit returned: the account holder has died (MD07). Contact the household "
                    "in person; send no letter."
                ),
            )
            continue
        earlier_same = [
            m.date for m in returns if m.return_reason == code and m.date <= min(recent_from, current_due)
        ]
        line, signal = _return_reason(
            code, previous=max(earlier_same) if earlier_same else None, history=history, when=when
        )
        features.reasons.append(line)
        data_error = data_error or code in DATA_ERROR_RETURNS
        bank_signal = bank_signal or signal
    if bank_signal:
        features.score += weights.bank_return_signal
        features.life_event = True

    # --- the household and arrangements --------------------------------------------------------
    changes_from = months_before(as_of, HOUSEHOLD_CHANGE_MONTHS)
    recent_changes = [c for c in history.seen_household_changes() if c.date > changes_from]
    if recent_changes:
        features.score += weights.household_change
        features.life_event = True
        for change in recent_changes:
            features.reasons.append(_household_reason(change))
            if change.kind == MembershipEnd.DECEASED:
                bereavement = True
    arrangements = history.seen_arrangements()
    broken_from = months_before(as_of, BROKEN_ARRANGEMENT_MONTHS)
    broken = [
        a.broken_on for a in arrangements if a.broken_on is not None and broken_from < a.broken_on <= as_of
    ]
    if broken:
        features.reasons.append(
            _("A payment arrangement was not kept: an instalment was missed on %(date)s")
            % {"date": _long_date(max(broken))}
        )
    arrangement_active = any(a.active_on(as_of) for a in arrangements)
    if arrangement_active:
        features.reasons.append(_("A payment arrangement is running"))

    # --- growing arrears -----------------------------------------------------------------------
    past = [max(balance.at(months_before(as_of, k)), ZERO) for k in range(policy.growing.rising_months + 1)]
    rising = all(past[k] > past[k + 1] for k in range(policy.growing.rising_months))
    growing = bool(arrears) and (months_of_rent >= policy.growing.min_months_of_rent or rising)
    if growing:
        if months_of_rent >= policy.growing.min_months_of_rent:
            line = _("The arrears are growing: now %(months)s months of rent") % {
                "months": _months(months_of_rent)
            }
        else:
            line = ngettext(
                "The arrears grew for %(count)s month in a row",
                "The arrears grew for %(count)s months in a row",
                policy.growing.rising_months,
            ) % {"count": policy.growing.rising_months}
        features.reasons.append(line)

    score = min(100, features.score) if arrears else 0
    atypical = (
        bool(arrears)
        and score >= policy.atypical.score_threshold
        and (not habitual_late or features.life_event)
    )
    if arrears:
        features.reasons.insert(
            0 if not bereavement else 1,
            _("Arrears %(amount)s (%(months)s months of rent), %(days)s days overdue")
            % {"amount": format_euros(arrears), "months": _months(months_of_rent), "days": days_overdue},
        )
    priority = _priority(
        arrears=arrears,
        score=score,
        months_of_rent=months_of_rent,
        days_overdue=days_overdue,
        bereavement=bereavement,
        broken_arrangement=bool(broken),
    )
    facts.update(
        {
            "arrears": str(arrears),
            "months_of_rent": str(months_of_rent),
            "days_overdue": days_overdue,
            "costs_owed": str(euros(costs_owed)),
            "on_time_streak_months": streak,
            "tenancy_years": full_years(history.tenancy_start, as_of),
            "ledger_years": full_years(history.ledger_start, as_of),
            "ledger_covers_tenancy": history.ledger_covers_tenancy,
            "earlier_episodes": len(earlier),
            "last_episode_year": earlier[-1].last_due.year if earlier else None,
            "years_without_arrears": years_without_arrears,
            "usual_payment_offset_days": usual_offset,
            "usual_method": usual_method,
            "deviation_days": deviation,
            "late_months_in_window": len(late_months),
            "max_months_behind_in_window": str(months_behind_max),
            "paid_since_due": str(euros(paid_this_month)),
            "partial_payment": partial,
            "recent_returns": sorted(recent_codes),
            "household_changes_recent": [c.kind for c in recent_changes],
            "broken_arrangement": bool(broken),
            "arrangement_active": arrangement_active,
            "rising": rising,
            "score": score,
            # The judgements themselves, so a decision's record says which way the tenant was routed and why.
            "atypical": atypical,
            "habitual_late": habitual_late,
            "growing": growing,
            "bereavement": bereavement,
            "data_error": data_error,
        }
    )
    return Assessment(
        as_of=as_of,
        arrears=arrears,
        months_of_rent=months_of_rent,
        days_overdue=days_overdue,
        oldest_unpaid=oldest,
        atypical=atypical,
        habitual_late=habitual_late,
        growing=growing,
        priority=priority,
        reasons=features.reasons if arrears or bereavement else [],
        facts=facts,
        bereavement=bereavement,
        data_error=data_error,
        broken_arrangement=bool(broken),
        arrangement_active=arrangement_active,
        years_without_arrears=years_without_arrears,
        score=score,
    )


def _priority(
    *,
    arrears: Decimal,
    score: int,
    months_of_rent: Decimal,
    days_overdue: int,
    bereavement: bool,
    broken_arrangement: bool,
) -> int:
    """Who a social manager should call first: a death first, then unusual, large and old arrears."""
    if not arrears:
        return 0
    if bereavement:
        return 100
    points = Decimal(score) / 2 + min(Decimal(30), months_of_rent * 10) + min(20, days_overdue // 3)
    if broken_arrangement:
        points += 10
    return int(min(Decimal(100), points))
