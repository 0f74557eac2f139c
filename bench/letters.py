"""Issue 6, target 6: 1,000 PDF letters in at most 60 s, using both cores.

The letters are the collections run's own: the default letter texts (`roer.arrears.letters`), filled and laid
out by `letter_context`, `letter_fragment` and `document_html` for 1,000 tenancies (unsaved model instances: no
database is needed to lay a letter out), a mix of reminders, final notices with the WIK summary and personal
messages with an early-warning offer. They are rendered twice in the same run:

- the floor: one core, one letter after the other (`pdf_from_html`, what a run did before);
- Roer: `pdfs_from_html`, what the run now calls per batch, on every core; then the day's print batch,
  the letters' PDFs one after the other (`pdf_merge`, pypdf), as `print_batch_build` makes it.

Targets: 1,000 letters in at most 60 s, and the speed-up over one core at least 1.6 on two cores (both
cores in use). Both sides must give the same letters: one PDF per letter, in order, of the same size.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import resource
import time
from decimal import Decimal
from pathlib import Path

from bench.readme import write_block

LETTERS = 1_000
TARGET_SECONDS = 60.0
TARGET_SPEED_UP = 1.6


def _django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "roer.conf.settings")
    os.environ.setdefault("SECRET_KEY", "bench")
    os.environ.setdefault("ROER_VAR_DIR", str(Path(__file__).parent / "data" / "letters-var"))
    import django

    django.setup()


def documents(count: int) -> list[tuple[str, str]]:
    """(reference, printable HTML) of `count` letters, as the run lays them out."""
    from roer.arrears.constants import LetterKind, RecipientRole, Route
    from roer.arrears.documents.render import document_html, letter_fragment
    from roer.arrears.letters import default_document, letter_text
    from roer.arrears.services.letters import LetterFacts, Recipient, letter_context
    from roer.tenancies.models import Dwelling, Tenancy

    texts = default_document()
    kinds = (
        (Route.AUTOMATED, LetterKind.REMINDER, False),
        (Route.AUTOMATED, LetterKind.FINAL_NOTICE, False),
        (Route.HUMAN_CONTACT, LetterKind.PERSONAL_MESSAGE, True),
    )
    out: list[tuple[str, str]] = []
    day = dt.date(2026, 11, 27)
    for number in range(count):
        route, kind, offer = kinds[number % len(kinds)]
        dwelling = Dwelling(street="Lindelaan", house_number=str(number % 400 + 1), city="Zwolle")
        tenancy = Tenancy(reference=f"HO-{number:06d}", dwelling=dwelling)
        recipient = Recipient(
            role=RecipientRole.TENANT,
            key=str(number),
            name=f"J. de Vries-{number}",
            address_lines=(f"Lindelaan {number % 400 + 1}", "8011 AB  Zwolle"),
        )
        facts = LetterFacts(
            arrears=Decimal("612.40") + number % 37,
            costs=Decimal("40.00") if kind == LetterKind.FINAL_NOTICE else Decimal("0"),
            deadline=day + dt.timedelta(days=18),
            with_early_warning_offer=offer,
        )
        context, subject, _body = letter_context(
            tenancy=tenancy,
            recipient=recipient,
            recipients=[recipient],
            text=letter_text(texts, route=route, kind=kind),
            offer=letter_text(texts, route=route, kind=LetterKind.EARLY_WARNING_OFFER) if offer else None,
            facts=facts,
            letter_date=day,
        )
        out.append((tenancy.reference, document_html([letter_fragment(context)], title=subject)))
    return out


def _check(pdfs: list[bytes], count: int) -> None:
    if len(pdfs) != count or not all(pdf.startswith(b"%PDF-") and len(pdf) > 2_000 for pdf in pdfs):
        raise SystemExit("the renderer did not return one PDF per letter")


def _cpu() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def measure(count: int) -> dict[str, float]:
    from roer.arrears.documents.render import pdf_from_html, pdf_merge, pdfs_from_html, pool_close

    start = time.perf_counter()
    laid_out = documents(count)
    layout = time.perf_counter() - start
    html = [document for _reference, document in laid_out]

    pdf_from_html(html[0])  # WeasyPrint's fonts and styles loaded once, outside both timings
    start, cpu = time.perf_counter(), _cpu()
    floor = [pdf_from_html(document) for document in html]
    floor_seconds, floor_cpu = time.perf_counter() - start, _cpu() - cpu
    _check(floor, count)

    start, cpu = time.perf_counter(), _cpu()
    rendered = pdfs_from_html(html)
    roer_seconds = time.perf_counter() - start
    pool_close()  # a worker's CPU time is counted once it has ended
    roer_cpu = _cpu() - cpu
    _check(rendered, count)
    if [len(pdf) // 1000 for pdf in rendered] != [len(pdf) // 1000 for pdf in floor]:
        raise SystemExit("the pool's letters differ in size from the floor's")
    start = time.perf_counter()
    batch = pdf_merge(rendered)
    merge_seconds = time.perf_counter() - start
    if not batch.startswith(b"%PDF-"):
        raise SystemExit("the print batch is not a PDF")
    return {
        "merge": merge_seconds,
        "layout": layout,
        "floor": floor_seconds,
        "floor_cpu": floor_cpu,
        "roer": roer_seconds,
        "roer_cpu": roer_cpu,
    }


def _report(count: int, figures: dict[str, float], loads: tuple[float, float]) -> tuple[list[str], bool]:
    speed_up = figures["floor"] / figures["roer"]
    lines = [
        f"Load average (1 minute) on the {os.cpu_count()} cores: {loads[0]:.1f} at the start of the run, "
        f"{loads[1]:.1f} at its end.",
        "",
        "| letters | laid out (HTML) | floor: one core | Roer: every core | speed-up | floor CPU | Roer CPU | print batch |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|",
        f"| {count:,} | {figures['layout']:.2f} s | {figures['floor']:.2f} s | {figures['roer']:.2f} s | "
        f"{speed_up:.2f}× | {figures['floor_cpu']:.2f} s | {figures['roer_cpu']:.2f} s | {figures['merge']:.2f} s |",
    ]
    total = figures["layout"] + figures["roer"] + figures["merge"]
    checks = [
        (
            f"{count:,} letters ≤ {TARGET_SECONDS:.0f} s (laid out, rendered, and merged into the print batch)",
            total <= TARGET_SECONDS,
            f"{total:.2f} s",
        ),
        (
            f"both cores in use: speed-up over one core ≥ {TARGET_SPEED_UP}",
            speed_up >= TARGET_SPEED_UP,
            f"{speed_up:.2f}×",
        ),
    ]
    lines.append("")
    lines.extend(f"- {'met' if ok else 'MISSED'}: {label} — {value}" for label, ok, value in checks)
    return lines, all(ok for _label, ok, _value in checks)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench letters")
    parser.add_argument("--letters", type=int, default=LETTERS)
    args = parser.parse_args(argv or [])
    _django()
    load_before = os.getloadavg()[0]
    figures = measure(args.letters)
    lines, met = _report(args.letters, figures, (load_before, os.getloadavg()[0]))
    print("\n".join(lines))
    if args.letters == LETTERS:
        write_block("letters", "make bench TARGET=letters", lines)
    return 0 if met else 1
