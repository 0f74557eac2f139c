"""What becomes of one new bank entry, decided without a database from look-ups gathered per batch.

Order for a payment in (credit, EUR): the structured reference, a reference found in the free text,
then the payer's IBAN among tenancies active on the booking date; otherwise a person decides.
A return (debit with a return reason or reversal) is matched by mandate id, then the end-to-end id of
the original collection, then the IBAN.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import NamedTuple

from roer.ledger.bank.entries import ParsedEntry
from roer.ledger.bank.text import compact_iban, iban_is_valid, normalise_text, reference_candidates
from roer.ledger.constants import BankEntryFlag, BankEntryStatus


@dataclass(frozen=True)
class TenancyWindow:
    tenancy_id: int
    start_date: dt.date
    end_date: dt.date | None

    def active_on(self, day: dt.date) -> bool:
        return self.start_date <= day and (self.end_date is None or day <= self.end_date)


@dataclass
class Lookups:
    """What the database knows about the references, IBANs and mandates of one batch."""

    by_reference: Mapping[str, int] = field(default_factory=dict)
    by_iban: Mapping[str, Sequence[TenancyWindow]] = field(default_factory=dict)
    by_mandate: Mapping[str, int] = field(default_factory=dict)
    by_end_to_end: Mapping[str, int] = field(default_factory=dict)


class Outcome(NamedTuple):
    """What an entry becomes (a named tuple: one is built for every entry of a file)."""

    status: BankEntryStatus
    tenancy_id: int | None = None
    matched_by: str = ""  # reference, text_reference, iban, mandate, end_to_end
    flags: tuple[str, ...] = ()


def structured_reference_key(entry: ParsedEntry) -> str:
    return normalise_text(entry.structured_reference).replace(" ", "")


@lru_cache(maxsize=65536)
def _candidates(text: str) -> frozenset[str]:
    """`reference_candidates`, remembered: `gather` and `decide` both need them, and the free texts of
    a month's payments repeat ("huur", "huur januari")."""
    return frozenset(reference_candidates(text))


def gather(
    entry: ParsedEntry, references: set[str], ibans: set[str], mandates: set[str], end_to_ends: set[str]
) -> None:
    """Add the references, IBANs, mandates and end-to-end ids this entry may need looked up."""
    if entry.currency != "EUR":
        return
    if entry.is_return:
        if entry.mandate_id:
            mandates.add(entry.mandate_id.strip())
        if entry.end_to_end_id:
            end_to_ends.add(entry.end_to_end_id.strip())
    elif entry.is_credit and entry.transaction_count == 1:
        if entry.structured_reference:
            references.add(structured_reference_key(entry))
        if entry.remittance_info:
            references.update(_candidates(entry.remittance_info))
    if (entry.is_return or entry.is_credit) and (iban := compact_iban(entry.counterparty_iban)):
        ibans.add(iban)


def wanted(entry: ParsedEntry) -> tuple[set[str], set[str], set[str], set[str]]:
    """References, IBANs, mandates and end-to-end ids this entry may need looked up."""
    references: set[str] = set()
    ibans: set[str] = set()
    mandates: set[str] = set()
    end_to_ends: set[str] = set()
    gather(entry, references, ibans, mandates, end_to_ends)
    return references, ibans, mandates, end_to_ends


def _by_iban(entry: ParsedEntry, lookups: Lookups) -> tuple[int | None, bool]:
    """The one tenancy active on the booking date with this IBAN; (None, True) when several fit."""
    windows = lookups.by_iban.get(compact_iban(entry.counterparty_iban), ())
    active = {w.tenancy_id for w in windows if w.active_on(entry.booking_date)}
    if len(active) == 1:
        return next(iter(active)), False
    return None, len(active) > 1


def decide(entry: ParsedEntry, lookups: Lookups) -> Outcome:
    flags: list[str] = []
    if entry.counterparty_iban and not iban_is_valid(compact_iban(entry.counterparty_iban)):
        flags.append(BankEntryFlag.INVALID_IBAN)
    if entry.currency != "EUR":
        flags.append(BankEntryFlag.FOREIGN_CURRENCY)
        return Outcome(BankEntryStatus.FOREIGN_CURRENCY, flags=tuple(flags))

    if entry.is_return:
        for matched_by, tenancy_id in (
            ("mandate", lookups.by_mandate.get(entry.mandate_id.strip()) if entry.mandate_id else None),
            (
                "end_to_end",
                lookups.by_end_to_end.get(entry.end_to_end_id.strip()) if entry.end_to_end_id else None,
            ),
        ):
            if tenancy_id is not None:
                return Outcome(BankEntryStatus.RETURN, tenancy_id, matched_by, tuple(flags))
        tenancy_id, ambiguous = _by_iban(entry, lookups)
        if tenancy_id is not None:
            return Outcome(BankEntryStatus.RETURN, tenancy_id, "iban", tuple(flags))
        flags.append(BankEntryFlag.RETURN_UNMATCHED)
        if ambiguous:
            flags.append(BankEntryFlag.AMBIGUOUS)
        return Outcome(BankEntryStatus.UNMATCHED, flags=tuple(flags))

    if not entry.is_credit:
        return Outcome(BankEntryStatus.OUTGOING, flags=tuple(flags))
    if entry.transaction_count > 1:
        flags.append(BankEntryFlag.BATCH)
        return Outcome(BankEntryStatus.UNMATCHED, flags=tuple(flags))

    if entry.structured_reference:
        tenancy_id = lookups.by_reference.get(structured_reference_key(entry))
        if tenancy_id is not None:
            return Outcome(BankEntryStatus.MATCHED, tenancy_id, "reference", tuple(flags))
    by_reference = lookups.by_reference
    in_text = {by_reference[c] for c in _candidates(entry.remittance_info) if c in by_reference}
    if len(in_text) == 1:
        return Outcome(BankEntryStatus.MATCHED, in_text.pop(), "text_reference", tuple(flags))
    ambiguous = len(in_text) > 1
    if not ambiguous:
        tenancy_id, ambiguous = _by_iban(entry, lookups)
        if tenancy_id is not None:
            return Outcome(BankEntryStatus.MATCHED, tenancy_id, "iban", tuple(flags))
    if ambiguous:
        flags.append(BankEntryFlag.AMBIGUOUS)
    return Outcome(BankEntryStatus.UNMATCHED, flags=tuple(flags))
