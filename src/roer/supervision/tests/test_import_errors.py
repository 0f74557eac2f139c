"""A bad event log gives one clear line naming the file and the place, and stores nothing; a good one
replaces the log of its name at once."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from roer.core.models import JournalEvent
from roer.supervision.models import EventLog, LogCase, LogEdge, LogEdgeDay, LogVariant
from roer.supervision.readers import EventLogError
from roer.supervision.services import event_log_import

pytestmark = pytest.mark.django_db

GOOD_CSV = (
    "case:concept:name,concept:name,time:timestamp\n1,a,2024-01-01T10:00:00Z\n1,b,2024-01-01T11:00:00Z\n"
)

BILLION_LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE log [
  <!ENTITY lol "lol">
  <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
  <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
]>
<log><trace><string key="concept:name" value="&lol3;"/>
<event><string key="concept:name" value="a"/><date key="time:timestamp" value="2024-01-01T10:00:00Z"/></event>
</trace></log>
"""

EXTERNAL_ENTITY = """<?xml version="1.0"?>
<!DOCTYPE log [<!ENTITY secret SYSTEM "file:///etc/passwd">]>
<log><trace><string key="concept:name" value="1"/>
<event><string key="concept:name" value="&secret;"/><date key="time:timestamp" value="2024-01-01T10:00:00Z"/></event>
</trace></log>
"""

EVENT = '<event><string key="concept:name" value="{a}"/><date key="time:timestamp" value="{t}"/></event>'
GOOD_XES = (
    '<?xml version="1.0" encoding="UTF-8"?>\n<log>\n<trace><string key="concept:name" value="1"/>\n'
    + EVENT.format(a="a", t="2024-01-01T10:00:00Z")
    + "\n"
    + EVENT.format(a="b", t="2024-01-01T11:00:00Z")
    + "\n</trace>\n</log>\n"
)


def _write(tmp_path: Path, name: str, content: str | bytes) -> Path:
    path = tmp_path / name
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    return path


def _nothing_stored() -> None:
    assert not EventLog.objects.exists()
    assert not LogCase.objects.exists()
    assert not LogVariant.objects.exists()
    assert not LogEdgeDay.objects.exists()
    assert not LogEdge.objects.exists()
    assert not JournalEvent.objects.filter(activity="event_log_imported").exists()


def _error(path: Path, **options: str) -> str:
    with pytest.raises(CommandError) as caught:
        call_command("import_event_log", str(path), **options)
    message = str(caught.value)
    assert "\n" not in message
    assert path.name in message
    assert message.endswith("(nothing was imported)")
    _nothing_stored()
    return message


@pytest.mark.parametrize(("content", "expected"), [(BILLION_LAUGHS, "DOCTYPE"), (EXTERNAL_ENTITY, "DOCTYPE")])
def test_hostile_xml_is_refused(tmp_path, content, expected):
    assert expected in _error(_write(tmp_path, "hostile.xes", content))


def test_hostile_xml_inside_gzip_is_refused(tmp_path):
    assert "DOCTYPE" in _error(_write(tmp_path, "hostile.xes.gz", gzip.compress(BILLION_LAUGHS.encode())))


def test_a_truncated_xes_names_the_line(tmp_path):
    cut = GOOD_XES[: GOOD_XES.index("</trace>") + 3]
    message = _error(_write(tmp_path, "cut.xes", cut))
    assert "line " in message


def test_a_truncated_gzip_is_refused(tmp_path):
    packed = gzip.compress((GOOD_XES * 1).encode())
    assert "cut short" in _error(_write(tmp_path, "cut.xes.gz", packed[: len(packed) // 2]))


def test_an_event_without_a_timestamp_names_its_line(tmp_path):
    broken = GOOD_XES.replace('<date key="time:timestamp" value="2024-01-01T11:00:00Z"/>', "")
    assert "line 5: an event without time:timestamp" in _error(_write(tmp_path, "broken.xes", broken))


def test_a_bad_xes_timestamp_names_its_line(tmp_path):
    broken = GOOD_XES.replace("2024-01-01T11:00:00Z", "yesterday")
    assert "line 5: bad timestamp 'yesterday'" in _error(_write(tmp_path, "broken.xes", broken))


def test_xml_that_is_no_xes(tmp_path):
    assert "not an XES file" in _error(_write(tmp_path, "camt.xml", "<Document><Stmt/></Document>"))


def test_a_missing_column_names_the_columns(tmp_path):
    message = _error(_write(tmp_path, "log.csv", GOOD_CSV), activity="Activity")
    assert "line 1: no column 'Activity'" in message
    assert "'concept:name'" in message


def test_a_bad_csv_timestamp_names_its_line(tmp_path):
    content = GOOD_CSV + "2,a,01/02/2024 10:00\n"
    assert "line 4: bad timestamp '01/02/2024 10:00'" in _error(_write(tmp_path, "log.csv", content))


def test_a_csv_row_with_too_many_fields(tmp_path):
    content = GOOD_CSV + "2,a,2024-01-01T10:00:00Z,extra\n"
    assert "line 4: 4 fields where the header has 3" in _error(_write(tmp_path, "log.csv", content))


def test_an_empty_file(tmp_path):
    assert "empty" in _error(_write(tmp_path, "empty.csv", ""))


def test_a_file_without_events(tmp_path):
    assert "no events" in _error(
        _write(tmp_path, "header.csv", "case:concept:name,concept:name,time:timestamp\n")
    )


def test_the_journal_name_is_reserved(tmp_path):
    assert "journal" in str(_error_name(tmp_path))


def _error_name(tmp_path: Path) -> str:
    with pytest.raises(CommandError) as caught:
        call_command("import_event_log", str(_write(tmp_path, "log.csv", GOOD_CSV)), name="journal")
    _nothing_stored()
    return str(caught.value)


def test_a_reimport_replaces_the_log_and_a_bad_one_keeps_it(tmp_path):
    first = event_log_import(path=_write(tmp_path, "log.csv", GOOD_CSV), name="log")
    bigger = GOOD_CSV + "2,a,2024-01-02T10:00:00Z\n2,c,2024-01-02T10:30:00Z\n"
    second = event_log_import(path=_write(tmp_path, "log2.csv", bigger), name="log")
    assert EventLog.objects.get().pk == second.pk != first.pk
    assert (second.case_count, second.event_count) == (2, 4)
    assert LogCase.objects.count() == 2
    with pytest.raises(EventLogError):
        event_log_import(path=_write(tmp_path, "bad.csv", GOOD_CSV + "3,a,never\n"), name="log")
    assert EventLog.objects.get().pk == second.pk
    assert LogCase.objects.count() == 2
    imports = JournalEvent.objects.filter(activity="event_log_imported").order_by("id")
    assert [e.facts["replaced"] for e in imports] == [False, True]
    assert imports[1].facts["events"] == 4


def test_progress_lines_for_big_files(tmp_path, capsys):
    rows = "".join(f"c{n // 4},a{n % 4},2024-01-01T10:00:{n % 60:02d}Z\n" for n in range(100_000))
    path = _write(tmp_path, "big.csv", "case:concept:name,concept:name,time:timestamp\n" + rows)
    call_command("import_event_log", str(path))
    err = capsys.readouterr().err
    assert "big.csv: 100,000 events read" in err
    assert EventLog.objects.get().event_count == 100_000


def test_process_map_of_an_unknown_source(tmp_path):
    with pytest.raises(CommandError, match="no event log named 'nothing'"):
        call_command("process_map", "--source", "nothing", "--json")


def test_journal_options_on_an_imported_log(tmp_path):
    event_log_import(path=_write(tmp_path, "log.csv", GOOD_CSV), name="log")
    with pytest.raises(CommandError, match="journal only"):
        call_command("process_map", "--source", "log", "--case-kind", "tenancies.tenancy")


def test_a_period_the_wrong_way_round():
    with pytest.raises(CommandError, match="after --to"):
        call_command("process_map", "--source", "journal", "--from", "2026-03-02", "--to", "2026-03-01")


def test_the_import_summary(tmp_path, capsys):
    call_command("import_event_log", str(_write(tmp_path, "log.csv", GOOD_CSV)), "--json")
    summary = json.loads(capsys.readouterr().out)
    assert summary["name"] == "log.csv"
    assert (summary["cases"], summary["events"], summary["activities"], summary["variants"]) == (1, 2, 2, 1)
    assert summary["first_event_at"] == "2024-01-01T10:00:00+00:00"
