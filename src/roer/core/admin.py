"""The journal is read-only in the admin; rule versions change only through the rules services."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from roer.core.models import Decision, FlowMode, Hold, JournalEvent, RuleVersion


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(JournalEvent)
class JournalEventAdmin(ReadOnlyAdmin):
    list_display = ("occurred_at", "activity", "actor_kind", "channel")
    list_filter = ("activity", "actor_kind", "channel")
    date_hierarchy = "occurred_at"


@admin.register(RuleVersion)
class RuleVersionAdmin(ReadOnlyAdmin):
    list_display = ("rule_set", "number", "status", "created_at", "published_at")
    list_filter = ("rule_set", "status")


@admin.register(FlowMode)
class FlowModeAdmin(ReadOnlyAdmin):
    list_display = ("flow", "mode", "changed_at", "changed_by")


@admin.register(Hold)
class HoldAdmin(ReadOnlyAdmin):
    list_display = ("subject_kind", "subject_id", "since", "until", "released_at", "held_by")


@admin.register(Decision)
class DecisionAdmin(ReadOnlyAdmin):
    list_display = ("decided_at", "flow", "subject_kind", "subject_id", "outcome", "override_outcome")
    list_filter = ("flow", "outcome")
