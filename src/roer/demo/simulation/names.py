"""Dutch names and streets, drawn once from Faker (nl_NL, seeded) and then picked with the build's rng.

Faker is slow per call and has its own random state; a pool keeps every later choice on one
`random.Random`, so the build stays fast and deterministic for a seed.
"""

from __future__ import annotations

import random
import unicodedata
from dataclasses import dataclass

from faker import Faker

POOL_SIZE = 400
EMAIL_DOMAINS = ("example.nl", "example.com", "example.org")
# Faker's streets are named after first names; real estates also name them after trees, birds and trades.
CLASSIC_STREETS = tuple(
    f"{base}{suffix}"
    for base in (
        "Eiken",
        "Beuken",
        "Linden",
        "Kastanje",
        "Berken",
        "Esdoorn",
        "Merel",
        "Lijster",
        "Zwaluw",
        "Kievit",
        "Molen",
        "Kerk",
        "Smids",
        "Bakkers",
        "Schilders",
        "Tuinders",
        "Vissers",
        "Rozen",
        "Tulpen",
        "Narcissen",
        "Schubert",
        "Mozart",
        "Rembrandt",
        "Vermeer",
        "Thorbecke",
        "Oranje",
    )
    for suffix in ("straat", "laan", "hof", "weg")
)


@dataclass(frozen=True)
class NamePool:
    male_first: tuple[str, ...]
    female_first: tuple[str, ...]
    last: tuple[str, ...]
    streets: tuple[str, ...]

    @classmethod
    def from_faker(cls, seed: int) -> NamePool:
        fake = Faker("nl_NL")
        fake.seed_instance(seed)

        def unique(draw: object, count: int) -> tuple[str, ...]:
            seen: dict[str, None] = {}
            for _ in range(count * 4):
                seen[draw()] = None  # type: ignore[operator]
                if len(seen) >= count:
                    break
            return tuple(seen)

        return cls(
            male_first=unique(fake.first_name_male, POOL_SIZE),
            female_first=unique(fake.first_name_female, POOL_SIZE),
            last=unique(fake.last_name, POOL_SIZE),
            streets=CLASSIC_STREETS + unique(fake.street_name, POOL_SIZE),
        )

    def street(self, rng: random.Random) -> str:
        return rng.choice(self.streets)

    def first_name(self, rng: random.Random, *, female: bool) -> str:
        return rng.choice(self.female_first if female else self.male_first)

    def last_name(self, rng: random.Random) -> str:
        return rng.choice(self.last)


def ascii_slug(text: str) -> str:
    """`Rüdiger van 't Hof` → `rudigervanthof`, for e-mail addresses."""
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return "".join(ch for ch in plain.lower() if ch.isalnum())


def email_for(rng: random.Random, first: str, last: str) -> str:
    return f"{ascii_slug(first)}.{ascii_slug(last)}{rng.randint(1, 99)}@{rng.choice(EMAIL_DOMAINS)}"


def mobile_number(rng: random.Random) -> str:
    return f"06-{rng.randint(10_000_000, 99_999_999)}"
