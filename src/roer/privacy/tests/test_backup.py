"""`roer backup` and `roer restore` round-trip the database with no loss: every table's rows, byte for byte.

The PostgreSQL round trip runs in `make test`'s PostgreSQL pass (DATABASE_URL set), the SQLite one in the
SQLite pass. Both go through the commands, as an operator would.
"""

from __future__ import annotations

import hashlib
import io
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from roer.core import journal
from roer.ledger.models import LedgerEntry
from roer.privacy.backup import PG_CUSTOM_MAGIC, SQLITE_MAGIC
from roer.tenancies.models import Tenancy
from roer.tenancies.tests.factories import TenancyFactory

from .conftest import build_household

on_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the PostgreSQL pass of make test"
)
on_sqlite = pytest.mark.skipif(connection.vendor != "sqlite", reason="the SQLite pass of make test")


def table_checksums() -> dict[str, tuple[int, str]]:
    """Per table: the row count and a hash over all rows in a fixed order (independent of physical order)."""
    result = {}
    with connection.cursor() as cursor:
        for table in sorted(connection.introspection.table_names(cursor)):
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")
            rows = sorted(repr(row) for row in cursor.fetchall())
            result[table] = (len(rows), hashlib.sha256("\n".join(rows).encode()).hexdigest())
    return result


def _build_data() -> None:
    household = build_household(end_date=None)
    TenancyFactory.create_batch(3)
    journal.record(activity="backup_test", subjects=[household.tenancy], facts={"amount": Decimal("12.34")})


def _round_trip(tmp_path: Path, magic: bytes) -> None:
    _build_data()
    before = table_checksums()
    last_id = Tenancy.objects.order_by("-pk").values_list("pk", flat=True)[0]
    assert before["tenancies_tenancy"][0] == 4 and before["core_journalevent"][0] >= 2
    target = tmp_path / "roer.backup"

    call_command("backup", "-o", str(target), stdout=io.StringIO())
    assert target.read_bytes().startswith(magic)
    call_command("flush", interactive=False)
    assert table_checksums()["tenancies_tenancy"][0] == 0
    out = io.StringIO()
    call_command("restore", str(target), "--no-input", stdout=out)

    assert "Restored" in out.getvalue()
    assert table_checksums() == before
    # The id sequences came back too: a new row does not collide with a restored one.
    assert TenancyFactory().pk > last_id
    assert LedgerEntry.objects.count() == 2


@on_postgresql
@pytest.mark.django_db(transaction=True)
def test_a_postgresql_database_round_trips_with_no_loss(tmp_path):
    _round_trip(tmp_path, PG_CUSTOM_MAGIC)


@on_sqlite
@pytest.mark.django_db(transaction=True)
def test_an_sqlite_database_round_trips_with_no_loss(tmp_path):
    _round_trip(tmp_path, SQLITE_MAGIC)


@pytest.mark.django_db(transaction=True)
def test_restore_refuses_a_file_that_is_not_a_backup_of_this_engine(tmp_path):
    TenancyFactory()
    before = table_checksums()
    wrong = tmp_path / "wrong.backup"
    wrong.write_bytes(
        PG_CUSTOM_MAGIC + b"\0" * 100 if connection.vendor == "sqlite" else SQLITE_MAGIC + b"\0" * 100
    )
    with pytest.raises(CommandError, match=r"is not an? "):
        call_command("restore", str(wrong), "--no-input")
    with pytest.raises(CommandError, match="does not exist"):
        call_command("restore", str(tmp_path / "missing.backup"), "--no-input")
    assert table_checksums() == before


@pytest.mark.django_db(transaction=True)
def test_restore_asks_first_and_stops_unless_told_yes(tmp_path, monkeypatch):
    target = tmp_path / "roer.backup"
    call_command("backup", "-o", str(target), stdout=io.StringIO())
    TenancyFactory()
    before = table_checksums()
    monkeypatch.setattr("builtins.input", lambda prompt: "no")
    with pytest.raises(CommandError, match="restore cancelled"):
        call_command("restore", str(target))
    assert table_checksums() == before


def test_backup_refuses_a_missing_folder(db, tmp_path):
    with pytest.raises(CommandError, match="is not a folder"):
        call_command("backup", "-o", str(tmp_path / "nowhere" / "roer.backup"))
