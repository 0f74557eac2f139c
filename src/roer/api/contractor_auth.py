"""Contractors authenticate to the API with their own token: `Authorization: Token <token>` (or `Bearer`).

`request.auth` is the Contractor; `request.user` is the contractor's own account when it has an active one
with the contractor role, else a `ContractorActor` that stands for the contractor. A wrong token, or the
token of an inactive contractor or a disabled account, is a 401. The scheme is declared in the OpenAPI
schema as `contractorToken`.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.openapi import AutoSchema
from rest_framework.authentication import BaseAuthentication, get_authorization_header
from rest_framework.exceptions import AuthenticationFailed
from rest_framework.permissions import BasePermission
from rest_framework.request import Request
from rest_framework.views import APIView

from roer.repairs.contractor_tokens import contractor_actor, contractor_for_token
from roer.repairs.models import Contractor

KEYWORDS = (b"token", b"bearer")


class ContractorTokenAuthentication(BaseAuthentication):
    keyword = "Token"

    def authenticate(self, request: Request) -> tuple[Any, Contractor] | None:
        parts = get_authorization_header(request).split()
        if not parts or parts[0].lower() not in KEYWORDS:
            return None  # not ours: no credentials, so the permission answers 401
        if len(parts) != 2:
            raise AuthenticationFailed(_("Send the token as: Authorization: Token <token>."))
        try:
            token = parts[1].decode("ascii")
        except UnicodeDecodeError:
            raise AuthenticationFailed(_("This token is not valid.")) from None
        contractor = contractor_for_token(token)
        if contractor is None:
            raise AuthenticationFailed(_("This token is not valid."))
        if not contractor.active:
            raise AuthenticationFailed(_("This contractor is not active."))
        if contractor.user is not None and not contractor.user.is_active:
            raise AuthenticationFailed(_("This contractor's account is disabled."))
        return contractor_actor(contractor), contractor

    def authenticate_header(self, request: Request) -> str:
        # Present, so that a request without credentials gets 401 (not 403) with WWW-Authenticate.
        return f'{self.keyword} realm="api"'


class IsContractor(BasePermission):
    """Only a request that came in with a contractor's token."""

    def has_permission(self, request: Request, view: APIView) -> bool:
        return isinstance(request.auth, Contractor) and request.auth.active


class ContractorTokenScheme(OpenApiAuthenticationExtension):
    target_class = "roer.api.contractor_auth.ContractorTokenAuthentication"
    name = "contractorToken"

    def get_security_definition(self, auto_schema: AutoSchema) -> dict[str, Any]:
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": (
                "A contractor's own token, issued with `roer contractor_token KEY`: "
                "`Authorization: Token <token>` (or `Bearer <token>`)."
            ),
        }
