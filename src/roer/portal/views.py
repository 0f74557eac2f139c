from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from roer.accounts.constants import Role
from roer.accounts.models import User
from roer.accounts.selectors import demo_logins


def home(request: HttpRequest) -> HttpResponse:
    # Demo logins exist only to be shown in a demo; outside it they are not even read.
    logins = demo_logins() if settings.DEMO_MODE else []
    user = request.user
    is_tenant = isinstance(user, User) and user.has_role(Role.TENANT)
    is_contractor = isinstance(user, User) and user.has_role(Role.CONTRACTOR)
    return render(
        request,
        "portal/home.html",
        {"demo_logins": logins, "is_tenant": is_tenant, "is_contractor": is_contractor},
    )
