"""The letter texts, per route and letter kind, as a versioned rule set of their own.

Texts are plain Dutch (B1): short sentences, "u", one message per paragraph, what to do and by when.
Placeholders in braces are filled when a letter is made; `check` refuses unknown placeholders, a final
notice without the exact costs, the deadline and the arrears, which art. 6:96 lid 6 BW requires, and an
early-warning offer without the day by which the tenant can object.

A letter carries the early-warning offer (BGS art. 2 c and d, with the pointer to free debt help, b) when
its text gives the tenant a day to object: `{objection_deadline}`. The reminder carries the separate offer
letter; the friendly personal message to an atypical tenant carries it in its own words, so that those
tenants too reach the legal steps.
"""

from __future__ import annotations

import json
import string
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from roer.arrears.constants import LetterKind, Route
from roer.core.rules import Document, RuleSetDefinition, register

KEY = "collections-letters"

PLACEHOLDERS = frozenset(
    {
        "tenant",
        "reference",
        "arrears",
        "costs",
        "total",
        "deadline",
        "vat_note",
        "sender",
        "phone",
        "office_hours",
        "iban",
        "payment_reference",
        "objection_deadline",
    }
)
REQUIRED_IN_FINAL_NOTICE = ("costs", "deadline", "arrears")
# The placeholder that makes a text an early-warning offer: the day by which the tenant can object.
OFFER_PLACEHOLDER = "objection_deadline"
# Routes that send letters, and the kinds each must have; a held case gets none.
LETTER_ROUTES: dict[str, tuple[str, ...]] = {
    Route.AUTOMATED.value: ("reminder", "final_notice", "early_warning_offer"),
    Route.HUMAN_CONTACT.value: ("personal_message", "early_warning_offer"),
    Route.OFFICER_REVIEW.value: ("reminder", "final_notice", "early_warning_offer"),
}

_TEXT = {"type": "string", "minLength": 1, "maxLength": 5000}
_LETTER = {
    "type": "object",
    "properties": {"subject": {**_TEXT, "maxLength": 200}, "body": _TEXT},
    "required": ["subject", "body"],
    "additionalProperties": False,
}

SCHEMA: dict[str, Any] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "title": "Collections letters",
    "type": "object",
    "properties": {
        "routes": {
            "type": "object",
            "properties": {
                route: {
                    "type": "object",
                    "properties": {
                        "tone": {**_TEXT, "maxLength": 300},
                        "letters": {
                            "type": "object",
                            "properties": {kind: _LETTER for kind in kinds},
                            "required": list(kinds),
                            "additionalProperties": False,
                        },
                    },
                    "required": ["tone", "letters"],
                    "additionalProperties": False,
                }
                for route, kinds in LETTER_ROUTES.items()
            },
            "required": list(LETTER_ROUTES),
            "additionalProperties": False,
        }
    },
    "required": ["routes"],
    "additionalProperties": False,
}

_GREETING = "Met vriendelijke groet,\n{sender}"
_HELP = "Uw gemeente helpt ook gratis bij geldzorgen."


def _early_warning_offer(opening: str) -> dict[str, str]:
    return {
        "subject": "Hulp van de gemeente bij uw huurachterstand",
        "body": (
            "Beste {tenant},\n\n"
            f"{opening}\n\n"
            "Uw gemeente kan u gratis helpen met geldzaken. Daarom geven wij uw naam, adres, "
            "geboortedatum, telefoonnummer, e-mailadres en het bedrag van de achterstand door aan de "
            "gemeente. Iemand van de gemeente neemt dan contact met u op.\n\n"
            "Wilt u dat niet? Laat het ons dan vóór {objection_deadline} weten. Bel {phone}. "
            "Dan geven wij niets door.\n\n" + _GREETING
        ),
    }


_REMINDER = {
    "subject": "Herinnering: uw huur is nog niet betaald",
    "body": (
        "Beste {tenant},\n\n"
        "Uw huur is nog niet betaald. Het gaat om {arrears}.\n"
        "Misschien bent u het vergeten. Wilt u het bedrag binnen 7 dagen betalen? "
        "Gebruik rekeningnummer {iban} en betalingskenmerk {payment_reference}.\n\n"
        "Lukt betalen niet? Bel ons dan op {phone}. Samen zoeken we een oplossing, zoals een "
        f"betalingsregeling. {_HELP}\n\n"
        "Heeft u al betaald? Dan kunt u deze brief vergeten.\n\n" + _GREETING
    ),
}

_FINAL_NOTICE = {
    "subject": "Aanmaning: betaal uiterlijk {deadline}",
    "body": (
        "Beste {tenant},\n\n"
        "U heeft de huur nog niet betaald, ook niet na onze herinnering. Het gaat om {arrears}.\n\n"
        "Betaal dit bedrag uiterlijk op {deadline}. U heeft daarvoor 14 dagen. Die beginnen op de dag "
        "nadat u deze brief heeft gekregen.\n\n"
        "Betaalt u niet op tijd? Dan moet u ook incassokosten betalen: {costs}.{vat_note} "
        "Daarna kunnen wij een deurwaarder inschakelen. Dat kost u nog meer geld.\n\n"
        "Lukt betalen niet? Bel ons dan vóór {deadline} op {phone}. Wij maken graag een "
        f"betalingsregeling met u. {_HELP}\n\n" + _GREETING
    ),
}


def default_document() -> Document:
    # Through JSON, so routes that share a text get their own copy (deepcopy would keep them shared) and
    # editing one route's letter never changes another's.
    return json.loads(json.dumps(_default_document()))


def _default_document() -> Document:
    return {
        "routes": {
            Route.AUTOMATED.value: {
                "tone": "Zakelijk en vriendelijk. Kort en duidelijk: wat moet u doen en wanneer.",
                "letters": {
                    LetterKind.REMINDER.value: _REMINDER,
                    LetterKind.FINAL_NOTICE.value: _FINAL_NOTICE,
                    LetterKind.EARLY_WARNING_OFFER.value: _early_warning_offer(
                        "U heeft een huurachterstand van {arrears}. Wij willen u helpen om die op te lossen."
                    ),
                },
            },
            Route.HUMAN_CONTACT.value: {
                "tone": "Persoonlijk en warm, van een mens met een naam. Geen dreiging, geen kosten.",
                "letters": {
                    LetterKind.PERSONAL_MESSAGE.value: {
                        "subject": "Even contact over uw huur",
                        "body": (
                            "Beste {tenant},\n\n"
                            "De huur van deze maand is nog niet betaald. Dat zijn wij van u niet gewend. "
                            "Misschien is er iets veranderd. Of misschien is het gewoon vergeten.\n\n"
                            "Ik wil graag even met u praten. Samen zoeken we een oplossing die bij u past, "
                            "bijvoorbeeld een betalingsregeling. Er komen geen extra kosten bij.\n\n"
                            "Ik bel u de komende dagen. Wilt u liever zelf bellen? Dat kan op {phone} "
                            "({office_hours}).\n\n"
                            "Heeft u zorgen over geld? Uw gemeente helpt gratis, ook als het om meer "
                            "gaat dan de huur. Als u het goed vindt, geven wij uw naam, adres, "
                            "geboortedatum, telefoonnummer, e-mailadres en het bedrag dat openstaat door "
                            "aan de gemeente. Dan kan iemand van de gemeente u die hulp aanbieden. "
                            "U hoeft daar niets voor te doen.\n\n"
                            "Liever niet? Dat is helemaal goed. Laat het ons dan vóór {objection_deadline} "
                            "weten, bijvoorbeeld als ik u bel. Dan geven wij niets door.\n\n" + _GREETING
                        ),
                    },
                    LetterKind.EARLY_WARNING_OFFER.value: _early_warning_offer(
                        "Wij hebben met u gesproken over de huur. Er staat nog {arrears} open. "
                        "Wij denken graag met u mee."
                    ),
                },
            },
            Route.OFFICER_REVIEW.value: {
                "tone": "Duidelijk en zakelijk, met steeds een aanbod om te helpen.",
                "letters": {
                    LetterKind.REMINDER.value: _REMINDER,
                    LetterKind.FINAL_NOTICE.value: _FINAL_NOTICE,
                    LetterKind.EARLY_WARNING_OFFER.value: _early_warning_offer(
                        "U heeft een huurachterstand van {arrears}. De achterstand wordt groter. "
                        "Wij willen voorkomen dat u in de problemen komt."
                    ),
                },
            },
        }
    }


def placeholders_in(text: str) -> set[str]:
    """The placeholder names in a text; raises ValueError on a stray brace."""
    return {name for _literal, name, _spec, _conversion in string.Formatter().parse(text) if name is not None}


def check(document: Document) -> list[str]:
    problems = []
    for route, settings in document["routes"].items():
        for kind, letter in settings["letters"].items():
            for part in ("subject", "body"):
                where = f"routes/{route}/letters/{kind}/{part}"
                try:
                    used = placeholders_in(letter[part])
                except ValueError as problem:
                    problems.append(f"{where}: {problem} (write a brace as {{{{ or }}}})")
                    continue
                unknown = sorted(used - PLACEHOLDERS)
                if unknown:
                    problems.append(f"{where}: unknown placeholders {unknown}; known: {sorted(PLACEHOLDERS)}")
            if kind == LetterKind.EARLY_WARNING_OFFER:
                try:
                    offered = placeholders_in(letter["body"])
                except ValueError:
                    continue
                if OFFER_PLACEHOLDER not in offered:
                    problems.append(
                        f"routes/{route}/letters/{kind}/body: the offer must state "
                        + "{"
                        + OFFER_PLACEHOLDER
                        + "}, the day by which the tenant can object (BGS art. 2)"
                    )
            if kind == LetterKind.FINAL_NOTICE:
                try:
                    body = placeholders_in(letter["body"])
                except ValueError:
                    continue
                missing = [name for name in REQUIRED_IN_FINAL_NOTICE if name not in body]
                if missing:
                    problems.append(
                        f"routes/{route}/letters/{kind}/body: a final notice must state "
                        + ", ".join("{" + name + "}" for name in missing)
                        + " (art. 6:96 lid 6 BW)"
                    )
    return problems


@dataclass(frozen=True)
class LetterText:
    route: str
    kind: str
    tone: str
    subject: str
    body: str

    @property
    def carries_early_warning_offer(self) -> bool:
        """The text offers to pass the data on unless the tenant objects by a given day."""
        try:
            return OFFER_PLACEHOLDER in placeholders_in(self.body)
        except ValueError:
            return False

    def fill(self, values: Mapping[str, str]) -> tuple[str, str]:
        """Subject and body with the placeholders filled; a missing value is an error, never a blank."""
        missing = (placeholders_in(self.subject) | placeholders_in(self.body)) - set(values)
        if missing:
            raise KeyError(f"letter {self.route}/{self.kind} needs values for {sorted(missing)}")
        return self.subject.format_map(values), self.body.format_map(values)


def letter_text(document: Document, *, route: str, kind: str) -> LetterText:
    try:
        settings = document["routes"][route]
        letter = settings["letters"][kind]
    except KeyError:
        raise LookupError(f"no {kind!r} letter for route {route!r}") from None
    return LetterText(
        route=route, kind=kind, tone=settings["tone"], subject=letter["subject"], body=letter["body"]
    )


DEFINITION = register(
    RuleSetDefinition(
        key=KEY,
        title="Collections letters",
        schema=SCHEMA,
        default=default_document,
        check=check,
    )
)
