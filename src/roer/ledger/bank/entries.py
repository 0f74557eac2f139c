"""What a bank file says about one entry, in plain data, before anything is booked."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path
from typing import NamedTuple


class StatementError(ValueError):
    """A bank file that cannot be read: the message names the file and the position."""

    def __init__(self, path: Path | str, message: str, *, line: int | None = None, column: int | None = None):
        self.path = str(path)
        self.line = line
        self.column = column
        self.reason = message
        where = ""
        if line is not None:
            where = f" line {line}" + (f", column {column}" if column is not None else "") + ":"
        super().__init__(f"{Path(self.path).name}:{where} {message}")


class ParsedEntry(NamedTuple):
    """One booked entry of a statement or notification. `amount` is signed: credit positive.

    A named tuple rather than a frozen dataclass: as immutable, and built several times faster, which
    a file of a hundred thousand entries notices."""

    line: int  # where the entry starts in its file, for error messages and tests
    account_iban: str  # our own account, as the bank names it
    statement_id: str
    booking_date: dt.date
    amount: Decimal
    currency: str
    value_date: dt.date | None = None
    bank_reference: str = ""  # AcctSvcrRef, or the MT940 :61: bank reference
    counterparty_name: str = ""
    counterparty_iban: str = ""
    remittance_info: str = ""
    structured_reference: str = ""
    end_to_end_id: str = ""
    mandate_id: str = ""
    return_reason: str = ""
    is_reversal: bool = False
    is_return: bool = False  # a returned direct debit or other R-transaction
    is_direct_debit: bool = False
    transaction_count: int = 1  # more than one: a batch booked as one entry

    @property
    def is_credit(self) -> bool:
        return self.amount > 0
