"""Plain-row bulk inserts for batch jobs (bank files, the journal): `bulk_create` spends most of its time
building model instances, which batches of thousands of rows do not need."""

from __future__ import annotations

from collections.abc import Sequence
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


def insert_sql(model: type[models.Model], names: Sequence[str], rows: int = 1) -> str:
    columns = ", ".join(column(model, name) for name in names)
    values = ", ".join(["(" + ", ".join(["%s"] * len(names)) + ")"] * rows)
    return f"INSERT INTO {connection.ops.quote_name(model._meta.db_table)} ({columns}) VALUES {values}"


def rows_per_statement(names: Sequence[str]) -> int:
    limit = connection.features.max_query_params or len(names) * ROWS_PER_INSERT
    return max(1, min(ROWS_PER_INSERT, limit // len(names)))


def _copy_sql(model: type[models.Model], names: Sequence[str]) -> str:
    columns = ", ".join(column(model, name) for name in names)
    return f"COPY {connection.ops.quote_name(model._meta.db_table)} ({columns}) FROM STDIN"


def insert_rows(model: type[models.Model], names: Sequence[str], rows: Sequence[tuple[Any, ...]]) -> None:
    """INSERT already-adapted rows. SQLite runs one prepared statement per row fastest; PostgreSQL
    (psycopg 3) takes them through COPY, ten times faster than its `executemany`, which parses, binds
    and executes each row on the server; any other database gets multi-row VALUES."""
    if not rows:
        return
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.executemany(insert_sql(model, names), rows)
            return
        if connection.vendor == "postgresql" and hasattr(cursor.cursor, "copy"):
            with cursor.cursor.copy(_copy_sql(model, names)) as copy:
                for row in rows:
                    copy.write_row(row)
            return
        per_statement = rows_per_statement(names)
        full = insert_sql(model, names, per_statement)
        for first in range(0, len(rows), per_statement):
            chunk = rows[first : first + per_statement]
            sql = full if len(chunk) == per_statement else insert_sql(model, names, len(chunk))
            cursor.execute(sql, [value for row in chunk for value in row])
