"""Pure statistics for the alerts and the fairness meter: binomial tails computed in pure Python (no SciPy
at run time), summed in log space with `math.lgamma`; a normal approximation past `EXACT_LIMIT` trials."""

from __future__ import annotations

import math

EXACT_LIMIT = 10_000


def _log_pmf(k: int, n: int, p: float) -> float:
    return (
        math.lgamma(n + 1)
        - math.lgamma(k + 1)
        - math.lgamma(n - k + 1)
        + k * math.log(p)
        + (n - k) * math.log1p(-p)
    )


def _log_sum(logs: list[float]) -> float:
    top = max(logs)
    return top + math.log(sum(math.exp(v - top) for v in logs))


def normal_sf(z: float) -> float:
    """P(Z >= z) for a standard normal Z."""
    return 0.5 * math.erfc(z / math.sqrt(2))


def binomial_upper(k: int, n: int, p: float) -> float:
    """P(X >= k) for X ~ Binomial(n, p): exact (log space) up to EXACT_LIMIT trials, else normal."""
    if not k >= 0 or not 0 <= p <= 1 or n < 0:
        raise ValueError("need 0 <= k, 0 <= p <= 1, n >= 0")
    if k == 0:
        return 1.0
    if k > n:
        return 0.0
    if p == 0:
        return 0.0
    if p == 1:
        return 1.0
    if n > EXACT_LIMIT:
        sd = math.sqrt(n * p * (1 - p))
        return normal_sf((k - 0.5 - n * p) / sd)
    return min(1.0, math.exp(_log_sum([_log_pmf(i, n, p) for i in range(k, n + 1)])))


def binomial_lower(k: int, n: int, p: float) -> float:
    """P(X <= k) for X ~ Binomial(n, p): the upper tail of the failures."""
    return binomial_upper(n - k, n, 1 - p)
