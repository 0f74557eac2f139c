"""The inzage export as a file: JSON as the selector built it, and a PDF that shows the same structure.

The PDF is rendered from the very same dictionary, section by section, so it can never show more or less
than the JSON. The template autoescapes (a tenant's own words show as text), and WeasyPrint fetches nothing
from outside, as with the arrears letters.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from weasyprint import HTML
from weasyprint.urls import URLFetcher

_FETCHER = URLFetcher(allowed_protocols=("data",))


def to_json(data: dict[str, Any]) -> bytes:
    return json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2).encode()


# WeasyPrint lays tables out slowly (seconds for a few hundred rows): a long list is printed as lines
# under one line of column names, so a tenant with thirty years of rent gets their PDF in seconds too.
LONG_LIST = 40


@dataclass
class Table:
    title: str
    columns: list[str]
    rows: list[list[str]]

    @property
    def as_lines(self) -> bool:
        return len(self.rows) > LONG_LIST


@dataclass
class Block:
    """One part of the PDF: a heading, then key/value lines, then tables of lists, then sub-blocks."""

    title: str
    level: int
    pairs: list[tuple[str, Any]] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    children: list[Block] = field(default_factory=list)


# The parts of the export by their JSON key; a field inside a part shows its own key in words.
SECTION_TITLES = {
    "person": gettext_lazy("Your details"),
    "account": gettext_lazy("Your portal account"),
    "activation_codes": gettext_lazy("Activation codes sent to you"),
    "households": gettext_lazy("Households you live or lived in"),
    "tenancy_roles": gettext_lazy("Your role in rental contracts"),
    "tenancies": gettext_lazy("Rental contract"),
    "address": gettext_lazy("Address"),
    "rent": gettext_lazy("Rent"),
    "direct_debit": gettext_lazy("Direct debit"),
    "collections": gettext_lazy("Direct debit collections"),
    "ledger_entries": gettext_lazy("Rent account: charges and payments"),
    "bank_entries": gettext_lazy("Bank payments received"),
    "arrears_episodes": gettext_lazy("Periods of rent arrears"),
    "early_warning_signals": gettext_lazy("Early-warning signals to the municipality"),
    "early_warning_objections": gettext_lazy("Your objections to early warning"),
    "bailiff_proposals": gettext_lazy("Bailiff proposals"),
    "letters": gettext_lazy("Letters"),
    "arrangements": gettext_lazy("Payment arrangement"),
    "instalments": gettext_lazy("Instalments"),
    "cases": gettext_lazy("Social manager's case"),
    "notes": gettext_lazy("Notes"),
    "contact_moments": gettext_lazy("Contacts with you"),
    "repair_requests": gettext_lazy("Repair request"),
    "photos": gettext_lazy("Photos"),
    "work_orders": gettext_lazy("Work order"),
    "appointments": gettext_lazy("Appointments"),
    "messages": gettext_lazy("Messages about the repair"),
    "satisfaction": gettext_lazy("Your grade"),
    "callbacks": gettext_lazy("Call-back requests"),
    "answer_feedback": gettext_lazy("Your feedback on answers"),
    "automated_decisions": gettext_lazy("Automated decisions"),
    "holds": gettext_lazy("Automation paused by a person"),
    "journal": gettext_lazy("What happened (the journal)"),
}


def _words(key: str) -> str:
    title = SECTION_TITLES.get(key)
    return str(title) if title is not None else key.replace("_", " ").capitalize()


def _shown(row: dict[str, Any]) -> dict[str, Any]:
    """A code with words beside it (`kind` and `kind_label`) shows the words, under the code's name."""
    return {
        key: row.get(f"{key}_label", value)
        for key, value in row.items()
        if not (key.endswith("_label") and key.removesuffix("_label") in row)
    }


def _cell(value: Any) -> str:
    if value is None or value == "" or value == [] or value == {}:
        return "—"
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, list | dict):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def _is_table(value: Any) -> bool:
    return isinstance(value, list) and all(isinstance(row, dict) for row in value)


def _flat(row: dict[str, Any]) -> bool:
    """A row fits a table line when nothing in it is a list of rows itself (a dict becomes one cell)."""
    return not any(_is_table(v) and v for v in row.values())


def _block(title: str, data: dict[str, Any], level: int) -> Block:
    block = Block(title=title, level=level)
    for key, value in _shown(data).items():
        if isinstance(value, dict):
            block.children.append(_block(_words(key), value, level + 1))
        elif _is_table(value) and value and all(_flat(row) for row in value):
            columns = list(dict.fromkeys(k for row in map(_shown, value) for k in row))
            rows = [[_cell(row.get(c)) for c in columns] for row in map(_shown, value)]
            block.tables.append(Table(_words(key), [_words(c) for c in columns], rows))
        elif _is_table(value) and value:
            for number, row in enumerate(value, start=1):
                block.children.append(_block(f"{_words(key)} {number}", row, level + 1))
        elif _is_table(value):
            block.pairs.append((_words(key), _("none")))
        else:
            block.pairs.append((_words(key), _cell(value)))
    return block


def to_pdf(data: dict[str, Any], *, corporation: str) -> bytes:
    head = {k: v for k, v in data.items() if k in {"format", "version", "generated_at"}}
    sections = [
        _block(_words(k), v, 2) if isinstance(v, dict) else _block(_words(k), {k: v}, 2)
        for k, v in data.items()
        if k not in head and v is not None
    ]
    html = render_to_string(
        "privacy/personal_data.html",
        {"head": head, "blocks": sections, "corporation": corporation, "person": data["person"]},
    )
    pdf = HTML(string=html, url_fetcher=_FETCHER).write_pdf()
    assert pdf is not None
    return pdf
