"""Reading bank files: camt.053, camt.054 and MT940, detected from the content, streamed entry by entry."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from roer.ledger.bank.camt import read_camt
from roer.ledger.bank.detect import detect_format
from roer.ledger.bank.entries import ParsedEntry, StatementError
from roer.ledger.bank.swift_mt940 import read_mt940
from roer.ledger.constants import StatementFormat

__all__ = ["ParsedEntry", "StatementError", "detect_format", "read_entries"]


def read_entries(path: Path, file_format: StatementFormat) -> Iterator[ParsedEntry]:
    if file_format == StatementFormat.MT940:
        return read_mt940(path)
    return read_camt(path)
