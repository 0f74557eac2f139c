"""camt.053 (statements) and camt.054 (notifications), any 001.xx version, read as a stream.

Each <Ntry> is handled on its end tag and then cleared with everything before it, so memory stays
flat however long the file. Hostile input is refused: no DTD (see detect.py), no entity resolution,
no network, no huge text nodes.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from pathlib import Path

from lxml import etree

from roer.ledger.bank.entries import ParsedEntry, StatementError

_RETURN_SUBFAMILIES = frozenset({"UPDD", "PRDD", "RRTN", "ARET", "AREV", "RPCR"})
_DIRECT_DEBIT_FAMILIES = frozenset({"RDDT", "IDDT"})
# libxml2 appends its own ", line N, column M"; the error names the position once, in front.
_LIBXML_POSITION = re.compile(r"(,? line \d+)?, line \d+, column \d+$")


def _local(tag: object) -> str:
    return str(tag).rpartition("}")[2]


def _namespace(element: etree._Element) -> str:
    return str(element.tag)[1:].partition("}")[0] if str(element.tag).startswith("{") else ""


_TX = "c:NtryDtls/c:TxDtls/"
# Every scalar an entry may need, read by one compiled XPath per namespace: one call into libxml2
# per entry instead of a Python object per element, which is most of the parse time on a large file.
# XPath's string() of a node set is its first node's text, so these are the first transaction's.
_FIELDS = {
    "amount": "c:Amt",
    "currency": "c:Amt/@Ccy",
    "direction": "c:CdtDbtInd",
    "reversal": "c:RvslInd",
    "booking_date": "c:BookgDt/c:Dt",
    "booking_moment": "c:BookgDt/c:DtTm",
    "value_date": "c:ValDt/c:Dt",
    "value_moment": "c:ValDt/c:DtTm",
    "reference": "c:AcctSvcrRef",
    "transaction_reference": _TX + "c:Refs/c:AcctSvcrRef",
    "family": "c:BkTxCd/c:Domn/c:Fmly/c:Cd",
    "subfamily": "c:BkTxCd/c:Domn/c:Fmly/c:SubFmlyCd",
    "details": "count(c:NtryDtls/c:TxDtls)",
    "reason": _TX + "c:RtrInf/c:Rsn/c:Cd",
    "end_to_end": _TX + "c:Refs/c:EndToEndId",
    "mandate": _TX + "c:Refs/c:MndtId",
    "related_mandate": _TX + "c:RltdPties/c:MndtRltdInf/c:MndtId",
    "debtor": _TX + "c:RltdPties/c:Dbtr/c:Nm",
    "debtor_party": _TX + "c:RltdPties/c:Dbtr/c:Pty/c:Nm",
    "debtor_iban": _TX + "c:RltdPties/c:DbtrAcct/c:Id/c:IBAN",
    "creditor": _TX + "c:RltdPties/c:Cdtr/c:Nm",
    "creditor_party": _TX + "c:RltdPties/c:Cdtr/c:Pty/c:Nm",
    "creditor_iban": _TX + "c:RltdPties/c:CdtrAcct/c:Id/c:IBAN",
    "structured": _TX + "c:RmtInf/c:Strd/c:CdtrRefInf/c:Ref",
}
# A private-use character no bank writes; a value that holds it anyway is caught by the count check.
_SEPARATOR = "\ue000"


@lru_cache(maxsize=8)
def _readers(ns: str) -> tuple[etree.XPath, etree.XPath, etree.XPath]:
    namespaces = {"c": ns}
    fields = etree.XPath(
        "concat(" + ", '\ue000', ".join(f"string({path})" for path in _FIELDS.values()) + ")",
        namespaces=namespaces,
    )
    texts = etree.XPath(_TX + "c:RmtInf/c:Ustrd/text() | c:AddtlNtryInf/text()", namespaces=namespaces)
    account = etree.XPath(
        "concat(string(c:Id/c:IBAN), '\ue000', string(c:Id/c:Othr/c:Id))", namespaces=namespaces
    )
    return fields, texts, account


def _date(value: str) -> dt.date | None:
    if not value:
        return None
    # <DtTm> carries a time and offset; the booking date is the date the bank wrote.
    return dt.date.fromisoformat(value[:10])


def _entry(element: etree._Element, account: str, statement_id: str, path: Path) -> ParsedEntry:
    line = element.sourceline or 0
    fields_of, texts_of, _account = _readers(_namespace(element))
    parts = str(fields_of(element)).split(_SEPARATOR)
    if len(parts) != len(_FIELDS):
        raise StatementError(path, "an entry holds the private-use character U+E000", line=line)
    values = dict(zip(_FIELDS, (part.strip() for part in parts), strict=True))

    def first(*names: str) -> str:
        for name in names:
            if values[name]:
                return values[name]
        return ""

    amount_text = first("amount")
    if not amount_text:
        raise StatementError(path, "an entry has no amount", line=line)
    try:
        amount = Decimal(amount_text)
        value_date = _date(first("value_date", "value_moment"))
        booking_date = _date(first("booking_date", "booking_moment")) or value_date
    except (InvalidOperation, ValueError) as exc:
        raise StatementError(path, f"an entry has an unreadable amount or date ({exc})", line=line) from exc
    if booking_date is None:
        raise StatementError(path, "an entry has no booking date", line=line)
    direction = first("direction")
    if direction not in {"CRDT", "DBIT"}:
        raise StatementError(path, f"an entry has no credit/debit indicator ({direction!r})", line=line)
    credit = direction == "CRDT"

    detail_count = int(float(values["details"] or 0))
    reason = first("reason")
    family = first("family")
    subfamily = first("subfamily")
    reversal = first("reversal").lower() == "true"
    is_return = not credit and (bool(reason) or reversal or subfamily in _RETURN_SUBFAMILIES)
    # The counterparty is the debtor on a credit and the creditor on a debit; on a returned direct
    # debit it is still the debtor of the original collection: the tenant.
    party = "debtor" if credit or is_return else "creditor"
    end_to_end = first("end_to_end")
    if end_to_end.upper() == "NOTPROVIDED":
        end_to_end = ""
    mandate = first("mandate", "related_mandate")
    remittance = [text.strip() for text in texts_of(element) if text.strip()]
    bank_reference = first("reference") or (first("transaction_reference") if detail_count == 1 else "")
    return ParsedEntry(
        line=line,
        account_iban=account,
        statement_id=statement_id,
        booking_date=booking_date,
        value_date=value_date,
        amount=amount if credit else -amount,
        currency=first("currency"),
        bank_reference=bank_reference,
        counterparty_name=first(party, f"{party}_party"),
        counterparty_iban=first(f"{party}_iban"),
        remittance_info="\n".join(remittance),
        structured_reference=first("structured"),
        end_to_end_id=end_to_end,
        mandate_id=mandate,
        return_reason=reason[:4],
        is_reversal=reversal,
        is_return=is_return,
        is_direct_debit=bool(mandate) or family in _DIRECT_DEBIT_FAMILIES,
        transaction_count=max(detail_count, 1),
    )


def read_camt(path: Path) -> Iterator[ParsedEntry]:
    account = statement_id = ""
    checked = False
    context = etree.iterparse(
        str(path),
        events=("start", "end"),
        # Only the elements read here reach Python; the rest stays inside libxml2.
        tag=("{*}Stmt", "{*}Ntfctn", "{*}Id", "{*}Acct", "{*}Ntry"),
        resolve_entities=False,
        no_network=True,
        huge_tree=False,
        load_dtd=False,
        remove_comments=True,
        remove_pis=True,
    )
    try:
        for event, element in context:
            if not checked:
                # Backstop for detect.py: a DTD declared past the head that was sniffed.
                if element.getroottree().docinfo.internalDTD is not None:
                    raise StatementError(
                        path, "refused: the XML declares a DTD or entities", line=element.sourceline
                    )
                checked = True
            name = _local(element.tag)
            if event == "start":
                if name in {"Stmt", "Ntfctn"}:
                    account = statement_id = ""
                continue
            parent = element.getparent()
            if parent is None or _local(parent.tag) not in {"Stmt", "Ntfctn"}:
                continue
            if name == "Id":
                statement_id = (element.text or "").strip()
            elif name == "Acct":
                iban, _sep, other = str(_readers(_namespace(element))[2](element)).partition(_SEPARATOR)
                account = iban.strip() or other.strip()
            elif name == "Ntry":
                yield _entry(element, account, statement_id, path)
            # Done with this part: drop it and everything before it.
            element.clear(keep_tail=False)
            while element.getprevious() is not None:
                del parent[0]
    except etree.XMLSyntaxError as exc:
        line, column = exc.position if exc.position else (exc.lineno, None)
        message = _LIBXML_POSITION.sub("", exc.msg or str(exc))
        raise StatementError(path, f"malformed XML: {message}", line=line, column=column) from exc
    finally:
        del context
