"""The public repair-problem resource: GET /api/v1/repair-problems and /api/v1/repair-problems/<id>.

Public on purpose (AllowAny, no authentication): it holds the wizard's problems and outcomes, no
personal data. The views read the live rule version and call the repairs app; they decide nothing.
"""

from __future__ import annotations

from typing import Any

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework.exceptions import NotFound
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.utils.urls import remove_query_param, replace_query_param
from rest_framework.views import APIView

from roer.api.orders_serializers import FoutSerializer
from roer.api.serializers import (
    RepairProblemPageSerializer,
    RepairProblemQuerySerializer,
    RepairProblemSerializer,
)
from roer.repairs.search import search
from roer.repairs.selectors import live_wizard, problem_summaries, summarise
from roer.repairs.tree import WizardError

MAX_MATCHES = 100
# Answers besides 200 that the schema must document (the fuzz tests check every answer against it).
BAD_QUERY = OpenApiResponse(
    OpenApiTypes.OBJECT, description="A query parameter is wrong: {field: [messages]}."
)
NO_SUCH_PROBLEM = OpenApiResponse(FoutSerializer, description="No repair problem with this id.")


class PublicView(APIView):
    authentication_classes: list[Any] = []
    permission_classes = [AllowAny]


class RepairProblemListView(PublicView):
    @extend_schema(
        operation_id="repair_problems_list",
        summary="Find repair problems from a tenant's words",
        description=(
            "With `search`: the matching problems, best first (emergencies first when the words say gas, "
            "brand or rook). Without: every problem in the wizard's order. Each problem carries its default "
            "outcome: who is responsible, the urgency, VERA trade and defect codes, the Besluit kleine "
            "herstellingen clause and an emergency number where one applies."
        ),
        parameters=[RepairProblemQuerySerializer],
        responses={200: RepairProblemPageSerializer, 400: BAD_QUERY},
        examples=[
            OpenApiExample("A blocked sink", value={"search": "gootsteen verstopt"}, request_only=True)
        ],
        tags=["repair-problems"],
    )
    def get(self, request: Request) -> Response:
        query = RepairProblemQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        text = (query.validated_data.get("search") or "").strip()
        limit, offset = query.validated_data["limit"], query.validated_data["offset"]
        version, tree = live_wizard()
        unknown: tuple[str, ...] = ()
        if text:
            matches = search(tree, text, limit=MAX_MATCHES)
            unknown = matches.unknown_words
            summaries = [summarise(tree, m.problem, m.score) for m in matches]
        else:
            summaries = problem_summaries(tree)
        page = summaries[offset : offset + limit]
        url = request.build_absolute_uri()
        next_url = (
            replace_query_param(url, "offset", offset + limit) if offset + limit < len(summaries) else None
        )
        previous_url = None
        if offset > 0:
            previous_offset = max(offset - limit, 0)
            previous_url = (
                replace_query_param(url, "offset", previous_offset)
                if previous_offset
                else remove_query_param(url, "offset")
            )
        return Response(
            {
                "count": len(summaries),
                "next": next_url,
                "previous": previous_url,
                "rule_version": version.number,
                "search": text or None,
                "unmatched": bool(text) and not summaries,
                "unknown_words": list(unknown),
                "results": RepairProblemSerializer(page, many=True).data,
            }
        )


class RepairProblemDetailView(PublicView):
    @extend_schema(
        operation_id="repair_problems_retrieve",
        summary="One repair problem with its default outcome",
        parameters=[
            OpenApiParameter("problem_id", str, OpenApiParameter.PATH, description="The problem's slug.")
        ],
        responses={200: RepairProblemSerializer, 404: NO_SUCH_PROBLEM},
        tags=["repair-problems"],
    )
    def get(self, request: Request, problem_id: str) -> Response:
        _version, tree = live_wizard()
        try:
            problem = tree.problem(problem_id)
        except WizardError:
            raise NotFound(f"no repair problem {problem_id!r}") from None
        return Response(RepairProblemSerializer(summarise(tree, problem)).data)
