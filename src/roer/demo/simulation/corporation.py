"""Complexes and dwellings: Dutch streets, house numbers, postcodes and neighbourhoods in a few cities."""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass

from roer.demo.simulation.calendar import increase_bp
from roer.demo.simulation.names import NamePool


@dataclass(frozen=True, slots=True)
class City:
    name: str
    postcode_from: int
    postcode_to: int
    neighbourhoods: tuple[str, ...]
    weight: int


CITIES: tuple[City, ...] = (
    City(
        "Zwolle",
        8011,
        8046,
        ("Assendorp", "Holtenbroek", "Stadshagen", "Diezerpoort", "Aa-landen", "Westenholte", "Berkum"),
        35,
    ),
    City("Deventer", 7411, 7429, ("Rivierenwijk", "Keizerslanden", "Colmschate", "Borgele", "Voorstad"), 25),
    City("Apeldoorn", 7311, 7339, ("Zevenhuizen", "De Maten", "Osseveld", "Zuidbroek", "Kerschoten"), 25),
    City("Kampen", 8261, 8267, ("Brunnepe", "Flevowijk", "Hagenbroek", "Onderdijks"), 10),
    City("Hardenberg", 7771, 7779, ("Baalderveld", "Marslanden", "Heemse"), 5),
)

# PostNL does not use SA, SD and SS as postcode letters, nor the letters F, I, O, Q, U and Y.
POSTCODE_LETTERS = "ABCDEGHJKLMNPRSTVWXZ"
UNUSED_LETTER_PAIRS = frozenset({"SA", "SD", "SS"})


@dataclass(frozen=True, slots=True)
class BuildingType:
    key: str
    label: str
    weight: int
    size: tuple[int, int]  # dwellings per complex
    rent_euros: tuple[int, int]  # base rent today
    service_euros: tuple[int, int]


BUILDING_TYPES: tuple[BuildingType, ...] = (
    BuildingType("row_house", "eengezinswoningen", 55, (8, 48), (560, 800), (0, 12)),
    BuildingType("flat", "flat", 35, (24, 120), (440, 680), (20, 60)),
    BuildingType("senior", "seniorenwoningen", 10, (16, 60), (500, 720), (40, 90)),
)


@dataclass(frozen=True, slots=True)
class ComplexPlan:
    reference: str
    name: str
    city: str
    neighbourhood: str
    building_type: str


@dataclass(frozen=True, slots=True)
class DwellingPlan:
    index: int
    reference: str
    complex_reference: str
    building_type: str
    street: str
    house_number: str
    postcode: str
    city: str
    neighbourhood: str
    base_rent_cents: int  # at the start of the simulated history
    service_cents: int


LETTER_PAIRS = tuple(
    a + b for a in POSTCODE_LETTERS for b in POSTCODE_LETTERS if a + b not in UNUSED_LETTER_PAIRS
)


def postcode_letters(number: int) -> str:
    """The `number`-th letter pair in use (AA, AB, ...)."""
    return LETTER_PAIRS[number % len(LETTER_PAIRS)]


def rent_at_history_start(cents_today: int, *, history_start: dt.date, until: dt.date) -> int:
    """Undo the July increases between the history start and `until`."""
    cents = cents_today
    for year in range(until.year, history_start.year, -1):
        july = dt.date(year, 7, 1)
        if history_start < july <= until:
            cents = (cents * 10_000 + 5_000) // (10_000 + increase_bp(year))
    return cents


def plan_corporation(
    rng: random.Random, names: NamePool, *, dwellings: int, history_start: dt.date, until: dt.date
) -> tuple[list[ComplexPlan], list[DwellingPlan]]:
    """Complexes of one building type on one to three streets, until there are `dwellings` dwellings."""
    complexes: list[ComplexPlan] = []
    plans: list[DwellingPlan] = []
    used_streets: set[tuple[str, str]] = set()
    postcode_serial: dict[int, int] = {}
    while len(plans) < dwellings:
        city = rng.choices(CITIES, weights=[c.weight for c in CITIES])[0]
        kind = rng.choices(BUILDING_TYPES, weights=[b.weight for b in BUILDING_TYPES])[0]
        neighbourhood = rng.choice(city.neighbourhoods)
        size = min(rng.randint(*kind.size), dwellings - len(plans))
        streets = []
        for _ in range(rng.randint(1, 3)):
            street = names.street(rng)
            while (city.name, street) in used_streets:
                street = names.street(rng)
            used_streets.add((city.name, street))
            streets.append(street)
        reference = f"CPX-{len(complexes) + 1:04d}"
        complexes.append(
            ComplexPlan(
                reference=reference,
                name=f"{neighbourhood}, {streets[0]} e.o. ({kind.label})",
                city=city.name,
                neighbourhood=neighbourhood,
                building_type=kind.key,
            )
        )
        area = rng.randint(city.postcode_from, city.postcode_to)
        per_street = -(-size // len(streets))
        made = 0
        for street in streets:
            count = min(per_street, size - made)
            number = rng.choice((1, 1, 2, 3, 11, 21, 101))
            # Most streets have odd numbers on one side, even on the other; some count on.
            step = 2 if rng.random() < 0.8 else 1
            for position in range(count):
                if position % 20 == 0:
                    # A postcode covers about one side of a street block.
                    serial = postcode_serial.get(area, rng.randint(0, 40))
                    postcode_serial[area] = serial + 1
                    postcode = f"{area} {postcode_letters(serial)}"
                if kind.key == "flat":
                    house_number = f"{number + position // 4 * 2}-{position % 4 + 1}"
                elif kind.key == "senior" and rng.random() < 0.3:
                    house_number = f"{number + position}{'AB'[position % 2]}"
                else:
                    house_number = str(number + position * step)
                today_cents = rng.randint(*kind.rent_euros) * 100 + rng.choice((0, 25, 50, 75, 99))
                plans.append(
                    DwellingPlan(
                        index=len(plans),
                        reference=f"VHE-{len(plans) + 1:06d}",
                        complex_reference=reference,
                        building_type=kind.key,
                        street=street,
                        house_number=house_number,
                        postcode=postcode,
                        city=city.name,
                        neighbourhood=neighbourhood,
                        base_rent_cents=rent_at_history_start(
                            today_cents, history_start=history_start, until=until
                        ),
                        service_cents=rng.randint(*kind.service_euros) * 100,
                    )
                )
            made += count
    return complexes, plans
