"""The contractor's work orders (VERA onderhoudsorder) as JSON, with VERA's Dutch field names and code lists.

Codes and names of VERA lists (ONDERHOUDSORDERSTATUS, ONDERHOUDSVERZOEKSTATUS, AFSPRAAKSTATUS, DAGDEEL,
ONDERHOUDSOORT, ONDERHOUDSTAAKDETAILSTATUS, ONDERHOUDSPECIALISME, DEFECTSOORT, DEFECTLOCATIE) are VERA's own
(Referentiedata.csv, CC0); Roer's own lists (urgentie, resultaat, signalering) carry Roer's code and a name
in the language of the request. `order_data` builds the plain data; the serializers describe it for the
schema and check its shape.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from rest_framework import serializers

from roer.core.dates import AMSTERDAM
from roer.repairs import vera
from roer.repairs.constants import (
    APPOINTMENT_VERA_STATUS,
    PART_HOURS,
    AppointmentStatus,
    OrderFlag,
    OrderResult,
    OrderStatus,
    PartOfDay,
    Urgency,
)
from roer.repairs.contractor_selectors import live_appointment_of
from roer.repairs.models import Appointment, WorkOrder

DESCRIPTION_MAX = 2000

# VERA's names (Referentiedata.csv) for the lists that vera_codes.json does not carry.
VERA_NAMES: dict[str, dict[str, str]] = {
    "ONDERHOUDSORDERSTATUS": {
        "REG": "Geregistreerd",
        "WOG": "Wacht op goedkeuring",
        "OFF": "Offertetraject",
        "GUN": "Order gegund",
        "PLN": "Order gepland",
        "INB": "In behandeling",
        "TEC": "Technisch gereed",
        "STE": "Order in steekproef",
        "FIN": "Financieel afwikkelen",
        "AFG": "Afgehandeld",
        "GEA": "Geannuleerd",
    },
    "ONDERHOUDSVERZOEKSTATUS": {
        "REG": "Geregistreerd",
        "INB": "In behandeling",
        "BEO": "Ter beoordeling",
        "TEC": "Technisch gereed",
        "FIN": "Financieel afwikkelen",
        "AFG": "Afgehandeld",
        "GEA": "Geannuleerd",
    },
    "AFSPRAAKSTATUS": {"AAN": "Aangevraagd", "GEP": "Gepland", "ANN": "Geannuleerd", "AFG": "Afgerond"},
    "DAGDEEL": {"OCH": "Ochtend", "MID": "Middag", "AVO": "Avond"},
    "ONDERHOUDSOORT": {"REP": "Reparatie"},
    "ONDERHOUDSTAAKDETAILSTATUS": {"AFW": "Klant niet aanwezig", "DIS": "Niet de juiste discipline"},
}

# Where VERA has a code for what the contractor flags (ONDERHOUDSTAAKDETAILSTATUS); the others are Roer's.
FLAG_DETAIL_STATUS = {OrderFlag.NO_ACCESS: "AFW", OrderFlag.WRONG_TRADE: "DIS"}


def referentie(kind: str, code: str | None) -> dict[str, str] | None:
    """VERA Referentiedata {soort, code, naam}; None for no code. An unknown code keeps itself as name."""
    if not code:
        return None
    names: Mapping[str, str] = VERA_NAMES.get(kind) or vera.code_lists().get(kind, {})
    return {"soort": kind, "code": code, "naam": names.get(code, code)}


def roer_code(kind: str, code: str | None, label: Any) -> dict[str, str] | None:
    """A code of one of Roer's own lists, with its name in the request's language."""
    if not code:
        return None
    return {"soort": kind, "code": code, "naam": str(label)}


def _block(day: dt.date, part: str) -> tuple[dt.datetime, dt.datetime]:
    start, end = PART_HOURS[part]
    return (
        dt.datetime.combine(day, dt.time(start), tzinfo=AMSTERDAM),
        dt.datetime.combine(day, dt.time(end), tzinfo=AMSTERDAM),
    )


def slot_data(day: dt.date, part: str) -> dict[str, Any]:
    begin, end = _block(day, part)
    return {
        "datum": day,
        "dagdeel": referentie("DAGDEEL", part),
        "bloktijdBegin": begin,
        "bloktijdEind": end,
    }


def appointment_data(appointment: Appointment) -> dict[str, Any]:
    return {
        **slot_data(appointment.date, appointment.part),
        "status": referentie(
            "AFSPRAAKSTATUS", APPOINTMENT_VERA_STATUS[AppointmentStatus(appointment.status)]
        ),
    }


def order_data(order: WorkOrder, *, problem_label: str) -> dict[str, Any]:
    """The order as its contractor sees it. The tenant's own description is included (the contractor
    needs it for the work); names and contact details of the tenant are not."""
    request = order.request
    dwelling = request.dwelling
    flag = OrderFlag(order.flag) if order.flag else None
    urgency = Urgency(request.urgency) if request.urgency else None
    result = OrderResult(order.result) if order.result else None
    return {
        "code": order.code,
        "onderhoudSoort": referentie("ONDERHOUDSOORT", "REP"),
        "omschrijving": problem_label,
        "status": referentie("ONDERHOUDSORDERSTATUS", order.status),
        "onderhoudspecialisme": referentie("ONDERHOUDSPECIALISME", order.trade),
        "defecten": [
            {
                "soort": referentie("DEFECTSOORT", request.defect_soort),
                "locatie": referentie("DEFECTLOCATIE", request.defect_locatie),
                "omschrijving": problem_label,
            }
        ],
        "urgentie": roer_code("URGENTIE", urgency, urgency.label) if urgency else None,
        "uitersteGereeddatum": order.due_by,
        "opdrachtdatum": order.issued_at,
        "acceptatiedatum": order.accepted_at,
        "technischGereeddatum": order.completed_at,
        "onderhoudsverzoek": {
            "code": request.code,
            "omschrijving": problem_label,
            "status": referentie("ONDERHOUDSVERZOEKSTATUS", request.status),
            "melddatum": request.submitted_at,
            "toelichting": request.description,
        },
        "adres": {
            "adres": dwelling.address_line,
            "straatnaam": dwelling.street,
            "huisnummer": dwelling.house_number,
            "postcode": dwelling.postcode,
            "woonplaats": {"naam": dwelling.city},
        },
        "afspraken": [appointment_data(a) for a in order.appointments.all()],
        "actueleAfspraak": _live(order),
        "gereedmelding": {
            "resultaat": roer_code("RESULTAAT", result, result.label),
            "datum": order.completed_at,
        }
        if result
        else None,
        "signalering": {
            "code": flag.value,
            "naam": str(flag.label),
            "datum": order.flagged_at,
            "detailStatus": referentie("ONDERHOUDSTAAKDETAILSTATUS", FLAG_DETAIL_STATUS.get(flag)),
        }
        if flag
        else None,
        "opmerking": order.remark,
    }


def _live(order: WorkOrder) -> dict[str, Any] | None:
    live = live_appointment_of(order)
    return appointment_data(live) if live is not None else None


# --- serializers: the shapes, for the schema ----------------------------------------------------------


class ReferentiedataSerializer(serializers.Serializer):
    soort = serializers.CharField(help_text="The code list, e.g. ONDERHOUDSORDERSTATUS.")
    code = serializers.CharField()
    naam = serializers.CharField()


class WoonplaatsSerializer(serializers.Serializer):
    naam = serializers.CharField()


class AdresSerializer(serializers.Serializer):
    adres = serializers.CharField(help_text="Street and house number.")
    straatnaam = serializers.CharField()
    huisnummer = serializers.CharField(help_text="House number with any letter or addition.")
    postcode = serializers.CharField()
    woonplaats = WoonplaatsSerializer()


class TijdvakSerializer(serializers.Serializer):
    datum = serializers.DateField()
    dagdeel = ReferentiedataSerializer(help_text="VERA DAGDEEL: OCH 8-12, MID 12-18.")
    bloktijdBegin = serializers.DateTimeField()
    bloktijdEind = serializers.DateTimeField()


class AfspraakSerializer(TijdvakSerializer):
    status = ReferentiedataSerializer(
        help_text="VERA AFSPRAAKSTATUS: AAN asked for by the tenant, GEP planned, ANN cancelled."
    )


class DefectSerializer(serializers.Serializer):
    soort = ReferentiedataSerializer(allow_null=True, help_text="VERA DEFECTSOORT.")
    locatie = ReferentiedataSerializer(allow_null=True, help_text="VERA DEFECTLOCATIE.")
    omschrijving = serializers.CharField()


class OnderhoudsverzoekSerializer(serializers.Serializer):
    code = serializers.CharField(help_text="The repair request's code, e.g. RV000042.")
    omschrijving = serializers.CharField(help_text="The problem, in the wizard's words (Dutch).")
    status = ReferentiedataSerializer(help_text="VERA ONDERHOUDSVERZOEKSTATUS.")
    melddatum = serializers.DateTimeField()
    toelichting = serializers.CharField(
        allow_blank=True, help_text="The tenant's own description of the problem; may be empty."
    )


class GereedmeldingSerializer(serializers.Serializer):
    resultaat = ReferentiedataSerializer(help_text="Roer RESULTAAT: done or not_done.")
    datum = serializers.DateTimeField(allow_null=True, help_text="When the work was done.")


class SignaleringSerializer(serializers.Serializer):
    code = serializers.ChoiceField(choices=OrderFlag.choices)
    naam = serializers.CharField()
    datum = serializers.DateTimeField(allow_null=True)
    detailStatus = ReferentiedataSerializer(
        allow_null=True,
        help_text="VERA ONDERHOUDSTAAKDETAILSTATUS where VERA has the code: AFW (could not get in), "
        "DIS (wrong trade).",
    )


class OnderhoudsorderSerializer(serializers.Serializer):
    code = serializers.CharField(help_text="The order's code, e.g. OO000042.")
    onderhoudSoort = ReferentiedataSerializer(help_text="VERA ONDERHOUDSOORT: REP, a repair.")
    omschrijving = serializers.CharField(help_text="The problem, in the wizard's words (Dutch).")
    status = ReferentiedataSerializer(help_text="VERA ONDERHOUDSORDERSTATUS.")
    onderhoudspecialisme = ReferentiedataSerializer(allow_null=True, help_text="VERA ONDERHOUDSPECIALISME.")
    defecten = DefectSerializer(many=True)
    urgentie = ReferentiedataSerializer(
        allow_null=True, help_text="Roer URGENTIE: emergency (today), urgent (24 hours) or normal."
    )
    uitersteGereeddatum = serializers.DateTimeField(allow_null=True, help_text="Done by this moment.")
    opdrachtdatum = serializers.DateTimeField(allow_null=True, help_text="When the order was given out.")
    acceptatiedatum = serializers.DateTimeField(allow_null=True, help_text="When the contractor accepted.")
    technischGereeddatum = serializers.DateTimeField(allow_null=True, help_text="When the work was done.")
    onderhoudsverzoek = OnderhoudsverzoekSerializer()
    adres = AdresSerializer(help_text="The dwelling's address.")
    afspraken = AfspraakSerializer(many=True, help_text="Every appointment, cancelled ones too.")
    actueleAfspraak = AfspraakSerializer(allow_null=True, help_text="The appointment that is not cancelled.")
    gereedmelding = GereedmeldingSerializer(allow_null=True)
    signalering = SignaleringSerializer(allow_null=True)
    opmerking = serializers.CharField(allow_blank=True, help_text="The contractor's last remark.")


class OnderhoudsorderPageSerializer(serializers.Serializer):
    count = serializers.IntegerField()
    next = serializers.URLField(allow_null=True)
    previous = serializers.URLField(allow_null=True)
    results = OnderhoudsorderSerializer(many=True)


class TijdvakkenSerializer(serializers.Serializer):
    uitersteGereeddatum = serializers.DateTimeField(allow_null=True)
    tijdvakken = TijdvakSerializer(many=True)


class FoutSerializer(serializers.Serializer):
    detail = serializers.CharField()


# --- requests -------------------------------------------------------------------------------------


class OrderListQuerySerializer(serializers.Serializer):
    status = serializers.ChoiceField(
        choices=[(s.value, s.value) for s in OrderStatus],
        required=False,
        help_text="Only orders in this VERA ONDERHOUDSORDERSTATUS, e.g. GUN.",
    )
    limit = serializers.IntegerField(required=False, min_value=1, max_value=200, default=50)
    offset = serializers.IntegerField(required=False, min_value=0, default=0)


class SlotQuerySerializer(serializers.Serializer):
    dagen = serializers.IntegerField(
        required=False, min_value=1, max_value=30, default=10, help_text="How many calendar days ahead."
    )


class AfspraakVoorstelSerializer(serializers.Serializer):
    datum = serializers.DateField(help_text="One of the days of /tijdvakken.")
    dagdeel = serializers.ChoiceField(
        choices=[(p.value, p.value) for p in PartOfDay], help_text="OCH or MID."
    )


class GereedmeldingVerzoekSerializer(serializers.Serializer):
    resultaat = serializers.ChoiceField(choices=[(r.value, r.value) for r in OrderResult])
    opmerking = serializers.CharField(
        required=False, allow_blank=True, max_length=DESCRIPTION_MAX, default="", help_text="Free text."
    )


class SignaleringVerzoekSerializer(serializers.Serializer):
    signalering = serializers.ChoiceField(
        choices=[(f.value, f.value) for f in OrderFlag],
        help_text="wrong_trade, tenant_responsibility, other_contractor or no_access.",
    )
    opmerking = serializers.CharField(
        required=False, allow_blank=True, max_length=DESCRIPTION_MAX, default="", help_text="Free text."
    )
