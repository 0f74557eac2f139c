"""A contractor's work orders (VERA onderhoudsorders) over the API, by the contractor's own token.

    GET  /api/v1/onderhoudsorders                          the contractor's orders (?status=GUN)
    GET  /api/v1/onderhoudsorders/{code}                   one order
    POST /api/v1/onderhoudsorders/{code}/accepteren        take the order on
    GET  /api/v1/onderhoudsorders/{code}/tijdvakken        the times a visit can be planned
    POST /api/v1/onderhoudsorders/{code}/afspraken         plan a visit (datum + dagdeel)
    POST /api/v1/onderhoudsorders/{code}/afspraken/bevestigen   confirm the visit the tenant asked for
    POST /api/v1/onderhoudsorders/{code}/gereedmelding     report the work done or not done
    POST /api/v1/onderhoudsorders/{code}/signalering       flag a wrong order

Another contractor's order is a 404. What the order's state does not allow is a 409 with `{"detail": ...}`;
a malformed request is a 400. The views read through `roer.repairs.contractor_selectors`, write through
`roer.repairs.services`, and decide nothing themselves.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.core.exceptions import PermissionDenied
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status as http
from rest_framework.exceptions import APIException, NotFound
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.utils.urls import remove_query_param, replace_query_param
from rest_framework.views import APIView

from roer.api.contractor_auth import ContractorTokenAuthentication, IsContractor
from roer.api.orders_serializers import (
    AfspraakVoorstelSerializer,
    FoutSerializer,
    GereedmeldingVerzoekSerializer,
    OnderhoudsorderPageSerializer,
    OnderhoudsorderSerializer,
    OrderListQuerySerializer,
    SignaleringVerzoekSerializer,
    SlotQuerySerializer,
    TijdvakkenSerializer,
    order_data,
    slot_data,
)
from roer.repairs.constants import AppointmentStatus
from roer.repairs.contractor_selectors import get_order_for_contractor, orders_for_contractor
from roer.repairs.models import Contractor, WorkOrder
from roer.repairs.selectors import live_appointment, live_wizard
from roer.repairs.services import (
    appointment_book,
    appointment_confirm,
    appointment_slots,
    work_order_accept,
    work_order_flag,
    work_order_report,
)
from roer.repairs.tree import Tree, WizardError

TAG = "onderhoudsorders"


class Conflict(APIException):
    status_code = http.HTTP_409_CONFLICT
    default_detail = gettext_lazy("The order's present state does not allow this.")
    default_code = "conflict"


CODE = OpenApiParameter(
    "code", str, OpenApiParameter.PATH, description="The order's code, e.g. OO000042 (OO and six digits)."
)
ERRORS: dict[int, Any] = {
    401: OpenApiResponse(FoutSerializer, description="No token, a wrong one, or an inactive contractor."),
    403: OpenApiResponse(FoutSerializer, description="Not a contractor's token."),
    404: OpenApiResponse(FoutSerializer, description="No such order among this contractor's orders."),
}
ACTION_ERRORS: dict[int, Any] = {
    **ERRORS,
    400: OpenApiResponse(
        OpenApiTypes.OBJECT, description="A field is missing or wrong: {field: [messages]}."
    ),
    409: OpenApiResponse(FoutSerializer, description="The order's state does not allow this."),
}


def _label(tree: Tree, problem_id: str) -> str:
    try:
        return tree.problem(problem_id).label
    except WizardError:
        return problem_id


def _sentence(refused: Exception) -> str:
    text = str(refused).strip() or str(Conflict.default_detail)
    return text[0].upper() + text[1:]


def _run(action: Callable[[], object]) -> None:
    """Call a service; turn its refusals into API errors (never a 500)."""
    try:
        action()
    except PermissionDenied:
        raise NotFound(_("No such work order.")) from None
    except ValueError as refused:  # RepairRefused too: the order's state or the slot does not allow it
        raise Conflict(_sentence(refused)) from None


class ContractorAPIView(APIView):
    authentication_classes = [ContractorTokenAuthentication]
    permission_classes = [IsContractor]

    @property
    def contractor(self) -> Contractor:
        contractor = self.request.auth
        assert isinstance(contractor, Contractor)  # IsContractor let the request in
        return contractor

    @property
    def actor(self) -> Any:
        return self.request.user

    def get_order(self, code: str) -> WorkOrder:
        return get_order_for_contractor(self.contractor.pk, code)

    def order_response(self, code: str, status: int = http.HTTP_200_OK) -> Response:
        order = self.get_order(code)  # read again: the service changed it
        _version, tree = live_wizard()
        data = order_data(order, problem_label=_label(tree, order.request.problem_id))
        return Response(OnderhoudsorderSerializer(data).data, status=status)


class OrderListView(ContractorAPIView):
    @extend_schema(
        operation_id="onderhoudsorders_list",
        summary="The contractor's work orders",
        description=(
            "Every order given to this contractor (not those still waiting for the corporation's "
            "approval), newest first. Filter with `status`, a VERA ONDERHOUDSORDERSTATUS code: GUN (given "
            "out, no visit planned yet), PLN (visit planned), TEC (work done), GEA (cancelled)."
        ),
        parameters=[OrderListQuerySerializer],
        responses={200: OnderhoudsorderPageSerializer, 400: ACTION_ERRORS[400], **ERRORS},
        tags=[TAG],
    )
    def get(self, request: Request) -> Response:
        query = OrderListQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        limit, offset = query.validated_data["limit"], query.validated_data["offset"]
        orders = orders_for_contractor(self.contractor.pk, status=query.validated_data.get("status"))
        count = orders.count()
        page = list(orders[offset : offset + limit])
        _version, tree = live_wizard()
        url = request.build_absolute_uri()
        next_url = replace_query_param(url, "offset", offset + limit) if offset + limit < count else None
        previous_url = None
        if offset > 0:
            back = max(offset - limit, 0)
            previous_url = (
                replace_query_param(url, "offset", back) if back else remove_query_param(url, "offset")
            )
        data = {
            "count": count,
            "next": next_url,
            "previous": previous_url,
            "results": [order_data(o, problem_label=_label(tree, o.request.problem_id)) for o in page],
        }
        return Response(OnderhoudsorderPageSerializer(data).data)


class OrderDetailView(ContractorAPIView):
    @extend_schema(
        operation_id="onderhoudsorders_retrieve",
        summary="One work order",
        parameters=[CODE],
        responses={200: OnderhoudsorderSerializer, **ERRORS},
        tags=[TAG],
    )
    def get(self, request: Request, code: str) -> Response:
        return self.order_response(code)


class OrderAcceptView(ContractorAPIView):
    @extend_schema(
        operation_id="onderhoudsorders_accepteren",
        summary="Accept the order",
        description="The contractor takes the order on. It stays GUN until a visit is planned; accepting "
        "again changes nothing. An order that is done or cancelled cannot be accepted (409).",
        parameters=[CODE],
        request=None,
        responses={200: OnderhoudsorderSerializer, **ACTION_ERRORS},
        tags=[TAG],
    )
    def post(self, request: Request, code: str) -> Response:
        order = self.get_order(code)
        _run(lambda: work_order_accept(order=order, by=self.actor))
        return self.order_response(code)


class OrderSlotsView(ContractorAPIView):
    @extend_schema(
        operation_id="onderhoudsorders_tijdvakken",
        summary="The times a visit can be planned",
        description="Working days only (no weekends, no Dutch public holidays), before the order's due "
        "date, narrowed to the tenant's preferred days and part of the day where that leaves any. An "
        "emergency order, or one that is closed, has none: the list is empty.",
        parameters=[CODE, SlotQuerySerializer],
        responses={200: TijdvakkenSerializer, 400: ACTION_ERRORS[400], **ERRORS},
        tags=[TAG],
    )
    def get(self, request: Request, code: str) -> Response:
        query = SlotQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        order = self.get_order(code)
        slots = appointment_slots(order=order, start=timezone.now(), days=query.validated_data["dagen"])
        data = {"uitersteGereeddatum": order.due_by, "tijdvakken": [slot_data(d, p) for d, p in slots]}
        return Response(TijdvakkenSerializer(data).data)


class OrderAppointmentView(ContractorAPIView):
    @extend_schema(
        operation_id="onderhoudsorders_afspraken_create",
        summary="Plan a visit",
        description="Plan the visit on one of the times of `tijdvakken`. A contractor's own appointment "
        "is planned at once (AFSPRAAKSTATUS GEP, the order PLN); an earlier appointment of the order is "
        "cancelled (ANN). A time that is not offered, or an order that is closed, is a 409.",
        parameters=[CODE],
        request=AfspraakVoorstelSerializer,
        responses={201: OnderhoudsorderSerializer, **ACTION_ERRORS},
        examples=[
            OpenApiExample(
                "Tuesday morning", value={"datum": "2026-04-28", "dagdeel": "OCH"}, request_only=True
            )
        ],
        tags=[TAG],
    )
    def post(self, request: Request, code: str) -> Response:
        order = self.get_order(code)
        body = AfspraakVoorstelSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        day, part = body.validated_data["datum"], body.validated_data["dagdeel"]
        _run(lambda: appointment_book(order=order, date=day, part=part, by=self.actor))
        return self.order_response(code, status=http.HTTP_201_CREATED)


class OrderAppointmentConfirmView(ContractorAPIView):
    @extend_schema(
        operation_id="onderhoudsorders_afspraken_bevestigen",
        summary="Confirm the visit the tenant asked for",
        description="The tenant chose a time in the portal (AFSPRAAKSTATUS AAN); the contractor confirms "
        "it (GEP) and the order is planned (PLN). Without such an appointment: 409.",
        parameters=[CODE],
        request=None,
        responses={200: OnderhoudsorderSerializer, **ACTION_ERRORS},
        tags=[TAG],
    )
    def post(self, request: Request, code: str) -> Response:
        order = self.get_order(code)
        live = live_appointment(order)
        if live is None or live.status != AppointmentStatus.PROPOSED:
            raise Conflict(_("There is no appointment asked for by the tenant to confirm."))
        _run(lambda: appointment_confirm(appointment=live, by=self.actor))
        return self.order_response(code)


class OrderReportView(ContractorAPIView):
    @extend_schema(
        operation_id="onderhoudsorders_gereedmelding",
        summary="Report the work done or not done",
        description="`done`: the order and the repair request become TEC (technisch gereed). `not_done`: "
        "the visit is cancelled and the order waits for a new appointment (GUN). The remark is for the "
        "corporation; it is kept on the order, never in the journal.",
        parameters=[CODE],
        request=GereedmeldingVerzoekSerializer,
        responses={200: OnderhoudsorderSerializer, **ACTION_ERRORS},
        examples=[
            OpenApiExample(
                "Done",
                value={"resultaat": "done", "opmerking": "Thermostaat vervangen."},
                request_only=True,
            )
        ],
        tags=[TAG],
    )
    def post(self, request: Request, code: str) -> Response:
        order = self.get_order(code)
        body = GereedmeldingVerzoekSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        result, remark = body.validated_data["resultaat"], body.validated_data["opmerking"]
        _run(lambda: work_order_report(order=order, by=self.actor, result=result, remark=remark))
        return self.order_response(code)


class OrderFlagView(ContractorAPIView):
    @extend_schema(
        operation_id="onderhoudsorders_signalering",
        summary="Flag a wrong order",
        description="`no_access` (could not get in): the visit is cancelled and the order waits for a new "
        "appointment. `wrong_trade`, `tenant_responsibility` or `other_contractor`: the order is cancelled "
        "(GEA) and a person at the corporation looks at the request again.",
        parameters=[CODE],
        request=SignaleringVerzoekSerializer,
        responses={200: OnderhoudsorderSerializer, **ACTION_ERRORS},
        examples=[
            OpenApiExample(
                "Wrong trade",
                value={"signalering": "wrong_trade", "opmerking": "Het is de elektra, niet de cv."},
                request_only=True,
            )
        ],
        tags=[TAG],
    )
    def post(self, request: Request, code: str) -> Response:
        order = self.get_order(code)
        body = SignaleringVerzoekSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        flag, remark = body.validated_data["signalering"], body.validated_data["opmerking"]
        _run(lambda: work_order_flag(order=order, by=self.actor, flag=flag, remark=remark))
        return self.order_response(code)
