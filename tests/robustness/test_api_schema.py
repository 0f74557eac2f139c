"""Schemathesis against the OpenAPI schema of /api/v1/: no input makes a 5xx, every answer matches the schema.

The schema is read from the running Django app over WSGI (no network). Each operation is fuzzed with a
bounded, derandomized number of examples: anonymously, with a contractor's token on random order codes,
and with the token on the contractor's own order, so that the actions reach the services too.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from django.test import override_settings
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.generation.case import Case
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from roer.repairs.contractor_tokens import contractor_token_issue
from roer.repairs.models import WorkOrder
from roer.repairs.tests.factories import ContractorFactory, WorkOrderFactory

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
# Examples per operation: enough to find what breaks, few enough for `make test` (each call reaches the
# database through the whole Django stack).
BOUNDED = settings(
    max_examples=25,
    derandomize=True,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
FEWER = settings(BOUNDED, max_examples=15)


def _load_schema() -> Any:
    """The schema as /api/v1/schema/ serves it; the schema view reads no database."""
    with override_settings(ALLOWED_HOSTS=["*"], LANGUAGE_CODE="en", SECURE_SSL_REDIRECT=False):
        return schemathesis.openapi.from_wsgi("/api/v1/schema/", get_wsgi_application())


schema = _load_schema()
pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english_on_any_host(settings: Any) -> None:
    settings.ALLOWED_HOSTS = ["*"]
    settings.LANGUAGE_CODE = "en"


@pytest.fixture(autouse=True)
def connection_kept_between_requests() -> Iterator[None]:
    """Schemathesis calls the WSGI app itself, which closes the database connection after each request (and
    with it the test's transaction, on PostgreSQL). Django's own test client keeps it open the same way."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def contractor_order() -> tuple[str, WorkOrder]:
    contractor = ContractorFactory(key="fuzz-x", name="Fuzz X", trades=["CVI"])
    token = contractor_token_issue(contractor=contractor)
    return token, WorkOrderFactory(contractor=contractor)


@schema.parametrize()
@BOUNDED
def test_anonymous(case: Case) -> None:
    case.call_and_validate(checks=CHECKS)


@schema.include(path_regex="onderhoudsorders").parametrize()  # the public resource is the anonymous test's
@FEWER
def test_contractor_on_any_code(case: Case, contractor_order: tuple[str, WorkOrder]) -> None:
    token, _order = contractor_order
    case.call_and_validate(headers={"Authorization": f"Token {token}"}, checks=CHECKS)


@schema.include(path_regex="{code}").parametrize()
@FEWER
def test_contractor_on_own_order(case: Case, contractor_order: tuple[str, WorkOrder]) -> None:
    token, order = contractor_order
    case.path_parameters = {**(case.path_parameters or {}), "code": order.code}
    case.call_and_validate(headers={"Authorization": f"Token {token}"}, checks=CHECKS)
