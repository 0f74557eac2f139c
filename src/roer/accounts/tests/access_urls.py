"""A tiny URLconf for the access tests: one view per way of guarding it."""

from django.http import HttpRequest, HttpResponse
from django.urls import include, path
from django.views import View

from roer.accounts.access import RoleRequiredMixin, role_required
from roer.accounts.constants import Role


@role_required(Role.SOCIAL_MANAGER)
def social_only(request: HttpRequest) -> HttpResponse:
    return HttpResponse("social")


@role_required(Role.TENANT)
def tenants_only(request: HttpRequest) -> HttpResponse:
    return HttpResponse("tenant")


class SocialOnlyView(RoleRequiredMixin, View):
    required_roles = (Role.SOCIAL_MANAGER,)

    def get(self, request: HttpRequest) -> HttpResponse:
        return HttpResponse("social class")


urlpatterns = [
    path("social/", social_only),
    path("tenant/", tenants_only),
    path("social-class/", SocialOnlyView.as_view()),
    path("accounts/", include("roer.accounts.urls")),
]
