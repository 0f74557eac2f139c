"""`roer import_ledger`: the ERP's rent ledger (charges, payments, returns, costs, adjustments).

The file is read twice as a stream: once to check every row (nothing is written if one is bad),
then to write in batches, so millions of rows never sit in memory at once. Re-importing updates:
a row with the ERP's `entry_id` is keyed by it (`LedgerEntry.external_id`); a row without one by
(tenancy, date, kind, amount, reference), where the n-th such row in the file is the n-th such
entry in Roer, so two equal payments on one day stay two.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import asdict, dataclass
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import Any

import structlog
from django.db import transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from roer.core import journal
from roer.core.csvfiles import CsvReader, CsvRow, RowError, RowErrors, chunked
from roer.core.dates import parse_date
from roer.core.money import parse_amount
from roer.core.subjects import SubjectRef
from roer.ledger.constants import EntryKind, EntrySource, PaymentChannel
from roer.ledger.models import LedgerEntry
from roer.tenancies.selectors import tenancy_ids_by_reference

logger = structlog.get_logger(__name__)

REQUIRED_COLUMNS = ("tenancy_reference", "date", "kind", "amount", "method", "reference", "return_reason")
OPTIONAL_COLUMNS = ("entry_id",)
BATCH_SIZE = 5000
# Amounts in the file are positive; the kind says which way they go (LedgerEntry.amount: what is owed).
DIRECTION = {
    EntryKind.CHARGE: Decimal(1),
    EntryKind.COST: Decimal(1),
    EntryKind.RETURN: Decimal(1),
    EntryKind.PAYMENT: Decimal(-1),
}
METHODS = {choice.value: choice for choice in PaymentChannel} | {
    "incasso": PaymentChannel.DIRECT_DEBIT,
    "sepa_dd": PaymentChannel.DIRECT_DEBIT,
    "overboeking": PaymentChannel.TRANSFER,
    "kas": PaymentChannel.CASH,
}
KINDS = frozenset(EntryKind.values)
SEPA_REASON = re.compile(r"^[A-Z0-9]{4}$")
UPDATE_FIELDS = ["tenancy_id", "date", "kind", "amount", "period", "method", "reference", "return_reason"]

NaturalKey = tuple[int, dt.date, str, Decimal, str]

# A ledger file repeats the same few hundred dates millions of times; strptime is the slow part.
_parse_date = lru_cache(maxsize=8192)(parse_date)


@dataclass(frozen=True, slots=True)
class LedgerRow:
    line: int
    tenancy_id: int
    date: dt.date
    kind: str
    amount: Decimal  # signed: the effect on what the tenant owes
    method: str
    reference: str
    return_reason: str
    external_id: str | None

    @property
    def period(self) -> dt.date | None:
        return self.date.replace(day=1) if self.kind == EntryKind.CHARGE else None

    @property
    def natural_key(self) -> NaturalKey:
        return (self.tenancy_id, self.date, self.kind, self.amount, self.reference)

    def values(self) -> dict[str, Any]:
        return {
            "tenancy_id": self.tenancy_id,
            "date": self.date,
            "kind": self.kind,
            "amount": self.amount,
            "period": self.period,
            "method": self.method,
            "reference": self.reference,
            "return_reason": self.return_reason,
        }


@dataclass
class LedgerImportResult:
    file_sha256: str
    rows_read: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def parse_ledger_row(row: CsvRow, tenancy_ids: Mapping[str, int]) -> tuple[LedgerRow | None, list[RowError]]:
    """The row as a signed ledger entry, or every reason it is wrong (pure, given the tenancy ids)."""
    errors: list[RowError] = []

    def fail(column: str, message: str) -> None:
        errors.append(RowError(row.line, column, message))

    reference = row.get("tenancy_reference")
    tenancy_id = tenancy_ids.get(reference)
    if not reference:
        fail("tenancy_reference", _("is required"))
    elif tenancy_id is None:
        fail(
            "tenancy_reference",
            _("no tenancy %(reference)s; import the tenancies first") % {"reference": reference},
        )

    date = None
    try:
        date = _parse_date(row.get("date"))
    except ValueError as exc:
        fail("date", str(exc))

    kind = row.get("kind").lower()
    if kind not in KINDS:
        fail(
            "kind",
            _("expected one of %(kinds)s, not %(value)r")
            % {"kinds": ", ".join(EntryKind.values), "value": kind},
        )

    amount = None
    try:
        amount = parse_amount(row.get("amount"))
    except ValueError as exc:
        fail("amount", str(exc))
    if amount is not None and kind in DIRECTION:
        if amount <= 0:
            fail("amount", _("must be positive; the kind gives the direction"))
        amount = amount * DIRECTION[EntryKind(kind)]

    method_text = row.get("method").lower().replace(" ", "_")
    method = METHODS.get(method_text, "") if method_text else ""
    if method_text and not method:
        fail(
            "method",
            _("expected one of %(methods)s, not %(value)r")
            % {"methods": ", ".join(PaymentChannel.values), "value": method_text},
        )

    return_reason = row.get("return_reason").upper()
    if return_reason and not SEPA_REASON.match(return_reason):
        fail(
            "return_reason",
            _("not a SEPA reason code (four letters or digits, e.g. AM04): %(value)r")
            % {"value": return_reason},
        )

    entry_reference = row.get("reference")
    if len(entry_reference) > 140:
        fail("reference", _("longer than %(limit)d characters") % {"limit": 140})
    external_id = row.get("entry_id") or None
    if external_id and len(external_id) > 80:
        fail("entry_id", _("longer than %(limit)d characters") % {"limit": 80})

    if errors:
        return None, errors
    assert tenancy_id is not None and date is not None and amount is not None
    return (
        LedgerRow(
            line=row.line,
            tenancy_id=tenancy_id,
            date=date,
            kind=kind,
            amount=amount,
            method=str(method),
            reference=entry_reference,
            return_reason=return_reason,
            external_id=external_id,
        ),
        [],
    )


class _LedgerFile:
    """The file's rows as typed entries, in batches, with the tenancy ids looked up once per batch."""

    def __init__(self, reader: CsvReader):
        self.reader = reader
        self.tenancy_ids: dict[str, int] = {}

    def batches(self) -> Iterator[list[tuple[CsvRow, LedgerRow | None, list[RowError]]]]:
        for batch in chunked(self.reader.rows(), BATCH_SIZE):
            unknown = {row.get("tenancy_reference") for row in batch} - self.tenancy_ids.keys()
            self.tenancy_ids.update(tenancy_ids_by_reference(unknown))
            yield [(row, *parse_ledger_row(row, self.tenancy_ids)) for row in batch]


def _validate(ledger_file: _LedgerFile) -> tuple[list[RowError], int]:
    errors: list[RowError] = []
    first_line_of: dict[str, int] = {}
    read = 0
    for batch in ledger_file.batches():
        for csv_row, _parsed, row_errors in batch:
            read += 1
            errors.extend(row_errors)
            entry_id = csv_row.get("entry_id")
            if not entry_id:
                continue
            if entry_id in first_line_of:
                errors.append(
                    RowError(
                        csv_row.line,
                        "entry_id",
                        _("also on line %(line)d") % {"line": first_line_of[entry_id]},
                    )
                )
            else:
                first_line_of[entry_id] = csv_row.line
    return errors, read


def _stored(queryset: QuerySet[LedgerEntry]) -> Iterator[tuple[int, str | None, dict[str, Any]]]:
    """Existing entries as plain values: a batch reads thousands, and model instances cost 10x more."""
    for pk, external_id, *values in queryset.values_list("pk", "external_id", *UPDATE_FIELDS):
        yield pk, external_id, dict(zip(UPDATE_FIELDS, values, strict=True))


def _write_batch(rows: Sequence[LedgerRow], claimed: set[int], result: LedgerImportResult) -> None:
    new: list[LedgerEntry] = []
    changed: list[LedgerEntry] = []

    def match(pk: int, stored: Mapping[str, Any], row: LedgerRow) -> None:
        values = row.values()
        if values == stored:
            result.unchanged += 1
        else:
            changed.append(LedgerEntry(pk=pk, **values))

    keyed = [row for row in rows if row.external_id]
    by_external_id = {
        external_id: (pk, values)
        for pk, external_id, values in _stored(
            LedgerEntry.objects.select_for_update().filter(external_id__in=[r.external_id for r in keyed])
        )
    }
    for row in keyed:
        found = by_external_id.get(row.external_id)
        if found is None:
            new.append(LedgerEntry(external_id=row.external_id, source=EntrySource.ERP, **row.values()))
        else:
            match(*found, row)

    unkeyed = [row for row in rows if not row.external_id]
    candidates: dict[NaturalKey, list[tuple[int, dict[str, Any]]]] = defaultdict(list)
    if unkeyed:
        # A superset (every date x every tenancy of the batch), narrowed to exact keys here.
        superset = (
            LedgerEntry.objects.select_for_update()
            .filter(
                source=EntrySource.ERP,
                external_id__isnull=True,
                tenancy_id__in={r.tenancy_id for r in unkeyed},
                date__in={r.date for r in unkeyed},
            )
            .order_by("id")
        )
        for pk, _external_id, values in _stored(superset):
            if pk not in claimed:
                key = (
                    values["tenancy_id"],
                    values["date"],
                    values["kind"],
                    values["amount"],
                    values["reference"],
                )
                candidates[key].append((pk, values))
    unkeyed_new: list[LedgerEntry] = []
    for row in unkeyed:
        waiting = candidates.get(row.natural_key)
        if not waiting:
            unkeyed_new.append(LedgerEntry(source=EntrySource.ERP, **row.values()))
            continue
        pk, values = waiting.pop(0)
        claimed.add(pk)
        match(pk, values, row)

    LedgerEntry.objects.bulk_create(new + unkeyed_new)
    # PostgreSQL and SQLite >= 3.35 return the new keys; later batches must not match these again.
    claimed.update(entry.pk for entry in unkeyed_new)
    LedgerEntry.objects.bulk_update(changed, UPDATE_FIELDS, batch_size=1000)
    result.created += len(new) + len(unkeyed_new)
    result.updated += len(changed)


def ledger_import(*, path: Path) -> LedgerImportResult:
    """Import the ERP's ledger file; raises CsvFileError or RowErrors (and writes nothing) if it is bad."""
    reader = CsvReader(path, required=REQUIRED_COLUMNS, optional=OPTIONAL_COLUMNS)
    ledger_file = _LedgerFile(reader)
    errors, read = _validate(ledger_file)
    if errors:
        raise RowErrors(errors)
    sha256 = reader.sha256
    result = LedgerImportResult(file_sha256=sha256, rows_read=read)
    claimed: set[int] = set()
    with transaction.atomic():
        for batch in ledger_file.batches():
            _write_batch([parsed for _row, parsed, _errors in batch if parsed is not None], claimed, result)
        journal.record(
            activity="erp_ledger_imported",
            subjects=[SubjectRef("ledger.import", sha256[:16])],
            facts=result.as_dict(),
        )
    logger.info(
        "erp_ledger_imported",
        rows_read=result.rows_read,
        created=result.created,
        updated=result.updated,
        unchanged=result.unchanged,
    )
    return result
