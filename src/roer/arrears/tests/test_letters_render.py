"""The nightly run's letters are laid out together at the end of each batch, on every core."""

from __future__ import annotations

import datetime as dt
import os
from decimal import Decimal

import pytest
from django.db import transaction

from roer.arrears import letters as letter_rules
from roer.arrears.constants import LetterKind, Route
from roer.arrears.documents import render
from roer.arrears.models import Letter
from roer.arrears.selectors import tenancy_files
from roer.arrears.services.letters import (
    LetterFacts,
    LettersToRender,
    letters_render,
    letters_send,
    recipients_for,
)
from roer.arrears.tests.factories import EpisodeFactory, media, tenancy_with_ledger
from roer.core.models import OutboxMessage
from roer.core.rules import live_version

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media")]

DAY = dt.date(2026, 10, 12)
__all__ = ["media"]  # the fixture


def _send(tenancy, to_render: LettersToRender) -> list[Letter]:
    file = tenancy_files(ids=[tenancy.pk], day=DAY, grace_days=5)[tenancy.pk]
    return letters_send(
        tenancy=tenancy,
        episode=EpisodeFactory(tenancy=tenancy),
        kind=LetterKind.REMINDER,
        route=Route.AUTOMATED,
        letter_date=DAY,
        recipients=recipients_for(tenancy=tenancy, parties=file.parties, day=DAY),
        facts=LetterFacts(arrears=Decimal("812.50")),
        version=live_version(letter_rules.KEY),
        to_render=to_render,
    )


def _tenancy(email: str = ""):
    return tenancy_with_ledger(start=dt.date(2025, 1, 1), until=dt.date(2026, 10, 1), email=email)


def test_letters_wait_for_their_pdf_and_the_email_for_the_pdf_then_get_both_at_once():
    to_render = LettersToRender()
    posted = _send(_tenancy(), to_render)
    emailed = _send(_tenancy(email="huurder@example.nl"), to_render)
    assert len(to_render) == 2
    assert not Letter.objects.get(pk=posted[0].pk).pdf
    assert not OutboxMessage.objects.exists()  # the e-mail carries the PDF: it waits too

    assert letters_render(to_render) == 2

    for letter in (*posted, *emailed):
        with Letter.objects.get(pk=letter.pk).pdf.open("rb") as handle:
            assert handle.read(5) == b"%PDF-"
    assert OutboxMessage.objects.count() == 1
    assert len(to_render) == 0 and letters_render(to_render) == 0


def test_a_letter_undone_with_its_tenancy_is_not_rendered():
    to_render = LettersToRender()
    kept = _send(_tenancy(), to_render)
    with pytest.raises(RuntimeError), transaction.atomic():  # a tenancy's savepoint in the run
        _send(_tenancy(), to_render)
        raise RuntimeError("this tenancy failed")
    assert len(to_render) == 2

    assert letters_render(to_render) == 1
    assert list(Letter.objects.values_list("pk", flat=True)) == [kept[0].pk]


@pytest.mark.skipif((os.cpu_count() or 1) < 2, reason="one core: the letters are laid out in this process")
def test_from_eight_letters_the_pdfs_are_made_by_a_pool_of_worker_processes(monkeypatch):
    made_here: list[str] = []
    lay_out = render.pdf_from_html
    monkeypatch.setattr(render, "pdf_from_html", lambda html: made_here.append(html) or lay_out(html))
    to_render = LettersToRender()
    letters = [letter for _ in range(render.POOL_FROM) for letter in _send(_tenancy(), to_render)]
    try:
        assert letters_render(to_render) == len(letters)
    finally:
        render.pool_close()
    assert made_here == []  # none laid out in this process: the workers (fresh interpreters) did
    sizes = {Letter.objects.get(pk=letter.pk).pdf.size for letter in letters}
    assert all(size > 2_000 for size in sizes)


def test_without_worker_processes_the_letters_are_laid_out_here(monkeypatch):
    def no_pool():
        raise AssertionError("daemonic processes are not allowed to have children")

    monkeypatch.setattr(render, "_shared_pool", no_pool)
    to_render = LettersToRender()
    letters = [letter for _ in range(render.POOL_FROM) for letter in _send(_tenancy(), to_render)]
    assert letters_render(to_render) == len(letters)
    assert all(Letter.objects.get(pk=letter.pk).pdf for letter in letters)
