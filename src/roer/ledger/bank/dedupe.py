"""The key that makes one bank entry one row, whichever file it arrives in.

The bank's own reference (AcctSvcrRef, the MT940 :61: bank reference) identifies an entry across a
camt.054 notification, the day's camt.053 and any second download. Without it the key falls back to
account, booking date, amount, currency and end-to-end id, plus the entry's occurrence number among
entries with those same facts in its file: two equal payments on one day stay two, and the same file
read again gives the same keys.
"""

from __future__ import annotations

import hashlib
from collections import Counter

from roer.core.money import euros
from roer.ledger.bank.entries import ParsedEntry
from roer.ledger.bank.text import compact_iban

_MAX_KEY = 255
_NO_REFERENCE = frozenset({"", "NONREF", "NOTPROVIDED"})


def _bounded(key: str) -> str:
    if len(key) <= _MAX_KEY:
        return key
    return key[:2] + "sha256:" + hashlib.sha256(key.encode()).hexdigest()


class DedupeKeys:
    """Keys for the entries of one file, in file order."""

    def __init__(self) -> None:
        self._occurrences: Counter[str] = Counter()

    def key(self, entry: ParsedEntry) -> str:
        account = compact_iban(entry.account_iban)
        if entry.bank_reference.strip().upper() not in _NO_REFERENCE:
            return _bounded(f"r|{account}|{entry.bank_reference.strip()}")
        facts = "|".join(
            (
                account,
                entry.booking_date.isoformat(),
                str(euros(entry.amount)),
                entry.currency,
                entry.end_to_end_id.strip(),
            )
        )
        self._occurrences[facts] += 1
        return _bounded(f"f|{facts}|{self._occurrences[facts]}")
