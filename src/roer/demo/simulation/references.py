"""Identifiers a corporation hands out: structured payment references, IBANs, mandate ids."""

from __future__ import annotations

import random

from schwifty import IBAN

# Dutch banks by rough share of private current accounts.
BANKS: tuple[tuple[str, int], ...] = (
    ("INGB", 36),
    ("RABO", 28),
    ("ABNA", 20),
    ("SNSB", 6),
    ("ASNB", 3),
    ("RBRB", 2),
    ("TRIO", 2),
    ("KNAB", 2),
    ("BUNQ", 1),
)

# Weights of the Dutch structured reference (betalingskenmerk, Currence), from the rightmost digit.
_KENMERK_WEIGHTS = (2, 4, 8, 5, 10, 9, 7, 3, 6, 1, 2, 4, 8, 5, 10)


def structured_reference(digits: str) -> str:
    """A 16-digit betalingskenmerk: a mod-11 check digit in front of 15 digits."""
    if len(digits) != 15 or not digits.isdigit():
        raise ValueError(f"a structured reference is built from 15 digits, not {digits!r}")
    total = sum(int(d) * w for d, w in zip(reversed(digits), _KENMERK_WEIGHTS, strict=True))
    check = 11 - total % 11
    check = {10: 1, 11: 0}.get(check, check)
    return f"{check}{digits}"


def random_iban(rng: random.Random) -> str:
    bank = rng.choices([code for code, _ in BANKS], weights=[w for _, w in BANKS])[0]
    account = f"{rng.randint(1, 9_999_999_999):010d}"
    return str(IBAN.generate("NL", bank_code=bank, account_code=account))


def mandate_id(tenancy_reference: str, number: int) -> str:
    return f"{tenancy_reference}-M{number}"
