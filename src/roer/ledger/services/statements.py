"""Booking bank files: `statement_import` reads camt.053/054 and MT940 files and books what is new;
`bank_entry_assign` and `bank_entry_mark_for_return` resolve the finance officer's unmatched queue.

All files of one import run in one transaction: a bad file anywhere leaves the database as it was,
so a person can fix or drop the file and run the same command again. Entries are read as a stream
and booked in batches, with one look-up query per kind of match per batch.
"""

from __future__ import annotations

import hashlib
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from itertools import islice
from pathlib import Path
from typing import Any, TypeVar

import structlog
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from roer.accounts.models import User
from roer.core import journal
from roer.core.money import ZERO, euros
from roer.core.subjects import SubjectRef, subject_ref
from roer.ledger.bank import ParsedEntry, detect_format, read_entries
from roer.ledger.bank.dedupe import DedupeKeys
from roer.ledger.bank.matching import Lookups, Outcome, TenancyWindow, decide, wanted
from roer.ledger.bank.text import compact_iban
from roer.ledger.constants import (
    BankEntryFlag,
    BankEntryStatus,
    EntryKind,
    EntrySource,
    PaymentChannel,
    StatementFormat,
)
from roer.ledger.models import BankEntry, BankStatement, LedgerEntry
from roer.tenancies.models import Tenancy
from roer.tenancies.selectors import (
    tenancy_ids_by_mandate,
    tenancy_ids_by_payment_reference,
    tenancy_periods_by_iban,
)

logger = structlog.get_logger(__name__)

BATCH_SIZE = 2000
# SQLite allows 32766 parameters per query (999 before 3.32); stay far below either engine's limit.
_IN_CHUNK = 900

T = TypeVar("T")


def _batches(items: Iterable[T], size: int) -> Iterator[list[T]]:
    iterator = iter(items)
    while batch := list(islice(iterator, size)):
        yield batch


# --- the summary ---------------------------------------------------------------------------------


@dataclass
class FileSummary:
    file: str
    format: str
    entries_read: int = 0
    booked: int = 0
    duplicates_skipped: int = 0
    matched: int = 0
    unmatched: int = 0
    returns: int = 0
    outgoing: int = 0
    foreign_currency: int = 0
    credit_total: Decimal = ZERO
    debit_total: Decimal = ZERO
    flagged: Counter[str] = field(default_factory=Counter)

    def count(self, outcome: Outcome) -> None:
        self.booked += 1
        if outcome.status == BankEntryStatus.MATCHED:
            self.matched += 1
        elif outcome.status == BankEntryStatus.RETURN:
            self.returns += 1
        elif outcome.status == BankEntryStatus.UNMATCHED:
            self.unmatched += 1
        elif outcome.status == BankEntryStatus.OUTGOING:
            self.outgoing += 1
        elif outcome.status == BankEntryStatus.FOREIGN_CURRENCY:
            self.foreign_currency += 1
        self.flagged.update(outcome.flags)

    def as_dict(self) -> dict[str, Any]:
        return {
            "file": self.file,
            "format": self.format,
            "entries_read": self.entries_read,
            "booked": self.booked,
            "duplicates_skipped": self.duplicates_skipped,
            "matched": self.matched,
            "unmatched": self.unmatched,
            "returns": self.returns,
            "outgoing": self.outgoing,
            "foreign_currency": self.foreign_currency,
            "credit_total": str(self.credit_total),
            "debit_total": str(self.debit_total),
            "flagged": {flag.value: self.flagged.get(flag.value, 0) for flag in BankEntryFlag},
        }


_COUNTS = (
    "entries_read",
    "booked",
    "duplicates_skipped",
    "matched",
    "unmatched",
    "returns",
    "outgoing",
    "foreign_currency",
)


@dataclass
class ImportSummary:
    files: list[FileSummary] = field(default_factory=list)

    def total(self, name: str) -> int:
        return sum(getattr(f, name) for f in self.files)

    def as_dict(self) -> dict[str, Any]:
        flagged: Counter[str] = Counter()
        for f in self.files:
            flagged.update(f.flagged)
        return {
            "files": len(self.files),
            **{name: self.total(name) for name in _COUNTS},
            "flagged": {flag.value: flagged.get(flag.value, 0) for flag in BankEntryFlag},
            "per_file": [f.as_dict() for f in self.files],
        }


# --- look-ups (one query per kind and chunk of a batch) -----------------------------------------------


def _chunked(values: Iterable[str]) -> Iterator[list[str]]:
    return _batches(sorted(set(values)), _IN_CHUNK)


def _spaced(iban: str) -> str:
    return " ".join(iban[i : i + 4] for i in range(0, len(iban), 4))


def _lookups(entries: Sequence[ParsedEntry]) -> Lookups:
    references: set[str] = set()
    ibans: set[str] = set()
    mandates: set[str] = set()
    end_to_ends: set[str] = set()
    for entry in entries:
        r, i, m, e = wanted(entry)
        references |= r
        ibans |= i
        mandates |= m
        end_to_ends |= e
    lookups = Lookups()
    if references:
        lookups.by_reference = tenancy_ids_by_payment_reference(references)
    if ibans:
        by_iban: dict[str, list[TenancyWindow]] = defaultdict(list)
        # Tenancies may hold the IBAN compact or in groups of four; both are asked for.
        for pk, iban, start, end in tenancy_periods_by_iban(ibans | {_spaced(iban) for iban in ibans}):
            by_iban[compact_iban(iban)].append(TenancyWindow(pk, start, end))
        lookups.by_iban = by_iban
    if mandates:
        lookups.by_mandate = tenancy_ids_by_mandate(mandates)
    if end_to_ends:
        # The collection a return undoes was booked as a direct-debit payment under its end-to-end id.
        by_end_to_end: dict[str, int] = {}
        for chunk in _chunked(end_to_ends):
            by_end_to_end.update(
                LedgerEntry.objects.filter(
                    reference__in=chunk, kind=EntryKind.PAYMENT, method=PaymentChannel.DIRECT_DEBIT
                ).values_list("reference", "tenancy_id")
            )
        lookups.by_end_to_end = by_end_to_end
    return lookups


# --- booking ---------------------------------------------------------------------------------------


def _bank_entry(statement: BankStatement, key: str, entry: ParsedEntry, outcome: Outcome) -> BankEntry:
    return BankEntry(
        statement=statement,
        dedupe_key=key,
        bank_reference=entry.bank_reference[:140],
        account_iban=entry.account_iban[:34],
        booking_date=entry.booking_date,
        value_date=entry.value_date,
        amount=euros(entry.amount),
        currency=entry.currency[:3],
        counterparty_name=entry.counterparty_name[:200],
        counterparty_iban=entry.counterparty_iban[:34],
        remittance_info=entry.remittance_info,
        structured_reference=entry.structured_reference[:35],
        end_to_end_id=entry.end_to_end_id[:35],
        mandate_id=entry.mandate_id[:35],
        return_reason=entry.return_reason[:4],
        is_reversal=entry.is_reversal,
        status=outcome.status,
        flags=list(outcome.flags),
        tenancy_id=outcome.tenancy_id,
    )


def _ledger_entry(bank_entry: BankEntry, *, is_direct_debit: bool) -> LedgerEntry:
    """The booking on the tenant's account: a payment lowers what is owed, a return raises it."""
    is_return = bank_entry.status == BankEntryStatus.RETURN or bank_entry.amount < 0
    assert bank_entry.tenancy_id is not None
    return LedgerEntry(
        tenancy_id=bank_entry.tenancy_id,
        date=bank_entry.booking_date,
        kind=EntryKind.RETURN if is_return else EntryKind.PAYMENT,
        amount=abs(bank_entry.amount) if is_return else -abs(bank_entry.amount),
        method=PaymentChannel.DIRECT_DEBIT if is_direct_debit or is_return else PaymentChannel.TRANSFER,
        reference=(bank_entry.structured_reference or bank_entry.end_to_end_id or bank_entry.bank_reference)[
            :140
        ],
        return_reason=bank_entry.return_reason if is_return else "",
        source=EntrySource.BANK,
        bank_entry=bank_entry,
    )


@dataclass(frozen=True)
class _Event:
    activity: str
    subjects: tuple[SubjectRef, ...]
    facts: dict[str, Any]


def _event(bank_entry: BankEntry, outcome: Outcome) -> _Event | None:
    entry_ref = subject_ref(bank_entry)
    facts: dict[str, Any] = {"amount": abs(bank_entry.amount), "booking_date": bank_entry.booking_date}
    if outcome.tenancy_id is not None:
        tenancy_ref = SubjectRef(Tenancy._meta.label_lower, str(outcome.tenancy_id))
        if outcome.status == BankEntryStatus.RETURN:
            facts.update(reason=bank_entry.return_reason, matched_by=outcome.matched_by)
            return _Event("direct_debit_returned", (tenancy_ref, entry_ref), facts)
        return _Event(
            "payment_received", (tenancy_ref, entry_ref), {**facts, "matched_by": outcome.matched_by}
        )
    if outcome.status in {BankEntryStatus.UNMATCHED, BankEntryStatus.FOREIGN_CURRENCY}:
        facts.update(currency=bank_entry.currency, flags=list(outcome.flags))
        return _Event("bank_entry_unmatched", (entry_ref,), facts)
    # Outgoing payments are not rent: they are recorded on the statement, not journalled one by one.
    return None


def _journal_batch(events: list[_Event]) -> None:
    """One event per booking, appended for a whole batch at once."""
    journal.record_many(
        [journal.Entry(activity=e.activity, subjects=e.subjects, facts=e.facts) for e in events]
    )


def _book_batch(statement: BankStatement, keyed: list[tuple[str, ParsedEntry]], summary: FileSummary) -> None:
    existing: set[str] = set()
    for chunk in _chunked(key for key, _entry in keyed):
        existing.update(BankEntry.objects.filter(dedupe_key__in=chunk).values_list("dedupe_key", flat=True))
    new: dict[str, ParsedEntry] = {}
    for key, entry in keyed:
        if key in existing or key in new:
            summary.duplicates_skipped += 1
        else:
            new[key] = entry
    if not new:
        return
    lookups = _lookups(list(new.values()))
    rows: list[tuple[BankEntry, ParsedEntry, Outcome]] = []
    for key, entry in new.items():
        outcome = decide(entry, lookups)
        rows.append((_bank_entry(statement, key, entry, outcome), entry, outcome))
        summary.count(outcome)
    BankEntry.objects.bulk_create([bank_entry for bank_entry, _e, _o in rows])
    LedgerEntry.objects.bulk_create(
        [
            _ledger_entry(bank_entry, is_direct_debit=entry.is_direct_debit)
            for bank_entry, entry, outcome in rows
            if outcome.tenancy_id is not None
        ]
    )
    _journal_batch([e for bank_entry, _entry, outcome in rows if (e := _event(bank_entry, outcome))])


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        for block in iter(lambda: stream.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _import_file(path: Path, file_format: StatementFormat, batch_size: int) -> FileSummary:
    summary = FileSummary(file=path.name, format=file_format.value)
    statement = BankStatement.objects.create(
        file_name=path.name[:255], file_sha256=_sha256(path), format=file_format
    )
    keys = DedupeKeys()
    first: ParsedEntry | None = None
    for batch in _batches(read_entries(path, file_format), batch_size):
        first = first or batch[0]
        keyed = []
        for entry in batch:
            summary.entries_read += 1
            if entry.amount > 0:
                summary.credit_total += entry.amount
            else:
                summary.debit_total += entry.amount
            keyed.append((keys.key(entry), entry))
        _book_batch(statement, keyed, summary)
    statement.entries_read = summary.entries_read
    statement.account_iban = first.account_iban[:34] if first else ""
    statement.statement_id = first.statement_id[:100] if first else ""
    statement.save(update_fields=["entries_read", "account_iban", "statement_id"])
    journal.record(
        activity="statement_imported",
        subjects=[statement],
        facts={
            "format": file_format.value,
            "entries_read": summary.entries_read,
            "booked": summary.booked,
            "duplicates_skipped": summary.duplicates_skipped,
            "matched": summary.matched,
            "unmatched": summary.unmatched,
            "returns": summary.returns,
        },
    )
    return summary


def statement_import(*, paths: Sequence[Path], batch_size: int = BATCH_SIZE) -> ImportSummary:
    """Read and book bank files. Raises `StatementError` (and books nothing at all) if any file is bad."""
    detected = [(path, detect_format(path)) for path in paths]
    summary = ImportSummary()
    with transaction.atomic():
        for path, file_format in detected:
            summary.files.append(_import_file(path, file_format, batch_size))
    logger.info("statements_imported", **{k: v for k, v in summary.as_dict().items() if k != "per_file"})
    return summary


# --- the finance officer's queue -------------------------------------------------------------------


class BankEntryNotOpen(ValueError):
    """Only an entry waiting in the unmatched queue can be assigned or marked for return."""


def _lock_open(entry: BankEntry) -> BankEntry:
    locked = BankEntry.objects.select_for_update().get(pk=entry.pk)
    if locked.status != BankEntryStatus.UNMATCHED:
        raise BankEntryNotOpen(_("This bank entry is not waiting in the queue."))
    if locked.currency != "EUR":
        raise BankEntryNotOpen(_("Only euro entries can be booked to rent."))
    return locked


def bank_entry_assign(*, entry: BankEntry, tenancy: Tenancy, by: User) -> BankEntry:
    """A person books an unmatched payment (or unmatched return) to the tenancy it belongs to."""
    with transaction.atomic():
        locked = _lock_open(entry)
        is_return = BankEntryFlag.RETURN_UNMATCHED in locked.flags or locked.amount < 0
        locked.tenancy = tenancy
        locked.status = BankEntryStatus.RETURN if is_return else BankEntryStatus.MATCHED
        locked.handled_by = by
        locked.handled_at = timezone.now()
        locked.save(update_fields=["tenancy", "status", "handled_by", "handled_at"])
        booking = _ledger_entry(locked, is_direct_debit=bool(locked.mandate_id))
        booking.save()
        journal.record(
            activity="bank_entry_assigned",
            subjects=[tenancy, locked],
            actor=by,
            facts={"amount": abs(locked.amount), "kind": booking.kind, "reason": locked.return_reason},
        )
    logger.info("bank_entry_assigned", bank_entry_id=locked.pk, tenancy_id=tenancy.pk)
    return locked


def bank_entry_mark_for_return(*, entry: BankEntry, by: User, reason: str) -> BankEntry:
    """A person decides an incoming payment is not rent and must be paid back; the reason stays on the entry."""
    with transaction.atomic():
        locked = _lock_open(entry)
        if locked.amount <= 0:
            raise BankEntryNotOpen(_("Only money received can be paid back."))
        locked.status = BankEntryStatus.MARKED_FOR_RETURN
        locked.handled_by = by
        locked.handled_at = timezone.now()
        locked.handling_note = reason
        locked.save(update_fields=["status", "handled_by", "handled_at", "handling_note"])
        journal.record(
            activity="bank_entry_marked_for_return",
            subjects=[locked],
            actor=by,
            facts={"amount": locked.amount},
        )
        transaction.on_commit(
            lambda: logger.info(
                "bank_entry_refund_requested", bank_entry_id=locked.pk, amount=str(locked.amount)
            )
        )
    return locked
