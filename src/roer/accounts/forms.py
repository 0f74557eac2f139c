from typing import Any

from django import forms
from django.contrib.auth import password_validation
from django.contrib.auth.forms import PasswordResetForm
from django.utils.translation import gettext_lazy as _

from roer.accounts import activation
from roer.accounts.models import User


class OneTimeCodeForm(forms.Form):
    code = forms.CharField(
        label=_("Code"),
        max_length=32,
        help_text=_("Six digits from your authenticator app, or one of your backup codes."),
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "autocapitalize": "none",
                "spellcheck": "false",
                "aria-describedby": "code-help",
            }
        ),
    )


class AuthenticatorConfirmForm(forms.Form):
    code = forms.CharField(
        label=_("Code from your authenticator app"),
        max_length=8,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )


class ActivationCodeForm(forms.Form):
    """Step 1 of activation: the code from the letter, and the address it was sent to."""

    code = forms.CharField(
        label=_("Activation code"),
        max_length=20,
        help_text=_("The code from our letter, for example ABCD-EFGH-JKMN."),
        widget=forms.TextInput(
            attrs={
                "autocomplete": "off",
                "autocapitalize": "characters",
                "spellcheck": "false",
            }
        ),
    )
    postcode = forms.CharField(
        label=_("Postcode"),
        max_length=10,
        help_text=_("The postcode of your home, for example 1234 AB."),
        widget=forms.TextInput(
            attrs={
                "autocomplete": "postal-code",
                "autocapitalize": "characters",
            }
        ),
    )
    house_number = forms.CharField(
        label=_("House number"),
        max_length=20,
        help_text=_("With an addition if you have one, for example 12 A."),
        widget=forms.TextInput(
            attrs={
                "autocomplete": "off",
            }
        ),
    )


class AccountChoiceForm(forms.Form):
    """Step 2 of activation: the e-mail address and password the tenant signs in with from now on."""

    email = forms.EmailField(
        label=_("E-mail address"),
        max_length=150,
        help_text=_("You sign in with this address. We also send a link here if you forget your password."),
        widget=forms.EmailInput(
            attrs={
                "autocomplete": "email",
            }
        ),
    )
    password1 = forms.CharField(
        label=_("Password"),
        strip=False,
        help_text=_("At least 10 characters. Not a password that is easy to guess."),
        widget=forms.PasswordInput(
            attrs={
                "autocomplete": "new-password",
            }
        ),
    )
    password2 = forms.CharField(
        label=_("Password again"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean_email(self) -> str:
        email: str = self.cleaned_data["email"].strip()
        if activation.email_in_use(email):
            raise forms.ValidationError(
                _("This e-mail address is already used for an account. Choose another address."),
                code="email_in_use",
            )
        return email

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        password1, password2 = cleaned.get("password1"), cleaned.get("password2")
        if password1 and password2 and password1 != password2:
            self.add_error("password2", _("The two passwords are not the same."))
        elif password1:
            email = cleaned.get("email", "")
            try:
                password_validation.validate_password(password1, User(username=email, email=email))
            except forms.ValidationError as error:
                self.add_error("password1", error)
        return cleaned


class TenantPasswordResetForm(PasswordResetForm):
    email = forms.EmailField(
        label=_("E-mail address"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )


class TwoFactorOffForm(forms.Form):
    """Turning two-factor off asks for the password: a session left open is not enough."""

    password = forms.CharField(
        label=_("Your password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_password(self) -> str:
        password: str = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise forms.ValidationError(_("This password is not right."), code="wrong_password")
        return password
