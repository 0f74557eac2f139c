"""Casework in the admin: read-only, since every change goes through the services and the journal.

The admin does not journal reads, so it never shows the text of a health or family note; social managers
read those in the console, where every read is journaled.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from roer.casework.constants import PROTECTED_NOTE_CATEGORIES
from roer.casework.models import Case, CaseNote, ContactMoment


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Case)
class CaseAdmin(ReadOnlyAdmin):
    list_display = ("id", "tenancy", "status", "priority", "opened_at", "assigned_to", "outcome", "closed_at")
    list_filter = ("status", "outcome")
    list_select_related = ("tenancy", "assigned_to")
    search_fields = ("tenancy__reference",)
    date_hierarchy = "opened_at"


@admin.register(ContactMoment)
class ContactMomentAdmin(ReadOnlyAdmin):
    list_display = ("happened_at", "tenancy", "channel", "direction", "topic", "succeeded", "case")
    list_filter = ("channel", "direction", "topic", "succeeded")
    list_select_related = ("tenancy",)
    search_fields = ("tenancy__reference",)
    date_hierarchy = "happened_at"


@admin.register(CaseNote)
class CaseNoteAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "case", "category", "author")
    list_filter = ("category",)
    list_select_related = ("case", "author")

    def get_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:  # type: ignore[override]
        fields = ["case", "author", "created_at", "category"]
        if obj is not None and obj.category not in PROTECTED_NOTE_CATEGORIES:
            fields.append("text")
        return fields
