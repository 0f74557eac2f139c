"""Sign-in in two steps: the password, then (for staff) a one-time code; sign-out; setting up an authenticator."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import BACKEND_SESSION_KEY, REDIRECT_FIELD_NAME
from django.contrib.auth import login as auth_login
from django.contrib.auth import logout as auth_logout
from django.contrib.auth.forms import AuthenticationForm
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render, resolve_url
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods, require_POST

from roer.accounts import selectors, services
from roer.accounts.access import is_verified, role_required
from roer.accounts.constants import STAFF_ROLES, SecondFactorMethod
from roer.accounts.forms import AuthenticatorConfirmForm, OneTimeCodeForm
from roer.accounts.models import User
from roer.accounts.pending_sign_in import (
    pending_sign_in,
    pending_sign_in_clear,
    pending_sign_in_start,
)
from roer.accounts.qr import qr_svg


def _safe_next(request: HttpRequest, candidate: str | None) -> str:
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return resolve_url(settings.LOGIN_REDIRECT_URL)


@sensitive_post_parameters("password")
@csrf_protect
@never_cache
@require_http_methods(["GET", "POST"])
def login_view(request: HttpRequest) -> HttpResponse:
    next_url = _safe_next(
        request, request.POST.get(REDIRECT_FIELD_NAME) or request.GET.get(REDIRECT_FIELD_NAME)
    )
    form = AuthenticationForm(request, data=request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        user = form.get_user()
        need = selectors.second_factor_need(user)
        if need is selectors.SecondFactorNeed.NOT_NEEDED:
            auth_login(request, user)
            services.sign_in_record(user=user, method=SecondFactorMethod.NONE)
            return HttpResponseRedirect(next_url)
        if need is selectors.SecondFactorNeed.REQUIRED:
            pending_sign_in_start(request, user=user, backend=user.backend, next_url=next_url)
            return redirect("accounts:verify")
        form.add_error(
            None,
            _(
                "Your account needs two-factor authentication, which has not been set up yet. "
                "Ask the administrator to set up two-factor for you."
            ),
        )
    return render(request, "accounts/login.html", {"form": form, "next": next_url})


def _user_to_verify(request: HttpRequest) -> tuple[User, str, str] | None:
    """Who is at the second step, with their auth backend and where they were going."""
    pending = pending_sign_in(request)
    if pending is not None:
        user = User.objects.filter(pk=pending.user_id, is_active=True).first()
        if user is not None:
            return user, pending.backend, pending.next_url
        pending_sign_in_clear(request)
    current = request.user
    # Signed in with a password alone (a session from before the person became staff, say).
    if isinstance(current, User) and current.requires_second_factor and not is_verified(current):
        next_url = _safe_next(request, request.GET.get(REDIRECT_FIELD_NAME))
        return current, request.session[BACKEND_SESSION_KEY], next_url
    return None


@csrf_protect
@never_cache
@require_http_methods(["GET", "POST"])
def verify_view(request: HttpRequest) -> HttpResponse:
    found = _user_to_verify(request)
    if found is None:
        return redirect("accounts:login")
    user, backend, next_url = found
    form = OneTimeCodeForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        outcome = services.second_factor_verify(user=user, code=form.cleaned_data["code"])
        if outcome.verified:
            pending_sign_in_clear(request)
            # django-otp's user_logged_in receiver keeps the device in the session: is_verified() from now on.
            user.otp_device = outcome.device  # type: ignore[attr-defined]
            auth_login(request, user, backend=backend)
            services.sign_in_record(user=user, method=outcome.method)
            return HttpResponseRedirect(next_url)
        if outcome.throttled:
            form.add_error(None, _("Too many wrong codes. Wait a minute and try again."))
        else:
            form.add_error("code", _("This code is not right, or it has been used already."))
    return render(request, "accounts/verify.html", {"form": form})


@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    pending_sign_in_clear(request)
    auth_logout(request)
    return redirect(settings.LOGOUT_REDIRECT_URL)


@never_cache
@require_http_methods(["GET", "POST"])
@role_required(*STAFF_ROLES)
def totp_setup_view(request: HttpRequest) -> HttpResponse:
    user = request.user
    assert isinstance(user, User)
    form = AuthenticatorConfirmForm()
    if request.method == "POST":
        if "start" in request.POST:
            services.totp_enrolment_start(user=user)
            return redirect("accounts:totp-setup")
        form = AuthenticatorConfirmForm(request.POST)
        if form.is_valid():
            if services.totp_enrolment_confirm(user=user, code=form.cleaned_data["code"]):
                messages.success(
                    request, _("Your authenticator app is set up. Use it the next time you sign in.")
                )
                return redirect("accounts:totp-setup")
            form.add_error("code", _("This code is not right. Check the time on your phone and try again."))
    device = selectors.pending_authenticator(user)
    context = {
        "form": form,
        "device": device,
        "otpauth_url": device.config_url if device else "",
        "qr": qr_svg(device.config_url) if device else "",
        "backup_codes_remaining": selectors.backup_codes_remaining(user),
    }
    return render(request, "accounts/totp_setup.html", context)
