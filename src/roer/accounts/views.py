"""Sign-in in two steps: the password, then (for staff, and tenants who chose it) a one-time code; sign-out;
setting up an authenticator; a tenant's activation with the code from the letter; password reset by e-mail."""

from __future__ import annotations

import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import BACKEND_SESSION_KEY, REDIRECT_FIELD_NAME
from django.contrib.auth import login as auth_login
from django.contrib.auth import logout as auth_logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import AuthenticationForm, SetPasswordForm
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render, resolve_url
from django.urls import reverse, reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods, require_POST

from roer.accounts import activation, selectors, services
from roer.accounts.access import is_verified, role_required
from roer.accounts.constants import (
    ACTIVATION_SESSION_SECONDS,
    PASSWORD_RESET_LINK_HOURS,
    STAFF_ROLES,
    Role,
    SecondFactorMethod,
)
from roer.accounts.forms import (
    AccountChoiceForm,
    ActivationCodeForm,
    AuthenticatorConfirmForm,
    OneTimeCodeForm,
    TenantPasswordResetForm,
    TwoFactorOffForm,
)
from roer.accounts.models import User
from roer.accounts.pending_sign_in import (
    pending_sign_in,
    pending_sign_in_clear,
    pending_sign_in_start,
)
from roer.accounts.qr import qr_svg
from roer.accounts.tokens import tenant_password_reset_token

# The backend a tenant's session is tied to after activation (see conf/settings.py AUTHENTICATION_BACKENDS).
TENANT_BACKEND = "roer.accounts.backends.EmailOrUsernameBackend"


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
@role_required(*STAFF_ROLES, Role.TENANT)
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
        "is_staff_member": user.requires_second_factor,
    }
    return render(request, "accounts/totp_setup.html", context)


# --- tenant activation with the code from the letter -------------------------------------------------

_ACTIVATION_SESSION_KEY = "roer_activation"


def _activation_messages() -> dict[activation.CheckOutcome, str]:
    phone = settings.CORPORATION_PHONE
    return {
        activation.CheckOutcome.NO_MATCH: _(
            "This code does not go with this postcode and house number. Check the letter and try again."
        ),
        activation.CheckOutcome.BLOCKED: _(
            "This code is blocked, because the postcode or house number was wrong too often. "
            "Call us on %(phone)s and we will send you a new letter."
        )
        % {"phone": phone},
        activation.CheckOutcome.EXPIRED: _(
            "This code is no longer valid. Call us on %(phone)s and we will send you a new letter."
        )
        % {"phone": phone},
        activation.CheckOutcome.USED: _(
            "This code has been used already. Sign in with your e-mail address and password. "
            "Forgot your password? Ask for a new one."
        ),
    }


@sensitive_post_parameters("code")
@csrf_protect
@never_cache
@require_http_methods(["GET", "POST"])
def activate_view(request: HttpRequest) -> HttpResponse:
    """Step 1: the code from the letter with the postcode and house number of the home."""
    form = ActivationCodeForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        check = activation.activation_code_check(
            code=form.cleaned_data["code"],
            postcode=form.cleaned_data["postcode"],
            house_number=form.cleaned_data["house_number"],
        )
        if check.outcome is activation.CheckOutcome.OK:
            request.session[_ACTIVATION_SESSION_KEY] = {"code_id": check.code_id, "at": time.time()}
            return redirect("accounts:activate-account")
        form.add_error(None, _activation_messages()[check.outcome])
    return render(request, "accounts/activate.html", {"form": form, "phone": settings.CORPORATION_PHONE})


def _activation_in_progress(request: HttpRequest) -> int | None:
    data = request.session.get(_ACTIVATION_SESSION_KEY)
    if not data or time.time() - data.get("at", 0) > ACTIVATION_SESSION_SECONDS:
        request.session.pop(_ACTIVATION_SESSION_KEY, None)
        return None
    code_id = int(data["code_id"])
    return code_id if activation.activation_code_still_usable(code_id) else None


@sensitive_post_parameters("password1", "password2")
@csrf_protect
@never_cache
@require_http_methods(["GET", "POST"])
def activate_account_view(request: HttpRequest) -> HttpResponse:
    """Step 2: the e-mail address and password; then the tenant is signed in."""
    code_id = _activation_in_progress(request)
    if code_id is None:
        messages.info(request, _("Start with the code from the letter."))
        return redirect("accounts:activate")
    form = AccountChoiceForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            user = activation.tenant_account_activate(
                code_id=code_id, email=form.cleaned_data["email"], password=form.cleaned_data["password1"]
            )
        except activation.ActivationRefused:
            request.session.pop(_ACTIVATION_SESSION_KEY, None)
            messages.error(request, _activation_messages()[activation.CheckOutcome.USED])
            return redirect("accounts:activate")
        except activation.EmailInUse:
            form.add_error(
                "email", _("This e-mail address is already used for an account. Choose another address.")
            )
            return render(request, "accounts/activate_account.html", {"form": form})
        request.session.pop(_ACTIVATION_SESSION_KEY, None)
        auth_login(request, user, backend=TENANT_BACKEND)
        services.sign_in_record(user=user, method=SecondFactorMethod.NONE)
        messages.success(
            request, _("Your account is ready. From now on, sign in with your e-mail address and password.")
        )
        return redirect(settings.LOGIN_REDIRECT_URL)
    return render(request, "accounts/activate_account.html", {"form": form})


# --- password reset by e-mail (tenants) --------------------------------------------------------------


class TenantPasswordResetView(auth_views.PasswordResetView):
    form_class = TenantPasswordResetForm
    template_name = "accounts/password_reset_form.html"
    success_url = reverse_lazy("accounts:password-reset-done")

    def form_valid(self, form: TenantPasswordResetForm) -> HttpResponse:  # type: ignore[override]
        request = self.request
        services.password_reset_request(
            users=selectors.tenant_users_for_password_reset(form.cleaned_data["email"]),
            base_url=f"{request.scheme}://{request.get_host()}",
            reset_path_for=lambda uid, token: reverse("accounts:password-reset-confirm", args=[uid, token]),
        )
        return HttpResponseRedirect(self.get_success_url())


class TenantPasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "accounts/password_reset_done.html"
    extra_context = {"hours": PASSWORD_RESET_LINK_HOURS, "phone": settings.CORPORATION_PHONE}


class TenantPasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "accounts/password_reset_confirm.html"
    token_generator = tenant_password_reset_token
    success_url = reverse_lazy("accounts:password-reset-complete")

    def form_valid(self, form: SetPasswordForm) -> HttpResponse:
        services.password_reset_complete(user=form.user, password=form.cleaned_data["new_password1"])
        del self.request.session[auth_views.INTERNAL_RESET_SESSION_TOKEN]
        return HttpResponseRedirect(self.get_success_url())


class TenantPasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "accounts/password_reset_complete.html"


# --- optional two-factor for tenants ------------------------------------------------------------------


@sensitive_post_parameters("password")
@never_cache
@require_http_methods(["GET", "POST"])
@role_required(Role.TENANT)
def two_factor_view(request: HttpRequest) -> HttpResponse:
    """A tenant's own choice: sign in with a code from an authenticator app as well, or not."""
    user = request.user
    assert isinstance(user, User)
    form = TwoFactorOffForm(request.POST if request.method == "POST" else None, user=user)
    if request.method == "POST" and not user.requires_second_factor and form.is_valid():
        services.tenant_second_factor_remove(user=user)
        messages.success(request, _("Two-step sign-in is off. You sign in with your password only."))
        return redirect("accounts:two-factor")
    context = {
        "form": form,
        "enabled": selectors.tenant_has_authenticator(user),
        "required": user.requires_second_factor,
    }
    return render(request, "accounts/two_factor.html", context)
