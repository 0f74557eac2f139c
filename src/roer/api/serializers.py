"""Serializers of the public repair-problem resource: plain data, no personal data."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from roer.repairs.constants import EmergencyNumber, Responsibility, Urgency
from roer.repairs.selectors import ProblemSummary


class RepairProblemQuerySerializer(serializers.Serializer):
    search = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=200,
        help_text="The tenant's own words, e.g. 'gootsteen verstopt'.",
    )
    limit = serializers.IntegerField(required=False, min_value=1, max_value=100, default=20)
    offset = serializers.IntegerField(required=False, min_value=0, default=0)


class RepairProblemSerializer(serializers.Serializer):
    id = serializers.CharField(help_text="Stable slug of the problem.")
    label = serializers.CharField(help_text="The problem in the tenant's words (Dutch).")  # type: ignore[assignment]
    path = serializers.ListField(
        child=serializers.CharField(), help_text="area, location, element, problem ids"
    )
    path_labels = serializers.ListField(child=serializers.CharField())
    responsibility = serializers.ChoiceField(choices=Responsibility.choices)
    urgency = serializers.ChoiceField(choices=Urgency.choices, allow_null=True)
    working_days = serializers.IntegerField(
        allow_null=True, help_text="For the normal urgency: handled within this many working days."
    )
    trade = serializers.CharField(allow_null=True, help_text="VERA ONDERHOUDSPECIALISME code.")
    defect_soort = serializers.CharField(allow_null=True, help_text="VERA DEFECTSOORT code.")
    defect_locatie = serializers.CharField(allow_null=True, help_text="VERA DEFECTLOCATIE code.")
    clause = serializers.CharField(
        allow_null=True, help_text="Besluit kleine herstellingen, annex letter (a-v), for the tenant's part."
    )
    emergency_number = serializers.ChoiceField(choices=EmergencyNumber.choices, allow_null=True)
    covered_by_service_subscription = serializers.BooleanField()
    advice = serializers.CharField(allow_null=True, help_text="How-to advice or whom to call (Dutch).")
    questions = serializers.IntegerField(
        help_text="How many questions the wizard may ask; 0 means the outcome is fixed. The outcome shown is "
        "the default one, every question at its most common answer."
    )
    score = serializers.FloatField(
        allow_null=True, help_text="Search score (higher is better); null in a listing."
    )

    def to_representation(self, instance: Any) -> dict[str, Any]:
        summary: ProblemSummary = instance
        outcome = summary.outcome
        return {
            "id": summary.id,
            "label": summary.label,
            "path": list(summary.problem.path),
            "path_labels": list(summary.problem.path_labels),
            "responsibility": outcome.responsibility,
            "urgency": outcome.urgency,
            "working_days": outcome.working_days,
            "trade": outcome.trade,
            "defect_soort": outcome.defect_soort,
            "defect_locatie": outcome.defect_locatie,
            "clause": outcome.clause,
            "emergency_number": outcome.emergency_number,
            "covered_by_service_subscription": outcome.covered_by_service_subscription,
            "advice": outcome.advice,
            "questions": summary.questions,
            "score": summary.score,
        }


class RepairProblemPageSerializer(serializers.Serializer):
    count = serializers.IntegerField()
    next = serializers.URLField(allow_null=True)
    previous = serializers.URLField(allow_null=True)
    rule_version = serializers.IntegerField(
        help_text="Number of the repair-wizard rule version that answered."
    )
    search = serializers.CharField(allow_null=True)
    unmatched = serializers.BooleanField(help_text="True when a search found nothing (unmet demand).")
    unknown_words = serializers.ListField(
        child=serializers.CharField(), help_text="Words of the search that no problem uses."
    )
    results = RepairProblemSerializer(many=True)
