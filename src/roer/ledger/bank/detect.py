"""Which format a bank file is in, from its first bytes (never from its name)."""

from __future__ import annotations

import re
from pathlib import Path

from roer.ledger.bank.entries import StatementError
from roer.ledger.constants import StatementFormat

HEAD_BYTES = 65536
_CAMT_NAMESPACE = re.compile(rb"urn:iso:std:iso:20022:tech:xsd:camt\.05([34])\.001\.\d\d")
# A DTD has no place in a bank message; refusing it outright stops external entities (XXE) and
# entity expansion ("billion laughs") before any parser sees them.
_DECLARATION = re.compile(rb"<!(DOCTYPE|ENTITY)", re.IGNORECASE)
_MT940_TAG = re.compile(rb"^:(20|25|28C?|60[FM]|61):", re.MULTILINE)


def _position(head: bytes, offset: int) -> tuple[int, int]:
    before = head[:offset]
    line = before.count(b"\n") + 1
    return line, offset - (before.rfind(b"\n") + 1) + 1


def detect_format(path: Path) -> StatementFormat:
    try:
        with path.open("rb") as stream:
            head = stream.read(HEAD_BYTES)
    except OSError as exc:
        raise StatementError(path, f"cannot be read: {exc.strerror or exc}") from exc
    stripped = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    if stripped.startswith(b"<"):
        declaration = _DECLARATION.search(head)
        if declaration:
            line, column = _position(head, declaration.start())
            raise StatementError(
                path, "refused: the XML declares a DTD or entities", line=line, column=column
            )
        namespace = _CAMT_NAMESPACE.search(head)
        if namespace is None:
            raise StatementError(path, "XML, but not a camt.053 or camt.054 message", line=1, column=1)
        return StatementFormat.CAMT053 if namespace.group(1) == b"3" else StatementFormat.CAMT054
    tags = {match.group(1) for match in _MT940_TAG.finditer(head)}
    if b"20" in tags and tags & {b"25", b"61", b"60F", b"60M"}:
        return StatementFormat.MT940
    if not stripped:
        raise StatementError(path, "the file is empty")
    raise StatementError(path, "not a camt.053, camt.054 or MT940 file", line=1, column=1)
