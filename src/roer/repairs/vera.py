"""VERA code lists the repair wizard refers to: a pure lookup over the copy shipped in the package.

The copy (vera_codes.json, CC0) is generated from VERA's Referentiedata.csv by
`roer.repairs.scripts.build_vera_codes`; the product never reads the shared folder at run time.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from functools import cache
from pathlib import Path
from types import MappingProxyType

CODES_FILE = Path(__file__).resolve().parent / "vera_codes.json"


@cache
def code_lists() -> Mapping[str, Mapping[str, str]]:
    """{list: {code: name}}, read once per process."""
    document = json.loads(CODES_FILE.read_text(encoding="utf-8"))
    return MappingProxyType(
        {kind: MappingProxyType(dict(codes)) for kind, codes in document["codes"].items()}
    )


def is_code(kind: str, code: str) -> bool:
    return code in code_lists().get(kind, {})


def name_of(kind: str, code: str) -> str:
    """VERA's name for a code; KeyError for an unknown one."""
    return code_lists()[kind][code]
