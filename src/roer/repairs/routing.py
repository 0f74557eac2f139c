"""Contractor routing as a versioned rule set: which contractor gets an order, by trade and the dwelling's area.

The document (rule set `contractor-routing`):

    {
      "contractors": [{"key": "loodgieter-utrecht", "name": "...", "email": "...", "trades": ["LOO", "ONT"]}],
      "routes": [
        {"trade": "LOO", "neighbourhoods": ["Binnenstad"], "postcodes": [], "contractor": "..."},
        {"trade": "LOO", "neighbourhoods": [], "postcodes": [["3500", "3549"]], "contractor": "..."}
      ],
      "defaults": {"LOO": "loodgieter-utrecht", ...}
    }

`route` reads it top to bottom: the first route of the trade whose area holds the dwelling (its
neighbourhood, or the four digits of its postcode within a range) wins; else the trade's default; else
`NoRouteError`. Pure Python: no database.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from roer.core.rules import Document, RuleSetDefinition, register
from roer.repairs import vera
from roer.repairs.constants import RoutedBy, VeraList

KEY = "contractor-routing"

_KEY = {"type": "string", "pattern": r"^[a-z0-9]+(-[a-z0-9]+)*$", "maxLength": 60}
_TRADE = {"type": "string", "pattern": r"^[A-Z0-9]{2,4}$"}
_PC4 = {"type": "string", "pattern": r"^[1-9][0-9]{3}$"}

SCHEMA: dict[str, Any] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "title": "Contractor routing",
    "type": "object",
    "properties": {
        "contractors": {
            "type": "array",
            "minItems": 1,
            "items": {
                "type": "object",
                "properties": {
                    "key": _KEY,
                    "name": {"type": "string", "minLength": 1, "maxLength": 200},
                    "email": {"type": "string", "pattern": r"^[^@\s]+@[^@\s]+\.[^@\s]+$", "maxLength": 254},
                    "trades": {"type": "array", "items": _TRADE, "minItems": 1, "uniqueItems": True},
                },
                "required": ["key", "name", "email", "trades"],
                "additionalProperties": False,
            },
        },
        "routes": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "trade": _TRADE,
                    "neighbourhoods": {
                        "type": "array",
                        "items": {"type": "string", "minLength": 1, "maxLength": 100},
                    },
                    "postcodes": {
                        "type": "array",
                        "description": "ranges of four-digit postcodes, both ends included",
                        "items": {"type": "array", "prefixItems": [_PC4, _PC4], "minItems": 2, "maxItems": 2},
                    },
                    "contractor": _KEY,
                },
                "required": ["trade", "neighbourhoods", "postcodes", "contractor"],
                "additionalProperties": False,
            },
        },
        "defaults": {
            "type": "object",
            "description": "trade code -> contractor key, when no route's area holds the dwelling",
            "propertyNames": {"pattern": r"^[A-Z0-9]{2,4}$"},
            "additionalProperties": _KEY,
        },
    },
    "required": ["contractors", "routes", "defaults"],
    "additionalProperties": False,
}


class NoRouteError(LookupError):
    """No route and no default for a trade: a person must pick the contractor."""

    def __init__(self, trade: str | None):
        self.trade = trade
        super().__init__(
            f"contractor-routing has no route and no default for trade {trade!r}; "
            "add one to the rule set (roer rules draft contractor-routing ...)"
        )


@dataclass(frozen=True)
class ContractorEntry:
    key: str
    name: str
    email: str
    trades: tuple[str, ...]


@dataclass(frozen=True)
class Route:
    contractor: str
    matched_by: RoutedBy
    route_index: int | None  # the position in `routes`, None for a default


def postcode_digits(postcode: str) -> str | None:
    """'3512 PK' -> '3512'; None when the postcode is not Dutch-shaped."""
    found = re.match(r"^\s*([1-9][0-9]{3})", postcode or "")
    return found.group(1) if found else None


def contractors_in(document: Document) -> dict[str, ContractorEntry]:
    return {
        c["key"]: ContractorEntry(c["key"], c["name"], c["email"], tuple(c["trades"]))
        for c in document["contractors"]
    }


def route(document: Mapping[str, Any], *, trade: str | None, neighbourhood: str, postcode: str) -> Route:
    """The contractor for this trade and area: the first matching route, else the trade's default."""
    if not trade:
        raise NoRouteError(trade)
    wanted_neighbourhood = (neighbourhood or "").strip().casefold()
    digits = postcode_digits(postcode)
    for index, entry in enumerate(document["routes"]):
        if entry["trade"] != trade:
            continue
        if wanted_neighbourhood and wanted_neighbourhood in {
            n.strip().casefold() for n in entry["neighbourhoods"]
        }:
            return Route(entry["contractor"], RoutedBy.NEIGHBOURHOOD, index)
        if digits and any(low <= digits <= high for low, high in entry["postcodes"]):
            return Route(entry["contractor"], RoutedBy.POSTCODE, index)
    default = document["defaults"].get(trade)
    if default is None:
        raise NoRouteError(trade)
    return Route(default, RoutedBy.DEFAULT, None)


def areas_of(document: Mapping[str, Any], contractor_key: str) -> list[dict[str, Any]]:
    """The areas a contractor serves, per trade, as the routes say (for display on the Contractor row)."""
    areas: list[dict[str, Any]] = []
    for entry in document["routes"]:
        if entry["contractor"] == contractor_key:
            areas.append(
                {
                    "trade": entry["trade"],
                    "neighbourhoods": list(entry["neighbourhoods"]),
                    "postcodes": [list(pair) for pair in entry["postcodes"]],
                }
            )
    for trade, key in sorted(document["defaults"].items()):
        if key == contractor_key:
            areas.append({"trade": trade, "default": True})
    return areas


def check(document: Document) -> list[str]:
    problems: list[str] = []
    keys = Counter(c["key"] for c in document["contractors"])
    problems.extend(f"contractors: key {k!r} used {n} times" for k, n in keys.items() if n > 1)
    contractors = contractors_in(document)
    for contractor in contractors.values():
        for trade in contractor.trades:
            if not vera.is_code(VeraList.TRADE, trade):
                problems.append(
                    f"contractors/{contractor.key}: {trade!r} is not a VERA ONDERHOUDSPECIALISME code"
                )
    places: list[tuple[str, str, str]] = [
        (f"routes/{i}", r["trade"], r["contractor"]) for i, r in enumerate(document["routes"])
    ]
    places.extend((f"defaults/{trade}", trade, key) for trade, key in document["defaults"].items())
    for where, trade, key in places:
        if not vera.is_code(VeraList.TRADE, trade):
            problems.append(f"{where}: {trade!r} is not a VERA ONDERHOUDSPECIALISME code")
        found = contractors.get(key)
        if found is None:
            problems.append(f"{where}: no contractor {key!r}")
        elif trade not in found.trades:
            problems.append(f"{where}: contractor {key!r} does not do trade {trade!r}")
    for index, entry in enumerate(document["routes"]):
        if not entry["neighbourhoods"] and not entry["postcodes"]:
            problems.append(
                f"routes/{index}: a route needs neighbourhoods or postcode ranges (else: defaults)"
            )
        for low, high in entry["postcodes"]:
            if low > high:
                problems.append(f"routes/{index}: postcode range {low}-{high} runs backwards")
    return problems


# The trades the default repair wizard can ask for; the default routing has a default for each.
_DEMO_CONTRACTORS: Sequence[tuple[str, str, tuple[str, ...]]] = (
    ("warmte-totaal", "Warmte Totaal Installaties", ("CVI", "GEI", "WTW")),
    ("klimaat-oost", "Klimaatservice Oost", ("CVI", "WTW")),
    ("loodgieter-de-kraan", "Loodgietersbedrijf De Kraan", ("LOO", "ONT", "TEG")),
    ("riool-snel", "RioolSnel Ontstoppingen", ("ONT",)),
    ("elektro-van-dam", "Elektrotechniek Van Dam", ("ELE", "ELT", "INS")),
    ("timmer-en-zo", "Timmerbedrijf Hout & Zo", ("TIM", "GLA", "STU", "ZWE")),
    ("dakwerk-noord", "Dakwerken Noord", ("DAK",)),
    ("glashandel-helder", "Glashandel Helder", ("GLA",)),
    ("schilders-kleur", "Schildersbedrijf Kleurrijk", ("SCH", "STU")),
    ("ongedierte-weg", "Ongediertebestrijding Weg-Ermee", ("ONG",)),
    ("droog-vochtwering", "Droog Vochtbestrijding", ("VOC",)),
    ("groen-buiten", "Hoveniersbedrijf Groen Buiten", ("HOV",)),
    ("schoon-service", "Schoonmaakservice Glans", ("SCM",)),
    ("lift-direct", "LiftDirect Onderhoud", ("LIF",)),
    ("allround-klus", "Allround Klusbedrijf", ("OVE", "TIM", "SCH")),
)

_DEMO_DEFAULTS = {
    "CVI": "warmte-totaal",
    "GEI": "warmte-totaal",
    "WTW": "warmte-totaal",
    "LOO": "loodgieter-de-kraan",
    "TEG": "loodgieter-de-kraan",
    "ONT": "riool-snel",
    "ELE": "elektro-van-dam",
    "ELT": "elektro-van-dam",
    "INS": "elektro-van-dam",
    "TIM": "timmer-en-zo",
    "STU": "schilders-kleur",
    "ZWE": "timmer-en-zo",
    "DAK": "dakwerk-noord",
    "GLA": "glashandel-helder",
    "SCH": "schilders-kleur",
    "ONG": "ongedierte-weg",
    "VOC": "droog-vochtwering",
    "HOV": "groen-buiten",
    "SCM": "schoon-service",
    "LIF": "lift-direct",
    "OVE": "allround-klus",
}


def default_document() -> Document:
    """Demo contractors: a default per trade, and a few area routes that show how routing by area works."""
    return {
        "contractors": [
            {"key": key, "name": name, "email": f"orders@{key}.example.nl", "trades": list(trades)}
            for key, name, trades in _DEMO_CONTRACTORS
        ],
        "routes": [
            # Heating in the east of the city goes to a second installer.
            {
                "trade": "CVI",
                "neighbourhoods": ["Oost", "Lunetten"],
                "postcodes": [],
                "contractor": "klimaat-oost",
            },
            {
                "trade": "CVI",
                "neighbourhoods": [],
                "postcodes": [["3580", "3589"]],
                "contractor": "klimaat-oost",
            },
            # Small carpentry in the old centre: the all-round firm.
            {
                "trade": "TIM",
                "neighbourhoods": ["Binnenstad"],
                "postcodes": [],
                "contractor": "allround-klus",
            },
        ],
        "defaults": dict(_DEMO_DEFAULTS),
    }


DEFINITION = register(
    RuleSetDefinition(
        key=KEY,
        title="Contractor routing: trade and area to contractor",
        schema=SCHEMA,
        default=default_document,
        check=check,
    )
)
