"""Tenants with an activation code, for the activation, sign-in and password-reset tests."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

from roer.accounts.activation import activation_codes_issue
from roer.tenancies.models import Person, Tenancy
from roer.tenancies.tests.factories import TenancyFactory

STRONG_PASSWORD = "fietsbel-kastanje-93"


@dataclass
class Letter:
    tenancy: Tenancy
    person: Person
    code: str
    row: dict[str, str]


def read_letters(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh, delimiter=";"))


def issue_letters(tmp_path: Path, *references: str, name: str = "letters.csv") -> list[dict[str, str]]:
    output = tmp_path / name
    activation_codes_issue(tenancy_references=references, output=output)
    return read_letters(output)


def tenant_with_letter(tmp_path: Path, *, name: str = "letters.csv", **tenancy_fields: object) -> Letter:
    tenancy = TenancyFactory(**tenancy_fields)
    [row] = issue_letters(tmp_path, tenancy.reference, name=name)
    person = tenancy.parties.get().person
    return Letter(tenancy=tenancy, person=person, code=row["code"], row=row)
