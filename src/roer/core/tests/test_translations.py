"""The Dutch catalogue is complete and compiled: Roer speaks Dutch by default."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import translation

CATALOGUES = sorted(Path(settings.SOURCE_ROOT).glob("**/locale/nl/LC_MESSAGES/django.po"))
ENTRY = re.compile(
    r'(?:^#, (?P<flags>.*)\n)?^msgid (?P<msgid>(?:".*"\n)+)(?:^msgid_plural .*\n(?:".*"\n)*)?'
    r"(?P<msgstr>(?:^msgstr(?:\[\d\])? (?:\".*\"\n)+)+)",
    re.M,
)


def entries(path: Path) -> list[tuple[str, str, str]]:
    text = path.read_text(encoding="utf-8") + "\n"
    return [(m["flags"] or "", m["msgid"], m["msgstr"]) for m in ENTRY.finditer(text)]


def test_there_are_dutch_catalogues():
    assert CATALOGUES, "no locale/nl/LC_MESSAGES/django.po under src/roer"


@pytest.mark.parametrize("catalogue", CATALOGUES, ids=lambda p: str(p.relative_to(settings.SOURCE_ROOT)))
def test_every_message_has_a_dutch_translation(catalogue):
    found = entries(catalogue)
    assert len(found) > 10
    fuzzy = [msgid for flags, msgid, _ in found if "fuzzy" in flags]
    empty = [
        msgid
        for _flags, msgid, msgstr in found
        if msgid.strip() != '""'
        and all(part.strip() in {'""', ""} for part in re.findall(r'"(?:[^"\\]|\\.)*"', msgstr))
    ]
    assert fuzzy == []
    assert empty == []
    assert catalogue.with_suffix(".mo").exists(), "run `make messages` to compile the catalogue"


def test_the_compiled_catalogue_is_used():
    with translation.override("nl"):
        assert translation.gettext("Collections officer") != "Collections officer"
    with translation.override("en"):
        assert translation.gettext("Collections officer") == "Collections officer"


@pytest.mark.parametrize("catalogue", CATALOGUES, ids=lambda p: str(p.relative_to(settings.SOURCE_ROOT)))
def test_the_catalogue_says_its_language_and_plural_rule(catalogue):
    """Without them plural forms ("1 afspraak", "2 afspraken") fall back to guesswork when merging."""
    header = catalogue.read_text(encoding="utf-8").split("\n\n", 2)[:2]
    text = "\n".join(header)
    assert '"Language: nl\\n"' in text
    assert '"Plural-Forms: nplurals=2; plural=(n != 1);\\n"' in text
