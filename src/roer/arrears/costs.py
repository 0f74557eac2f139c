"""The statutory maximum of extrajudicial collection costs (WIK), exactly as the law says.

Besluit vergoeding voor buitengerechtelijke incassokosten (BWBR0031432), art. 2: bands over the principal,
at least €40, at most €6,775. Civil Code art. 6:96 lid 7: the principals of all claims in one notice are
added up before the bands apply. VAT only when the creditor cannot deduct it (a policy setting).
The Besluit does not say how to round; the total is rounded half-up to cents (DOMAIN.md).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from roer.core.money import CENT, ZERO, euros

# (width of the band, rate); the last band is open-ended.
BANDS: tuple[tuple[Decimal | None, Decimal], ...] = (
    (Decimal("2500"), Decimal("0.15")),
    (Decimal("2500"), Decimal("0.10")),
    (Decimal("5000"), Decimal("0.05")),
    (Decimal("190000"), Decimal("0.01")),
    (None, Decimal("0.005")),
)
MINIMUM = Decimal("40.00")
MAXIMUM = Decimal("6775.00")
VAT_RATE = Decimal("0.21")


def _exact(amount: Decimal) -> str:
    """Cents, or more places where a band gives fractions of a cent (5% of €0.01); never an exponent."""
    normal = amount.normalize()
    exponent = normal.as_tuple().exponent
    if isinstance(exponent, int) and exponent >= -2:
        return str(euros(amount))
    return f"{normal:f}"


@dataclass(frozen=True)
class BandLine:
    """The part of the principal that falls in one band, and the costs on that part (not rounded)."""

    lower: Decimal
    upper: Decimal | None
    rate: Decimal
    base: Decimal
    amount: Decimal

    def as_dict(self) -> dict[str, Any]:
        return {
            "from": str(euros(self.lower)),
            "to": str(euros(self.upper)) if self.upper is not None else None,
            "rate_percent": f"{self.rate * 100:.1f}".rstrip("0").rstrip("."),
            "base": str(euros(self.base)),
            "amount": str(euros(self.amount)),
            "amount_exact": _exact(self.amount),
        }


@dataclass(frozen=True)
class CostBreakdown:
    principal: Decimal
    lines: tuple[BandLine, ...]
    banded: Decimal  # the sum of the band lines, before the minimum and the maximum
    limit: str | None  # "minimum" or "maximum" when one of them decided the costs
    vat_added: bool
    costs: Decimal  # before VAT, in cents
    vat: Decimal
    total: Decimal

    def as_dict(self) -> dict[str, Any]:
        return {
            "principal": str(self.principal),
            "bands": [line.as_dict() for line in self.lines],
            "banded": str(euros(self.banded)),
            "limit": self.limit,
            "minimum": str(MINIMUM),
            "maximum": str(MAXIMUM),
            "vat_added": self.vat_added,
            "vat_rate": str(VAT_RATE) if self.vat_added else None,
            "costs": str(self.costs),
            "vat": str(self.vat),
            "total": str(self.total),
        }


def _checked_principal(principals: Sequence[Decimal]) -> Decimal:
    total = ZERO
    for principal in principals:
        if isinstance(principal, float):
            raise TypeError("money is never a float; pass a Decimal")
        amount = Decimal(principal)
        if not amount.is_finite() or amount < 0:
            raise ValueError(f"a principal is a positive amount: {principal!r}")
        if amount != amount.quantize(CENT):
            # Rounding a principal would change the legal basis; ledger amounts are cents.
            raise ValueError(f"a principal is in whole cents: {principal!r}")
        total += amount
    return euros(total)


def band_lines(principal: Decimal) -> tuple[BandLine, ...]:
    lines = []
    lower = ZERO
    for width, rate in BANDS:
        if principal <= lower:
            break
        upper = None if width is None else lower + width
        base = principal - lower if upper is None else min(principal, upper) - lower
        lines.append(BandLine(lower=lower, upper=upper, rate=rate, base=base, amount=base * rate))
        if upper is None:
            break
        lower = upper
    return tuple(lines)


def collection_costs(principals: Sequence[Decimal], *, vat: bool = False) -> CostBreakdown:
    """The most a notice covering these principals may claim. No principal (nothing owed): no costs."""
    principal = _checked_principal(principals)
    lines = band_lines(principal)
    banded = sum((line.amount for line in lines), ZERO)
    limit: str | None = None
    exact = banded
    if principal == 0:
        exact = ZERO
    elif banded < MINIMUM:
        exact, limit = MINIMUM, "minimum"
    elif banded > MAXIMUM:
        exact, limit = MAXIMUM, "maximum"
    exact_total = exact * (1 + VAT_RATE) if vat else exact
    costs = euros(exact)
    total = euros(exact_total)
    # VAT is what remains, so that costs + VAT always equals the total rounded once.
    return CostBreakdown(
        principal=principal,
        lines=lines,
        banded=banded,
        limit=limit,
        vat_added=vat,
        costs=costs,
        vat=total - costs,
        total=total,
    )
