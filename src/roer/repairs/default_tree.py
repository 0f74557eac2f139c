"""The default repair-wizard tree shipped with Roer (rule set `repair-wizard`, version 1).

Written as compact Python that builds the plain JSON document; the document is what is stored,
validated and versioned. Tenant-facing texts are Dutch (B1). Responsibility follows the Besluit kleine
herstellingen (BWBR0014931): what its annex names is the tenant's part (with the letter), the rest is the
corporation's. VERA codes come from Referentiedata.csv (see vera_codes.json).
"""

from __future__ import annotations

from typing import Any

Document = dict[str, Any]


Outcome = dict[str, Any]

GRID = "0800-9009"
EMERGENCY_SERVICES = "112"


def _outcome(
    responsibility: str,
    urgency: str | None = None,
    *,
    trade: str | None = None,
    soort: str | None = None,
    locatie: str | None = None,
    clause: str | None = None,
    number: str | None = None,
    covered: bool = False,
    advice: str | None = None,
    days: int | None = None,
) -> Outcome:
    return {
        "responsibility": responsibility,
        "urgency": urgency,
        "working_days": days,
        "trade": trade,
        "defect_soort": soort,
        "defect_locatie": locatie,
        "clause": clause,
        "emergency_number": number,
        "covered_by_service_subscription": covered,
        "advice": advice,
    }


def tenant(
    clause: str,
    advice: str,
    *,
    trade: str | None = None,
    soort: str = "DEF",
    covered: bool = False,
    locatie: str | None = None,
) -> Outcome:
    """The tenant's part; `covered`: a service subscription books it anyway."""
    return _outcome(
        "tenant", trade=trade, soort=soort, locatie=locatie, clause=clause, covered=covered, advice=advice
    )


def corp(
    urgency: str,
    trade: str,
    soort: str,
    *,
    days: int | None = None,
    advice: str | None = None,
    locatie: str | None = None,
) -> Outcome:
    return _outcome(
        "corporation", urgency, trade=trade, soort=soort, locatie=locatie, advice=advice, days=days
    )


def third(advice: str, *, number: str | None = None, soort: str | None = None) -> Outcome:
    """A third party: with an emergency number it is an emergency, shown at once with no form."""
    return _outcome("third_party", "emergency" if number else None, soort=soort, number=number, advice=advice)


def answer(id: str, label: str, outcome: Outcome | None = None, *, final: bool = False) -> dict[str, Any]:
    found: dict[str, Any] = {"id": id, "label": label}
    if outcome:
        # A full outcome keeps the location's DEFECTLOCATIE unless it names its own.
        found["outcome"] = {k: v for k, v in outcome.items() if not (k == "defect_locatie" and v is None)}
    if final:
        found["final"] = True
    return found


def question(id: str, text: str, default: str, *answers: dict[str, Any]) -> dict[str, Any]:
    return {"id": id, "text": text, "default": default, "answers": list(answers)}


def yes_no(
    id: str,
    text: str,
    *,
    yes: Outcome | None = None,
    no: Outcome | None = None,
    default: str = "nee",
    final: bool = False,
) -> dict[str, Any]:
    """A yes/no question; `final`: the answer that changes the outcome ends the questions."""
    return question(
        id,
        text,
        default,
        answer("ja", "Ja", yes, final=final and yes is not None),
        answer("nee", "Nee", no, final=final and no is not None),
    )


def problem(
    id: str, label: str, synonyms: str, outcome: Outcome, *questions: dict[str, Any]
) -> dict[str, Any]:
    return {
        "id": id,
        "label": label,
        "synonyms": [s.strip() for s in synonyms.split(",") if s.strip()],
        "outcome": outcome,
        "questions": list(questions),
    }


def element(id: str, label: str, *problems: dict[str, Any]) -> dict[str, Any]:
    return {"id": id, "label": label, "problems": list(problems)}


def location(id: str, label: str, locatie: str, *elements: dict[str, Any]) -> dict[str, Any]:
    for each in elements:
        for found in each["problems"]:
            if found["outcome"]["defect_locatie"] is None:
                found["outcome"]["defect_locatie"] = locatie
    return {"id": id, "label": label, "elements": list(elements)}


def area(id: str, label: str, *locations: dict[str, Any]) -> dict[str, Any]:
    return {"id": id, "label": label, "locations": list(locations)}


# --- texts used more than once ------------------------------------------------------------------

UNBLOCK = (
    "Giet een pan heet water met wat soda in de afvoer. Helpt dat niet? Gebruik een ontstopper (plopper). "
    "Draai de sifon (de bocht onder de afvoer) los en maak hem schoon. Zet er eerst een emmer onder."
)
OTHER_DRAINS = "Zijn andere afvoeren ook verstopt, of komt er water omhoog uit een andere afvoer?"
BLOCKED_MAIN = corp(
    "urgent",
    "ONT",
    "VS0",
    advice="Dan zit de verstopping waarschijnlijk in de hoofdleiding. Dat lossen wij op. Spoel zo min mogelijk door.",
)
SMALL_FIX = "Draai de schroefjes vast met een schroevendraaier. Past het niet meer? Koop een nieuw onderdeel bij de bouwmarkt."
PEST_ADVICE = (
    "Houd eten goed dicht en maak het huis goed schoon. Gebruik middelen uit de winkel, "
    "of bel een ongediertebestrijder. Dit betaalt u zelf."
)
NEIGHBOURS_PESTS = "Hebben de buren er ook last van, of komen ze door gaten of kieren in het gebouw binnen?"
SERVICE_COSTS = "Betaalt u servicekosten voor dit deel van het gebouw?"
STILL_STUCK = "Heeft u de scharnieren en het slot al gesmeerd, en klemt het nog steeds?"
LUBRICATE = "Smeer de scharnieren en het slot met een beetje olie of spray (bijvoorbeeld WD-40). Beweeg het een paar keer heen en weer."
BROKEN_SOCKET = corp(
    "urgent",
    "ELE",
    "DEF",
    advice="Zet de groep in de meterkast uit en raak het niet meer aan. Wij komen binnen 24 uur.",
)
DRIPPING_TAP = (
    "Meestal is het kraanleertje (het rubbertje) of het binnenwerk versleten. Draai eerst de stopkraan onder het "
    "aanrecht of bij de watermeter dicht. Schroef de kraan open, vervang het leertje of het binnenwerk en draai "
    "alles weer vast. Neem het oude onderdeel mee naar de bouwmarkt, dan koopt u de goede maat."
)


def default_tree() -> Document:
    return {
        "title": "Reparatie melden",
        "prompts": {
            "area": "Waar is het probleem?",
            "location": "In welke ruimte?",
            "element": "Wat is er kapot?",
            "problem": "Wat is er aan de hand?",
        },
        "normal_working_days": 5,
        "emergency_shortcuts": ["gas-smell", "fire-or-smoke", "power-cut-street", "danger"],
        "search": {
            "emergency_words": [
                "gas",
                "gaslucht",
                "gaslek",
                "gasgeur",
                "brand",
                "brandlucht",
                "rook",
                "vuur",
            ],
            "stopwords": [
                "de",
                "het",
                "een",
                "en",
                "of",
                "in",
                "op",
                "aan",
                "bij",
                "van",
                "voor",
                "met",
                "mijn",
                "m'n",
                "onze",
                "ik",
                "we",
                "wij",
                "u",
                "je",
                "jij",
                "er",
                "is",
                "zijn",
                "heb",
                "hebben",
                "was",
                "wordt",
                "worden",
                "al",
                "nog",
                "ook",
                "dan",
                "dat",
                "die",
                "dit",
                "deze",
                "te",
                "om",
                "naar",
                "uit",
                "hier",
                "daar",
                "heel",
                "erg",
                "wel",
                "zo",
                "maar",
                "toch",
                "even",
                "graag",
                "help",
                "hulp",
                "please",
            ],
        },
        "areas": [_inside(), _outside(), _communal()],
    }


def _inside() -> dict[str, Any]:
    return area(
        "inside",
        "In huis",
        _kitchen(),
        _bathroom(),
        _toilet(),
        _living_room(),
        _bedroom(),
        _hall(),
        _attic(),
        _storage(),
        _whole_home(),
    )


def _kitchen() -> dict[str, Any]:
    return location(
        "kitchen",
        "Keuken",
        "KEU",
        element(
            "kitchen-tap",
            "Kraan",
            problem(
                "tap-dripping",
                "Kraan druppelt",
                "druppelende kraan, kraan drupt, kraan lekt, lekkende kraan, kraanleertje, kraan sluit niet goed, "
                "kraan blijft druppelen, leertje",
                tenant("d", DRIPPING_TAP, trade="LOO", soort="DRP", covered=True),
                question(
                    "tap-itself",
                    "Wat is er met de kraan?",
                    "drips",
                    answer("drips", "Hij druppelt als hij dicht is"),
                    answer(
                        "broken",
                        "De kraan is helemaal kapot of zit los",
                        corp("normal", "LOO", "DEF", advice="Een nieuwe kraan plaatsen doen wij."),
                        final=True,
                    ),
                    answer(
                        "pipe",
                        "Het water lekt onder het aanrecht uit een leiding",
                        corp(
                            "urgent",
                            "LOO",
                            "LEK",
                            advice="Zet een bak onder de lekkage en draai de stopkraan dicht.",
                        ),
                        final=True,
                    ),
                ),
            ),
            problem(
                "tap-stiff",
                "Kraan draait stroef of zit vast",
                "kraan zit vast, kraan draait zwaar, kraan gaat moeilijk dicht, kalk kraan, perlator",
                tenant(
                    "e",
                    "Ontkalk de kraan met azijn. Draai het zeefje (perlator) aan het eind los en leg het een nacht in "
                    "azijn. Een stroeve kraan kunt u soms losmaken met een beetje kraanvet.",
                    trade="LOO",
                    soort="KLE",
                    covered=True,
                ),
            ),
            problem(
                "no-water",
                "Geen water uit de kraan",
                "geen water, waterstoring, kraan doet niets, er komt geen water, water afgesloten",
                corp(
                    "urgent",
                    "LOO",
                    "DEF",
                    advice="Kijk of de hoofdkraan bij de watermeter helemaal open staat.",
                ),
                yes_no(
                    "neighbours",
                    "Hebben de buren ook geen water?",
                    yes=third(
                        "Dan is er waarschijnlijk een storing bij het waterbedrijf. Bel het storingsnummer van uw "
                        "waterbedrijf. Het staat op uw rekening en op de website van het waterbedrijf.",
                        soort="STO",
                    ),
                    final=True,
                ),
            ),
        ),
        element(
            "kitchen-drain",
            "Gootsteen en afvoer",
            problem(
                "sink-blocked",
                "Gootsteen is verstopt",
                "verstopte gootsteen, gootsteen verstopt, gootsteen loopt niet door, afvoer keuken verstopt, "
                "gootsteenafvoer, water blijft staan in de gootsteen, sifon verstopt, aanrecht afvoer",
                tenant("n", UNBLOCK, trade="ONT", soort="VS0", covered=True),
                yes_no("other-drains", OTHER_DRAINS, yes=BLOCKED_MAIN, final=True),
            ),
            problem(
                "sink-smell",
                "Afvoer in de keuken stinkt",
                "stank gootsteen, gootsteen stinkt, afvoer ruikt, vieze lucht afvoer",
                tenant(
                    "n",
                    "Maak de sifon onder de gootsteen schoon en spoel na met heet water en soda.",
                    trade="ONT",
                    soort="STI",
                ),
                yes_no(
                    "everywhere",
                    "Ruikt u de rioollucht ook in andere ruimtes?",
                    yes=corp("normal", "ONT", "STI"),
                    final=True,
                ),
            ),
        ),
        element(
            "kitchen-cabinets",
            "Keukenkastjes en aanrecht",
            problem(
                "cabinet-hinge",
                "Deurtje van een keukenkastje hangt scheef of zit los",
                "kastdeurtje los, scharnier keukenkast, keukenkastje kapot, kastje hangt scheef, scharnier kapot",
                tenant(
                    "d",
                    "Draai de schroefjes van het scharnier vast. Met de stelschroef zet u het deurtje weer recht. "
                    "Is het scharnier kapot? Koop een nieuw scharnier bij de bouwmarkt.",
                    trade="TIM",
                    soort="LOS",
                    covered=True,
                ),
            ),
            problem(
                "worktop-damaged",
                "Aanrechtblad is kapot of opgezwollen",
                "aanrecht kapot, aanrechtblad gezwollen, werkblad beschadigd, keukenblad",
                corp("normal", "TIM", "GEZ", days=15),
            ),
            problem(
                "kitchen-tiles",
                "Tegels in de keuken zitten los of zijn gebarsten",
                "tegel keuken los, tegelwand keuken, spatwand",
                corp("normal", "TEG", "LOS", days=15),
            ),
        ),
        element(
            "kitchen-hood",
            "Afzuigkap",
            problem(
                "hood-broken",
                "Afzuigkap doet het niet",
                "afzuigkap kapot, afzuiger werkt niet, wasemkap, dampkap",
                corp(
                    "normal",
                    "ELE",
                    "DEF",
                    advice="Is de afzuigkap van uzelf? Dan regelt u de reparatie zelf.",
                ),
            ),
            problem(
                "hood-filter",
                "Afzuigkap zuigt slecht (vet filter)",
                "filter afzuigkap, afzuigkap zuigt niet, vettig filter, afzuigkap filter schoonmaken",
                tenant(
                    "i",
                    "Haal het filter eruit en was het in heet water met afwasmiddel of in de vaatwasser. "
                    "Een koolstoffilter vervangt u elke 3 tot 6 maanden.",
                    trade="WTW",
                    soort="ONA",
                ),
            ),
        ),
    )


def _bathroom() -> dict[str, Any]:
    return location(
        "bathroom",
        "Badkamer",
        "BAD",
        element(
            "shower",
            "Douche",
            problem(
                "shower-head",
                "Douchekop of doucheslang is kapot of lekt",
                "doucheslang lekt, douchekop lekt, handdouche kapot, douchestang, douche sproeier",
                tenant(
                    "d",
                    "Draai de slang of de douchekop los met de hand. Neem hem mee naar de bouwmarkt en koop een "
                    "nieuwe. Een verkalkte douchekop legt u een nacht in azijn.",
                    trade="LOO",
                    soort="LEK",
                    covered=True,
                ),
            ),
            problem(
                "shower-drain-blocked",
                "Doucheputje is verstopt",
                "douche loopt niet weg, afvoer douche verstopt, doucheafvoer, haren in de afvoer, "
                "water blijft staan in de douche, putje verstopt",
                tenant(
                    "n",
                    "Haal het roostertje eruit en haal de haren weg. Giet heet water met soda in het putje, of "
                    "gebruik een ontstopper.",
                    trade="ONT",
                    soort="VS0",
                    covered=True,
                ),
                yes_no("other-drains", OTHER_DRAINS, yes=BLOCKED_MAIN, final=True),
            ),
            problem(
                "shower-tap",
                "Douchekraan druppelt of lekt",
                "mengkraan douche lekt, thermostaatkraan druppelt, douchekraan kapot",
                tenant("d", DRIPPING_TAP, trade="LOO", soort="DRP", covered=True),
                yes_no(
                    "wall",
                    "Lekt het water uit de muur bij de aansluiting van de kraan?",
                    yes=corp("urgent", "LOO", "LEK"),
                    final=True,
                ),
            ),
        ),
        element(
            "washbasin",
            "Wastafel",
            problem(
                "washbasin-blocked",
                "Wastafel is verstopt",
                "wastafel loopt niet door, afvoer wastafel verstopt, wasbak verstopt, lavabo",
                tenant("n", UNBLOCK, trade="ONT", soort="VS0", covered=True),
                yes_no("other-drains", OTHER_DRAINS, yes=BLOCKED_MAIN, final=True),
            ),
            problem(
                "washbasin-tap",
                "Kraan van de wastafel druppelt",
                "wastafelkraan lekt, wastafelkraan druppelt",
                tenant("d", DRIPPING_TAP, trade="LOO", soort="DRP", covered=True),
            ),
            problem(
                "washbasin-cracked",
                "Wastafel is gebarsten of zit los",
                "wasbak gebarsten, barst in wastafel, wastafel los van de muur",
                corp("normal", "LOO", "BRE"),
            ),
            problem(
                "mirror-broken",
                "Spiegel is gebroken",
                "spiegel kapot, gebarsten spiegel, badkamerspiegel",
                tenant(
                    "h",
                    "Plak de barst af met tape, zodat er geen stukjes vallen. Een kleine spiegel vervangt u zelf, "
                    "of u laat dat doen door een glaszetter.",
                    trade="GLA",
                    soort="GLA",
                ),
                yes_no(
                    "large",
                    "Is het een grote spiegel die vast in de muur zit?",
                    yes=corp("normal", "GLA", "GLA"),
                    final=True,
                ),
            ),
        ),
        element(
            "bathroom-walls",
            "Tegels en kitranden",
            problem(
                "bathroom-tiles-loose",
                "Tegels los in de badkamer",
                "tegels los, tegel los, losse tegels, tegels vallen van de muur, tegel gebarsten, tegelvloer",
                corp("normal", "TEG", "LOS", days=10),
            ),
            problem(
                "bathroom-leak",
                "Water lekt uit de badkamer naar beneden",
                "lekkage badkamer, badkamer lekt, douche lekt naar beneden, water door de vloer, "
                "lekkage bij onderburen, bad lekt",
                corp(
                    "urgent",
                    "LOO",
                    "LEK",
                    advice="Gebruik de douche en het bad niet tot de lekkage is gevonden.",
                ),
            ),
            problem(
                "sealant",
                "Kitrand is zwart of laat los",
                "kitnaad schimmel, kit los, kitrand douche, kitvoeg, zwarte kit",
                tenant(
                    "p",
                    "Maak de kitrand schoon met een schimmelreiniger. Zet na het douchen een raam open of de "
                    "ventilatie aan en veeg de tegels droog.",
                    trade="TEG",
                    soort="SCH",
                ),
                yes_no(
                    "loose",
                    "Laat de kit los, of zit er een gat in waar water achter kan komen?",
                    yes=corp("normal", "TEG", "LOS", days=10),
                    final=True,
                ),
            ),
        ),
    )


def _toilet() -> dict[str, Any]:
    return location(
        "toilet",
        "Toilet",
        "TOI",
        element(
            "toilet-bowl",
            "Wc en doortrekken",
            problem(
                "toilet-blocked",
                "Wc is verstopt",
                "verstopte wc, toilet verstopt, wc loopt over, wc spoelt niet weg, closet verstopt, wc pot verstopt",
                tenant(
                    "n",
                    "Gebruik een ontstopper (plopper) of giet een emmer heet (niet kokend) water in de wc. "
                    "Gooi geen doekjes of verband in de wc.",
                    trade="ONT",
                    soort="VS0",
                    covered=True,
                ),
                yes_no("other-drains", OTHER_DRAINS, yes=BLOCKED_MAIN, final=True),
            ),
            problem(
                "toilet-running",
                "Wc blijft doorlopen",
                "toilet loopt door, stortbak loopt door, wc blijft lopen, vlotter, reservoir loopt door",
                tenant(
                    "d",
                    "Open het deksel van de stortbak. Kijk of de vlotter of het rubbertje (de vlotterklep) vastzit of "
                    "versleten is. Een nieuw binnenwerk koopt u bij de bouwmarkt.",
                    trade="LOO",
                    soort="LOO",
                    covered=True,
                ),
                yes_no(
                    "concealed",
                    "Zit de stortbak in de muur (alleen een knop is te zien)?",
                    yes=corp("normal", "LOO", "LOO"),
                    final=True,
                ),
            ),
            problem(
                "toilet-flush-button",
                "Knop van de wc werkt niet",
                "doortrekken lukt niet, wc trekt niet door, spoelknop kapot, drukknop wc",
                tenant(
                    "d",
                    "Open het deksel van de stortbak en kijk of het stangetje of kabeltje los zit. "
                    "Een nieuwe knop of binnenwerk koopt u bij de bouwmarkt.",
                    trade="LOO",
                    soort="DEF",
                    covered=True,
                ),
                yes_no(
                    "concealed",
                    "Zit de stortbak in de muur (alleen een knop is te zien)?",
                    yes=corp("normal", "LOO", "DEF"),
                    final=True,
                ),
            ),
            problem(
                "toilet-seat",
                "Wc-bril of deksel is kapot",
                "toiletbril los, wc bril kapot, wc deksel, toiletzitting",
                tenant(
                    "d",
                    "Een nieuwe wc-bril koopt u bij de bouwmarkt. U schroeft hem met twee bouten vast.",
                    trade="LOO",
                    covered=True,
                ),
            ),
            problem(
                "toilet-cracked",
                "Wc-pot is gebarsten of lekt onderaan",
                "wc lekt, toilet lekt, water naast de wc, wc pot gebarsten, closetpot kapot",
                corp("normal", "LOO", "BRE", advice="Draai het stopkraantje van de wc dicht."),
                yes_no(
                    "water-on-floor",
                    "Loopt er veel water op de vloer?",
                    yes={"urgency": "urgent", "defect_soort": "LEK"},
                ),
            ),
        ),
        element(
            "handbasin",
            "Fonteintje",
            problem(
                "handbasin-blocked",
                "Fonteintje is verstopt",
                "fontein verstopt, handenwasbakje verstopt, fonteintje loopt niet door",
                tenant("n", UNBLOCK, trade="ONT", soort="VS0", covered=True),
            ),
            problem(
                "handbasin-loose",
                "Fonteintje zit los of is gebarsten",
                "fontein los, fonteintje kapot",
                corp("normal", "LOO", "LOS"),
            ),
        ),
    )


def _living_room() -> dict[str, Any]:
    return location(
        "living-room",
        "Woonkamer",
        "WOO",
        element(
            "walls-ceiling",
            "Muren en plafond",
            problem(
                "ceiling-leak",
                "Water komt door het plafond",
                "lekkage, lekkage plafond, lek plafond, plafond lekt, waterschade, natte plek plafond, "
                "water druppelt van het plafond, waterlekkage, lekt van boven, bovenburen lekken",
                corp(
                    "urgent",
                    "LOO",
                    "LEK",
                    advice="Zet een emmer onder de lekkage. Vraag de bovenburen om hun kraan en afvoer te controleren.",
                ),
                question(
                    "now",
                    "Komt er op dit moment water door het plafond?",
                    "ja",
                    answer("ja", "Ja, het druppelt of stroomt"),
                    answer(
                        "nee",
                        "Nee, ik zie alleen een vlek",
                        corp("normal", "VOC", "VOC", advice="Let op of de vlek groter wordt."),
                        final=True,
                    ),
                ),
                yes_no(
                    "electricity",
                    "Komt het water bij een lamp, stopcontact of schakelaar?",
                    yes={
                        "urgency": "emergency",
                        "advice": "Zet de groep of de hoofdschakelaar in de meterkast uit. Raak niets aan. "
                        "Wij komen vandaag nog.",
                    },
                ),
            ),
            problem(
                "painting",
                "Muur of plafond schilderen, witten of behangen",
                "verf bladdert, behang los, witten, sauzen, muur verven, plafond verven, schilderwerk binnen",
                tenant(
                    "a",
                    "Binnen schilderen, witten en behangen doet u zelf. Maak de muur eerst schoon en droog.",
                    trade="SCH",
                    soort="VBI",
                ),
            ),
            problem(
                "small-holes",
                "Kleine gaten of haarscheurtjes in de muur",
                "gaatjes in de muur, spijkergaten, pluggaten, krimpscheuren, haarscheur, gaten vullen",
                tenant(
                    "b",
                    "Vul kleine gaten en scheurtjes met vulmiddel (plamuur) uit de bouwmarkt. Laat het drogen, "
                    "schuur het glad en verf erover.",
                    trade="STU",
                    soort="BS1",
                ),
            ),
            problem(
                "wall-crack",
                "Grote scheur in de muur of het plafond",
                "scheur in muur, barst in de muur, muur scheurt, scheur plafond, scheuren",
                corp("normal", "STU", "BRE", days=10),
                yes_no(
                    "growing",
                    "Wordt de scheur groter, of klemmen deuren en ramen sinds de scheur er is?",
                    yes=corp("urgent", "INS", "BRE", advice="Een inspecteur komt kijken of het veilig is."),
                    final=True,
                ),
            ),
        ),
        element(
            "floor",
            "Vloer",
            problem(
                "floor-damaged",
                "Vloer is kapot, zakt door of is zacht",
                "vloer zakt, vloer verzakt, plank los, vloer kraakt, houten vloer kapot, vloerdelen",
                corp("normal", "TIM", "VZT", days=10),
            ),
        ),
        element(
            "windows",
            "Ramen",
            problem(
                "window-glass",
                "Ruit is kapot of gebarsten",
                "raam kapot, ruit kapot, ruit gebarsten, glas kapot, gebroken ruit, barst in ruit, glasschade, "
                "gebroken glas, raam gebroken",
                tenant(
                    "h",
                    "Plak de ruit af met tape en haal losse stukken glas voorzichtig weg. Een kleine ruit van "
                    "enkel glas laat u vervangen door een glaszetter. Heeft u een glasverzekering? Bel die dan.",
                    trade="GLA",
                    soort="GLA",
                ),
                yes_no(
                    "burglary",
                    "Is de ruit kapot door inbraak of vandalisme?",
                    yes=corp(
                        "urgent",
                        "GLA",
                        "INB",
                        advice="Doe aangifte bij de politie. Wij zorgen dat de woning weer dicht is.",
                    ),
                    final=True,
                ),
                yes_no(
                    "costly",
                    "Is het dubbel glas, een grote ruit of een ruit hoog boven de grond?",
                    yes=corp("urgent", "GLA", "GLA"),
                    final=True,
                ),
            ),
            problem(
                "window-stuck",
                "Raam klemt of gaat niet goed open of dicht",
                "raam sluit niet, raam klemt, raam gaat niet open, raam gaat niet dicht, raam zit vast",
                tenant("e", LUBRICATE, trade="TIM", soort="KLE", covered=True),
                yes_no("still", STILL_STUCK, yes=corp("normal", "TIM", "KLE"), final=True),
            ),
            problem(
                "window-hardware",
                "Raamkruk, raamslot of uitzetter is kapot",
                "hang- en sluitwerk, hang en sluitwerk raam, raamgreep kapot, raamslot kapot, raamuitzetter, "
                "raamboom, scharnier raam",
                tenant("d", SMALL_FIX, trade="TIM", soort="DEF", covered=True),
            ),
            problem(
                "draught",
                "Het tocht bij een raam of deur",
                "tocht, tochtstrip, kieren, koude lucht bij raam, tochtig",
                tenant(
                    "j",
                    "Plak tochtstrips in de sponning van het raam of de deur. Die koopt u bij de bouwmarkt.",
                    trade="TIM",
                    soort="TOC",
                    covered=True,
                ),
            ),
            problem(
                "double-glazing-fogged",
                "Dubbel glas is beslagen aan de binnenkant",
                "condens tussen glas, dubbel glas lek, hr glas beslagen, vocht tussen ruiten",
                corp("normal", "GLA", "DEF", days=20),
            ),
            problem(
                "window-frame-rot",
                "Houtrot in het kozijn",
                "kozijn rot, rot hout, zacht hout kozijn, kozijn kapot, houtrot",
                corp("normal", "TIM", "HOR", days=20),
            ),
        ),
    )


def _bedroom() -> dict[str, Any]:
    return location(
        "bedroom",
        "Slaapkamer",
        "SLA",
        element(
            "damp",
            "Vocht en schimmel",
            problem(
                "mould",
                "Schimmel op de muur of het plafond",
                "schimmel, zwarte plekken, zwarte vlekken, schimmelplekken, beschimmeld, schimmel muur",
                corp(
                    "normal",
                    "VOC",
                    "SCH",
                    advice="Zet dagelijks een raam op een kier en laat de ventilatie altijd aan staan.",
                ),
                question(
                    "size",
                    "Is de schimmel groter dan een A4'tje, of komt hij terug na schoonmaken?",
                    "ja",
                    answer("ja", "Ja"),
                    answer(
                        "nee",
                        "Nee, het is een kleine plek",
                        tenant(
                            "p",
                            "Maak de plek schoon met een schimmelreiniger of met water en azijn. Lucht elke dag, "
                            "ook in de winter, en zet de ventilatie nooit uit.",
                            trade="VOC",
                            soort="SCH",
                        ),
                        final=True,
                    ),
                ),
            ),
            problem(
                "damp-wall",
                "Muur is vochtig of nat",
                "vocht, vochtplek, natte muur, vochtige muur, optrekkend vocht, vochtprobleem, vochtplekken",
                corp("normal", "VOC", "VOC", days=10),
            ),
        ),
        element(
            "bedroom-fixtures",
            "Vensterbank en kasten",
            problem(
                "windowsill",
                "Vensterbank zit los of is kapot",
                "vensterbank los, vensterbank kapot",
                corp("normal", "TIM", "LOS", days=15),
            ),
            problem(
                "built-in-cupboard",
                "Deur van de vaste kast klemt of hangt scheef",
                "kastdeur klemt, inbouwkast, vaste kast, kastdeur scheef",
                tenant("e", LUBRICATE, trade="TIM", soort="KLE", covered=True),
                yes_no("still", STILL_STUCK, yes=corp("normal", "TIM", "KLE", days=15), final=True),
            ),
        ),
    )


def _hall() -> dict[str, Any]:
    return location(
        "hall",
        "Hal, gang en trap",
        "HAL",
        element(
            "front-door",
            "Voordeur, slot en sleutels",
            problem(
                "key-lost",
                "Sleutel kwijt",
                "sleutels kwijt, sleutel verloren, buitengesloten, deur dichtgevallen, kan niet naar binnen, "
                "sleutel vergeten, sleutel laten liggen, nieuwe sleutel",
                tenant(
                    "d",
                    "Sleutels zijn van u. Staat u buiten? Bel een slotenmaker. Laat een reservesleutel bij iemand "
                    "die u vertrouwt. Nieuwe sleutels laat u bijmaken bij een sleutelservice.",
                    soort="SKW",
                ),
            ),
            problem(
                "key-broken",
                "Sleutel is afgebroken in het slot",
                "sleutel afgebroken, sleutel zit vast in het slot, sleutel breekt",
                tenant(
                    "d",
                    "Probeer het stukje sleutel er met een dun tangetje uit te trekken. Lukt het niet? "
                    "Bel een slotenmaker.",
                    trade="TIM",
                    soort="SAF",
                    covered=True,
                ),
            ),
            problem(
                "lock-broken",
                "Slot van de deur is kapot",
                "slot kapot, cilinder kapot, deur gaat niet op slot, sleutel draait niet, cilinderslot, "
                "slot zit vast, slot klemt",
                tenant(
                    "d",
                    "Spuit wat slotspray of grafietpoeder in het slot. Helpt dat niet? Vervang de cilinder: "
                    "die koopt u bij de bouwmarkt, met het schroefje aan de zijkant van de deur draait u hem eruit.",
                    trade="TIM",
                    soort="SDE",
                    covered=True,
                ),
                yes_no(
                    "burglary",
                    "Is het slot kapot door inbraak?",
                    yes=corp(
                        "urgent",
                        "TIM",
                        "INB",
                        advice="Doe aangifte bij de politie. Wij zorgen dat uw deur weer op slot kan.",
                    ),
                    final=True,
                ),
            ),
            problem(
                "door-sticks",
                "Deur klemt of sluit niet goed",
                "deur klemt, deur sluit niet, deur gaat zwaar, deur schuurt, deur gaat niet dicht",
                tenant("e", LUBRICATE, trade="TIM", soort="KLE", covered=True),
                yes_no("still", STILL_STUCK, yes=corp("normal", "TIM", "KLE"), final=True),
            ),
            problem(
                "door-handle",
                "Deurklink zit los of is kapot",
                "deurkruk los, klink kapot, deurknop los, deurklink los, deurbeslag",
                tenant("c", SMALL_FIX, trade="TIM", soort="LOS", covered=True),
                question(
                    "state",
                    "Zit de klink los, of is hij kapot?",
                    "loose",
                    answer("loose", "Hij zit los"),
                    answer("broken", "Hij is kapot", {"clause": "d", "defect_soort": "DEF"}),
                ),
            ),
            problem(
                "door-hinge",
                "Scharnier van een deur zit los of is kapot",
                "scharnier los, deur hangt scheef, scharnieren, hang- en sluitwerk deur",
                tenant("d", SMALL_FIX, trade="TIM", soort="LOS", covered=True),
            ),
            problem(
                "front-door-damaged",
                "Voordeur is beschadigd of sluit niet meer",
                "voordeur kapot, voordeur klemt, voordeur beschadigd, buitendeur kapot, voordeur sluit niet",
                corp("normal", "TIM", "SLU"),
                yes_no(
                    "cannot-lock",
                    "Kunt u de voordeur nu niet meer dicht of op slot doen?",
                    yes={"urgency": "urgent"},
                ),
            ),
            problem(
                "letterbox",
                "Brievenbus in de voordeur is kapot",
                "brievenbusklep kapot, brievenbus klemt, klep brievenbus, brievenbus",
                tenant("k", SMALL_FIX, trade="TIM", soort="DEF", covered=True),
            ),
            problem(
                "doorbell",
                "Deurbel doet het niet",
                "bel kapot, bel werkt niet, deurbel kapot, bel doet het niet, deurbel zit los, bel",
                tenant(
                    "d",
                    "Kijk of de batterij leeg is, of de draadjes los zitten. Een nieuwe bel koopt u bij de bouwmarkt. "
                    "Werkt een bel met een trafo in de meterkast niet? Kijk of de groep aan staat.",
                    trade="ELE",
                    soort="DEF",
                    covered=True,
                ),
                question(
                    "state",
                    "Zit de bel alleen los, of doet hij het niet meer?",
                    "broken",
                    answer("broken", "Hij doet het niet meer"),
                    answer("loose", "Hij zit alleen los", {"clause": "c", "defect_soort": "LOS"}),
                ),
            ),
        ),
        element(
            "inside-doors",
            "Binnendeuren",
            problem(
                "inside-door",
                "Binnendeur is beschadigd of hangt scheef",
                "binnendeur kapot, kamerdeur, deur beschadigd, deur gat",
                corp("normal", "TIM", "BS0", days=15),
            ),
            problem(
                "threshold",
                "Drempel zit los",
                "drempel los, dorpel los, drempel kapot",
                tenant("c", SMALL_FIX, trade="TIM", soort="LOS", covered=True),
            ),
        ),
        element(
            "stairs",
            "Trap",
            problem(
                "stair-rail",
                "Trapleuning zit los",
                "leuning los, trapleuning, trapleuning los, trapleuning kapot",
                tenant("c", SMALL_FIX, trade="TIM", soort="LOS", covered=True, locatie="TRA"),
            ),
            problem(
                "stair-step",
                "Traptrede is kapot of zit los",
                "trap kapot, traptrede los, trede kapot, trap kraakt",
                corp("normal", "TIM", "LOS", locatie="TRA"),
            ),
        ),
    )


def _attic() -> dict[str, Any]:
    return location(
        "attic",
        "Zolder",
        "ZOL",
        element(
            "roof-inside",
            "Dak en dakraam",
            problem(
                "roof-leak",
                "Het dak lekt",
                "daklekkage, dak lekt, lek in het dak, nat op zolder, water door het dak, regen komt binnen",
                corp("urgent", "DAK", "LEK", advice="Zet een emmer of bak onder de lekkage."),
                question(
                    "now",
                    "Komt er nu water binnen?",
                    "ja",
                    answer("ja", "Ja"),
                    answer("nee", "Nee, alleen als het hard regent", {"urgency": "normal"}),
                ),
            ),
            problem(
                "roof-window",
                "Dakraam lekt of sluit niet",
                "dakraam, velux, dakraam lekt, dakkapel lekt, dakvenster",
                corp("normal", "DAK", "LEK"),
                yes_no("water", "Komt er nu water binnen?", yes={"urgency": "urgent"}),
            ),
        ),
        element(
            "attic-access",
            "Zolderluik en vlizotrap",
            problem(
                "attic-hatch",
                "Zolderluik of vlizotrap is kapot",
                "vlizotrap kapot, zolderluik, zoldertrap, luik klemt",
                corp("normal", "TIM", "DEF", days=15),
            ),
        ),
    )


def _storage() -> dict[str, Any]:
    return location(
        "storage",
        "Berging of schuur",
        "BER",
        element(
            "storage-room",
            "Berging",
            problem(
                "storage-lock",
                "Slot van de berging is kapot",
                "bergingsdeur slot, berging slot kapot, schuur slot",
                tenant(
                    "d",
                    "Spuit wat slotspray in het slot. Helpt dat niet? Vervang de cilinder; die koopt u bij de bouwmarkt.",
                    trade="TIM",
                    soort="SDE",
                    covered=True,
                ),
            ),
            problem(
                "storage-door",
                "Deur van de berging klemt of is rot",
                "bergingsdeur klemt, schuurdeur kapot, bergingsdeur rot",
                corp("normal", "TIM", "KLE", days=15),
            ),
            problem(
                "storage-damp",
                "Berging is nat of lekt",
                "berging lekt, schuur lekt, berging vochtig, schuurdak lekt",
                corp("normal", "DAK", "LEK", days=15),
            ),
        ),
    )


def _whole_home() -> dict[str, Any]:
    return location(
        "whole-home",
        "Hele woning (verwarming, elektra, water, ongedierte)",
        "OVE",
        _heating(),
        _electrics(),
        _gas_and_water(),
        _ventilation(),
        _pests(),
        _safety(),
    )


def _heating() -> dict[str, Any]:
    return element(
        "heating",
        "Verwarming en warm water",
        problem(
            "boiler-broken",
            "Cv-ketel doet het niet",
            "cv doet het niet, cv kapot, geen verwarming, verwarming doet het niet, verwarming kapot, "
            "cv ketel storing, storing cv, ketel kapot, huis wordt niet warm, cv-ketel uit, verwarming uit, "
            "cv ketel werkt niet, foutcode ketel",
            corp(
                "urgent",
                "CVI",
                "STO",
                locatie="TRI",
                advice="Kijk of de stekker in het stopcontact zit en of de thermostaat hoog genoeg staat.",
            ),
            yes_no(
                "whole-home",
                "Is het hele huis zonder verwarming?",
                no={"urgency": "normal", "working_days": 3},
                default="ja",
            ),
            question(
                "display",
                "Wat ziet u op de ketel?",
                "error",
                answer("error", "Een storing, foutcode of niets"),
                answer(
                    "low-pressure",
                    "De waterdruk is lager dan 1 bar",
                    tenant(
                        "i",
                        "Vul de cv-ketel bij tot 1,5 à 2 bar: zet de ketel uit, sluit de vulslang aan op de kraan en de "
                        "vulkraan, draai beide open tot de meter 1,5 bar aanwijst, draai ze dicht en zet de ketel "
                        "weer aan. Ontlucht daarna de radiatoren.",
                        trade="CVI",
                        soort="DRU",
                        covered=True,
                    ),
                    final=True,
                ),
            ),
        ),
        problem(
            "boiler-pressure",
            "Waterdruk van de cv-ketel is te laag",
            "cv bijvullen, druk cv te laag, ketel bijvullen, cv druk, waterdruk ketel, cv water bijvullen",
            tenant(
                "i",
                "Vul de cv-ketel bij tot 1,5 à 2 bar: zet de ketel uit, sluit de vulslang aan op de kraan en de "
                "vulkraan, draai beide open tot de meter 1,5 bar aanwijst, draai ze dicht en zet de ketel weer aan.",
                trade="CVI",
                soort="DRU",
                covered=True,
                locatie="TRI",
            ),
            yes_no(
                "often",
                "Moet u vaker dan eens per maand bijvullen?",
                yes=corp(
                    "normal", "CVI", "LEK", locatie="TRI", advice="Dan lekt er ergens water. Wij zoeken het."
                ),
                final=True,
            ),
        ),
        problem(
            "boiler-leak",
            "Cv-ketel lekt",
            "water onder de ketel, ketel druppelt, cv lekt, cv-ketel lekt water",
            corp("urgent", "CVI", "LEK", locatie="TRI", advice="Zet een bak onder de ketel."),
        ),
        problem(
            "boiler-noise",
            "Cv-ketel maakt een vreemd geluid",
            "ketel maakt lawaai, ketel tikt, ketel bromt, cv geluid",
            corp("normal", "CVI", "GEL", locatie="TRI"),
        ),
        problem(
            "radiator-cold",
            "Radiator wordt niet warm",
            "radiator koud, radiator blijft koud, radiator ontluchten, verwarming borrelt, een kamer koud, "
            "radiator half warm",
            tenant(
                "i",
                "Ontlucht de radiator: zet de cv-pomp uit, draai met een radiatorsleutel het ontluchtingsnippeltje "
                "open tot er water komt en draai het weer dicht. Vul daarna de cv-ketel bij tot 1,5 bar.",
                trade="CVI",
                soort="TEM",
                covered=True,
            ),
            yes_no(
                "still-cold",
                "Blijft de radiator koud na ontluchten en bijvullen?",
                yes=corp("normal", "CVI", "TEM", days=3),
                final=True,
            ),
        ),
        problem(
            "radiator-leak",
            "Radiator of radiatorkraan lekt",
            "radiatorkraan lekt, radiator lekt, verwarmingsbuis lekt, cv leiding lekt",
            corp("urgent", "CVI", "LEK", advice="Zet een bak onder de lekkage en leg een handdoek neer."),
        ),
        problem(
            "thermostat",
            "Thermostaat doet het niet",
            "kamerthermostaat kapot, thermostaat scherm leeg, thermostaat reageert niet, thermostaat kapot",
            corp("normal", "CVI", "DEF", days=3),
            yes_no(
                "batteries",
                "Heeft u de batterijen van de thermostaat al vervangen?",
                default="ja",
                no=tenant(
                    "d",
                    "Vervang de batterijen van de thermostaat. Meestal zit er een klepje aan de onderkant, of u "
                    "schuift de thermostaat van de muur.",
                    trade="CVI",
                    soort="DEF",
                ),
                final=True,
            ),
        ),
        problem(
            "geyser",
            "Geiser of boiler doet het niet (geen warm water)",
            "geiser kapot, geen warm water, warm water doet het niet, boiler kapot, waakvlam uit, douche koud",
            corp("urgent", "GEI", "STO", locatie="TRI"),
            yes_no(
                "gas",
                "Ruikt u gas bij de geiser?",
                yes=third(
                    "Draai de gaskraan dicht, zet ramen en deuren open en gebruik geen vuur of schakelaars. "
                    "Ga naar buiten en bel 0800-9009.",
                    number=GRID,
                    soort="GAS",
                ),
                final=True,
            ),
        ),
        problem(
            "district-heating",
            "Stadsverwarming of blokverwarming doet het niet",
            "stadsverwarming storing, blokverwarming, warmtenet, afleverset, stadsverwarming kapot",
            corp("urgent", "CVI", "STO", locatie="TRI"),
            yes_no(
                "neighbours",
                "Hebben de buren ook geen warmte?",
                yes=third(
                    "Dan is er een storing bij de warmteleverancier. Bel het storingsnummer dat op de afleverset "
                    "of op uw rekening van de warmteleverancier staat.",
                    soort="STO",
                ),
                final=True,
            ),
        ),
    )


def _electrics() -> dict[str, Any]:
    socket_question = question(
        "state",
        "Wat is er aan de hand?",
        "loose",
        answer("loose", "Het zit los"),
        answer("broken", "Het is kapot", {"clause": "d", "defect_soort": "DEF"}),
        answer("burnt", "Het is zwart, heet of ruikt verbrand", BROKEN_SOCKET, final=True),
    )
    return element(
        "electrics",
        "Elektra",
        problem(
            "power-out",
            "Stroom is uit in huis",
            "stroom uit, geen stroom, stroomstoring, alles is uit, stroom valt uit, licht is uit, geen elektriciteit",
            corp(
                "urgent",
                "ELE",
                "STO",
                locatie="TRI",
                advice="Kijk in de meterkast: zet een schakelaar die omlaag staat weer omhoog.",
            ),
            yes_no(
                "neighbours",
                "Hebben de buren of de straat ook geen stroom?",
                yes=third(
                    "Dit is een storing in het stroomnet. Bel de netbeheerder op 0800-9009 (gratis). "
                    "Op www.storingsmelding.nl ziet u of de storing al bekend is.",
                    number=GRID,
                    soort="STO",
                ),
                final=True,
            ),
        ),
        problem(
            "breaker-trips",
            "Groep of aardlekschakelaar springt eruit",
            "groep springt eruit, aardlek springt eruit, stop slaat door, kortsluiting, groep valt uit, "
            "zekering springt, stoppen slaan door",
            corp(
                "normal",
                "ELE",
                "STO",
                locatie="TRI",
                days=2,
                advice="Haal alle stekkers uit de stopcontacten en zet de groep weer aan. Stop de stekkers er een "
                "voor een weer in. Springt hij eruit bij één apparaat? Dan is dat apparaat kapot.",
            ),
        ),
        problem(
            "socket",
            "Stopcontact zit los of is kapot",
            "stopcontact los, stopcontact kapot, stopcontact werkt niet, wandcontactdoos, contactdoos",
            tenant(
                "c",
                "Zet eerst de groep in de meterkast uit. " + SMALL_FIX,
                trade="ELE",
                soort="LOS",
                covered=True,
            ),
            socket_question,
        ),
        problem(
            "switch",
            "Lichtschakelaar zit los of is kapot",
            "schakelaar kapot, schakelaar los, lichtknop kapot, knopje licht, lichtschakelaar",
            tenant(
                "c",
                "Zet eerst de groep in de meterkast uit. " + SMALL_FIX,
                trade="ELE",
                soort="LOS",
                covered=True,
            ),
            socket_question,
        ),
        problem(
            "data-socket",
            "Aansluiting voor tv, telefoon of internet is kapot",
            "tv aansluiting, internet aansluiting, kabel aansluiting, telefoonaansluiting, utp",
            tenant(
                "d",
                "Een kapot afdekplaatje vervangt u zelf. Werkt het internet of de tv niet? Bel uw provider.",
                trade="ELE",
                soort="DEF",
                covered=True,
            ),
        ),
    )


def _gas_and_water() -> dict[str, Any]:
    return element(
        "gas-water",
        "Gas, water en riool",
        problem(
            "gas-smell",
            "Ik ruik gas",
            "gaslucht, gas lucht, gaslek, ruik gas, gasgeur, stinkt naar gas, gas lek",
            third(
                "Zet ramen en deuren open. Gebruik geen vuur, lichtknoppen of deurbel. Draai de gaskraan bij de "
                "meter dicht. Ga naar buiten en bel 0800-9009 (gratis, dag en nacht).",
                number=GRID,
                soort="GAS",
            ),
        ),
        problem(
            "water-pipe-leak",
            "Waterleiding lekt",
            "leiding lekt, lekkende leiding, waterlek, gesprongen leiding, buis lekt, lekkage leiding",
            corp("urgent", "LOO", "LEK", advice="Draai de hoofdkraan bij de watermeter dicht."),
            yes_no(
                "spraying",
                "Spuit er water uit, of kunt u de lekkage niet stoppen?",
                yes={
                    "urgency": "emergency",
                    "advice": "Draai de hoofdkraan bij de watermeter dicht. Wij komen vandaag nog.",
                },
            ),
        ),
        problem(
            "frozen-pipe",
            "Kraan of leiding is bevroren",
            "bevroren kraan, leiding bevroren, buitenkraan bevroren, waterleiding bevroren, vorst",
            tenant(
                "f",
                "Ontdooi de leiding voorzichtig met een föhn of warme doeken, nooit met vuur. Draai de buitenkraan "
                "in de winter dicht en laat hem leeglopen.",
                trade="LOO",
                soort="BEV",
            ),
            yes_no(
                "burst",
                "Is de leiding gesprongen en lekt hij?",
                yes=corp("urgent", "LOO", "LEK", advice="Draai de hoofdkraan bij de watermeter dicht."),
                final=True,
            ),
        ),
        problem(
            "low-water-pressure",
            "Weinig waterdruk uit de kraan",
            "waterdruk laag, kraan geeft weinig water, slappe straal, weinig water",
            tenant(
                "e",
                "Draai het zeefje (perlator) van de kraan los en leg het een nacht in azijn tegen de kalk.",
                trade="LOO",
                soort="DRU",
                covered=True,
            ),
            yes_no(
                "all-taps",
                "Is de druk bij alle kranen in huis laag?",
                yes=corp("normal", "LOO", "DRU"),
                final=True,
            ),
        ),
        problem(
            "sewer-smell",
            "Rioollucht in huis",
            "riool stinkt, rioolgeur, stank in huis, rioollucht, putlucht",
            corp(
                "normal",
                "ONT",
                "STI",
                advice="Giet water in afvoeren die u weinig gebruikt, zoals een putje of een logeerkamer-wastafel.",
            ),
        ),
        problem(
            "sewer-blocked",
            "Riool verstopt: meerdere afvoeren lopen niet door",
            "riool verstopt, hoofdriool, alle afvoeren verstopt, water komt omhoog uit de afvoer, "
            "rioolverstopping, rioolput verstopt",
            corp(
                "urgent",
                "ONT",
                "VS0",
                advice="Spoel zo min mogelijk door. De afvoer tot aan de hoofdleiding is van u, de hoofdleiding "
                "en het riool zijn van ons.",
            ),
        ),
    )


def _ventilation() -> dict[str, Any]:
    return element(
        "ventilation",
        "Ventilatie",
        problem(
            "mechanical-ventilation",
            "Mechanische ventilatie doet het niet",
            "ventilatie kapot, ventilatiebox, mv box, afzuiging doet het niet, ventilator bromt, "
            "mechanische afzuiging, ventilatie maakt lawaai",
            corp("normal", "WTW", "STO", locatie="ZOL"),
            question(
                "state",
                "Wat is er aan de hand?",
                "off",
                answer("off", "Hij doet niets"),
                answer("noise", "Hij maakt veel lawaai", {"defect_soort": "GEL"}),
            ),
        ),
        problem(
            "heat-recovery",
            "WTW-unit (warmteterugwinning) geeft een storing",
            "wtw storing, warmteterugwinning, balansventilatie, wtw kapot, wtw unit",
            corp("normal", "WTW", "STO", locatie="ZOL"),
        ),
        problem(
            "ventilation-filter",
            "Filter van de ventilatie vervangen",
            "filter wtw, filters vervangen, filter vies, filtermelding, ventilatiefilter, wtw filter",
            tenant(
                "i",
                "Schakel de unit uit, haal de filters eruit en zet nieuwe filters terug. Vervang ze elk half jaar. "
                "Het merk en type staan op de unit.",
                trade="WTW",
                soort="ONA",
                locatie="ZOL",
            ),
        ),
        problem(
            "vent-grille",
            "Ventilatierooster is vies of klemt",
            "ventilatierooster, rooster raam, luchtrooster, klepraampje, ventiel plafond",
            tenant(
                "i",
                "Maak het rooster schoon met een stofzuiger en een vochtige doek. Laat roosters altijd open.",
                trade="TIM",
                soort="KLE",
                covered=True,
            ),
        ),
        problem(
            "chimney",
            "Schoorsteen of ventilatiekanaal vegen",
            "schoorsteen vegen, rookkanaal, open haard, houtkachel, kanaal schoonmaken",
            tenant(
                "m",
                "Laat de schoorsteen van een open haard of kachel elk jaar vegen door een erkende schoorsteenveger.",
                trade="SCM",
                soort="VOL",
            ),
        ),
    )


def _pests() -> dict[str, Any]:
    return element(
        "pests",
        "Ongedierte",
        problem(
            "mice",
            "Muizen in huis",
            "muis, muizen, muizenkeutels, muizenplaag",
            tenant("r", PEST_ADVICE, trade="ONG", soort="MUI"),
            yes_no("building", NEIGHBOURS_PESTS, yes=corp("normal", "ONG", "MUI", days=5), final=True),
        ),
        problem(
            "rats",
            "Ratten",
            "rat, ratten, rattenplaag, rattenkeutels",
            corp("normal", "ONG", "RAT", days=3),
            yes_no(
                "outside-only",
                "Ziet u de ratten alleen buiten op straat of in het park?",
                yes=third("Meld ratten op straat bij de gemeente.", soort="RAT"),
                final=True,
            ),
        ),
        problem(
            "cockroaches",
            "Kakkerlakken",
            "kakkerlak, kakkerlakken, kevers in de keuken",
            tenant("r", PEST_ADVICE, trade="ONG", soort="KKL"),
            yes_no("building", NEIGHBOURS_PESTS, yes=corp("normal", "ONG", "KKL", days=5), final=True),
        ),
        problem(
            "wasps",
            "Wespennest",
            "wespen, wesp, wespennest, nest met wespen",
            tenant(
                "r",
                "Blijf uit de buurt van het nest. Bel een ongediertebestrijder. Dit betaalt u zelf.",
                trade="ONG",
                soort="WES",
            ),
            yes_no(
                "building",
                "Zit het nest in de spouwmuur, onder het dak of in een gemeenschappelijke ruimte?",
                yes=corp("normal", "ONG", "WES", days=3),
                final=True,
            ),
        ),
        problem(
            "bedbugs",
            "Bedwantsen",
            "bedwants, bedwantsen, wandluizen, beestjes in bed, bultjes van beten",
            tenant(
                "r",
                "Was beddengoed en kleding op 60 graden. Bel een ongediertebestrijder; zelf bestrijden lukt meestal "
                "niet.",
                trade="ONG",
                soort="WAN",
            ),
            yes_no("building", NEIGHBOURS_PESTS, yes=corp("normal", "ONG", "WAN", days=5), final=True),
        ),
        problem(
            "ants",
            "Mieren in huis",
            "mieren, mierennest, mier",
            tenant("r", PEST_ADVICE, trade="ONG", soort="MIE"),
        ),
        problem(
            "silverfish",
            "Zilvervisjes",
            "zilvervisjes, zilvervis, papiervisjes",
            tenant(
                "r",
                "Houd de badkamer droog en lucht goed. Middelen koopt u bij de bouwmarkt.",
                trade="ONG",
                soort="ZIL",
            ),
        ),
        problem(
            "fleas",
            "Vlooien",
            "vlooien, vlo, vlooienplaag",
            tenant(
                "r",
                "Behandel uw huisdieren en stofzuig elke dag. Middelen koopt u bij de dierenwinkel.",
                trade="ONG",
                soort="VLO",
            ),
        ),
        problem(
            "pigeons",
            "Duiven of vogels nestelen onder het dak",
            "duiven, duivenoverlast, vogelnest, vogels onder de dakpannen, meeuwen, spreeuwen, vogels op het balkon",
            corp("normal", "ONG", "VOG", days=10, locatie="DAK"),
            yes_no(
                "balcony-only",
                "Gaat het alleen om duiven op uw eigen balkon?",
                yes=tenant(
                    "r",
                    "Voer geen vogels. Hang een net of pinnen op het balkon en maak het balkon vaak schoon.",
                    trade="ONG",
                    soort="VOG",
                    locatie="BAL",
                ),
                final=True,
            ),
        ),
    )


def _safety() -> dict[str, Any]:
    return element(
        "safety",
        "Veiligheid",
        problem(
            "fire-or-smoke",
            "Brand of rook",
            "brand, rook, vuur, brandlucht, vlammen, het brandt, rookontwikkeling, brandgevaar",
            third(
                "Ga direct naar buiten en sluit de deuren achter u. Gebruik de lift niet. Bel 112.",
                number=EMERGENCY_SERVICES,
                soort="OVE",
            ),
        ),
        problem(
            "danger",
            "Gevaar: iets dreigt in te storten of te vallen",
            "instortingsgevaar, gevaarlijke situatie, gevaar, dreigt te vallen, levensgevaar, losse gevel",
            third(
                "Blijf uit de buurt en houd anderen weg. Is er direct gevaar voor mensen? Bel 112. "
                "Bel daarna ook ons.",
                number=EMERGENCY_SERVICES,
                soort="OVE",
            ),
        ),
        problem(
            "smoke-detector",
            "Rookmelder piept of is kapot",
            "rookmelder piept, brandmelder, rookalarm piept, melder piept, rookmelder kapot, rookmelder batterij",
            corp(
                "normal",
                "ELE",
                "DEF",
                advice="Piept de melder kort, een keer per minuut? Dan is de batterij bijna leeg. Haal de melder "
                "nooit weg.",
            ),
        ),
    )


def _outside() -> dict[str, Any]:
    return area(
        "outside",
        "Buiten",
        location(
            "facade",
            "Gevel en buitenmuur",
            "BUI",
            element(
                "facade-wall",
                "Buitenmuur",
                problem(
                    "outside-lamp",
                    "Lamp buiten bij de voordeur doet het niet",
                    "buitenlamp kapot, lamp buiten, buitenverlichting, lamp bij voordeur, gevellamp",
                    tenant(
                        "g",
                        "Vervang het lampje. Zet eerst de groep in de meterkast uit.",
                        trade="ELE",
                        soort="VWE",
                    ),
                    question(
                        "state",
                        "Is alleen het lampje kapot, of de hele lamp?",
                        "bulb",
                        answer("bulb", "Het lampje"),
                        answer(
                            "fixture",
                            "De hele lamp (het armatuur)",
                            {"clause": "k", "defect_soort": "DEF", "covered_by_service_subscription": True},
                        ),
                    ),
                ),
                problem(
                    "facade-crack",
                    "Scheur in de buitenmuur",
                    "scheur buitenmuur, gevel scheur, voegwerk, metselwerk kapot, losse stenen",
                    corp("normal", "OVE", "BRE", days=20),
                ),
                problem(
                    "outside-paint",
                    "Verf buiten bladdert",
                    "buitenschilderwerk, verf bladdert buiten, kozijn schilderen buiten",
                    corp("normal", "SCH", "VBU", days=40),
                ),
                problem(
                    "graffiti",
                    "Graffiti op de muur",
                    "graffiti, bekladding, tags, bekladde muur",
                    tenant(
                        "u",
                        "Verwijder graffiti op uw eigen muur met een graffitireiniger uit de bouwmarkt.",
                        trade="SCM",
                        soort="BEK",
                    ),
                    yes_no(
                        "building",
                        "Staat de graffiti op het gebouw of de gemeenschappelijke ingang?",
                        yes=corp("normal", "SCM", "BEK", days=10),
                        final=True,
                    ),
                ),
                problem(
                    "sunshade",
                    "Rolluik of zonwering is kapot",
                    "rolluik kapot, zonwering kapot, zonnescherm, markies, screen",
                    corp("normal", "ZWE", "DEF", days=15),
                ),
            ),
        ),
        location(
            "roof",
            "Dak en dakgoot",
            "DAK",
            element(
                "roof-outside",
                "Dak",
                problem(
                    "gutter",
                    "Dakgoot is verstopt of loopt over",
                    "dakgoot, goot loopt over, regenpijp verstopt, bladeren in de goot, hemelwaterafvoer, regenpijp",
                    tenant(
                        "s",
                        "Haal bladeren en vuil uit de dakgoot en de regenpijp. Kunt u er niet veilig bij? "
                        "Ga dan niet op een hoge ladder staan.",
                        trade="SCM",
                        soort="VS0",
                        covered=True,
                    ),
                    yes_no(
                        "broken",
                        "Is de dakgoot kapot of lekt hij (niet alleen vies)?",
                        yes=corp("normal", "DAK", "LEK"),
                        final=True,
                    ),
                ),
                problem(
                    "roof-tiles",
                    "Dakpannen liggen los of zijn kapot",
                    "dakpan los, dakpan kapot, dakpannen verschoven, stormschade dak, dakpan gebroken",
                    corp("normal", "DAK", "VSC"),
                    yes_no(
                        "falling",
                        "Dreigen er dakpannen naar beneden te vallen?",
                        yes={
                            "urgency": "emergency",
                            "advice": "Blijf uit de buurt en houd anderen weg. Bij direct gevaar: bel 112.",
                        },
                    ),
                ),
                problem(
                    "flat-roof",
                    "Plat dak of dakbedekking is kapot",
                    "dakbedekking, bitumen kapot, plat dak lekt, water op het dak",
                    corp("normal", "DAK", "BS0", days=10),
                ),
            ),
        ),
        location(
            "garden",
            "Tuin",
            "TUI",
            element(
                "garden-boundaries",
                "Schutting, heg en bestrating",
                problem(
                    "fence",
                    "Schutting is kapot of scheef",
                    "schutting, hek, tuinhek, schutting omgewaaid, houten schutting, schutting kapot, tuinpoort",
                    tenant(
                        "l",
                        "Een houten schutting of hek in uw tuin onderhoudt u zelf. Zet losse palen vast en vervang "
                        "kapotte planken.",
                        trade="TIM",
                        soort="BS0",
                    ),
                    yes_no(
                        "stone",
                        "Is het een stenen muur, of een hek tussen de tuinen en de openbare weg van ons?",
                        yes=corp("normal", "TIM", "BS0", days=20),
                        final=True,
                    ),
                ),
                problem(
                    "paving",
                    "Tegels in de tuin liggen los of zijn verzakt",
                    "bestrating, tuintegels, stoeptegels tuin, tegels verzakt, oprit, pad in de tuin, straatwerk",
                    tenant(
                        "l",
                        "Haal de losse tegel eruit, vul zand aan en leg de tegel terug. Een kapotte tegel vervangt u.",
                        trade="HOV",
                        soort="VZT",
                    ),
                ),
                problem(
                    "hedge",
                    "Heg, struiken of gras bijhouden",
                    "heg, haag, snoeien, struiken, gras maaien, onkruid, boom snoeien, tuin onderhoud",
                    tenant(
                        "l",
                        "De tuin houdt u zelf bij: maaien, snoeien en onkruid weghalen. Tuinafval kan in de "
                        "groene container of naar de milieustraat.",
                        trade="HOV",
                        soort="OVE",
                    ),
                    yes_no(
                        "big-tree",
                        "Gaat het om een grote boom die gevaarlijk is?",
                        yes=corp("normal", "HOV", "OVE", days=10),
                        final=True,
                    ),
                ),
                problem(
                    "garden-drain",
                    "Putje in de tuin is verstopt",
                    "tuinput, kolk tuin, afvoer tuin, water blijft staan in de tuin, tuinputje",
                    tenant("n", UNBLOCK, trade="ONT", soort="VS0", covered=True),
                ),
            ),
            element(
                "garden-buildings",
                "Schuur, carport en beerput",
                problem(
                    "shed",
                    "Schuur in de tuin lekt of de deur is kapot",
                    "tuinschuur, schuur lekt, schuurdeur, tuinhuis",
                    corp("normal", "TIM", "LEK", days=15, locatie="SCH"),
                ),
                problem(
                    "carport",
                    "Carport of vlaggenstokhouder is kapot",
                    "carport, vlaggenstokhouder, vlaggenmast houder",
                    tenant("k", SMALL_FIX, trade="TIM", soort="DEF", locatie="GAR"),
                ),
                problem(
                    "cesspit",
                    "Beerput of septic tank legen",
                    "beerput, septic tank, zinkput, beerput vol",
                    tenant(
                        "v",
                        "Laat de beerput of septic tank op tijd legen door een erkend bedrijf.",
                        trade="SCM",
                        soort="VOL",
                    ),
                ),
            ),
        ),
        location(
            "balcony",
            "Balkon",
            "BAL",
            element(
                "balcony-parts",
                "Balkon",
                problem(
                    "balcony-railing",
                    "Balkonhek zit los of is kapot",
                    "balkonhek los, balustrade, balkon hek, reling balkon",
                    corp("urgent", "TIM", "LOS", advice="Ga niet tegen het hek leunen."),
                ),
                problem(
                    "balcony-drain",
                    "Afvoer van het balkon is verstopt",
                    "balkonputje, water op het balkon, balkonafvoer, spuwer balkon",
                    tenant(
                        "n",
                        "Haal bladeren en vuil uit het putje of de spuwer.",
                        trade="ONT",
                        soort="VS0",
                        covered=True,
                    ),
                ),
                problem(
                    "balcony-concrete",
                    "Balkon heeft scheuren of betonrot",
                    "betonrot, balkon scheur, balkonvloer kapot, roest balkon",
                    corp("normal", "OVE", "BET", days=20),
                ),
            ),
        ),
        location(
            "street",
            "Straat en buurt",
            "OVE",
            element(
                "street-utilities",
                "Stroom en verlichting",
                problem(
                    "power-cut-street",
                    "Stroomstoring in de straat",
                    "stroomstoring buurt, hele straat geen stroom, stroom uit in de buurt, storing in de wijk",
                    third(
                        "Dit is een storing in het stroomnet. Bel de netbeheerder op 0800-9009 (gratis). "
                        "Op www.storingsmelding.nl ziet u of de storing al bekend is.",
                        number=GRID,
                        soort="STO",
                    ),
                ),
                problem(
                    "street-light",
                    "Lantaarnpaal op straat is kapot",
                    "straatlantaarn, straatverlichting, lantaarnpaal, lamp op straat",
                    third(
                        "Meld een kapotte lantaarnpaal bij de gemeente, via de website of 14 + netnummer.",
                        soort="VWE",
                    ),
                ),
            ),
        ),
    )


def _communal() -> dict[str, Any]:
    return area(
        "communal",
        "Gemeenschappelijke ruimtes",
        location(
            "entrance",
            "Entree en portiek",
            "ENT",
            element(
                "entrance-door",
                "Toegangsdeur en intercom",
                problem(
                    "entrance-door",
                    "Portiekdeur of toegangsdeur sluit niet",
                    "portiekdeur, toegangsdeur, centrale deur, deur beneden gaat niet dicht, voordeur flat, "
                    "entreedeur, portiekdeur kapot",
                    corp("urgent", "TIM", "SLU"),
                    yes_no(
                        "electric",
                        "Gaat de deur elektrisch open (met een knop of een pasje)?",
                        yes={"trade": "ELT"},
                    ),
                ),
                problem(
                    "intercom",
                    "Intercom of deuropener werkt niet",
                    "intercom, deurtelefoon, videofoon, bellentableau, deuropener, deur opendrukken",
                    corp("normal", "ELE", "STO", days=3),
                    question(
                        "state",
                        "Wat is er aan de hand?",
                        "dead",
                        answer("dead", "Hij doet helemaal niets"),
                        answer("poor", "Het geluid of beeld is slecht", {"defect_soort": "SPR"}),
                    ),
                ),
                problem(
                    "mailboxes",
                    "Brievenbus in de hal is kapot",
                    "postvak, brievenbussen beneden, brievenbus hal, slot brievenbus, postkast",
                    tenant(
                        "k",
                        "Het slotje en de sleutel van uw eigen brievenbus vervangt u zelf. Een nieuw slotje koopt u "
                        "bij de bouwmarkt.",
                        trade="TIM",
                        soort="SDE",
                        covered=True,
                    ),
                    yes_no(
                        "whole",
                        "Is de hele brievenbuskast kapot of beschadigd?",
                        yes=corp("normal", "TIM", "BS0", days=10),
                        final=True,
                    ),
                ),
            ),
        ),
        location(
            "stairwell",
            "Trappenhuis en hal",
            "POR",
            element(
                "stairwell-parts",
                "Verlichting, trap en schoonmaak",
                problem(
                    "communal-lighting",
                    "Verlichting in het trappenhuis of de hal doet het niet",
                    "verlichting trappenhuis, lamp trappenhuis, licht in de hal, lamp galerij, verlichting galerij, "
                    "lamp portiek, donker trappenhuis",
                    corp("normal", "ELE", "VWE", days=3),
                    yes_no(
                        "service-costs",
                        SERVICE_COSTS,
                        default="ja",
                        no=tenant(
                            "g",
                            "Lampen in gemeenschappelijke ruimtes vervangen de bewoners samen. Overleg met uw buren.",
                            trade="ELE",
                            soort="VWE",
                        ),
                        final=True,
                    ),
                ),
                problem(
                    "stairwell-cleaning",
                    "Trappenhuis is vies",
                    "schoonmaak trappenhuis, vuil trappenhuis, trap vies, hal vies, schoonmaken",
                    corp("normal", "SCM", "OVE", days=5),
                    yes_no(
                        "service-costs",
                        SERVICE_COSTS,
                        default="ja",
                        no=tenant(
                            "p",
                            "Gemeenschappelijke ruimtes maken de bewoners samen schoon. Maak een schema met uw buren.",
                            trade="SCM",
                            soort="OVE",
                        ),
                        final=True,
                    ),
                ),
                problem(
                    "communal-handrail",
                    "Trapleuning in het trappenhuis zit los",
                    "leuning trappenhuis, trapleuning portiek",
                    corp("normal", "TIM", "LOS", days=3),
                ),
                problem(
                    "litter",
                    "Zwerfvuil of spullen in de gang of het trappenhuis",
                    "zwerfvuil, zwerfafval, rommel in de gang, vuilniszakken, grofvuil, afval",
                    tenant(
                        "t",
                        "Ruim zwerfvuil samen met uw buren op. Grofvuil meldt u bij de gemeente.",
                        trade="SCM",
                        soort="OVE",
                    ),
                ),
            ),
        ),
        location(
            "lift",
            "Lift",
            "LIF",
            element(
                "lift",
                "Lift",
                problem(
                    "lift-broken",
                    "Lift doet het niet",
                    "lift kapot, lift defect, lift staat stil, lift storing, lift werkt niet",
                    corp("urgent", "LIF", "STA"),
                    yes_no(
                        "trapped",
                        "Zit er iemand vast in de lift?",
                        yes=corp(
                            "emergency",
                            "LIF",
                            "PER",
                            advice="Druk op de alarmknop in de lift; de liftmonteur komt. Is iemand onwel? Bel 112.",
                        ),
                        final=True,
                    ),
                ),
            ),
        ),
        location(
            "gallery",
            "Galerij",
            "GAL",
            element(
                "gallery-parts",
                "Galerij",
                problem(
                    "gallery-railing",
                    "Hek of balustrade van de galerij zit los",
                    "galerijhek, balustrade galerij, hek galerij los",
                    corp("urgent", "TIM", "LOS"),
                ),
                problem(
                    "gallery-water",
                    "Water blijft staan op de galerij",
                    "plassen op de galerij, galerij afvoer verstopt, galerij nat",
                    corp("normal", "ONT", "VS0", days=10),
                ),
            ),
        ),
        location(
            "communal-storage",
            "Gezamenlijke berging, fietsenstalling en containerruimte",
            "BER",
            element(
                "communal-storage-parts",
                "Deuren en ruimtes",
                problem(
                    "communal-storage-door",
                    "Deur van de gezamenlijke berging of fietsenstalling is kapot",
                    "fietsenstalling deur, fietsenhok, bergingsgang deur, gezamenlijke berging",
                    corp("normal", "TIM", "SDE", locatie="FIE"),
                    yes_no("cannot-lock", "Kan de deur niet meer op slot?", yes={"urgency": "urgent"}),
                ),
                problem(
                    "refuse-room",
                    "Containerruimte of vuilstortkoker is vies of verstopt",
                    "vuilstortkoker verstopt, containerruimte, vuilniscontainer, vuilniskoker",
                    tenant(
                        "o",
                        "Houd de containerruimte samen met uw buren schoon. Gooi alleen kleine, dichte zakken in de koker.",
                        trade="SCM",
                        soort="VOL",
                        locatie="CON",
                    ),
                    yes_no(
                        "broken",
                        "Is de koker of de ruimte kapot?",
                        yes=corp("normal", "OVE", "DEF", locatie="CON"),
                        final=True,
                    ),
                ),
            ),
        ),
    )
