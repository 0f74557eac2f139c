"""Reading bank files, without the database: every shared real file, detection, hostile XML, text."""

from __future__ import annotations

import datetime as dt
import re
import shutil
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from roer.ledger.bank import StatementError, detect_format, read_entries
from roer.ledger.bank.dedupe import DedupeKeys
from roer.ledger.bank.text import compact_iban, iban_is_valid, normalise_text, reference_candidates
from roer.ledger.constants import StatementFormat

DATA = Path(__file__).parent / "data"

_CAMT_ENTRY = re.compile(
    r"<Ntry>\s*<Amt Ccy=\"(\w+)\">([\d.]+)</Amt>\s*<CdtDbtInd>(CRDT|DBIT)</CdtDbtInd>", re.S
)
_MT940_ENTRY = re.compile(r"^:61:\d{6}(?:\d{4})?(RC|RD|C|D)[A-Z]?(\d+(?:,\d*)?)", re.M)


def expected_from_text(path: Path) -> tuple[int, Decimal, Decimal]:
    """Entries, credits and debits of a file, counted with a plain regex instead of the parsers."""
    text = path.read_text(encoding="utf-8", errors="replace")
    credits = debits = Decimal("0")
    if path.suffix == ".xml":
        assert len(_CAMT_ENTRY.findall(text)) == text.count("<Ntry>")
        for _currency, amount, direction in _CAMT_ENTRY.findall(text):
            if direction == "CRDT":
                credits += Decimal(amount)
            else:
                debits -= Decimal(amount)
        return text.count("<Ntry>"), credits, debits
    rows = _MT940_ENTRY.findall(text)
    assert len(rows) == len(re.findall(r"^:61:", text, re.M))
    for status, amount in rows:
        value = Decimal(amount.replace(",", ".").rstrip(".") or "0")
        if status in {"D", "RC"}:
            debits -= value
        else:
            credits += value
    return len(rows), credits, debits


def shared_files(shared_data: Path) -> list[Path]:
    return sorted(p for p in (shared_data / "bank").glob("*/*") if not p.name.startswith("LICENSE"))


def test_every_shared_bank_file_reads_with_the_totals_a_plain_count_gives(shared_data):
    files = shared_files(shared_data)
    assert len(files) == 15
    for path in files:
        entries = list(read_entries(path, detect_format(path)))
        count, credits, debits = expected_from_text(path)
        assert len(entries) == count, path.name
        assert sum((e.amount for e in entries if e.amount > 0), Decimal(0)) == credits, path.name
        assert sum((e.amount for e in entries if e.amount < 0), Decimal(0)) == debits, path.name


@pytest.mark.parametrize(
    ("name", "file_format", "count", "credits", "debits"),
    [
        ("camt/camt053.v2.minimal.xml", StatementFormat.CAMT053, 1, "8.85", "0"),
        ("camt/camt053.v2.multi.statement.xml", StatementFormat.CAMT053, 2, "8.85", "-7.00"),
        ("camt/camt053.v8.xml", StatementFormat.CAMT053, 1, "8.85", "0"),
        ("camt/camt054.v2.xml", StatementFormat.CAMT054, 1, "0", "-200000"),
        ("mt940/betterplace-sepa_mt9401.sta", StatementFormat.MT940, 97, "5188474.94", "-14457610.84"),
        ("mt940/jejik-ing.sta", StatementFormat.MT940, 7, "4.68", "-50.27"),
        ("mt940/jejik-abnamro.sta", StatementFormat.MT940, 10, "0", "-345.93"),
        ("mt940/jejik-knab.sta", StatementFormat.MT940, 3, "1000", "-7260"),
    ],
)
def test_known_figures_of_shared_files(shared_data, name, file_format, count, credits, debits):
    path = shared_data / "bank" / name
    assert detect_format(path) == file_format
    entries = list(read_entries(path, file_format))
    assert len(entries) == count
    assert sum((e.amount for e in entries if e.amount > 0), Decimal(0)) == Decimal(credits)
    assert sum((e.amount for e in entries if e.amount < 0), Decimal(0)) == Decimal(debits)


def test_camt_fields_come_through(shared_data):
    [entry] = read_entries(shared_data / "bank/camt/camt054.v2.xml", StatementFormat.CAMT054)
    assert entry.bank_reference == "AAAASESS-FP-ACCR001"
    assert entry.account_iban == "CH2801234000123456789"
    assert entry.currency == "SEK"
    assert entry.booking_date == dt.date(2007, 10, 18)
    assert entry.end_to_end_id == "MUELL/FINP/RA12345"
    assert entry.transaction_count == 3
    first, second = read_entries(
        shared_data / "bank/camt/camt053.v2.multi.statement.xml", StatementFormat.CAMT053
    )
    assert first.statement_id != second.statement_id


def test_mt940_keeps_the_banks_text_and_its_multi_statement_accounts(shared_data):
    ing = list(read_entries(shared_data / "bank/mt940/jejik-ing.sta", StatementFormat.MT940))
    assert any("\u00ad" in e.remittance_info for e in ing)  # the soft hyphens, as sent
    assert {e.account_iban for e in ing} == {"0001234567"}
    german = list(read_entries(shared_data / "bank/mt940/betterplace-sepa_mt9401.sta", StatementFormat.MT940))
    assert len({e.account_iban for e in german}) > 1
    reversals = [e for e in german if e.is_reversal]
    assert [(e.amount, e.is_return) for e in reversals] == [(Decimal("-204.88"), True)] * 2
    rabo = list(read_entries(shared_data / "bank/mt940/jejik-rabobank-iban.sta", StatementFormat.MT940))
    assert rabo[0].counterparty_iban == "NL70ABNA0987654321"
    assert rabo[0].counterparty_name == "CONTRA ACCOUNT HOLDER"


def test_own_returns_file_carries_the_sepa_reasons():
    entries = list(read_entries(DATA / "returns.camt053.xml", StatementFormat.CAMT053))
    assert [(e.return_reason, e.is_return, e.amount) for e in entries] == [
        ("AM04", True, Decimal("-695.00")),
        ("MD07", True, Decimal("-720.00")),
        ("MS02", True, Decimal("-695.00")),
    ]
    assert entries[0].mandate_id == "MNDT-RET-1"
    assert entries[0].counterparty_iban == "NL20INGB0001234567"  # the tenant, debtor of the collection


def test_the_format_comes_from_the_content_not_the_name(shared_data, tmp_path):
    disguised = tmp_path / "statement.txt"
    shutil.copy(shared_data / "bank/camt/camt054.v8.xml", disguised)
    assert detect_format(disguised) == StatementFormat.CAMT054
    swift = tmp_path / "statement.xml"
    shutil.copy(shared_data / "bank/mt940/jejik-sns.sta", swift)
    assert detect_format(swift) == StatementFormat.MT940


@pytest.mark.parametrize(
    ("content", "message", "line"),
    [
        (
            '<?xml version="1.0"?>\n<!DOCTYPE d [<!ENTITY x SYSTEM "file:///etc/passwd">]>\n<Document/>',
            "DTD",
            2,
        ),
        ('<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY l2 "&lol;&lol;">]><Document>&l2;</Document>', "DTD", 1),
        ("<Document><x/></Document>", "not a camt", 1),
        ("hello\n", "not a camt.053, camt.054 or MT940", 1),
    ],
)
def test_hostile_or_foreign_files_are_refused_before_parsing(tmp_path, content, message, line):
    path = tmp_path / "bad.xml"
    path.write_text(content)
    with pytest.raises(StatementError, match=message) as caught:
        detect_format(path)
    assert caught.value.line == line
    assert str(caught.value).startswith("bad.xml: line")


def test_truncated_xml_names_line_and_column(tmp_path):
    source = (DATA / "rent-day.camt053.xml").read_text()
    path = tmp_path / "cut.xml"
    path.write_text(source[: source.index("RD-0004")])
    entries = read_entries(path, detect_format(path))
    with pytest.raises(StatementError, match=r"cut\.xml: line \d+, column \d+: malformed XML") as caught:
        list(entries)
    assert caught.value.line is not None and caught.value.line > 40


def test_an_entry_without_amount_is_an_error_with_its_line(tmp_path):
    source = (DATA / "rent-day.camt053.xml").read_text()
    path = tmp_path / "noamount.xml"
    path.write_text(source.replace('<Amt Ccy="EUR">700.00</Amt>', "", 1))
    with pytest.raises(StatementError, match="no amount") as caught:
        list(read_entries(path, StatementFormat.CAMT053))
    assert caught.value.line == source[: source.index("700.00")].count("\n")


def test_normalised_text_ignores_soft_hyphens_case_and_spacing():
    assert normalise_text("Jan\u00adsen  b.v.\n") == "JANSEN B.V."
    assert compact_iban("nl91 abna 0417 1643 00") == "NL91ABNA0417164300"
    assert iban_is_valid("NL91ABNA0417164300")
    assert not iban_is_valid("NL70ABNA0987654321")
    assert not iban_is_valid("rubbish")


def test_references_are_found_in_free_text_spaced_or_not():
    found = reference_candidates("Huur feb. kenmerk 7000 0000 0000 0202, klantnr HO-000123")
    assert "7000000000000202" in found
    assert "HO000123" in found
    assert "KENMERK" not in found


@given(st.text())
def test_normalising_twice_changes_nothing(text):
    once = normalise_text(text)
    assert normalise_text(once) == once
    assert "\u00ad" not in once


def test_fallback_keys_tell_equal_entries_in_one_file_apart_and_repeat_across_reads(shared_data):
    path = shared_data / "bank/mt940/jejik-rabobank.sta"
    first = [DedupeKeys().key(e) for e in []]  # an empty file gives no keys
    assert first == []
    keys = DedupeKeys()
    once = [keys.key(e) for e in read_entries(path, StatementFormat.MT940)]
    again_keys = DedupeKeys()
    again = [again_keys.key(e) for e in read_entries(path, StatementFormat.MT940)]
    assert once == again
    assert len(set(once)) == len(once)
    duplicated = DedupeKeys()
    entry = next(iter(read_entries(path, StatementFormat.MT940)))
    assert duplicated.key(entry) != duplicated.key(entry)  # the second equal entry in a file is another one
