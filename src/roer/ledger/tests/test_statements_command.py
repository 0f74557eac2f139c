"""`roer import_statement`: the summaries, and one clear line for a bad file with nothing imported."""

from __future__ import annotations

import json
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from roer.core.models import JournalEvent
from roer.ledger.models import BankEntry, BankStatement

pytestmark = pytest.mark.django_db

DATA = Path(__file__).parent / "data"

XXE = (
    '<?xml version="1.0"?>\n'
    '<!DOCTYPE Document [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>\n'
    '<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02"><BkToCstmrStmt><Stmt>'
    '<Ntry><Amt Ccy="EUR">&xxe;</Amt></Ntry></Stmt></BkToCstmrStmt></Document>\n'
)
BILLION_LAUGHS = (
    '<?xml version="1.0"?>\n<!DOCTYPE lolz [\n <!ENTITY lol "lol">\n'
    ' <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">\n'
    ' <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">\n]>\n'
    '<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02"><x>&lol3;</x></Document>\n'
)


def run(*args: str) -> str:
    out = StringIO()
    call_command("import_statement", *args, stdout=out)
    return out.getvalue()


def test_json_summary_has_the_documented_keys():
    summary = json.loads(run(str(DATA / "rent-day.camt053.xml"), str(DATA / "returns.camt053.xml"), "--json"))
    assert {
        "files",
        "entries_read",
        "matched",
        "unmatched",
        "returns",
        "duplicates_skipped",
        "flagged",
        "per_file",
    } <= summary.keys()
    assert (summary["files"], summary["entries_read"], summary["duplicates_skipped"]) == (2, 10, 0)
    assert summary["per_file"][0]["credit_total"] == "2852.50"
    assert summary["per_file"][1]["debit_total"] == "-2110.00"


def test_human_summary_is_a_small_table():
    output = run(str(DATA / "rent-day.camt053.xml"))
    header, row, total, flagged = output.strip().splitlines()
    assert header.split()[:4] == ["file", "format", "read", "new"]
    assert row.split()[:4] == ["rent-day.camt053.xml", "camt.053", "7", "7"]
    assert total.split()[0] == "total"
    assert flagged == "flagged: invalid_iban 1, foreign_currency 1"


@pytest.mark.parametrize(("content", "reason"), [(XXE, "DTD"), (BILLION_LAUGHS, "DTD")])
def test_hostile_xml_is_refused_in_one_line_and_nothing_is_imported(tmp_path, content, reason):
    hostile = tmp_path / "hostile.xml"
    hostile.write_text(content)
    with pytest.raises(CommandError) as caught:
        run(str(DATA / "rent-day.camt053.xml"), str(hostile))
    message = str(caught.value)
    assert "\n" not in message
    assert message.startswith("hostile.xml: line 2, column 1: refused")
    assert reason in message and "nothing was imported" in message
    assert not BankStatement.objects.exists()
    assert not BankEntry.objects.exists()
    assert not JournalEvent.objects.filter(
        activity__in=["statement_imported", "payment_received", "bank_entry_unmatched"]
    ).exists()


def test_truncated_file_names_its_position(tmp_path):
    cut = tmp_path / "cut.xml"
    cut.write_text((DATA / "returns.camt053.xml").read_text()[:1500])
    with pytest.raises(CommandError, match=r"^cut\.xml: line \d+, column \d+: malformed XML"):
        run(str(cut))
    assert not BankEntry.objects.exists()


def test_a_missing_file_is_a_clear_error(tmp_path):
    with pytest.raises(CommandError, match="no such file"):
        run(str(tmp_path / "missing.xml"))


def test_the_command_exits_non_zero_on_a_bad_file(tmp_path, capsys):
    bad = tmp_path / "notes.txt"
    bad.write_text("just some notes\n")
    with pytest.raises(SystemExit) as exited:
        # run_from_argv turns a CommandError into a message on stderr and exit status 1.
        from django.core.management import ManagementUtility

        ManagementUtility(["roer", "import_statement", str(bad)]).execute()
    assert exited.value.code == 1
    err = capsys.readouterr().err.strip()
    assert (
        err
        == "CommandError: notes.txt: line 1, column 1: not a camt.053, camt.054 or MT940 file (nothing was imported)"
    )
