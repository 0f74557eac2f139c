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
    "value_date": "c:ValDt/c:Dt",
    "reference": "c:AcctSvcrRef",
    "family": "c:BkTxCd/c:Domn/c:Fmly/c:Cd",
    "subfamily": "c:BkTxCd/c:Domn/c:Fmly/c:SubFmlyCd",
    "details": "count(c:NtryDtls/c:TxDtls)",
    "reason": _TX + "c:RtrInf/c:Rsn/c:Cd",
    "end_to_end": _TX + "c:Refs/c:EndToEndId",
    "mandate": _TX + "c:Refs/c:MndtId",
    "related_mandate": _TX + "c:RltdPties/c:MndtRltdInf/c:MndtId",
    "debtor": _TX + "c:RltdPties/c:Dbtr/c:Nm",
    "debtor_iban": _TX + "c:RltdPties/c:DbtrAcct/c:Id/c:IBAN",
    "structured": _TX + "c:RmtInf/c:Strd/c:CdtrRefInf/c:Ref",
    # Whether the free texts need reading at all (most entries have none).
    "texts": f"count({_TX}c:RmtInf/c:Ustrd | c:AddtlNtryInf)",
}
# What only some entries need (a date given with its time, a batch's reference, a debit's creditor,
# a party named only inside <Pty>): read by a second XPath when the first leaves a gap it may fill.
_MORE_FIELDS = {
    "booking_moment": "c:BookgDt/c:DtTm",
    "value_moment": "c:ValDt/c:DtTm",
    "transaction_reference": _TX + "c:Refs/c:AcctSvcrRef",
    "debtor_party": _TX + "c:RltdPties/c:Dbtr/c:Pty/c:Nm",
    "creditor": _TX + "c:RltdPties/c:Cdtr/c:Nm",
    "creditor_party": _TX + "c:RltdPties/c:Cdtr/c:Pty/c:Nm",
    "creditor_iban": _TX + "c:RltdPties/c:CdtrAcct/c:Id/c:IBAN",
}
# A private-use character no bank writes; a value that holds it anyway is caught by the count check.
_SEPARATOR = "\ue000"


def _concat(fields: dict[str, str], namespaces: dict[str, str]) -> etree.XPath:
    return etree.XPath(
        "concat("
        + ", '\ue000', ".join(
            path if path.startswith("count(") else f"string({path})" for path in fields.values()
        )
        + ")",
        namespaces=namespaces,
    )


_Readers = tuple[etree.XPath, etree.XPath, etree.XPath, etree.XPath]


@lru_cache(maxsize=8)
def _readers(ns: str) -> _Readers:
    namespaces = {"c": ns}
    texts = etree.XPath(_TX + "c:RmtInf/c:Ustrd/text() | c:AddtlNtryInf/text()", namespaces=namespaces)
    account = etree.XPath(
        "concat(string(c:Id/c:IBAN), '\ue000', string(c:Id/c:Othr/c:Id))", namespaces=namespaces
    )
    return _concat(_FIELDS, namespaces), texts, account, _concat(_MORE_FIELDS, namespaces)


def _values(
    reader: etree.XPath, fields: dict[str, str], element: etree._Element, path: Path
) -> dict[str, str]:
    parts = str(reader(element)).split(_SEPARATOR)
    if len(parts) != len(fields):
        raise StatementError(
            path, "an entry holds the private-use character U+E000", line=element.sourceline or 0
        )
    return dict(zip(fields, map(str.strip, parts), strict=True))


_DATES: dict[str, dt.date] = {}


def _date(value: str) -> dt.date | None:
    if not value:
        return None
    # <DtTm> carries a time and offset; the booking date is the date the bank wrote.
    day = value[:10]
    known = _DATES.get(day)
    if known is None:
        known = dt.date.fromisoformat(day)
        if len(_DATES) < 10_000:  # a file spans a few days; the memory stays small
            _DATES[day] = known
    return known


def _entry(
    element: etree._Element, account: str, statement_id: str, path: Path, readers: _Readers | None = None
) -> ParsedEntry:
    line = element.sourceline or 0
    fields_of, texts_of, _account, more_of = readers or _readers(_namespace(element))
    values = _values(fields_of, _FIELDS, element, path)
    credit = values["direction"] == "CRDT"
    # A debit that is not a return is paid to its creditor; the rest only fills gaps.
    if (
        not values["booking_date"]
        or not values["value_date"]
        or not values["reference"]
        or not values["debtor"]
        or not credit
    ):
        values.update(_values(more_of, _MORE_FIELDS, element, path))
    else:
        values.update(dict.fromkeys(_MORE_FIELDS, ""))

    amount_text = values["amount"]
    if not amount_text:
        raise StatementError(path, "an entry has no amount", line=line)
    try:
        amount = Decimal(amount_text)
        value_date = _date(values["value_date"] or values["value_moment"])
        booking_date = _date(values["booking_date"] or values["booking_moment"]) or value_date
    except (InvalidOperation, ValueError) as exc:
        raise StatementError(path, f"an entry has an unreadable amount or date ({exc})", line=line) from exc
    if booking_date is None:
        raise StatementError(path, "an entry has no booking date", line=line)
    direction = values["direction"]
    if direction not in {"CRDT", "DBIT"}:
        raise StatementError(path, f"an entry has no credit/debit indicator ({direction!r})", line=line)

    detail_count = int(float(values["details"] or 0))
    reason = values["reason"]
    reversal = values["reversal"].lower() == "true"
    is_return = not credit and (bool(reason) or reversal or values["subfamily"] in _RETURN_SUBFAMILIES)
    # The counterparty is the debtor on a credit and the creditor on a debit; on a returned direct
    # debit it is still the debtor of the original collection: the tenant.
    party = "debtor" if credit or is_return else "creditor"
    end_to_end = values["end_to_end"]
    if end_to_end.upper() == "NOTPROVIDED":
        end_to_end = ""
    mandate = values["mandate"] or values["related_mandate"]
    remittance = ""
    if values["texts"] not in {"", "0"}:
        remittance = "\n".join(stripped for text in texts_of(element) if (stripped := text.strip()))
    bank_reference = values["reference"] or (values["transaction_reference"] if detail_count == 1 else "")
    return ParsedEntry(
        line=line,
        account_iban=account,
        statement_id=statement_id,
        booking_date=booking_date,
        value_date=value_date,
        amount=amount if credit else -amount,
        currency=values["currency"],
        bank_reference=bank_reference,
        counterparty_name=values[party] or values[f"{party}_party"],
        counterparty_iban=values[f"{party}_iban"],
        remittance_info=remittance,
        structured_reference=values["structured"],
        end_to_end_id=end_to_end,
        mandate_id=mandate,
        return_reason=reason[:4],
        is_reversal=reversal,
        is_return=is_return,
        is_direct_debit=bool(mandate) or values["family"] in _DIRECT_DEBIT_FAMILIES,
        transaction_count=max(detail_count, 1),
    )


def read_camt(path: Path) -> Iterator[ParsedEntry]:
    account = statement_id = ""
    checked = False
    readers: _Readers | None = None
    statement: etree._Element | None = None  # the statement or notification being read
    context = etree.iterparse(
        str(path),
        # End tags of entries only (and of statements, to forget them): a statement's own id and
        # account come before its entries and are read from it when its first entry ends. Every
        # other element stays inside libxml2.
        events=("end",),
        tag=("{*}Stmt", "{*}Ntfctn", "{*}Ntry"),
        resolve_entities=False,
        no_network=True,
        huge_tree=False,
        load_dtd=False,
        remove_comments=True,
        remove_pis=True,
    )
    try:
        for _event, element in context:
            if not checked:
                # Backstop for detect.py: a DTD declared past the head that was sniffed.
                if element.getroottree().docinfo.internalDTD is not None:
                    raise StatementError(
                        path, "refused: the XML declares a DTD or entities", line=element.sourceline
                    )
                checked = True
            parent = element.getparent()
            if parent is None:
                continue
            if parent is not statement:
                if _local(element.tag) != "Ntry":
                    # A statement or notification ends: what it said is forgotten.
                    statement = None
                    account = statement_id = ""
                    continue
                if _local(parent.tag) not in {"Stmt", "Ntfctn"}:
                    continue
                statement = parent
                readers = _readers(_namespace(element))
                statement_id, account = _statement_facts(parent, readers)
            yield _entry(element, account, statement_id, path, readers)
            # Done with this entry: drop it and everything before it.
            element.clear(keep_tail=False)
            while element.getprevious() is not None:
                del parent[0]
    except etree.XMLSyntaxError as exc:
        line, column = exc.position if exc.position else (exc.lineno, None)
        message = _LIBXML_POSITION.sub("", exc.msg or str(exc))
        raise StatementError(path, f"malformed XML: {message}", line=line, column=column) from exc
    finally:
        del context


def _statement_facts(statement: etree._Element, readers: _Readers) -> tuple[str, str]:
    """The statement's (or notification's) own id and account, read when its first entry ends."""
    statement_id = account = ""
    for child in statement:
        name = _local(child.tag)
        if name == "Id":
            statement_id = (child.text or "").strip()
        elif name == "Acct":
            iban, _sep, other = str(readers[2](child)).partition(_SEPARATOR)
            account = iban.strip() or other.strip()
        elif name == "Ntry":
            break
    return statement_id, account
