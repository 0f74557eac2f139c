"""The journal is read-only in the admin; rule versions change only through the rules services; the e-mail
outbox is read-only too, with one action: put failed messages back in the queue."""

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from roer.core.models import Decision, FlowMode, Hold, JournalEvent, OutboxMessage, RuleVersion
from roer.core.outbox import outbox_retry


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


@admin.register(OutboxMessage)
class OutboxMessageAdmin(ReadOnlyAdmin):
    """Failed messages are the ones staff look for: filter on status."""

    list_display = ("created_at", "key", "status", "attempts", "next_attempt_at", "sent_at", "last_error")
    list_filter = ("status",)
    search_fields = ("key",)
    date_hierarchy = "created_at"
    actions = ["retry_failed"]

    @admin.action(description=_("Send the selected failed messages again"))
    def retry_failed(self, request: HttpRequest, queryset: QuerySet[OutboxMessage]) -> None:
        count = outbox_retry(message_ids=list(queryset.values_list("pk", flat=True)))
        self.message_user(request, _("%(count)d message(s) queued again.") % {"count": count})
