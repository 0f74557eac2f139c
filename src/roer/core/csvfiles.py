"""CSV files as ERPs write them: comma or semicolon, UTF-8 with or without BOM, read as a stream.

Importers validate every row before they write anything, and report every bad row at once; the pieces
for that (a located `RowError`, `RowErrors`) live here so each importer says it the same way.
"""

from __future__ import annotations

import csv
import hashlib
import json
from abc import ABC, abstractmethod
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

DELIMITERS = ",;\t"
SNIFF_BYTES = 64 * 1024
BOM = b"\xef\xbb\xbf"

T = TypeVar("T")


class CsvFileError(ValueError):
    """The file as a whole cannot be read: not UTF-8, no header, required columns missing."""


@dataclass(frozen=True)
class RowError:
    line: int
    column: str
    message: str

    def __str__(self) -> str:
        where = f"line {self.line}" + (f", {self.column}" if self.column else "")
        return f"{where}: {self.message}"


class RowErrors(ValueError):
    """Some rows are bad; nothing was imported. Carries every bad row, in file order."""

    def __init__(self, errors: Sequence[RowError]):
        self.errors = sorted(errors, key=lambda e: (e.line, e.column))
        super().__init__(
            _("%(count)d bad row(s), nothing imported: %(first)s")
            % {"count": len({e.line for e in self.errors}), "first": self.errors[0] if self.errors else ""}
        )


@dataclass(frozen=True)
class CsvRow:
    line: int
    values: dict[str, str]

    def get(self, column: str) -> str:
        return self.values.get(column, "").strip()


def normalise_header(name: str) -> str:
    return name.strip().strip('"').lower().replace(" ", "_").replace("-", "_")


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1024 * 1024), b""):
            digest.update(block)
    return digest.hexdigest()


def _decoded_lines(path: Path) -> Iterator[str]:
    """Text lines of a UTF-8 file; a byte that is not UTF-8 stops the read with the line it is on."""
    with path.open("rb") as fh:
        for number, raw in enumerate(fh, start=1):
            if number == 1 and raw.startswith(BOM):
                raw = raw[len(BOM) :]
            try:
                yield raw.decode("utf-8")
            except UnicodeDecodeError as exc:
                raise CsvFileError(
                    _(
                        "%(file)s is not UTF-8 (line %(line)d, byte 0x%(byte)02x); "
                        "export it from the ERP as UTF-8"
                    )
                    % {"file": path.name, "line": number, "byte": raw[exc.start]}
                ) from None


def sniff_delimiter(sample: str, *, expected: Iterable[str] = ()) -> str:
    """csv.Sniffer's guess, checked against the header; else whichever of ; , tab the header has most of."""
    header = sample.splitlines()[0] if sample else ""
    expected_columns = set(expected)
    try:
        delimiter = csv.Sniffer().sniff(sample, delimiters=DELIMITERS).delimiter
        columns = {normalise_header(c) for c in header.split(delimiter)}
        # The sniffer can be fooled by decimal commas in the body; the header decides.
        if len(columns) > 1 and (not expected_columns or columns & expected_columns):
            return delimiter
    except csv.Error:
        pass
    return max(DELIMITERS, key=header.count)


class CsvReader:
    """Reads a CSV file as rows of column -> text, header normalised to snake_case.

    Reading is a stream, and `rows()` can be called again for a second pass (validate, then write)
    without holding millions of rows in memory.
    """

    def __init__(self, path: Path, *, required: Sequence[str], optional: Sequence[str] = ()):
        self.path = path
        if not path.is_file():
            raise CsvFileError(_("no such file: %(path)s") % {"path": path})
        with path.open("rb") as fh:
            sample_bytes = fh.read(SNIFF_BYTES)
        sample = sample_bytes.removeprefix(BOM).decode("utf-8", errors="replace")
        if not sample.strip():
            raise CsvFileError(_("%(file)s is empty") % {"file": path.name})
        self.delimiter = sniff_delimiter(sample, expected=required)
        self.columns = self._read_header()
        missing = [c for c in required if c not in self.columns]
        if missing:
            raise CsvFileError(
                _("%(file)s misses required column(s): %(columns)s")
                % {"file": path.name, "columns": ", ".join(missing)}
            )
        known = set(required) | set(optional)
        self.ignored_columns = [c for c in self.columns if c not in known]

    def _reader(self) -> Iterator[list[str]]:
        reader = csv.reader(_decoded_lines(self.path), delimiter=self.delimiter)
        yield from reader

    def _read_header(self) -> list[str]:
        for cells in self._reader():
            if any(cell.strip() for cell in cells):
                return [normalise_header(cell) for cell in cells]
        raise CsvFileError(_("%(file)s has no header line") % {"file": self.path.name})

    def rows(self) -> Iterator[CsvRow]:
        """Data rows with their line numbers (the header is line 1); blank lines are skipped."""
        reader = csv.reader(_decoded_lines(self.path), delimiter=self.delimiter)
        header_seen = False
        for cells in reader:
            if not any(cell.strip() for cell in cells):
                continue
            if not header_seen:
                header_seen = True
                continue
            values = dict(zip(self.columns, cells, strict=False))
            yield CsvRow(line=reader.line_num, values=values)

    @property
    def sha256(self) -> str:
        return file_sha256(self.path)


def chunked(items: Iterable[T], size: int) -> Iterator[list[T]]:
    """Lists of up to `size` items (itertools.batched arrives with Python 3.12)."""
    batch: list[T] = []
    for item in items:
        batch.append(item)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def parse_yes_no(text: str) -> bool:
    """yes/no as ERPs write them, in English or Dutch."""
    value = text.strip().lower()
    if value in {"yes", "y", "ja", "j", "true", "1", "waar"}:
        return True
    if value in {"no", "n", "nee", "false", "0", "onwaar", ""}:
        return False
    raise ValueError(_("not yes or no: %(value)r") % {"value": text})


def import_failure(exc: CsvFileError | RowErrors, *, as_json: bool, stdout: Any, stderr: Any) -> CommandError:
    """What a batch command says about a bad file: every bad row on stderr (or in the JSON), one-line error."""
    errors = exc.errors if isinstance(exc, RowErrors) else []
    if as_json:
        stdout.write(
            json.dumps(
                {
                    "ok": False,
                    "error": str(exc),
                    "errors": [{"line": e.line, "column": e.column, "message": e.message} for e in errors],
                }
            )
        )
    else:
        for error in errors:
            stderr.write(str(error))
    if isinstance(exc, RowErrors):
        return CommandError(
            _("%(count)d bad row(s), nothing imported (first: %(first)s)")
            % {"count": len({e.line for e in errors}), "first": errors[0]}
        )
    return CommandError(str(exc))


class CsvImportCommand(BaseCommand, ABC):
    """`roer import_… FILE.csv [--json]`: all or nothing, every bad row reported, a summary at the end."""

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument("--json", action="store_true", help=_("Print a machine-readable summary."))

    @abstractmethod
    def run_import(self, path: Path) -> Any:
        """Call the import service; its result has `as_dict()`."""

    @abstractmethod
    def summary_lines(self, result: Any) -> list[str]:
        """What the import did, in the command's own words."""

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            result = self.run_import(options["file"])
        except (CsvFileError, RowErrors) as exc:
            raise import_failure(
                exc, as_json=options["json"], stdout=self.stdout, stderr=self.stderr
            ) from exc
        if options["json"]:
            self.stdout.write(json.dumps({"ok": True, **result.as_dict()}))
            return
        for line in self.summary_lines(result):
            self.stdout.write(line)
