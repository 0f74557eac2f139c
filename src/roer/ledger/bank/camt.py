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
from typing import Any

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


# Where each scalar of an entry is, as element paths below <Ntry> (local names, in the entry's own
# namespace). A field is the text of the FIRST element on its path in document order, as XPath's
# string() of the path would give it: an entry with several transactions is read from the first one
# that has the field, and an element that is present but empty still wins over a later one.
_TX = ("NtryDtls", "TxDtls")
_PATHS: dict[str, tuple[str, ...]] = {
    "amount": ("Amt",),
    "direction": ("CdtDbtInd",),
    "reversal": ("RvslInd",),
    "booking_date": ("BookgDt", "Dt"),
    "booking_moment": ("BookgDt", "DtTm"),
    "value_date": ("ValDt", "Dt"),
    "value_moment": ("ValDt", "DtTm"),
    "reference": ("AcctSvcrRef",),
    "family": ("BkTxCd", "Domn", "Fmly", "Cd"),
    "subfamily": ("BkTxCd", "Domn", "Fmly", "SubFmlyCd"),
    "transaction_reference": (*_TX, "Refs", "AcctSvcrRef"),
    "end_to_end": (*_TX, "Refs", "EndToEndId"),
    "mandate": (*_TX, "Refs", "MndtId"),
    "related_mandate": (*_TX, "RltdPties", "MndtRltdInf", "MndtId"),
    "debtor": (*_TX, "RltdPties", "Dbtr", "Nm"),
    "debtor_party": (*_TX, "RltdPties", "Dbtr", "Pty", "Nm"),
    "debtor_iban": (*_TX, "RltdPties", "DbtrAcct", "Id", "IBAN"),
    "creditor": (*_TX, "RltdPties", "Cdtr", "Nm"),
    "creditor_party": (*_TX, "RltdPties", "Cdtr", "Pty", "Nm"),
    "creditor_iban": (*_TX, "RltdPties", "CdtrAcct", "Id", "IBAN"),
    "structured": (*_TX, "RmtInf", "Strd", "CdtrRefInf", "Ref"),
    "reason": (*_TX, "RtrInf", "Rsn", "Cd"),
}


class _Action:
    """What the walk does at an element that is more than a field or a step on a field's path."""

    def __init__(self, name: str, table: dict[str, Any] | None = None) -> None:
        self.name = name
        self.table = table or {}


# The actions: a free text (every <Ustrd> of every transaction and <AddtlNtryInf>, in document order,
# each text node a line), a transaction (counted, then walked) and the amount (which also gives the
# currency, an attribute; it takes the place of the plain "amount" field of _PATHS).
_TEXT = _Action("text")
_AMOUNT = _Action("amount")


@lru_cache(maxsize=8)
def _table(ns: str) -> dict[str, Any]:
    """The entry's paths as nested {tag: field name | sub-table | action}, with the namespaced tags
    lxml gives, so that walking an entry costs one dict look-up per child element."""
    prefix = f"{{{ns}}}" if ns else ""
    root: dict[str, Any] = {}
    transaction = _Action("transaction")
    for field, path in _PATHS.items():
        table = root
        for step in path[:-1]:
            tag = prefix + step
            if step == "TxDtls":
                table = table.setdefault(tag, transaction).table
            else:
                table = table.setdefault(tag, {})
        table[prefix + path[-1]] = field
    root[prefix + "Amt"] = _AMOUNT
    root[prefix + "AddtlNtryInf"] = _TEXT
    root[prefix + "NtryDtls"][prefix + "TxDtls"].table[prefix + "RmtInf"][prefix + "Ustrd"] = _TEXT
    return root


def _string(element: etree._Element) -> str:
    """XPath's string() of an element: all the text inside it (a field is one text node but for a
    child element or a comment left out by the parser)."""
    if len(element):
        return "".join(element.itertext()).strip()
    text = element.text
    return text.strip() if text else ""


def _walk(node: etree._Element, table: dict[str, Any], values: dict[str, Any], texts: list[str]) -> None:
    for child in node:
        action = table.get(child.tag)
        if action is None:
            continue
        if action.__class__ is str:
            if action not in values:
                values[action] = _string(child)
        elif action.__class__ is dict:
            _walk(child, action, values, texts)
        elif action is _TEXT:
            # The element's own text nodes, each on its own line.
            texts.append(child.text or "")
            if len(child):
                texts.extend(grandchild.tail or "" for grandchild in child)
        elif action is _AMOUNT:
            if "amount" not in values:
                values["amount"] = _string(child)
            if "currency" not in values and (currency := child.get("Ccy")) is not None:
                values["currency"] = currency.strip()
        else:  # a transaction
            values["details"] = values.get("details", 0) + 1
            _walk(child, action.table, values, texts)


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
    element: etree._Element, account: str, statement_id: str, path: Path, table: dict[str, Any] | None = None
) -> ParsedEntry:
    line = element.sourceline or 0
    values: dict[str, Any] = {}
    texts: list[str] = []
    _walk(element, table if table is not None else _table(_namespace(element)), values, texts)
    get = values.get

    amount_text = get("amount")
    if not amount_text:
        raise StatementError(path, "an entry has no amount", line=line)
    try:
        amount = Decimal(amount_text)
        value_date = _date(get("value_date") or get("value_moment", ""))
        booking_date = _date(get("booking_date") or get("booking_moment", "")) or value_date
    except (InvalidOperation, ValueError) as exc:
        raise StatementError(path, f"an entry has an unreadable amount or date ({exc})", line=line) from exc
    if booking_date is None:
        raise StatementError(path, "an entry has no booking date", line=line)
    direction = get("direction", "")
    if direction not in {"CRDT", "DBIT"}:
        raise StatementError(path, f"an entry has no credit/debit indicator ({direction!r})", line=line)
    credit = direction == "CRDT"

    detail_count = get("details", 0)
    reason = get("reason", "")
    reversal = get("reversal", "").lower() == "true"
    is_return = not credit and (bool(reason) or reversal or get("subfamily") in _RETURN_SUBFAMILIES)
    # The counterparty is the debtor on a credit and the creditor on a debit; on a returned direct
    # debit it is still the debtor of the original collection: the tenant.
    if credit or is_return:
        name, iban = get("debtor") or get("debtor_party", ""), get("debtor_iban", "")
    else:
        name, iban = get("creditor") or get("creditor_party", ""), get("creditor_iban", "")
    end_to_end = get("end_to_end", "")
    if end_to_end.upper() == "NOTPROVIDED":
        end_to_end = ""
    mandate = get("mandate") or get("related_mandate", "")
    remittance = ""
    if texts:
        remittance = "\n".join(stripped for text in texts if (stripped := text.strip()))
    bank_reference = get("reference") or (get("transaction_reference", "") if detail_count == 1 else "")
    return ParsedEntry(
        line=line,
        account_iban=account,
        statement_id=statement_id,
        booking_date=booking_date,
        value_date=value_date,
        amount=amount if credit else -amount,
        currency=get("currency", ""),
        bank_reference=bank_reference,
        counterparty_name=name,
        counterparty_iban=iban,
        remittance_info=remittance,
        structured_reference=get("structured", ""),
        end_to_end_id=end_to_end,
        mandate_id=mandate,
        return_reason=reason[:4],
        is_reversal=reversal,
        is_return=is_return,
        is_direct_debit=bool(mandate) or get("family") in _DIRECT_DEBIT_FAMILIES,
        transaction_count=max(detail_count, 1),
    )


@lru_cache(maxsize=8)
def _account_reader(ns: str) -> etree.XPath:
    return etree.XPath(
        "concat(string(c:Id/c:IBAN), '\ue000', string(c:Id/c:Othr/c:Id))", namespaces={"c": ns}
    )


def read_camt(path: Path) -> Iterator[ParsedEntry]:
    account = statement_id = ""
    checked = False
    table: dict[str, Any] | None = None
    statement: etree._Element | None = None  # the statement or notification being read
    context = etree.iterparse(
        str(path),
        # End tags of entries only (and of statements, to forget them): a statement's own id and
        # account come before its entries and are read from it when its first entry ends. Every
        # other element stays inside libxml2 until its entry is walked.
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
                namespace = _namespace(element)
                table = _table(namespace)
                statement_id, account = _statement_facts(parent, namespace)
            yield _entry(element, account, statement_id, path, table)
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


def _statement_facts(statement: etree._Element, namespace: str) -> tuple[str, str]:
    """The statement's (or notification's) own id and account, read when its first entry ends."""
    statement_id = account = ""
    for child in statement:
        name = _local(child.tag)
        if name == "Id":
            statement_id = (child.text or "").strip()
        elif name == "Acct":
            iban, _sep, other = str(_account_reader(namespace)(child)).partition("\ue000")
            account = iban.strip() or other.strip()
        elif name == "Ntry":
            break
    return statement_id, account
