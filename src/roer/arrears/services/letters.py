"""Letters about payment: who gets one, the text from the `collections-letters` rule set, the PDF, the
register (one `Letter` row per recipient), e-mail, and the day's print batch.

Letters about payment go to the financial administrator where one is appointed (with a copy to the
tenant), and to each co-tenant (DOMAIN.md). A recipient with an e-mail address gets the letter by e-mail
(channel EMA); everyone else by post (BRI), and the day's posted letters come out as one print batch.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import structlog
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.mail import EmailMessage
from django.db import transaction
from django.utils import translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from roer.arrears.constants import LetterKind, RecipientRole
from roer.arrears.documents.render import (
    document_html,
    letter_fragment,
    pdf_from_html,
    pdf_merge,
    pdfs_from_html,
)
from roer.arrears.letters import LetterText, letter_text
from roer.arrears.models import Episode, Letter, PrintBatch
from roer.arrears.selectors import Party, letters_to_post, stopped_letter_ids
from roer.core import helm, journal
from roer.core.constants import Channel
from roer.core.models import Hold, RuleVersion
from roer.core.money import ZERO, format_euros
from roer.core.outbox import mail_enqueue
from roer.tenancies.constants import PartyRole
from roer.tenancies.models import Tenancy

logger = structlog.get_logger(__name__)

OBJECTION_DAYS = 14  # the tenant may object to the early-warning signal within this many days


@dataclass(frozen=True)
class Recipient:
    role: str  # RecipientRole
    key: str  # stable within the tenancy: the person's id, or "administrator"
    name: str
    address_lines: tuple[str, ...]
    email: str = ""

    @property
    def address(self) -> str:
        return "\n".join(self.address_lines)


@dataclass(frozen=True)
class LetterFacts:
    """What a letter states besides its text: the amounts and the deadline it prints."""

    arrears: Decimal
    costs: Decimal = ZERO
    costs_waived: bool = False
    deadline: dt.date | None = None
    vat_on_costs: bool = False
    with_early_warning_offer: bool = False
    extra_values: Mapping[str, str] = field(default_factory=dict)


def long_date(day: dt.date) -> str:
    with translation.override("nl"):
        return date_format(day, "j F Y")


def recipients_for(*, tenancy: Tenancy, parties: Sequence[Party], day: dt.date) -> list[Recipient]:
    """The administrator where one is appointed (the main tenant then gets a copy), and each co-tenant.
    Nobody who has died gets a letter."""
    dwelling = tenancy.dwelling
    home = (f"{dwelling.street} {dwelling.house_number}", f"{dwelling.postcode}  {dwelling.city.upper()}")
    living = [p for p in parties if p.died_on is None or p.died_on > day]
    found: list[Recipient] = []
    if tenancy.administrator_name.strip():
        lines = tuple(line.strip() for line in tenancy.administrator_address.splitlines() if line.strip())
        if len(lines) == 1 and "," in lines[0]:
            lines = tuple(part.strip() for part in lines[0].split(",") if part.strip())
        found.append(
            Recipient(
                role=RecipientRole.ADMINISTRATOR,
                key="administrator",
                name=tenancy.administrator_name.strip(),
                address_lines=lines or home,
            )
        )
    for party in living:
        role = RecipientRole.TENANT if party.role == PartyRole.TENANT else RecipientRole.CO_TENANT
        found.append(
            Recipient(
                role=role, key=str(party.person_id), name=party.name, address_lines=home, email=party.email
            )
        )
    return found


def _paragraphs(body: str) -> list[str]:
    return [part.strip() for part in body.replace("\r\n", "\n").split("\n\n") if part.strip()]


def _values(
    *, tenancy: Tenancy, recipient: Recipient, facts: LetterFacts, letter_date: dt.date
) -> dict[str, str]:
    costs_text = format_euros(facts.costs)
    if facts.costs_waived or facts.costs <= 0:
        costs_text = "€ 0,00 (deze keer rekenen wij geen incassokosten)"
    vat_note = (
        " Dit bedrag is inclusief 21% btw, want wij kunnen de btw niet aftrekken."
        if facts.vat_on_costs
        else ""
    )
    return {
        "tenant": recipient.name,
        "reference": tenancy.reference,
        "arrears": format_euros(facts.arrears),
        "costs": costs_text,
        "total": format_euros(facts.arrears + facts.costs),
        "deadline": long_date(facts.deadline) if facts.deadline else "",
        "vat_note": vat_note,
        "sender": f"Team Huurzaken\n{settings.CORPORATION_NAME}",
        "phone": settings.CORPORATION_PHONE,
        "office_hours": settings.CORPORATION_OFFICE_HOURS,
        "iban": settings.CREDITOR_IBAN,
        "payment_reference": tenancy.payment_reference or tenancy.reference,
        "objection_deadline": long_date(letter_date + dt.timedelta(days=OBJECTION_DAYS)),
        **facts.extra_values,
    }


def letter_context(
    *,
    tenancy: Tenancy,
    recipient: Recipient,
    recipients: Sequence[Recipient],
    text: LetterText,
    offer: LetterText | None,
    facts: LetterFacts,
    letter_date: dt.date,
) -> tuple[dict[str, Any], str, str]:
    """The template context, and the subject and plain-text body (for the e-mail)."""
    values = _values(tenancy=tenancy, recipient=recipient, facts=facts, letter_date=letter_date)
    subject, body = text.fill(values)
    context: dict[str, Any] = {
        "kind": text.kind,
        "corporation": settings.CORPORATION_NAME,
        "phone": values["phone"],
        "office_hours": values["office_hours"],
        "iban": values["iban"],
        "recipient": recipient,
        "letter_date": long_date(letter_date),
        "reference": tenancy.reference,
        "dwelling": f"{tenancy.dwelling.street} {tenancy.dwelling.house_number}, {tenancy.dwelling.city}",
        "tenants": [r.name for r in recipients if r.role != RecipientRole.ADMINISTRATOR],
        "subject": subject,
        "paragraphs": _paragraphs(body),
        "copy_of_administrator": next(
            (r.name for r in recipients if r.role == RecipientRole.ADMINISTRATOR), ""
        )
        if recipient.role == RecipientRole.TENANT
        else "",
        "summary": {
            "arrears": values["arrears"],
            "costs": values["costs"],
            "deadline": values["deadline"],
        }
        if text.kind == LetterKind.FINAL_NOTICE
        else None,
        "offer": None,
    }
    if offer is not None:
        offer_subject, offer_body = offer.fill(values)
        context["offer"] = {"subject": offer_subject, "paragraphs": _paragraphs(offer_body)}
        body = f"{body}\n\n{offer_subject}\n\n{offer_body}"
    return context, subject, body


def idempotency_key(
    *, episode: Episode | None, tenancy: Tenancy, kind: str, recipient: Recipient, day: dt.date
) -> str:
    """One letter of a kind per recipient per episode (or per day, outside an episode)."""
    scope = f"e{episode.pk}" if episode is not None else f"t{tenancy.pk}-{day:%Y%m%d}"
    return f"{kind}:{scope}:{recipient.key}"


def carries_early_warning_offer(*, version: RuleVersion, route: str, kind: str) -> bool:
    """Whether the letter's own text (in these texts) offers to pass the data to the municipality unless the
    tenant objects, and points to the municipality's free debt help: the friendly personal message does.
    A reminder carries the separate offer letter instead (`LetterFacts.with_early_warning_offer`)."""
    return letter_text(version.document, route=route, kind=kind).carries_early_warning_offer


@dataclass
class _Unrendered:
    file_name: str
    subject: str
    body: str


@dataclass
class LettersToRender:
    """Letters made without their PDF yet, rendered together by `letters_render` on every core. The nightly
    run collects a batch's letters here: WeasyPrint lays out one letter in about a tenth of a second on
    one core, so a thousand letters one after the other would take minutes."""

    letters: dict[int, _Unrendered] = field(default_factory=dict)

    def __len__(self) -> int:
        return len(self.letters)


def letters_send(
    *,
    tenancy: Tenancy,
    episode: Episode | None,
    kind: str,
    route: str,
    letter_date: dt.date,
    recipients: Sequence[Recipient],
    facts: LetterFacts,
    version: RuleVersion,
    to_render: LettersToRender | None = None,
) -> list[Letter]:
    """Make, keep and send one letter per recipient. A letter already made (same idempotency key) is
    not made again. E-mail goes out after the transaction commits. With `to_render`, the PDF (and so the
    e-mail, which carries it) waits for `letters_render` in the same transaction."""
    document = version.document
    text = letter_text(document, route=route, kind=kind)
    offer = (
        letter_text(document, route=route, kind=LetterKind.EARLY_WARNING_OFFER)
        if facts.with_early_warning_offer
        else None
    )
    keys = {
        r.key: idempotency_key(episode=episode, tenancy=tenancy, kind=kind, recipient=r, day=letter_date)
        for r in recipients
    }
    made: list[Letter] = []
    with transaction.atomic():
        existing = set(
            Letter.objects.filter(idempotency_key__in=list(keys.values())).values_list(
                "idempotency_key", flat=True
            )
        )
        for recipient in recipients:
            key = keys[recipient.key]
            if key in existing:
                continue
            context, subject, body = letter_context(
                tenancy=tenancy,
                recipient=recipient,
                recipients=recipients,
                text=text,
                offer=offer,
                facts=facts,
                letter_date=letter_date,
            )
            fragment = letter_fragment(context)
            channel = Channel.EMAIL if recipient.email else Channel.LETTER
            letter = Letter(
                html=fragment,  # the escaped HTML as printed: the day's print batch is made from it
                tenancy=tenancy,
                episode=episode,
                kind=kind,
                letter_date=letter_date,
                channel=channel,
                recipient_role=recipient.role,
                recipient_name=recipient.name[:200],
                recipient_address=recipient.address,
                recipient_email=recipient.email,
                rule_version=version,
                arrears=facts.arrears,
                costs=facts.costs,
                deadline=facts.deadline,
                idempotency_key=key,
            )
            name = f"{letter_date:%Y%m%d}-{tenancy.reference}-{kind}-{recipient.role}-{recipient.key}.pdf"
            pdf = b""
            if to_render is None:
                pdf = pdf_from_html(document_html([fragment], title=subject))
                letter.pdf.save(name, ContentFile(pdf), save=False)
            letter.save()
            journal.record(
                activity="letter_sent",
                subjects=[tenancy, letter, *([episode] if episode is not None else [])],
                channel=channel,
                rule_versions=[version],
                facts={
                    "kind": kind,
                    "route": route,
                    "recipient_role": recipient.role,
                    "letter_date": letter_date,
                    "arrears": facts.arrears,
                    "costs": facts.costs,
                    "deadline": facts.deadline,
                },
            )
            if to_render is not None:
                to_render.letters[letter.pk] = _Unrendered(file_name=name, subject=subject, body=body)
            elif channel == Channel.EMAIL:
                _email(letter, subject, body, pdf)
            made.append(letter)
    logger.info("letters_sent", tenancy_id=tenancy.pk, kind=kind, count=len(made))
    return made


def letters_render(to_render: LettersToRender) -> int:
    """Render the collected letters' PDFs at once on every core, keep them, and queue the e-mailed ones.
    Call it in the transaction that made the letters: a letter undone since (its tenancy's savepoint rolled
    back) no longer exists and is skipped. Returns how many were rendered."""
    if not to_render.letters:
        return 0
    letters = list(Letter.objects.filter(pk__in=list(to_render.letters), pdf="").order_by("pk"))
    pending = [to_render.letters[letter.pk] for letter in letters]
    pdfs = pdfs_from_html(
        [document_html([letter.html], title=p.subject) for letter, p in zip(letters, pending, strict=True)]
    )
    for letter, unrendered, pdf in zip(letters, pending, pdfs, strict=True):
        letter.pdf.save(unrendered.file_name, ContentFile(pdf), save=False)
        Letter.objects.filter(pk=letter.pk).update(pdf=letter.pdf.name)
        if letter.channel == Channel.EMAIL:
            _email(letter, unrendered.subject, unrendered.body, pdf)
    to_render.letters.clear()
    logger.info("letters_rendered", count=len(letters))
    return len(letters)


def _email(letter: Letter, subject: str, body: str, pdf: bytes) -> None:
    """In the letter's transaction: the e-mail goes through the outbox, sent after the commit."""
    message = EmailMessage(
        subject=subject,
        body=body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[letter.recipient_email],
    )
    message.attach(f"{letter.kind}-{letter.letter_date:%Y-%m-%d}.pdf", pdf, "application/pdf")
    mail_enqueue(
        message,
        key=f"letter-email:{letter.idempotency_key}",
        on_sent="roer.arrears.services.letters.letter_emailed",
        on_sent_args={"letter_id": letter.pk},
    )


def letter_emailed(args: dict[str, Any], sent_at: dt.datetime) -> None:
    """The outbox sent the letter's e-mail (its `on_sent` hook): `emailed_at` and the journal say when."""
    letter = Letter.objects.get(pk=args["letter_id"])
    Letter.objects.filter(pk=letter.pk).update(emailed_at=sent_at)
    journal.record(activity="letter_emailed", subjects=[letter], channel=Channel.EMAIL, occurred_at=sent_at)
    logger.info("letter_emailed", letter_id=letter.pk)


def _letter_pdf(letter: Letter) -> bytes:
    if not letter.pdf:  # made in a transaction that never rendered it: render it now from its HTML
        return pdf_from_html(document_html([letter.html], title=f"{letter.kind} {letter.letter_date}"))
    with letter.pdf.open("rb") as handle:
        return handle.read()


def print_batch_build(*, day: dt.date) -> PrintBatch | None:
    """The day's posted letters in one PDF, the proof of sending: each letter's own PDF (made from its kept
    HTML) one after the other, so each keeps its own page numbers as its recipient gets it, and a batch of
    a thousand letters costs no second layout. Built again when letters were added later that day, so the
    batch always holds every posted letter of the day."""
    letters = letters_to_post(day)
    if not letters:
        return None
    with transaction.atomic():
        batch = PrintBatch.objects.select_for_update().filter(batch_date=day).first()
        pdf = pdf_merge([_letter_pdf(letter) for letter in letters])
        if batch is None:
            batch = PrintBatch(batch_date=day)
        elif batch.pdf:
            batch.pdf.delete(save=False)
        batch.pdf.save(f"printbatch-{day:%Y-%m-%d}.pdf", ContentFile(pdf), save=False)
        batch.save()
        Letter.objects.filter(pk__in=[letter.pk for letter in letters]).update(print_batch=batch)
        journal.record(
            activity="print_batch_made",
            subjects=[batch],
            channel=Channel.LETTER,
            facts={"batch_date": day, "letters": len(letters)},
        )
    logger.info("print_batch_made", day=str(day), letters=len(letters))
    return batch


# --- a person stops a letter ------------------------------------------------------------------------


class LetterStopRefused(ValueError):
    """The letter cannot be stopped; the message is for the person at the console."""


def letter_stop(*, letter: Letter, by: Any, reason: str) -> Hold:
    """Withdraw a posted letter that is not printed yet: it never goes into a print batch. The reason is free
    text, kept on the hold on the letter (never in the journal). A letter in a print batch has gone to the
    post, and an e-mailed letter goes out through the outbox as soon as it is made: both are refused."""
    reason = (reason or "").strip()
    if not reason:
        raise LetterStopRefused(_("Say why the letter is stopped."))
    with transaction.atomic():
        letter = Letter.objects.select_for_update().get(pk=letter.pk)
        if letter.channel != Channel.LETTER:
            raise LetterStopRefused(_("This letter is e-mailed as soon as it is made: it cannot be stopped."))
        if letter.print_batch_id is not None:
            raise LetterStopRefused(
                _(
                    "This letter is in the print batch of %(day)s: it has gone to the post and cannot be stopped."
                )
                % {"day": long_date(letter.letter_date)}
            )
        if stopped_letter_ids([letter.pk]):
            raise LetterStopRefused(_("This letter is stopped already."))
        hold = helm.hold_place(subject=letter, by=by, reason=reason)
        journal.record(
            activity="letter_stopped",
            subjects=[letter.tenancy, letter, *([letter.episode] if letter.episode is not None else [])],
            actor=by,
            channel=letter.channel,
            rule_versions=[letter.rule_version],
            facts={
                "kind": letter.kind,
                "letter_date": letter.letter_date,
                "recipient_role": letter.recipient_role,
            },
        )
    logger.info("letter_stopped", letter_id=letter.pk)
    return hold
