"""Backup and restore of the configured database (docs/operations.md).

PostgreSQL: `pg_dump --format=custom` and `pg_restore --clean --if-exists` into the configured database,
with the connection's own settings (password through the environment, never the command line).
SQLite: the sqlite3 backup API, page by page and consistent while Roer runs (WAL included).
Uploaded files (letter PDFs, repair photos) live in ROER_VAR_DIR/media and are backed up with the folder.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from pathlib import Path
from typing import Any

import structlog
from django.db import connections

logger = structlog.get_logger(__name__)

SQLITE_MAGIC = b"SQLite format 3\x00"
PG_CUSTOM_MAGIC = b"PGDMP"


class BackupError(RuntimeError):
    """A backup or restore that did not happen; the message says why, in one line."""


def _connection(alias: str) -> Any:
    return connections[alias]


def _pg_environment(settings_dict: dict[str, Any]) -> dict[str, str]:
    env = dict(os.environ)
    for key, name in (("HOST", "PGHOST"), ("PORT", "PGPORT"), ("USER", "PGUSER"), ("PASSWORD", "PGPASSWORD")):
        value = settings_dict.get(key)
        if value:
            env[name] = str(value)
    sslmode = (settings_dict.get("OPTIONS") or {}).get("sslmode")
    if sslmode:
        env["PGSSLMODE"] = str(sslmode)
    return env


def _run(command: list[str], env: dict[str, str]) -> None:
    if shutil.which(command[0]) is None:
        raise BackupError(f"{command[0]} is not installed (Debian: apt-get install postgresql-client)")
    finished = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    if finished.returncode != 0:
        lines = [line for line in finished.stderr.splitlines() if line.strip()]
        raise BackupError(f"{command[0]} failed: {lines[-1] if lines else f'exit {finished.returncode}'}")


def backup(target: Path, *, alias: str = "default") -> str:
    """Write the database to `target`; returns the engine ("postgresql" or "sqlite")."""
    connection = _connection(alias)
    target = Path(target)
    if not target.parent.is_dir():
        raise BackupError(f"{target.parent} is not a folder")
    if connection.vendor == "postgresql":
        settings_dict = connection.settings_dict
        _run(
            [
                "pg_dump",
                "--format=custom",
                "--no-owner",
                "--no-privileges",
                f"--file={target}",
                settings_dict["NAME"],
            ],
            _pg_environment(settings_dict),
        )
    elif connection.vendor == "sqlite":
        connection.ensure_connection()
        destination = sqlite3.connect(target)
        try:
            connection.connection.backup(destination)
        finally:
            destination.close()
    else:
        raise BackupError(f"no backup for the {connection.vendor} engine")
    logger.info("database_backed_up", engine=connection.vendor, file=str(target), size=target.stat().st_size)
    return str(connection.vendor)


def restore(source: Path, *, alias: str = "default") -> str:
    """Replace the configured database's contents with the backup in `source`."""
    connection = _connection(alias)
    source = Path(source)
    if not source.is_file():
        raise BackupError(f"{source} does not exist")
    with source.open("rb") as handle:
        head = handle.read(len(SQLITE_MAGIC))
    if connection.vendor == "postgresql":
        if not head.startswith(PG_CUSTOM_MAGIC):
            raise BackupError(
                f"{source} is not a pg_dump custom-format file (made by `roer backup` on PostgreSQL)"
            )
        settings_dict = connection.settings_dict
        # Our own connection would keep locks the restore needs.
        connection.close()
        _run(
            [
                "pg_restore",
                "--clean",
                "--if-exists",
                "--no-owner",
                "--no-privileges",
                "--single-transaction",
                "--exit-on-error",
                f"--dbname={settings_dict['NAME']}",
                str(source),
            ],
            _pg_environment(settings_dict),
        )
    elif connection.vendor == "sqlite":
        if head != SQLITE_MAGIC:
            raise BackupError(f"{source} is not an SQLite database (made by `roer backup` on SQLite)")
        connection.ensure_connection()
        origin = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
        try:
            origin.backup(connection.connection)
        finally:
            origin.close()
    else:
        raise BackupError(f"no restore for the {connection.vendor} engine")
    logger.info("database_restored", engine=connection.vendor, file=str(source))
    return str(connection.vendor)
