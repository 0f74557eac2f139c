"""The default answers shipped with Roer (rule set `answers`, version 1).

Written as compact Python that builds the plain JSON document; the document is what is stored, validated
and versioned. Like the repair wizard's tree, the tenant-facing texts are corporation content, so they are
Dutch (B1, the tenant addressed as "u"), not message ids. A corporation edits them as a new rule version.

The facts follow Dutch law and practice: the yearly rent increase on 1 July with a letter at least two
months ahead (BW 7:252), huurtoeslag from the Dienst Toeslagen, the Besluit kleine herstellingen
(BWBR0014931), a tenant's notice of at least one month (BW 7:271), the yearly service-cost statement within
six months after the calendar year (BW 7:259), collection costs only after a 14-day notice (BW 6:96), the
early-warning signal to the municipality (Besluit gemeentelijke schuldhulpverlening art. 2), the SEPA
refund right of eight weeks, smoke alarms on every floor since 1 July 2022 (Bouwbesluit), and
co-tenancy for a partner after two years of living together (BW 7:267).
"""

from __future__ import annotations

import copy
from typing import Any

Document = dict[str, Any]

REPAIRS = {"url_name": "portal:repairs-start", "label": "Reparatie melden"}
RENT_ACCOUNT = {"url_name": "portal:account", "label": "Mijn huur"}
ARRANGEMENT = {"url_name": "portal:account-arrangement", "label": "Betalingsregeling treffen"}
LETTERS = {"url_name": "portal:account-letters", "label": "Mijn brieven"}
CALLBACK = {"url_name": "portal:callback", "label": "Bel me terug"}
ACTIVATE = {"url_name": "accounts:activate", "label": "Account activeren"}


def answer(
    id: str, topic: str, question: str, text: str, keywords: str, *links: dict[str, str]
) -> dict[str, Any]:
    return {
        "id": id,
        "topic": topic,
        "question": question,
        "answer": "\n\n".join(" ".join(p.split()) for p in text.strip().split("\n\n")),
        "keywords": [k.strip() for k in keywords.split(",") if k.strip()],
        "links": list(links),
    }


ANSWERS = [
    # --- rent and paying ---------------------------------------------------------------------------
    answer(
        "rent-increase",
        "rent_account",
        "Wanneer gaat mijn huur omhoog?",
        """
        De huur gaat meestal één keer per jaar omhoog, op 1 juli. U krijgt daarover een brief. Die brief
        krijgt u minstens twee maanden van tevoren, dus uiterlijk eind april.

        De overheid bepaalt elk jaar hoeveel de huur van een sociale huurwoning maximaal omhoog mag. In de
        brief staat hoeveel uw nieuwe huur is en vanaf wanneer.

        Bent u het niet eens met de huurverhoging? Maak dan vóór 1 juli schriftelijk bezwaar bij ons.
        Komen we er samen niet uit, dan beslist de Huurcommissie.
        """,
        "huurverhoging, huur omhoog, huurstijging, 1 juli, jaarlijkse huurverhoging, bezwaar huurverhoging, "
        "nieuwe huur, huur duurder",
        RENT_ACCOUNT,
        LETTERS,
    ),
    answer(
        "pay-rent",
        "rent_account",
        "Hoe en wanneer betaal ik de huur?",
        """
        U betaalt de huur vooruit. De huur voor een maand moet vóór de 1e van die maand bij ons binnen zijn.

        Het makkelijkst is automatische incasso. Wij schrijven de huur dan rond de 1e van de maand van uw
        rekening af. U hoeft zelf niets te doen.

        U kunt de huur ook zelf overmaken. Zet dan altijd uw betalingskenmerk bij de betaling. Dat kenmerk
        vindt u bij Mijn huur.

        Komt uw inkomen later in de maand binnen? Bel ons, dan kijken we samen wat kan.
        """,
        "huur betalen, betalen, overmaken, betaaldatum, wanneer betalen, betalingskenmerk, rekeningnummer, "
        "huur overmaken, termijn",
        RENT_ACCOUNT,
    ),
    answer(
        "rent-account-balance",
        "rent_account",
        "Hoe zie ik of ik alles betaald heb?",
        """
        Bij Mijn huur ziet u uw huurrekening. U ziet wat u moet betalen, wat u betaald heeft en of er nog
        iets openstaat.

        Klopt er iets niet, of mist u een betaling? Bel ons of vraag ons om u terug te bellen. Houd dan uw
        bankafschrift bij de hand.
        """,
        "huurrekening, saldo, overzicht betalingen, openstaand bedrag, betaald, achterstand zien, "
        "mijn huur, betaaloverzicht",
        RENT_ACCOUNT,
        CALLBACK,
    ),
    answer(
        "rent-too-high",
        "rent_account",
        "Ik kan de huur moeilijk betalen. Wat kan ik doen?",
        """
        Wacht niet, maar neem snel contact met ons op. Hoe eerder we het weten, hoe meer we samen kunnen
        doen. Soms helpt een betalingsregeling. Soms heeft u recht op huurtoeslag of andere hulp.

        Kijk ook op toeslagen.nl of u huurtoeslag kunt krijgen. Uw gemeente helpt gratis als u schulden
        heeft of dreigt te krijgen.

        Een medewerker van ons kan met u meedenken. Dat blijft tussen u en ons.
        """,
        "huur te hoog, geldproblemen, geen geld, krap, moeilijk betalen, huur niet betalen, "
        "lager inkomen, baan kwijt, schulden",
        ARRANGEMENT,
        CALLBACK,
    ),
    answer(
        "service-costs",
        "rent_account",
        "Wat is de afrekening van de servicekosten?",
        """
        Naast de kale huur betaalt u misschien servicekosten, bijvoorbeeld voor de schoonmaak van het
        trappenhuis, de lift of de verlichting in de gang. U betaalt daarvoor elke maand een voorschot.

        Eén keer per jaar krijgt u een afrekening. Die krijgt u uiterlijk 30 juni, over het jaar ervoor. Heeft
        u te veel betaald, dan krijgt u geld terug. Heeft u te weinig betaald, dan betaalt u bij. Dat mag
        ook in delen.

        Klopt de afrekening volgens u niet? Laat het ons weten. Komen we er niet uit, dan kunt u naar de
        Huurcommissie.
        """,
        "servicekosten, afrekening, jaarafrekening, voorschot, stookkosten, schoonmaakkosten, "
        "bijbetalen, geld terug",
        RENT_ACCOUNT,
    ),
    answer(
        "rent-check",
        "rent_account",
        "Is mijn huur niet te hoog voor mijn woning?",
        """
        Hoeveel huur een woning mag kosten hangt af van punten: voor de grootte, de keuken, het sanitair,
        het energielabel en meer. Zo komt u aan een maximale huur.

        Denkt u dat uw huur te hoog is? Bespreek het eerst met ons. U kunt ook de Huurcommissie vragen om
        uw huur te toetsen. Voor een nieuwe huur doet u dat binnen zes maanden na de start van uw
        huurcontract. Op huurcommissie.nl kunt u ook zelf een huurprijscheck doen.
        """,
        "huurcommissie, puntensysteem, woningwaardering, maximale huur, huurprijs check, huur te hoog, "
        "huurprijscheck, huur laten toetsen",
    ),
    # --- direct debit -------------------------------------------------------------------------------
    answer(
        "direct-debit-start",
        "direct_debit",
        "Hoe regel ik automatische incasso voor de huur?",
        """
        Met automatische incasso schrijven wij de huur elke maand rond de 1e van uw rekening af. Zo
        vergeet u nooit te betalen.

        Daarvoor geeft u ons een machtiging. Bel ons of vraag ons om u terug te bellen, dan regelen we het
        met u. Zorg dat er rond de 1e genoeg geld op uw rekening staat.

        Heeft u een nieuw rekeningnummer? Geef het ons op tijd door.
        """,
        "automatische incasso, machtiging, incasso aanvragen, afschrijven, automatisch betalen, "
        "nieuw rekeningnummer, iban wijzigen",
        CALLBACK,
    ),
    answer(
        "direct-debit-refund",
        "direct_debit",
        "Kan ik een incasso van de huur terugboeken?",
        """
        Ja, uw bank boekt een incasso terug als u daarom vraagt, tot acht weken na de afschrijving. Maar
        dan staat de huur weer open en moet u die alsnog betalen.

        Doe het dus alleen als er iets fout ging, bijvoorbeeld als we te veel afschreven. Bel ons dan
        liever eerst: dan zoeken we het samen uit.

        Stond er te weinig geld op uw rekening? Dan lukt de incasso niet. Maak de huur dan zelf over, met uw
        betalingskenmerk.
        """,
        "terugboeken, storno, incasso mislukt, te weinig saldo, afschrijving terug, incasso gestopt, "
        "terugboeking",
        RENT_ACCOUNT,
    ),
    answer(
        "direct-debit-stop",
        "direct_debit",
        "Hoe stop ik de automatische incasso?",
        """
        Wilt u de huur voortaan zelf overmaken? Laat het ons weten, dan stoppen wij de incasso. Bel ons of
        vraag ons om u terug te bellen.

        U kunt de incasso ook via uw bank blokkeren. Vertel het ons dan wel, anders lijkt het alsof de huur
        niet betaald is. Maak de huur daarna elke maand vóór de 1e over, met uw betalingskenmerk.
        """,
        "incasso stoppen, machtiging intrekken, zelf overmaken, incasso blokkeren, incasso opzeggen",
        CALLBACK,
    ),
    # --- arrangements and arrears -------------------------------------------------------------------
    answer(
        "payment-arrangement",
        "arrangement",
        "Kan ik een betalingsregeling treffen?",
        """
        Heeft u een huurachterstand? Dan kunt u die vaak in delen betalen met een betalingsregeling. U
        betaalt dan elke maand de gewone huur én een deel van de achterstand.

        Bij Betalingsregeling treffen ziet u meteen of u de regeling zelf online kunt afspreken. Past dat
        niet bij uw situatie? Dan denkt een medewerker met u mee.

        Houd u aan de afspraken. Lukt dat een keer niet, bel ons dan meteen.
        """,
        "betalingsregeling, regeling, in delen betalen, termijnen, gespreid betalen, afbetalen, "
        "achterstand betalen",
        ARRANGEMENT,
        CALLBACK,
    ),
    answer(
        "arrears",
        "arrangement",
        "Ik heb een huurachterstand. Wat nu?",
        """
        Neem zo snel mogelijk contact met ons op. Samen zoeken we een oplossing, bijvoorbeeld een
        betalingsregeling.

        Betaalt u niet en horen we niets van u, dan sturen we eerst een herinnering. Daarna proberen we u
        te bellen of te bezoeken. Blijft de huur openstaan, dan volgt een brief waarin staat dat er extra
        kosten komen als u niet binnen 14 dagen betaalt.

        Uw gemeente helpt gratis bij geldzorgen en schulden. Wij kunnen uw gemeente vragen contact met u op
        te nemen, tenzij u daar bezwaar tegen maakt.
        """,
        "huurachterstand, achterstand, niet betaald, herinnering, aanmaning, te laat betaald, "
        "huur vergeten, schuld",
        ARRANGEMENT,
        RENT_ACCOUNT,
        CALLBACK,
    ),
    answer(
        "collection-costs",
        "arrangement",
        "Waarom moet ik incassokosten betalen?",
        """
        Incassokosten mogen we alleen rekenen als u eerst een brief kreeg waarin staat: betaal binnen 14
        dagen, anders komen er kosten bij. In die brief staat ook precies hoeveel de kosten zijn.

        Betaalt u binnen die 14 dagen, dan betaalt u geen incassokosten. De kosten zijn wettelijk geregeld:
        minstens 40 euro, en meer bij een grotere achterstand.

        Denkt u dat de kosten niet kloppen? Bel ons of vraag ons om u terug te bellen.
        """,
        "incassokosten, extra kosten, veertiendagenbrief, aanmaning kosten, boete, kosten achterstand",
        LETTERS,
        CALLBACK,
    ),
    answer(
        "bailiff",
        "arrangement",
        "Komt er een deurwaarder als ik niet betaal?",
        """
        Alleen als het niet anders kan. Voordat het zover is, sturen we brieven en proberen we u te bellen
        of langs te komen. Een medewerker bekijkt altijd zelf of het echt nodig is.

        Neem daarom contact met ons op, ook als u nu niet kunt betalen. Met een betalingsregeling voorkomt u
        een deurwaarder en extra kosten.

        Heeft u al een deurwaarder of bewindvoerder? Geef dat aan ons door.
        """,
        "deurwaarder, ontruiming, uit huis gezet, rechter, incassobureau, dagvaarding",
        ARRANGEMENT,
        CALLBACK,
    ),
    answer(
        "debt-help",
        "arrangement",
        "Waar krijg ik hulp bij schulden?",
        """
        Uw gemeente helpt gratis bij geldzorgen en schulden (schuldhulpverlening). Bel of mail uw gemeente,
        of kijk op de website van uw gemeente.

        Op geldfit.nl doet u een korte test en hoort u waar u terecht kunt. Wacht niet te lang: hoe eerder
        u hulp vraagt, hoe kleiner het probleem.

        Heeft u een beschermingsbewindvoerder? Geef dat aan ons door. Dan bespreken wij betalingen met uw
        bewindvoerder.
        """,
        "schuldhulp, schuldhulpverlening, schulden, geldzorgen, budgetcoach, bewindvoerder, "
        "bewind, hulp bij geld",
        CALLBACK,
    ),
    # --- rent benefit -------------------------------------------------------------------------------
    answer(
        "housing-allowance",
        "housing_allowance",
        "Heb ik recht op huurtoeslag?",
        """
        Huurtoeslag is geld van de overheid dat u helpt de huur te betalen. Of u het krijgt, hangt af van
        uw inkomen, uw spaargeld, de hoogte van uw huur en wie er bij u woont.

        U vraagt huurtoeslag aan bij Dienst Toeslagen, op toeslagen.nl met uw DigiD. Daar kunt u eerst een
        proefberekening maken. Hulp nodig? Bel de BelastingTelefoon: 0800-0543 (gratis).

        Huurtoeslag wordt elke maand op uw eigen rekening betaald. U betaalt de huur dus zelf aan ons.
        """,
        "huurtoeslag, toeslag, toeslagen, aanvragen, recht op huurtoeslag, belastingdienst, "
        "proefberekening, digid",
    ),
    answer(
        "housing-allowance-changes",
        "housing_allowance",
        "Wat moet ik doorgeven voor mijn huurtoeslag?",
        """
        Geef veranderingen snel door aan Dienst Toeslagen, op toeslagen.nl. Bijvoorbeeld als uw inkomen
        verandert, als er iemand bij u komt wonen of weggaat, of als u verhuist.

        Doet u dat niet, dan krijgt u misschien te veel huurtoeslag. Dat moet u later terugbetalen.

        Na de huurverhoging op 1 juli verandert uw huurtoeslag vaak ook. Controleer dan op toeslagen.nl of
        de nieuwe huur klopt.
        """,
        "huurtoeslag wijzigen, wijziging doorgeven, terugbetalen huurtoeslag, inkomen veranderd, "
        "toeslag terugbetalen, mijn toeslagen",
    ),
    # --- repairs ------------------------------------------------------------------------------------
    answer(
        "who-repairs-what",
        "repair",
        "Wie betaalt een reparatie: ik of de verhuurder?",
        """
        Kleine, goedkope reparaties die u makkelijk zelf kunt doen, zijn voor de huurder. Dat staat in de
        wet (Besluit kleine herstellingen). Denk aan een kraanleertje, een deurklink, een lamp, een
        verstopte afvoer tot de hoofdleiding, de tuin en de cv bijvullen.

        Grotere reparaties en alles waar een vakman voor nodig is, doen wij. Bijvoorbeeld aan de cv-ketel,
        het dak, leidingen in de muur of kozijnen.

        Bij Reparatie melden ziet u meteen wie het moet doen, en hoe. Heeft u een serviceabonnement? Dan doen
        wij veel kleine reparaties ook.
        """,
        "reparatie, wie betaalt, kleine herstellingen, onderhoud, huurder of verhuurder, kapot, "
        "serviceabonnement, servicecontract",
        REPAIRS,
    ),
    answer(
        "report-repair",
        "repair",
        "Hoe meld ik een reparatie?",
        """
        Bij Reparatie melden vertelt u wat er kapot is. U ziet meteen wie het repareert en hoe snel. Is het
        voor ons? Dan kiest u een dag en dagdeel en de vakman maakt een afspraak.

        Bij Mijn reparaties volgt u uw melding.

        Is het spoed, zoals een grote lekkage of geen verwarming in de winter? Bel ons dan: {telefoon}.
        Buiten kantoortijd schakelen we u door naar de storingsdienst.
        """,
        "reparatie melden, storing melden, iets kapot, melding, reparatieverzoek, vakman, afspraak monteur",
        REPAIRS,
    ),
    answer(
        "emergency",
        "repair",
        "Welk nummer bel ik bij spoed of gevaar?",
        """
        Ruikt u gas? Ga naar buiten, gebruik geen lichtknoppen of vuur, en bel direct 0800-9009, het
        nummer van de netbeheerder. Dat nummer belt u ook als de stroom in de hele straat uit is.

        Brand, rook of gevaar voor mensen: bel 112.

        Spoed in uw woning, zoals een grote lekkage of geen verwarming in de winter? Bel ons: {telefoon}.
        Buiten kantoortijd komt u bij de storingsdienst.
        """,
        "spoed, noodnummer, gaslucht, gas, brand, 112, storingsdienst, lekkage, nood, stroomstoring, "
        "buiten kantoortijd",
        REPAIRS,
    ),
    answer(
        "mould",
        "repair",
        "Hoe voorkom ik schimmel in huis?",
        """
        Schimmel komt meestal door vocht. Zet elke dag een raam of rooster open en laat de ventilatie altijd
        aanstaan. Zet de afzuiging aan als u kookt of doucht, en droog de badkamer daarna.

        Houd alle kamers een beetje warm, ook 's nachts. Hang de was liever buiten of in een ruimte met een
        open raam. Zet meubels een paar centimeter van de buitenmuur.

        Kleine plekken maakt u schoon met een schimmelreiniger. Komt de schimmel steeds terug, of ziet u
        natte plekken op de muur? Meld het dan, want misschien is er een lek.
        """,
        "schimmel, vocht, condens, zwarte plekken, ventileren, luchten, vochtig, beslagen ramen",
        REPAIRS,
    ),
    answer(
        "heating",
        "repair",
        "Mijn verwarming wordt niet warm. Wat kan ik zelf doen?",
        """
        Kijk eerst op de cv-ketel. Staat de waterdruk onder 1 bar? Vul dan bij tot 1,5 à 2 bar. Worden
        radiatoren onderaan wel warm en bovenaan niet? Ontlucht ze dan met een radiatorsleutel. Dit doet
        de huurder zelf.

        Controleer of de thermostaat hoog genoeg staat en of de batterijen goed zijn.

        Doet de ketel het dan nog niet, of ziet u een storing op het scherm? Meld het bij Reparatie
        melden. Is het hele huis koud in de winter, bel ons dan.
        """,
        "verwarming, cv, radiator, koud, waterdruk, bijvullen, ontluchten, thermostaat, cv-ketel",
        REPAIRS,
    ),
    answer(
        "blocked-drain",
        "repair",
        "Mijn afvoer is verstopt. Wie lost dat op?",
        """
        Een verstopping in uw eigen afvoer, tot de hoofdleiding, lost u zelf op. Giet heet water met wat
        soda in de afvoer, gebruik een ontstopper of maak de sifon schoon.

        Zijn meer afvoeren tegelijk verstopt, of komt er water omhoog uit een andere afvoer? Dan zit de
        verstopping waarschijnlijk in de hoofdleiding. Dat lossen wij op: meld het meteen.
        """,
        "verstopping, verstopt, afvoer, gootsteen, wc verstopt, riool, ontstoppen, douche loopt niet weg",
        REPAIRS,
    ),
    answer(
        "smoke-alarm",
        "repair",
        "Moet er een rookmelder in mijn woning?",
        """
        Ja. Sinds 1 juli 2022 moet op elke verdieping met een woon- of slaapkamer een rookmelder hangen. Wij
        zorgen dat die in uw woning hangt.

        Test de rookmelder één keer per maand met de testknop. Piept hij kort om de zoveel tijd, of doet hij
        het niet? Meld het bij Reparatie melden.
        """,
        "rookmelder, brandmelder, piept, rookmelder verplicht, batterij rookmelder",
        REPAIRS,
    ),
    # --- living in your home ------------------------------------------------------------------------
    answer(
        "home-improvements",
        "living",
        "Mag ik zelf iets veranderen aan mijn woning?",
        """
        Kleine veranderingen die u makkelijk weer weghaalt, mag u zonder toestemming doen. Bijvoorbeeld
        verven, behangen of een plank ophangen.

        Voor grotere veranderingen vraagt u eerst schriftelijk toestemming. Denk aan een nieuwe keuken of
        badkamer, een muur weghalen, een dakkapel of een schuur. Wij kijken of het veilig en goed gebeurt.

        Gaat u verhuizen? Dan bekijken we samen of u de verandering mag laten zitten, of dat u die weghaalt.
        Soms krijgt u een vergoeding.
        """,
        "zelf aangebrachte veranderingen, zav, verbouwen, toestemming, klussen, nieuwe keuken, "
        "muur weghalen, verandering woning",
        CALLBACK,
    ),
    answer(
        "pets",
        "living",
        "Mag ik een huisdier houden?",
        """
        Gewone huisdieren zoals een kat, hond, konijn of vogel mogen, zolang de buren er geen last van
        hebben. U ruimt de poep van uw dier op, ook buiten.

        In een flat of portiek kunnen huisregels gelden, bijvoorbeeld voor honden in het trappenhuis. Lees
        de huisregels van uw complex. Gevaarlijke of verboden dieren zijn niet toegestaan.
        """,
        "huisdier, hond, kat, dieren, huisdieren toegestaan, konijn, vogel",
    ),
    answer(
        "garden",
        "living",
        "Wie onderhoudt de tuin?",
        """
        Uw eigen tuin onderhoudt u zelf: gras maaien, onkruid weghalen, heg snoeien en losse tegels
        rechtleggen. Ook een houten schutting houdt u zelf in orde.

        Een verwaarloosde tuin geeft de buren last. Lukt het niet meer, bijvoorbeeld door uw gezondheid? Vraag
        dan familie of buren, of vraag ons wat de mogelijkheden zijn.

        Bomen in uw tuin die groot zijn of gevaarlijk worden, meldt u bij ons.
        """,
        "tuin, tuinonderhoud, heg, gras, schutting, bomen, onkruid, achtertuin",
        REPAIRS,
    ),
    answer(
        "keys",
        "living",
        "Ik ben mijn sleutel kwijt. Wat nu?",
        """
        Sleutels zijn voor de huurder. Laat zelf een nieuwe sleutel maken met uw reservesleutel. Bent u
        buitengesloten? Bel dan zelf een slotenmaker. Die kosten zijn voor u.

        Heeft uw flat een sleutel voor de voordeur van het gebouw met een speciaal systeem? Dan bestelt u
        een extra sleutel bij ons. Daar zijn kosten aan verbonden.

        Denkt u dat iemand anders uw sleutel heeft? Laat dan uw slot vervangen.
        """,
        "sleutel kwijt, buitengesloten, slotenmaker, extra sleutel, reservesleutel, slot vervangen, "
        "sleutel verloren",
        REPAIRS,
    ),
    answer(
        "co-tenancy",
        "living",
        "Kan mijn partner ook op het huurcontract?",
        """
        Bent u getrouwd of heeft u een geregistreerd partnerschap? Dan is uw partner volgens de wet al
        medehuurder.

        Woont u samen zonder te trouwen? Dan kan uw partner medehuurder worden als u minstens twee jaar
        samen in de woning een huishouden heeft. U vraagt dat samen schriftelijk aan bij ons.

        Een medehuurder is ook verantwoordelijk voor de huur, en mag blijven wonen als de ander vertrekt.
        """,
        "medehuurder, partner, huurcontract, samenwonen, op het contract, medehuurderschap, naam op contract",
        CALLBACK,
    ),
    answer(
        "sublet",
        "living",
        "Mag ik mijn woning onderverhuren?",
        """
        Nee, de hele woning onderverhuren of verhuren aan toeristen (bijvoorbeeld via Airbnb) mag niet.

        Wilt u iemand bij u in laten wonen, zoals een familielid? Overleg dat eerst met ons. Let op: dit kan
        gevolgen hebben voor uw huurtoeslag en andere toeslagen.
        """,
        "onderhuur, onderverhuren, airbnb, inwonen, iemand in huis, kamer verhuren, inwoning",
    ),
    # --- nuisance -----------------------------------------------------------------------------------
    answer(
        "neighbour-nuisance",
        "nuisance",
        "Ik heb last van mijn buren. Wat kan ik doen?",
        """
        Praat er eerst rustig over met uw buren. Vaak weten ze niet dat u er last van heeft. Kies een goed
        moment, en blijf vriendelijk.

        Lukt dat niet? Vraag dan buurtbemiddeling. Getrainde vrijwilligers helpen u en uw buren gratis om
        samen een oplossing te vinden. Uw gemeente vertelt u hoe.

        Houdt de overlast aan? Schrijf op wanneer en wat er gebeurt, en neem contact met ons op. Bij gevaar
        of bedreiging belt u 112; voor de politie zonder spoed belt u 0900-8844.
        """,
        "burenoverlast, overlast, buren, geluidsoverlast, lawaai, buurtbemiddeling, ruzie, stank, "
        "muziek, herrie",
        CALLBACK,
    ),
    answer(
        "waste",
        "nuisance",
        "Wat doe ik met grofvuil of afval bij de flat?",
        """
        Grofvuil, zoals een oude bank of matras, haalt de gemeente op. Maak daarvoor een afspraak met uw
        gemeente, of breng het zelf naar de milieustraat.

        Zet nooit spullen in het trappenhuis, de galerij of bij de containers. Dat is gevaarlijk bij brand en
        geeft overlast. Ziet u afval dat daar niet hoort? Meld het bij ons.
        """,
        "grofvuil, afval, vuilnis, containers, rommel, spullen in trappenhuis, milieustraat",
    ),
    # --- moving -------------------------------------------------------------------------------------
    answer(
        "end-tenancy",
        "moving",
        "Hoe zeg ik mijn huur op?",
        """
        U zegt de huur schriftelijk op, met een brief of formulier met uw handtekening. De opzegtermijn is
        minstens één maand. Staan er twee huurders op het contract? Dan tekenen zij allebei de opzegging.

        Na uw opzegging maken we een afspraak voor een voorinspectie. Dan bespreken we wat u moet doen
        voordat u vertrekt. Op de laatste dag levert u de woning leeg en schoon op en geeft u alle
        sleutels terug.
        """,
        "huur opzeggen, opzeggen, opzegtermijn, verhuizen, contract beëindigen, vertrekken, huur stoppen",
        CALLBACK,
    ),
    answer(
        "move-out-inspection",
        "moving",
        "Hoe moet ik de woning achterlaten als ik verhuis?",
        """
        U levert de woning leeg en schoon op. Gaten in muren maakt u dicht. Wat u zelf heeft veranderd,
        haalt u weg, tenzij we hebben afgesproken dat het mag blijven.

        Bij de voorinspectie vertellen wij precies wat u nog moet doen. Bij de eindinspectie kijken we of
        alles klopt en geeft u de sleutels terug. Schade die u niet herstelt, kunnen we in rekening
        brengen.
        """,
        "oplevering, eindinspectie, voorinspectie, woning achterlaten, schoon opleveren, sleutels inleveren",
        CALLBACK,
    ),
    answer(
        "house-swap",
        "moving",
        "Kan ik mijn woning ruilen?",
        """
        Ja, woningruil kan. U zoekt zelf iemand om mee te ruilen, bijvoorbeeld via een woningruilsite.

        Beide verhuurders moeten eerst toestemming geven. Vraag die aan voordat u verhuist. Wij kijken
        onder meer of de nieuwe huurder bij de woning past, bijvoorbeeld qua inkomen en grootte van het
        huishouden.
        """,
        "woningruil, ruilen, huis ruilen, woning ruilen, ruilwoning",
        CALLBACK,
    ),
    answer(
        "find-home",
        "moving",
        "Hoe kom ik aan een andere huurwoning?",
        """
        Schrijf u in als woningzoekende bij de woonruimteverdeling in uw regio. Hoe langer u ingeschreven
        staat, hoe meer kans u meestal heeft. Reageer op woningen die bij u passen.

        Zit u in een heel moeilijke situatie en moet u snel verhuizen? Lees dan ook het antwoord over
        urgentie.
        """,
        "andere woning, woning zoeken, inschrijven, woningzoekende, verhuizen, groter wonen, kleiner wonen",
    ),
    answer(
        "urgency",
        "moving",
        "Hoe krijg ik urgentie voor een woning?",
        """
        Urgentie betekent dat u voorrang krijgt bij een woning. Dat kan alleen in een noodsituatie die u
        niet zelf kon voorkomen of oplossen, bijvoorbeeld door ernstige medische problemen of geweld in
        huis.

        Urgentie vraagt u aan bij uw gemeente of de urgentiecommissie in uw regio, niet bij ons. De regels
        zijn streng. Een medewerker van de gemeente kijkt naar uw situatie.
        """,
        "urgentie, voorrang, urgentieverklaring, medische urgentie, snel verhuizen, noodsituatie",
    ),
    answer(
        "tenant-died",
        "moving",
        "Wat gebeurt er met de huur als een huurder overlijdt?",
        """
        Gecondoleerd. Laat het ons weten, dan helpen we u verder. Woonde er een medehuurder, zoals een
        partner? Die blijft gewoon huren.

        Woonde de overledene alleen? Dan kunnen de erfgenamen de huur opzeggen. De opzegtermijn is één
        maand. We spreken samen af wanneer de woning leeg en schoon wordt opgeleverd.
        """,
        "overlijden, overleden, huurder overleden, erfgenamen, nabestaanden, sterfgeval",
        CALLBACK,
    ),
    # --- contact and the portal ---------------------------------------------------------------------
    answer(
        "contact",
        "contact",
        "Hoe bereik ik jullie?",
        """
        Bel ons op {telefoon}, {openingstijden}. Bij spoed buiten kantoortijd schakelen we u door naar de
        storingsdienst.

        Wilt u niet in de wacht staan? Vraag ons om u terug te bellen. U kiest zelf de dag en het dagdeel.
        """,
        "contact, bellen, telefoonnummer, openingstijden, bereikbaar, terugbellen, medewerker spreken, "
        "klantenservice",
        CALLBACK,
    ),
    answer(
        "portal-account",
        "contact",
        "Hoe maak ik een account aan voor het huurdersportaal?",
        """
        U krijgt van ons een brief met een activatiecode. Ga naar Account activeren en vul die code in. Daarna
        kiest u zelf een wachtwoord.

        Heeft u geen brief gekregen, of is de code verlopen? Vraag ons om u terug te bellen, dan sturen we
        een nieuwe.
        """,
        "account, inloggen, activatiecode, wachtwoord, portaal, registreren, wachtwoord vergeten",
        ACTIVATE,
        CALLBACK,
    ),
    answer(
        "change-details",
        "contact",
        "Hoe geef ik een nieuw telefoonnummer of e-mailadres door?",
        """
        Bel ons of vraag ons om u terug te bellen, dan passen we uw gegevens aan. Dan kunnen we u bereiken
        als dat nodig is, bijvoorbeeld voor een reparatie.

        Heeft u een nieuw rekeningnummer voor de automatische incasso? Geef ook dat door.
        """,
        "gegevens wijzigen, telefoonnummer wijzigen, e-mailadres, adreswijziging, nieuw nummer",
        CALLBACK,
    ),
]

TOPICS = [
    {"id": "repair", "label": "Reparaties"},
    {"id": "rent_account", "label": "Huur en betalen"},
    {"id": "arrangement", "label": "Betalingsregeling en achterstand"},
    {"id": "direct_debit", "label": "Automatische incasso"},
    {"id": "housing_allowance", "label": "Huurtoeslag"},
    {"id": "living", "label": "Wonen in uw huis"},
    {"id": "nuisance", "label": "Overlast"},
    {"id": "moving", "label": "Verhuizen en opzeggen"},
    {"id": "contact", "label": "Contact en het portaal"},
]

STOPWORDS = [
    "de",
    "het",
    "een",
    "en",
    "of",
    "ik",
    "u",
    "je",
    "jij",
    "mijn",
    "uw",
    "ons",
    "onze",
    "wij",
    "we",
    "is",
    "zijn",
    "ben",
    "bent",
    "was",
    "wordt",
    "worden",
    "word",
    "heb",
    "heeft",
    "hebben",
    "had",
    "kan",
    "kun",
    "kunt",
    "kunnen",
    "mag",
    "mogen",
    "moet",
    "moeten",
    "wil",
    "wilt",
    "willen",
    "zal",
    "zou",
    "hoe",
    "wat",
    "wie",
    "waar",
    "wanneer",
    "waarom",
    "welk",
    "welke",
    "wel",
    "niet",
    "nog",
    "al",
    "ook",
    "er",
    "daar",
    "dat",
    "dit",
    "die",
    "deze",
    "van",
    "voor",
    "met",
    "naar",
    "op",
    "in",
    "aan",
    "bij",
    "uit",
    "om",
    "te",
    "tot",
    "over",
    "door",
    "als",
    "dan",
    "maar",
    "want",
    "dus",
    "iets",
    "veel",
    "meer",
    "heel",
    "erg",
    "graag",
    "even",
    "toch",
    "nu",
    "jullie",
    "jou",
    "me",
    "mij",
    "zich",
    "zelf",
]

SYNONYMS = [
    ["huurtoeslag", "toeslag"],
    ["opzeggen", "beeindigen", "stoppen"],
    ["verhuizen", "verhuis", "vertrekken"],
    ["kapot", "stuk", "defect"],
    ["incasso", "afschrijving", "machtiging"],
    ["achterstand", "schuld", "openstaand"],
    ["omhoog", "verhoging", "stijging", "duurder"],
    ["overlast", "last", "herrie", "lawaai"],
    ["bellen", "telefoon", "terugbellen"],
    ["huisdier", "hond", "kat"],
]


def default_answers() -> Document:
    """A fresh copy every time: callers may change it into a draft."""
    return copy.deepcopy(
        {
            "title": "Antwoorden op veelgestelde vragen",
            "topics": TOPICS,
            "search": {"stopwords": STOPWORDS, "synonyms": SYNONYMS, "min_score": 0.3},
            # Customer service calls back in office hours: mornings and afternoons, up to a week ahead.
            "callback": {"parts": ["OCH", "MID"], "days_ahead": 5},
            "answers": ANSWERS,
        }
    )
