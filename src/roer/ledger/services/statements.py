"""Booking bank files: `statement_import` reads camt.053/054 and MT940 files and books what is new;
`bank_entry_assign` and `bank_entry_mark_for_return` resolve the finance officer's unmatched queue.

All files of one import run in one transaction: a bad file anywhere leaves the database as it was,
so a person can fix or drop the file and run the same command again. Entries are read as a stream
and booked in batches, with one look-up query per kind of match per batch.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import sqlite3
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from itertools import islice
from pathlib import Path
from typing import Any, TypeVar

import structlog
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from roer.accounts.models import User
from roer.core import journal
from roer.core.bulk import insert_rows, insert_rows_returning_ids
from roer.core.money import ZERO, euros
from roer.core.subjects import SubjectRef
from roer.ledger.bank import ParsedEntry, detect_format, read_entries
from roer.ledger.bank.dedupe import DedupeKeys
from roer.ledger.bank.matching import Lookups, Outcome, TenancyWindow, decide, gather
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

BATCH_SIZE = 5000
# Values per IN (...): a whole batch in one query where the database allows it. PostgreSQL takes
# 65535 parameters per query; SQLite as many as it was built for (32766 since 3.32, 999 before).
_IN_CHUNK = 20_000

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


def _in_chunk() -> int:
    if connection.vendor != "sqlite":
        return _IN_CHUNK
    connection.ensure_connection()
    limit = int(connection.connection.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER))
    return max(1, min(_IN_CHUNK, limit - 100))


def _chunked(values: Iterable[str]) -> Iterator[list[str]]:
    return _batches(sorted(set(values)), _in_chunk())


def _spaced(iban: str) -> str:
    return " ".join(iban[i : i + 4] for i in range(0, len(iban), 4))


# Values already looked up in this import, at most this many before the memory is cleared.
_KNOWN_LIMIT = 200_000


@dataclass
class _Known:
    """What the tenancies said about values already looked up for earlier batches of this import.

    Tenancies do not change while an import runs (one transaction), so a value asked for once need
    not be asked for again: after the first batches nearly every IBAN and reference of a monthly
    file is known. Direct-debit collections are not remembered: an import books them itself.
    """

    asked: dict[str, set[str]] = field(default_factory=dict)  # by kind, answered or not
    by_reference: dict[str, int] = field(default_factory=dict)
    by_iban: dict[str, list[TenancyWindow]] = field(default_factory=dict)
    by_mandate: dict[str, int] = field(default_factory=dict)

    def new(self, kind: str, values: set[str]) -> set[str]:
        if sum(map(len, self.asked.values())) > _KNOWN_LIMIT:
            self.asked.clear()
            self.by_reference.clear()
            self.by_iban.clear()
            self.by_mandate.clear()
        asked = self.asked.setdefault(kind, set())
        fresh = values - asked
        asked |= fresh
        return fresh


def _lookups(entries: Sequence[ParsedEntry], known: _Known | None = None) -> Lookups:
    known = known if known is not None else _Known()
    references: set[str] = set()
    ibans: set[str] = set()
    mandates: set[str] = set()
    end_to_ends: set[str] = set()
    for entry in entries:
        gather(entry, references, ibans, mandates, end_to_ends)
    lookups = Lookups(by_reference=known.by_reference, by_iban=known.by_iban, by_mandate=known.by_mandate)
    if references := known.new("r", references):
        known.by_reference.update(tenancy_ids_by_payment_reference(references))
    if ibans := known.new("i", ibans):
        # Tenancies may hold the IBAN compact or in groups of four; both are asked for.
        for pk, iban, start, end in tenancy_periods_by_iban(ibans | {_spaced(iban) for iban in ibans}):
            known.by_iban.setdefault(compact_iban(iban), []).append(TenancyWindow(pk, start, end))
    if mandates := known.new("m", mandates):
        known.by_mandate.update(tenancy_ids_by_mandate(mandates))
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


class _Writer:
    """Plain rows for one file's bank entries, ledger bookings and journal events.

    `bulk_create` spends far more time building model instances and preparing each field of each one
    than the database spends inserting them; here each batch goes in as tuples through the backend's
    own cursor, every value adapted by the backend's `connection.ops` (dates, amounts and flag lists
    repeat, so each is adapted once), on SQLite and PostgreSQL alike.
    """

    def __init__(self, statement: BankStatement) -> None:
        ops = connection.ops
        self.statement = statement
        self._date = ops.adapt_datefield_value
        self._amount = ops.adapt_decimalfield_value
        self._json = ops.adapt_json_value
        self._dates: dict[dt.date | None, Any] = {None: None}
        self._iso_dates: dict[dt.date, str] = {}
        self._flags: dict[tuple[str, ...], Any] = {}
        self.entry_kind = BankEntry._meta.label_lower
        self.tenancy_kind = Tenancy._meta.label_lower
        self._tenancies: dict[int, SubjectRef] = {}
        self.known = _Known()

    def date(self, day: dt.date | None) -> Any:
        try:
            return self._dates[day]
        except KeyError:
            value = self._dates[day] = self._date(day)
            return value

    def iso_date(self, day: dt.date) -> str:
        try:
            return self._iso_dates[day]
        except KeyError:
            value = self._iso_dates[day] = day.isoformat()
            return value

    def flags(self, flags: tuple[str, ...]) -> Any:
        try:
            return self._flags[flags]
        except KeyError:
            value = self._flags[flags] = self._json([str(flag) for flag in flags], None)
            return value

    def amount(self, amount: Decimal, max_digits: int) -> Any:
        return self._amount(amount, max_digits, 2)

    def tenancy(self, tenancy_id: int) -> SubjectRef:
        """The tenancy as a journal subject; a month's file pays to each tenancy more than once."""
        try:
            return self._tenancies[tenancy_id]
        except KeyError:
            if len(self._tenancies) > _KNOWN_LIMIT:
                self._tenancies.clear()
            ref = self._tenancies[tenancy_id] = SubjectRef(self.tenancy_kind, str(tenancy_id))
            return ref


_BANK_ENTRY_COLUMNS = (
    "statement",
    "dedupe_key",
    "bank_reference",
    "account_iban",
    "booking_date",
    "value_date",
    "amount",
    "currency",
    "counterparty_name",
    "counterparty_iban",
    "remittance_info",
    "structured_reference",
    "end_to_end_id",
    "mandate_id",
    "return_reason",
    "is_reversal",
    "status",
    "flags",
    "tenancy",
    "handled_by",
    "handled_at",
    "handling_note",
)
_LEDGER_ENTRY_COLUMNS = (
    "tenancy",
    "date",
    "kind",
    "amount",
    "period",
    "method",
    "reference",
    "return_reason",
    "source",
    "external_id",
    "bank_entry",
    "created_at",
)


def _bank_row(
    writer: _Writer, key: str, entry: ParsedEntry, outcome: Outcome, amount: Decimal
) -> tuple[Any, ...]:
    """The bank entry's row, as a `BankEntry` would be saved; `amount` is the entry's in euros."""
    return (
        writer.statement.pk,
        key,
        entry.bank_reference[:140],
        entry.account_iban[:34],
        writer.date(entry.booking_date),
        writer.date(entry.value_date),
        writer.amount(amount, 14),
        entry.currency[:3],
        entry.counterparty_name[:200],
        entry.counterparty_iban[:34],
        entry.remittance_info,
        entry.structured_reference[:35],
        entry.end_to_end_id[:35],
        entry.mandate_id[:35],
        entry.return_reason[:4],
        entry.is_reversal,
        str(outcome.status),
        writer.flags(outcome.flags),
        outcome.tenancy_id,
        None,
        None,
        "",
    )


_RETURN = BankEntryStatus.RETURN.value
_UNMATCHED_EVENT = frozenset({BankEntryStatus.UNMATCHED.value, BankEntryStatus.FOREIGN_CURRENCY.value})
_PAYMENT_KIND, _RETURN_KIND = EntryKind.PAYMENT.value, EntryKind.RETURN.value
_DIRECT_DEBIT, _TRANSFER = PaymentChannel.DIRECT_DEBIT.value, PaymentChannel.TRANSFER.value
_BANK_SOURCE = EntrySource.BANK.value


def _ledger_row(
    writer: _Writer,
    entry: ParsedEntry,
    outcome: Outcome,
    amount: Decimal,
    bank_entry_id: int,
    created_at: Any,
) -> tuple[Any, ...]:
    """The booking on the tenant's account, as `_ledger_entry` would build it from the saved entry."""
    is_return = outcome.status == _RETURN or amount < 0
    return (
        outcome.tenancy_id,
        writer.date(entry.booking_date),
        _RETURN_KIND if is_return else _PAYMENT_KIND,
        writer.amount(abs(amount) if is_return else -abs(amount), 12),
        None,
        _DIRECT_DEBIT if entry.is_direct_debit or is_return else _TRANSFER,
        (entry.structured_reference[:35] or entry.end_to_end_id[:35] or entry.bank_reference[:140])[:140],
        entry.return_reason[:4] if is_return else "",
        _BANK_SOURCE,
        None,
        bank_entry_id,
        created_at,
    )


def _event(
    writer: _Writer, entry: ParsedEntry, outcome: Outcome, amount: Decimal, bank_entry_id: int
) -> journal.Entry | None:
    """One journal event per booking. Facts are given as the plain JSON the journal would store
    (amount and date as strings), which spares the journal a JSON round trip per event."""
    entry_ref = SubjectRef(writer.entry_kind, str(bank_entry_id))
    facts: dict[str, Any] = {"amount": str(abs(amount)), "booking_date": writer.iso_date(entry.booking_date)}
    if outcome.tenancy_id is not None:
        subjects = (writer.tenancy(outcome.tenancy_id), entry_ref)
        if outcome.status == _RETURN:
            facts["reason"] = entry.return_reason[:4]
            facts["matched_by"] = outcome.matched_by
            return journal.Entry(activity="direct_debit_returned", subjects=subjects, facts=facts)
        facts["matched_by"] = outcome.matched_by
        return journal.Entry(activity="payment_received", subjects=subjects, facts=facts)
    if outcome.status in _UNMATCHED_EVENT:
        facts["currency"] = entry.currency[:3]
        facts["flags"] = [str(flag) for flag in outcome.flags]
        return journal.Entry(activity="bank_entry_unmatched", subjects=(entry_ref,), facts=facts)
    # Outgoing payments are not rent: they are recorded on the statement, not journalled one by one.
    return None


def _existing_keys(keys: Iterable[str]) -> set[str]:
    """The keys already booked. Plain SQL: the ORM's `__in` prepares each of thousands of values."""
    quote = connection.ops.quote_name
    column = quote(BankEntry._meta.get_field("dedupe_key").column or "dedupe_key")
    table = quote(BankEntry._meta.db_table)
    existing: set[str] = set()
    with connection.cursor() as cursor:
        for chunk in _chunked(keys):
            placeholders = ", ".join(["%s"] * len(chunk))
            cursor.execute(f"SELECT {column} FROM {table} WHERE {column} IN ({placeholders})", chunk)
            existing.update(key for (key,) in cursor.fetchall())
    return existing


def _book_batch(writer: _Writer, keyed: list[tuple[str, ParsedEntry]], summary: FileSummary) -> None:
    """Book one batch: a fixed number of queries whatever its size (dedupe keys, look-ups, the
    bank entries returning their ids, the ledger bookings, the journal's events and subjects)."""
    existing = _existing_keys(key for key, _entry in keyed)
    new: dict[str, ParsedEntry] = {}
    for key, entry in keyed:
        if key in existing or key in new:
            summary.duplicates_skipped += 1
        else:
            new[key] = entry
    if not new:
        return
    lookups = _lookups(list(new.values()), writer.known)
    booked: list[tuple[ParsedEntry, Outcome, Decimal]] = []
    rows: list[tuple[Any, ...]] = []
    for key, entry in new.items():
        outcome = decide(entry, lookups)
        summary.count(outcome)
        amount = euros(entry.amount)
        booked.append((entry, outcome, amount))
        rows.append(_bank_row(writer, key, entry, outcome, amount))
    ids = insert_rows_returning_ids(BankEntry, _BANK_ENTRY_COLUMNS, rows)
    created_at = connection.ops.adapt_datetimefield_value(timezone.now())
    ledger_rows: list[tuple[Any, ...]] = []
    events: list[journal.Entry] = []
    for (entry, outcome, amount), bank_entry_id in zip(booked, ids, strict=True):
        if outcome.tenancy_id is not None:
            ledger_rows.append(_ledger_row(writer, entry, outcome, amount, bank_entry_id, created_at))
        if (event := _event(writer, entry, outcome, amount, bank_entry_id)) is not None:
            events.append(event)
    insert_rows(LedgerEntry, _LEDGER_ENTRY_COLUMNS, ledger_rows)
    journal.record_many(events)


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
    writer = _Writer(statement)
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
        _book_batch(writer, keyed, summary)
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


# Two imports at once (the same file downloaded twice, a cron job and a person) would both find an entry
# new and the later one would fail on the unique dedupe key. A transaction-scoped advisory lock makes the
# later import wait; it then sees the earlier one's entries and skips them as duplicates. SQLite lets one
# writer in at a time anyway.
_IMPORT_LOCK = 0x524F4552_42414E  # "ROER" "BAN"


def _one_import_at_a_time() -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_IMPORT_LOCK])


def statement_import(*, paths: Sequence[Path], batch_size: int = BATCH_SIZE) -> ImportSummary:
    """Read and book bank files. Raises `StatementError` (and books nothing at all) if any file is bad."""
    detected = [(path, detect_format(path)) for path in paths]
    summary = ImportSummary()
    with transaction.atomic():
        _one_import_at_a_time()
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
