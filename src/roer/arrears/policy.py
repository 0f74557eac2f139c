"""The collections policy: day offsets and thresholds as a versioned rule set (rules as data).

The default follows the "blind" schedule that Dutch corporations publish (DOMAIN.md), adapted by Roer:
the tenant's own history decides whether a letter or a person comes first, a collections officer reviews
growing arrears before any 14-day notice, and a first arrears in years costs nothing.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from roer.core.money import euros
from roer.core.rules import Document, RuleSetDefinition, register

KEY = "collections-policy"

_DAYS = {"type": "integer", "minimum": 0, "maximum": 366}
_MONTHS = {"type": "integer", "minimum": 0, "maximum": 600}
_AMOUNT = {"type": "string", "pattern": r"^\d{1,7}(\.\d{1,2})?$"}
_WEIGHT = {"type": "integer", "minimum": 0, "maximum": 100}


def _object(properties: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "type": "object",
        "properties": dict(properties),
        "required": list(properties),
        "additionalProperties": False,
    }


SCHEMA: dict[str, Any] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "title": "Collections policy",
    **_object(
        {
            "grace_days": {**_DAYS, "description": "days after the due date that still count as on time"},
            "negligible_amount": {**_AMOUNT, "description": "a balance up to this is not arrears"},
            "schedule": _object(
                {
                    "reminder_days": {**_DAYS, "description": "days after the due date"},
                    "second_contact_days": {**_DAYS, "description": "a personal contact attempt"},
                    "final_notice_days": {**_DAYS, "description": "the 14-day letter"},
                    "bailiff_proposal_days_after_term": {
                        **_DAYS,
                        "description": "days after the final notice's term ran out",
                    },
                    "delivery_margin_working_days": {"type": "integer", "minimum": 2, "maximum": 10},
                }
            ),
            "atypical": _object(
                {
                    "min_on_time_months": _MONTHS,
                    "quiet_years": {
                        "type": "integer",
                        "minimum": 1,
                        "maximum": 50,
                        "description": "years without arrears that count as a clean record",
                    },
                    "late_deviation_days": {**_DAYS, "description": "this much later than usual is unusual"},
                    "score_threshold": {"type": "integer", "minimum": 1, "maximum": 100},
                    "weights": _object(
                        {
                            "long_on_time_streak": _WEIGHT,
                            "no_recent_arrears": _WEIGHT,
                            "household_change": _WEIGHT,
                            "bank_return_signal": _WEIGHT,
                            "payment_deviation": _WEIGHT,
                            "partial_payment": _WEIGHT,
                        }
                    ),
                }
            ),
            "habitual_late": _object(
                {
                    "window_months": {"type": "integer", "minimum": 1, "maximum": 36},
                    "min_late_months": {"type": "integer", "minimum": 1, "maximum": 36},
                    "max_days_late": {"type": "integer", "minimum": 1, "maximum": 31},
                    "max_months_behind": {"type": "number", "minimum": 0, "maximum": 12},
                }
            ),
            "growing": _object(
                {
                    "min_months_of_rent": {"type": "number", "exclusiveMinimum": 0, "maximum": 12},
                    "rising_months": {"type": "integer", "minimum": 1, "maximum": 12},
                }
            ),
            "first_arrears_no_costs_years": {
                "type": "integer",
                "minimum": 0,
                "maximum": 50,
                "description": "no costs for a first arrears in this many years; 0 switches it off",
            },
            "vat_on_costs": {"type": "boolean", "description": "only when the corporation cannot deduct VAT"},
            "early_warning": _object(
                {
                    "days_after_reminder": _DAYS,
                    "signal_during_arrangement": {"type": "boolean"},
                }
            ),
            "self_service_arrangement": _object(
                {
                    "enabled": {"type": "boolean"},
                    "min_on_time_months": _MONTHS,
                    "min_tenancy_months": _MONTHS,
                    "no_arrangement_months": _MONTHS,
                    "max_instalments": {"type": "integer", "minimum": 1, "maximum": 36},
                    "max_months_of_rent": {"type": "number", "exclusiveMinimum": 0, "maximum": 12},
                    "allowed_with_bailiff": {"type": "boolean"},
                    "allowed_with_debt_measure": {"type": "boolean"},
                }
            ),
        }
    ),
}


def default_document() -> Document:
    return {
        "grace_days": 5,
        "negligible_amount": "5.00",
        "schedule": {
            "reminder_days": 8,
            "second_contact_days": 21,
            "final_notice_days": 35,
            "bailiff_proposal_days_after_term": 14,
            "delivery_margin_working_days": 2,
        },
        "atypical": {
            "min_on_time_months": 24,
            "quiet_years": 5,
            "late_deviation_days": 7,
            "score_threshold": 50,
            "weights": {
                "long_on_time_streak": 50,
                "no_recent_arrears": 20,
                "household_change": 40,
                "bank_return_signal": 30,
                "payment_deviation": 10,
                "partial_payment": 10,
            },
        },
        "habitual_late": {
            "window_months": 12,
            "min_late_months": 4,
            "max_days_late": 20,
            "max_months_behind": 1,
        },
        "growing": {"min_months_of_rent": 2, "rising_months": 2},
        "first_arrears_no_costs_years": 5,
        "vat_on_costs": False,
        "early_warning": {"days_after_reminder": 30, "signal_during_arrangement": False},
        # Rijnhart Wonen and Wooninvest (DOMAIN.md): on time for 12 months, tenancy over 12 months, no
        # arrangement in the last 12 months, no bailiff or debt scheme, arrears at most one month's rent,
        # up to 6 instalments.
        "self_service_arrangement": {
            "enabled": True,
            "min_on_time_months": 12,
            "min_tenancy_months": 12,
            "no_arrangement_months": 12,
            "max_instalments": 6,
            "max_months_of_rent": 1,
            "allowed_with_bailiff": False,
            "allowed_with_debt_measure": False,
        },
    }


def check(document: Document) -> list[str]:
    """Rules between fields that the schema cannot express."""
    problems = []
    schedule = document["schedule"]
    if not schedule["reminder_days"] < schedule["second_contact_days"] < schedule["final_notice_days"]:
        problems.append(
            "schedule: the reminder comes before the second contact, and that before the final notice"
        )
    if schedule["reminder_days"] <= document["grace_days"]:
        problems.append(
            "schedule/reminder_days: a reminder within the grace days would remind tenants who are on time"
        )
    late = document["habitual_late"]
    if late["min_late_months"] > late["window_months"]:
        problems.append("habitual_late/min_late_months: more late months than the window holds")
    if late["max_days_late"] <= document["grace_days"]:
        problems.append("habitual_late/max_days_late: must be more than grace_days, or no month can be late")
    weights = document["atypical"]["weights"]
    if sum(weights.values()) < document["atypical"]["score_threshold"]:
        problems.append(
            "atypical/score_threshold: higher than all weights together, so nothing is ever atypical"
        )
    return problems


@dataclass(frozen=True)
class Schedule:
    reminder_days: int
    second_contact_days: int
    final_notice_days: int
    bailiff_proposal_days_after_term: int
    delivery_margin_working_days: int


@dataclass(frozen=True)
class AtypicalWeights:
    long_on_time_streak: int
    no_recent_arrears: int
    household_change: int
    bank_return_signal: int
    payment_deviation: int
    partial_payment: int


@dataclass(frozen=True)
class AtypicalThresholds:
    min_on_time_months: int
    quiet_years: int
    late_deviation_days: int
    score_threshold: int
    weights: AtypicalWeights


@dataclass(frozen=True)
class HabitualLateness:
    window_months: int
    min_late_months: int
    max_days_late: int
    max_months_behind: Decimal


@dataclass(frozen=True)
class GrowingArrears:
    min_months_of_rent: Decimal
    rising_months: int


@dataclass(frozen=True)
class EarlyWarning:
    days_after_reminder: int
    signal_during_arrangement: bool


@dataclass(frozen=True)
class SelfServiceArrangement:
    enabled: bool
    min_on_time_months: int
    min_tenancy_months: int
    no_arrangement_months: int
    max_instalments: int
    max_months_of_rent: Decimal
    allowed_with_bailiff: bool
    allowed_with_debt_measure: bool


def _number(value: int | float | str) -> Decimal:
    # JSON numbers arrive as int or float; str() keeps 1.5 as exactly 1.5.
    return Decimal(str(value))


@dataclass(frozen=True)
class Policy:
    grace_days: int
    negligible_amount: Decimal
    schedule: Schedule
    atypical: AtypicalThresholds
    habitual_late: HabitualLateness
    growing: GrowingArrears
    first_arrears_no_costs_years: int
    vat_on_costs: bool
    early_warning: EarlyWarning
    self_service_arrangement: SelfServiceArrangement

    @classmethod
    def from_document(cls, document: Document) -> Policy:
        """A validated document (see `roer.core.rules.validate`) as typed values."""
        atypical = document["atypical"]
        late = document["habitual_late"]
        growing = document["growing"]
        arrangement = document["self_service_arrangement"]
        return cls(
            grace_days=document["grace_days"],
            negligible_amount=euros(document["negligible_amount"]),
            schedule=Schedule(**document["schedule"]),
            atypical=AtypicalThresholds(
                min_on_time_months=atypical["min_on_time_months"],
                quiet_years=atypical["quiet_years"],
                late_deviation_days=atypical["late_deviation_days"],
                score_threshold=atypical["score_threshold"],
                weights=AtypicalWeights(**atypical["weights"]),
            ),
            habitual_late=HabitualLateness(
                window_months=late["window_months"],
                min_late_months=late["min_late_months"],
                max_days_late=late["max_days_late"],
                max_months_behind=_number(late["max_months_behind"]),
            ),
            growing=GrowingArrears(
                min_months_of_rent=_number(growing["min_months_of_rent"]),
                rising_months=growing["rising_months"],
            ),
            first_arrears_no_costs_years=document["first_arrears_no_costs_years"],
            vat_on_costs=document["vat_on_costs"],
            early_warning=EarlyWarning(**document["early_warning"]),
            self_service_arrangement=SelfServiceArrangement(
                **{
                    **arrangement,
                    "max_months_of_rent": _number(arrangement["max_months_of_rent"]),
                }
            ),
        )

    @classmethod
    def default(cls) -> Policy:
        return cls.from_document(default_document())


DEFINITION = register(
    RuleSetDefinition(
        key=KEY,
        title="Collections policy",
        schema=SCHEMA,
        default=default_document,
        check=check,
    )
)
