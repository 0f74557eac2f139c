"""MT940 statements, read one statement (from one :20: to the next) at a time with the `mt-940` library.

Text is kept as the bank sent it (the ING file has soft hyphens inside names); lines that are not
UTF-8 are read as Windows-1252, which every byte decodes in.
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import mt940

from roer.ledger.bank.entries import ParsedEntry, StatementError

_STATEMENT_LINE = re.compile(r"^:61:", re.MULTILINE)
# Dutch banks put SEPA fields in :86: as /TAG/value/ pairs (Rabobank, ING, ABN AMRO's SEPA layout).
_FIELD = re.compile(r"/(EREF|MARF|RTRN|IBAN|REMI|NAME|CSID|BENM|ORDP)/(.*?)(?=/(?:[A-Z]{4})/|$)", re.S)
_SEPA_REASON = re.compile(r"\b([A-Z]{2}\d{2})\b")
_IBAN = re.compile(r"\b([A-Z]{2}\d{2}[A-Z0-9]{10,30})\b")
# Knab and older ING layouts: "REK: NL65INGB0123456789/NAAM: PICQER".
_REK_NAAM = re.compile(r"REK: ?([A-Z]{2}\d{2}[A-Z0-9]{10,30})(?:/NAAM: ?([^\n]*))?")


def _decode(raw: bytes) -> str:
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return raw.decode("cp1252", errors="replace")


def _chunks(path: Path) -> Iterator[tuple[int, str]]:
    """Each statement's text with the line it starts on. Memory: one statement at a time."""
    lines: list[str] = []
    start = 1
    has_entries = False
    with path.open("rb") as stream:
        for number, raw in enumerate(stream, start=1):
            line = _decode(raw).rstrip("\r\n")
            if line.startswith(":20:") and has_entries:
                yield start, "\n".join(lines) + "\n"
                lines, start, has_entries = [], number, False
            if line.startswith(":20:") and not lines:
                start = number
            if line.startswith((":61:", ":62", ":60")):
                has_entries = True
            lines.append(line)
    if lines:
        yield start, "\n".join(lines) + "\n"


def _fields(details: str) -> dict[str, str]:
    flat = details.replace("\n", "")
    return {tag: value.strip("/ ") for tag, value in _FIELD.findall(flat)}


def _entry(data: dict[str, Any], account: str, statement_id: str, line: int) -> ParsedEntry:
    status = str(data.get("status") or "")
    # RC is the reversal of a credit: money leaves the account, whatever sign the library gives.
    magnitude = abs(Decimal(str(data["amount"].amount)))
    debit = status in {"D", "RC"}
    details = str(data.get("transaction_details") or "")
    fields = _fields(details)
    counterparty_iban = fields.get("IBAN", "")
    extra = str(data.get("extra_details") or "").strip()
    if not counterparty_iban and _IBAN.fullmatch(extra.replace(" ", "")):
        counterparty_iban = extra.replace(" ", "")
    counterparty_iban = counterparty_iban or str(data.get("gvc_applicant_iban") or "")
    name = fields.get("NAME", "") or str(data.get("applicant_name") or "")
    rek = _REK_NAAM.search(details)
    if rek and not counterparty_iban:
        counterparty_iban, name = rek.group(1), name or (rek.group(2) or "").strip()
    reason_match = _SEPA_REASON.search(fields.get("RTRN", ""))
    transaction_type = str(data.get("id") or "")
    reversal = status in {"RC", "RD"}
    is_return = debit and (reversal or transaction_type.endswith("RTI") or "RTRN" in fields)
    end_to_end = fields.get("EREF") or str(data.get("end_to_end_reference") or "")
    if end_to_end.upper() == "NOTPROVIDED":
        end_to_end = ""
    remittance = details or str(data.get("purpose") or "")
    return ParsedEntry(
        line=line,
        account_iban=account,
        statement_id=statement_id,
        booking_date=data.get("entry_date") or data["date"],
        value_date=data["date"],
        amount=-magnitude if debit else magnitude,
        currency=str(data.get("currency") or ""),
        bank_reference=str(data.get("bank_reference") or ""),
        counterparty_name=name[:200],
        counterparty_iban=counterparty_iban,
        remittance_info=remittance,
        end_to_end_id=end_to_end[:35],
        mandate_id=fields.get("MARF", "")[:35],
        return_reason=reason_match.group(1) if reason_match else "",
        is_reversal=reversal,
        is_return=is_return,
        is_direct_debit="MARF" in fields or transaction_type in {"NDDT", "N001"},
    )


def read_mt940(path: Path) -> Iterator[ParsedEntry]:
    for start, text in _chunks(path):
        expected = len(_STATEMENT_LINE.findall(text))
        statement = mt940.models.Transactions()
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                statement.parse(text)
        except Exception as exc:  # the library raises plain exceptions of several kinds
            raise StatementError(path, f"unreadable MT940 statement ({exc})", line=start) from exc
        transactions = list(statement.transactions)
        if len(transactions) != expected:
            raise StatementError(
                path,
                f"unreadable MT940 statement: {expected} :61: lines, {len(transactions)} entries understood",
                line=start,
            )
        account = str(statement.data.get("account_identification") or "")
        statement_id = str(statement.data.get("transaction_reference") or "")
        lines = [start + text.count("\n", 0, m.start()) for m in _STATEMENT_LINE.finditer(text)]
        for line, transaction in zip(lines, transactions, strict=True):
            yield _entry(transaction.data, account, statement_id, line)
