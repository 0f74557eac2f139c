from typing import Any

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from roer.accounts.models import User


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    list_display = ("username", "email", "role_list", "is_active", "is_demo", "last_login")
    list_filter = ("groups", "is_active", "is_demo", "is_staff")
    fieldsets = (
        *(DjangoUserAdmin.fieldsets or ()),
        (_("Roer"), {"fields": ("is_demo",)}),
    )

    @admin.display(description=_("roles"))
    def role_list(self, user: User) -> str:
        return ", ".join(sorted(group.name for group in user.groups.all()))

    def get_queryset(self, request: HttpRequest) -> Any:
        return super().get_queryset(request).prefetch_related("groups")

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        readonly = list(super().get_readonly_fields(request, obj))
        if not request.user.is_superuser:
            # An administrator manages roles, not the keys to everything.
            readonly += ["is_superuser", "user_permissions"]
        return readonly
