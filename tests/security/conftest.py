"""One world for the authorization matrix, built once per test module inside a transaction rolled back at the
end: two tenants, two contractors, one signed-in session per staff role (with a verified second factor), and
tenant A's objects that everybody else tries to reach.

Each test still runs in its own savepoint (`db`), so whatever a request writes is undone before the next.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, cast

import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.test import Client, override_settings
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticDevice

from roer.accounts.constants import Role
from roer.accounts.models import User
from roer.accounts.services import staff_second_factor_add
from roer.accounts.tests.factories import UserFactory
from roer.accounts.tests.helpers import sign_in_verified
from roer.answers.tests.factories import CallbackRequestFactory
from roer.arrears.constants import ArrangementStatus, LetterKind, RecipientRole
from roer.arrears.letters import KEY as LETTERS_KEY
from roer.arrears.models import Arrangement, Letter
from roer.casework.models import Case, CaseNote
from roer.casework.tests.factories import CaseFactory, CaseNoteFactory
from roer.core import rules
from roer.core.constants import Channel
from roer.ledger.constants import BankEntryStatus, StatementFormat
from roer.ledger.models import BankEntry, BankStatement
from roer.repairs.contractor_tokens import contractor_token_issue
from roer.repairs.models import Contractor, RepairRequest, WorkOrder
from roer.repairs.routing import KEY as ROUTING_KEY
from roer.repairs.tests.factories import ContractorFactory, RepairRequestFactory, WorkOrderFactory
from roer.tenancies.models import Tenancy
from roer.tenancies.tests.factories import TenancyFactory

# Who asks. "Token" roles send a contractor's API token and no session; `staff_unverified` is a social
# manager signed in with the password only (the second factor not given yet).
STAFF = (
    "social_manager",
    "collections_officer",
    "finance_officer",
    "customer_service",
    "process_supervisor",
    "administrator",
)
ROLES = (
    "anonymous",
    "tenant_a",
    "tenant_b",
    *STAFF,
    "staff_unverified",
    "contractor_x",
    "contractor_y",
    "token_x",
    "token_y",
)

# Words that appear only in the special-category note: the case page must show them to social managers only.
HEALTH_NOTE_TEXT = "Matrix-health-note: opgenomen in het ziekenhuis."
GENERAL_NOTE_TEXT = "Matrix-general-note: huisbezoek afgesproken."


@dataclass
class World:
    users: dict[str, User] = field(default_factory=dict)
    sessions: dict[str, str] = field(default_factory=dict)  # role -> session key
    tokens: dict[str, str] = field(default_factory=dict)  # "token_x" -> the API token
    tenancy_a: Tenancy | None = None
    tenancy_b: Tenancy | None = None
    repair_a: RepairRequest | None = None
    repair_b: RepairRequest | None = None
    order_a: WorkOrder | None = None  # contractor X's order on tenant A's repair
    order_b: WorkOrder | None = None  # contractor Y's order on tenant B's repair
    contractor_x: Contractor | None = None
    contractor_y: Contractor | None = None
    letter_a: Letter | None = None
    arrangement_a: Arrangement | None = None
    callback_a: Any = None
    case_a: Case | None = None
    health_note: CaseNote | None = None
    bank_entry: BankEntry | None = None

    def client(self, role: str) -> Client:
        """A fresh client as `role`: the session cookie of the world's signed-in session, or a token."""
        if role.startswith("token_"):
            return Client(HTTP_AUTHORIZATION=f"Token {self.tokens[role]}")
        client = Client()
        if role in self.sessions:
            client.cookies[settings.SESSION_COOKIE_NAME] = self.sessions[role]
        return client


def _tenant_of(tenancy: Tenancy) -> User:
    user = cast(User, UserFactory(roles=[Role.TENANT]))
    person = tenancy.parties.get().person
    person.user = user
    person.save(update_fields=["user"])
    return user


def _session(user: User, *, verified: bool) -> str:
    client = Client()
    if verified:
        sign_in_verified(client, user, StaticDevice.objects.get(user=user))
    else:
        client.force_login(user)
    return client.cookies[settings.SESSION_COOKIE_NAME].value


def build_world() -> World:
    w = World()
    w.tenancy_a = tenancy_a = cast(Tenancy, TenancyFactory())
    w.tenancy_b = cast(Tenancy, TenancyFactory())
    w.users["tenant_a"] = _tenant_of(w.tenancy_a)
    w.users["tenant_b"] = _tenant_of(w.tenancy_b)

    for role in STAFF:
        # The administrator may enter the Django admin: is_staff, as `roer createsuperuser`-made accounts are.
        user = cast(User, UserFactory(roles=[role], is_staff=role == Role.ADMINISTRATOR))
        staff_second_factor_add(user=user)
        w.users[role] = user
    unverified = cast(User, UserFactory(roles=[Role.SOCIAL_MANAGER]))
    staff_second_factor_add(user=unverified)
    w.users["staff_unverified"] = unverified

    for suffix in ("x", "y"):
        user = cast(User, UserFactory(roles=[Role.CONTRACTOR]))
        contractor = cast(
            Contractor,
            ContractorFactory(
                key=f"matrix-{suffix}", name=f"Matrix {suffix.upper()}", trades=["CVI"], user=user
            ),
        )
        w.users[f"contractor_{suffix}"] = user
        w.tokens[f"token_{suffix}"] = contractor_token_issue(contractor=contractor)
        setattr(w, f"contractor_{suffix}", contractor)

    for role, user in w.users.items():
        w.sessions[role] = _session(user, verified=user.requires_second_factor and role != "staff_unverified")

    # Tenant A's repair, ordered at contractor X; tenant B has a repair of their own (contractor Y).
    w.repair_a = cast(RepairRequest, RepairRequestFactory(tenancy=w.tenancy_a, in_progress=True))
    w.order_a = cast(WorkOrder, WorkOrderFactory(request=w.repair_a, contractor=w.contractor_x))
    w.repair_b = cast(RepairRequest, RepairRequestFactory(tenancy=w.tenancy_b, in_progress=True))
    w.order_b = cast(WorkOrder, WorkOrderFactory(request=w.repair_b, contractor=w.contractor_y))

    letter = Letter(
        tenancy=tenancy_a,
        kind=LetterKind.REMINDER,
        letter_date=dt.date(2026, 3, 10),
        channel=Channel.LETTER,
        recipient_role=RecipientRole.TENANT,
        recipient_name="Huurder A",
        recipient_address="Lange Nieuwstraat 1\n3512 PK Utrecht",
        rule_version=rules.live_version(LETTERS_KEY),
        arrears=Decimal("700.00"),
        idempotency_key="matrix-letter-a",
    )
    letter.pdf.save("matrix-a.pdf", ContentFile(b"%PDF-1.4 matrix"), save=False)
    letter.save()
    w.letter_a = letter

    w.arrangement_a = Arrangement.objects.create(
        tenancy=tenancy_a,
        status=ArrangementStatus.REQUESTED,
        amount=Decimal("700.00"),
        start_date=dt.date(2026, 4, 1),
        proposed_by=w.users["tenant_a"],
        proposed_at=timezone.now(),
    )
    w.callback_a = CallbackRequestFactory(tenancy=w.tenancy_a, user=w.users["tenant_a"])

    w.case_a = cast(Case, CaseFactory(tenancy=w.tenancy_a))
    CaseNoteFactory(case=w.case_a, text=GENERAL_NOTE_TEXT)
    w.health_note = cast(CaseNote, CaseNoteFactory(case=w.case_a, health=True, text=HEALTH_NOTE_TEXT))

    statement = BankStatement.objects.create(
        file_name="matrix.xml", file_sha256="m" * 64, format=StatementFormat.CAMT053
    )
    w.bank_entry = BankEntry.objects.create(
        statement=statement,
        dedupe_key="matrix-1",
        bank_reference="MATRIX-1",
        booking_date=dt.date(2026, 10, 2),
        amount=Decimal("750.00"),
        counterparty_name="J. Jansen",
        counterparty_iban="NL91ABNA0417164300",
        remittance_info="huur oktober",
        status=BankEntryStatus.UNMATCHED,
        flags=[],
    )
    assert rules.live_version(ROUTING_KEY) is not None
    return w


@pytest.fixture(scope="module")
def world(
    django_db_setup: None, django_db_blocker: Any, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[World]:
    """Built once per module; the outer transaction is rolled back afterwards, so nothing stays behind."""
    media = override_settings(
        MEDIA_ROOT=str(tmp_path_factory.mktemp("matrix-media")),
        PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
        SECURE_SSL_REDIRECT=False,
        LANGUAGE_CODE="en",
    )
    media.enable()
    try:
        with django_db_blocker.unblock():
            atomic = transaction.atomic()
            atomic.__enter__()
            try:
                yield build_world()
            finally:
                transaction.set_rollback(True)
                atomic.__exit__(None, None, None)
    finally:
        media.disable()


@pytest.fixture
def w(world: World, db: None) -> World:
    """The world, inside this test's own savepoint."""
    return world
