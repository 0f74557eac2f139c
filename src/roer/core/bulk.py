"""Plain-row bulk inserts for batch jobs (bank files, the journal): `bulk_create` spends most of its time
building model instances, which batches of thousands of rows do not need.

Rows are tuples of values already adapted by the backend's `connection.ops`. A batch costs one COPY per
table on PostgreSQL and one multi-row INSERT per table on SQLite (as long as its rows times columns stay
within the parameter limit SQLite was built with), however many rows it holds.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from itertools import chain
from typing import Any

from django.db import connection, models

# Rows per multi-row INSERT, within the backend's parameter limit.
ROWS_PER_INSERT = 1000


def column(model: type[models.Model], name: str) -> str:
    """The quoted column of a model field that has one of its own."""
    found = getattr(model._meta.get_field(name), "column", None)
    if not isinstance(found, str):
        raise ValueError(f"{model.__name__}.{name} has no column of its own")
    return connection.ops.quote_name(found)


def _table(model: type[models.Model]) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def insert_sql(model: type[models.Model], names: Sequence[str], rows: int = 1) -> str:
    columns = ", ".join(column(model, name) for name in names)
    values = ", ".join(["(" + ", ".join(["%s"] * len(names)) + ")"] * rows)
    return f"INSERT INTO {_table(model)} ({columns}) VALUES {values}"


def rows_per_statement(names: Sequence[str]) -> int:
    limit = connection.features.max_query_params or len(names) * ROWS_PER_INSERT
    return max(1, min(ROWS_PER_INSERT, limit // len(names)))


def _copy_sql(model: type[models.Model], names: Sequence[str]) -> str:
    columns = ", ".join(column(model, name) for name in names)
    return f"COPY {_table(model)} ({columns}) FROM STDIN"


def _sqlite_parameter_limit() -> int:
    """Bound parameters one statement may take on SQLite as it was built (250,000 on Debian, 32,766
    by default since 3.32), not the 999 Django assumes for any SQLite."""
    connection.ensure_connection()
    return int(connection.connection.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER))


def _chunks(names: Sequence[str], rows: Sequence[tuple[Any, ...]]) -> list[Sequence[tuple[Any, ...]]]:
    """The rows split into multi-row statements within the parameter limit. On SQLite a batch of a few
    thousand rows is one statement: the fewer statements, the less time spent compiling them."""
    if connection.vendor == "sqlite":
        per_statement = max(1, _sqlite_parameter_limit() // len(names))
    else:
        per_statement = rows_per_statement(names)
    return [rows[first : first + per_statement] for first in range(0, len(rows), per_statement)]


def _execute(cursor: Any, sql: str, params: list[Any]) -> None:
    """Run one multi-row statement through Django's cursor.

    On SQLite that cursor rewrites each %s into ? with a regular expression: for a batch of a hundred
    thousand placeholders this costs more than SQLite takes to compile the statement. Unless queries
    are being logged or wrapped (DEBUG, tests counting queries, instrumentation), the statement goes
    straight to sqlite3's own cursor in its ? style, with Django's transaction check and error
    translation kept."""
    if connection.vendor == "sqlite" and not connection.queries_logged and not connection.execute_wrappers:
        connection.validate_no_broken_transaction()
        with connection.wrap_database_errors:
            sqlite3.Cursor.execute(cursor.cursor, sql.replace("%s", "?"), params)
    else:
        cursor.execute(sql, params)


def insert_rows(model: type[models.Model], names: Sequence[str], rows: Sequence[tuple[Any, ...]]) -> None:
    """INSERT already-adapted rows. PostgreSQL (psycopg 3) takes them through COPY, ten times faster
    than its `executemany`, which parses, binds and executes each row on the server; SQLite and the
    rest take multi-row VALUES, a third faster on SQLite than one prepared statement per row."""
    if not rows:
        return
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql" and hasattr(cursor.cursor, "copy"):
            # Past Django's cursor: its transaction check and error translation are kept by hand.
            connection.validate_no_broken_transaction()
            with connection.wrap_database_errors, cursor.cursor.copy(_copy_sql(model, names)) as copy:
                for row in rows:
                    copy.write_row(row)
            return
        for chunk in _chunks(names, rows):
            _execute(cursor, insert_sql(model, names, len(chunk)), list(chain.from_iterable(chunk)))


def insert_rows_returning_ids(
    model: type[models.Model], names: Sequence[str], rows: Sequence[tuple[Any, ...]]
) -> list[int]:
    """INSERT already-adapted rows and give their new primary keys, in row order.

    PostgreSQL draws the keys from the table's own sequence for the whole batch and COPYs the rows
    with them; SQLite and others return them from the INSERT. Keys are handed out in row order on
    every supported backend, whatever order RETURNING lists them in, so they are sorted."""
    if not rows:
        return []
    pk = model._meta.pk
    assert pk is not None
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                [model._meta.db_table, pk.column, len(rows)],
            )
            drawn = sorted(int(row[0]) for row in cursor.fetchall())
        insert_rows(model, (pk.name, *names), [(key, *row) for key, row in zip(drawn, rows, strict=True)])
        return drawn
    if not connection.features.can_return_rows_from_bulk_insert:
        raise NotImplementedError(f"{connection.vendor} does not return keys from a bulk insert")
    returning = f" RETURNING {column(model, pk.name)}"
    ids: list[int] = []
    with connection.cursor() as cursor:
        for chunk in _chunks(names, rows):
            _execute(
                cursor, insert_sql(model, names, len(chunk)) + returning, list(chain.from_iterable(chunk))
            )
            ids.extend(sorted(int(row[0]) for row in cursor.fetchall()))
    return ids
