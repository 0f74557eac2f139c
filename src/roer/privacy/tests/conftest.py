"""One person with something in every table that can hold their data, for the export and retention tests.

Their name, e-mail address, phone number and IBAN are distinctive, and appear in the free texts the way
real people's do (a repair description that says who to ask for, a payment's remittance information), so
a test can look for them in every text column afterwards.
"""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass
from decimal import Decimal
from typing import cast

import pytest
from django.core.files.base import ContentFile
from django.utils import timezone
from PIL import Image

from roer.accounts.constants import Role
from roer.accounts.models import User
from roer.accounts.tests.factories import UserFactory
from roer.answers.constants import KEY as ANSWERS_KEY
from roer.answers.models import AnswerFeedback
from roer.answers.tests.factories import CallbackRequestFactory
from roer.arrears.constants import ArrangementStatus, LetterKind, RecipientRole
from roer.arrears.letters import KEY as LETTERS_KEY
from roer.arrears.models import Arrangement, Episode, Letter
from roer.casework.tests.factories import CaseFactory, CaseNoteFactory, ContactMomentFactory
from roer.core import journal, rules
from roer.core.constants import Channel
from roer.core.models import Hold
from roer.ledger.constants import BankEntryStatus, EntryKind, EntrySource, PaymentChannel, StatementFormat
from roer.ledger.models import BankEntry, BankStatement, LedgerEntry
from roer.repairs.constants import IntakeChannel, SatisfactionChannel
from roer.repairs.models import RepairPhoto, RepairRequest, SatisfactionResponse, TenantMessage
from roer.repairs.tests.factories import RepairRequestFactory, WorkOrderFactory
from roer.tenancies.models import Person, Tenancy
from roer.tenancies.tests.factories import PersonFactory, TenancyFactory, TenancyPartyFactory, valid_iban

NAME = "Wilhelmina Zonnebloem-Privacytest"
EMAIL = "w.zonnebloem.privacytest@example.nl"
PHONE = "0687654321"
IBAN = valid_iban(9191)
HEALTH_TEXT = "Zonnebloem-privacytest ligt in het ziekenhuis."
GENERAL_TEXT = "Huisbezoek bij Wilhelmina Zonnebloem-Privacytest afgesproken."


@dataclass
class Household:
    person: Person
    user: User
    tenancy: Tenancy
    repair: RepairRequest
    letter: Letter


def _png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (4, 3), "red").save(buffer, format="PNG")
    return buffer.getvalue()


def build_household(
    *,
    end_date: dt.date | None,
    debt: Decimal = Decimal("0.00"),
    name: str = NAME,
    email: str = EMAIL,
    iban: str = IBAN,
) -> Household:
    NAME, EMAIL, IBAN = name, email, iban  # the same words, for another person
    user = cast(User, UserFactory(roles=[Role.TENANT], username=EMAIL, email=EMAIL, first_name="Wilhelmina"))
    person = cast(Person, PersonFactory(name=NAME, email=EMAIL, phone=PHONE, user=user))
    tenancy = cast(
        Tenancy,
        TenancyFactory(
            start_date=dt.date(2010, 1, 1),
            end_date=end_date,
            iban=IBAN,
            account_holder=NAME,
            tenant=None,
        ),
    )
    TenancyPartyFactory(tenancy=tenancy, person=person)
    staff = cast(User, UserFactory(roles=[Role.SOCIAL_MANAGER]))

    charged = Decimal("700.00")
    LedgerEntry.objects.create(
        tenancy=tenancy,
        date=dt.date(2015, 1, 1),
        kind=EntryKind.CHARGE,
        amount=charged,
        period=dt.date(2015, 1, 1),
        source=EntrySource.ROER,
    )
    statement = BankStatement.objects.create(
        file_name="x.xml", file_sha256="p" * 64, format=StatementFormat.CAMT053
    )
    bank = BankEntry.objects.create(
        statement=statement,
        dedupe_key=f"privacy-{tenancy.pk}",
        booking_date=dt.date(2015, 1, 2),
        amount=charged - debt,
        counterparty_name=NAME,
        counterparty_iban=IBAN,
        remittance_info=f"huur januari {NAME}",
        status=BankEntryStatus.MATCHED,
        tenancy=tenancy,
    )
    LedgerEntry.objects.create(
        tenancy=tenancy,
        date=dt.date(2015, 1, 2),
        kind=EntryKind.PAYMENT,
        amount=-(charged - debt),
        method=PaymentChannel.TRANSFER,
        reference=f"huur januari {NAME}",
        source=EntrySource.ROER,
        bank_entry=bank,
    )

    episode = Episode.objects.create(
        tenancy=tenancy, opened_on=dt.date(2014, 3, 1), closed_on=dt.date(2014, 4, 1)
    )
    letter = Letter(
        tenancy=tenancy,
        episode=episode,
        kind=LetterKind.REMINDER,
        letter_date=dt.date(2014, 3, 10),
        channel=Channel.LETTER,
        recipient_role=RecipientRole.TENANT,
        recipient_name=NAME,
        recipient_address="Lange Nieuwstraat 1\n3512 PK Utrecht",
        recipient_email=EMAIL,
        rule_version=rules.live_version(LETTERS_KEY),
        arrears=Decimal("700.00"),
        idempotency_key=f"privacy-letter-{tenancy.pk}",
        html=f"<p>Beste {NAME},</p>",
    )
    letter.pdf.save("privacy.pdf", ContentFile(b"%PDF-1.4 " + NAME.encode()), save=False)
    letter.save()
    Arrangement.objects.create(
        tenancy=tenancy,
        episode=episode,
        status=ArrangementStatus.ENDED,
        amount=Decimal("700.00"),
        start_date=dt.date(2014, 3, 15),
        proposed_at=timezone.now(),
        decision_note=f"Akkoord, {NAME} belt zelf.",
    )

    case = CaseFactory(
        tenancy=tenancy, closed=True, reasons=[f"Gesprek met {NAME}"], outcome_note=GENERAL_TEXT
    )
    CaseNoteFactory(case=case, author=staff, text=GENERAL_TEXT)
    CaseNoteFactory(case=case, author=staff, health=True, text=HEALTH_TEXT)
    ContactMomentFactory(tenancy=tenancy, case=case, by=staff, summary=f"{NAME} gebeld op {PHONE}.")

    repair = cast(
        RepairRequest,
        RepairRequestFactory(tenancy=tenancy, done=True, description=f"Vraag naar {NAME}, {PHONE}"),
    )
    RepairPhoto.objects.create(request=repair, image=ContentFile(_png(), name="tenant-own-name.png"))
    order = WorkOrderFactory(request=repair, remark=f"{NAME} was thuis.")
    TenantMessage.objects.create(
        request=repair, text=f"Beste {NAME}, de monteur komt dinsdag.", sent_by=staff
    )
    SatisfactionResponse.objects.create(
        request=repair,
        grade=8,
        fixed=True,
        comment=f"Prima, groet {NAME}",
        channel=SatisfactionChannel.PORTAL,
        problem_id=repair.problem_id,
        trade=repair.trade,
        contractor=order.contractor,
        wizard_version=repair.wizard_version,
        intake_channel=IntakeChannel.PORTAL,
    )
    CallbackRequestFactory(tenancy=tenancy, user=user, phone=PHONE, note=f"Bel {NAME} na tienen")
    AnswerFeedback.objects.create(
        answer_id="housing-allowance",
        rule_version=rules.live_version(ANSWERS_KEY),
        helped=False,
        tenancy=tenancy,
        user=user,
        comment=f"{EMAIL} wil meer weten",
        idempotency_key=f"privacy-{tenancy.pk}",
    )
    Hold.objects.create(
        subject_kind="tenancies.tenancy", subject_id=str(tenancy.pk), reason=f"{NAME} is ziek", held_by=staff
    )
    journal.record(
        activity="repair_submitted", subjects=[repair, tenancy], actor=user, channel=Channel.PORTAL
    )
    return Household(person=person, user=user, tenancy=tenancy, repair=repair, letter=letter)


@pytest.fixture(autouse=True)
def media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def household(db) -> Household:
    return build_household(end_date=None)


@pytest.fixture
def social_manager(db) -> User:
    return cast(User, UserFactory(roles=[Role.SOCIAL_MANAGER]))
