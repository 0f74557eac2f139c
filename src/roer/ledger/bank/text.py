"""Normalised text for matching. The bank's own text is stored as sent; only comparisons use these."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from schwifty import IBAN
from schwifty.exceptions import SchwiftyException

# Soft hyphens, zero-width spaces and joiners, BOMs: invisible in print, fatal to a comparison.
_INVISIBLE = dict.fromkeys(map(ord, "\u00ad\u200b\u200c\u200d\u2060\ufeff"), None)
_SPACES = re.compile(r"\s+")
_RUNS = re.compile(r"[A-Z0-9]+(?:[ .\-/][A-Z0-9]+)*")
_PIECES = re.compile(r"[A-Z0-9]+")
_TIGHT = re.compile(r"[A-Z0-9]+(?:[.\-/][A-Z0-9]+)+")
_DIGIT_GROUPS = re.compile(r"\d+(?:[ .\-]\d+)*")
_MIN_REFERENCE = 6


@lru_cache(maxsize=65536)
def normalise_text(text: str) -> str:
    """NFKC, invisible characters removed, whitespace collapsed, upper case.

    Remembered: a statement repeats the same IBANs and references thousands of times."""
    cleaned = unicodedata.normalize("NFKC", text).translate(_INVISIBLE)
    return _SPACES.sub(" ", cleaned).strip().upper()


@lru_cache(maxsize=65536)
def compact_iban(text: str) -> str:
    """An IBAN as compared: no spaces or invisible characters, upper case."""
    return normalise_text(text).replace(" ", "")


@lru_cache(maxsize=65536)
def iban_is_valid(text: str) -> bool:
    try:
        IBAN(text)
    except (SchwiftyException, ValueError):
        return False
    return True


def reference_candidates(text: str) -> set[str]:
    """Strings in free text that could be a payment reference, spaced or not ("1234 5678" and "12345678").

    Only candidates with a digit are kept: a tenancy's reference always has one, words do not.
    """
    if not text:
        return set()
    normalised = normalise_text(text)
    candidates: list[str] = []
    for run in _RUNS.findall(normalised):
        candidates.append(re.sub(r"[ .\-/]", "", run))
        candidates.extend(_PIECES.findall(run))
    candidates.extend(re.sub(r"[.\-/]", "", run) for run in _TIGHT.findall(normalised))
    candidates.extend(re.sub(r"[ .\-]", "", run) for run in _DIGIT_GROUPS.findall(normalised))
    return {c for c in candidates if _MIN_REFERENCE <= len(c) <= 35 and any(ch.isdigit() for ch in c)}
