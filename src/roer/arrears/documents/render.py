"""HTML to PDF with WeasyPrint. The HTML comes from autoescaped templates, so any text a tenant or a
supervisor wrote shows as text; WeasyPrint fetches nothing from outside (no URLs, no files)."""

from __future__ import annotations

import atexit
import io
import multiprocessing
import os
from collections.abc import Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Any

import structlog
from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe
from pypdf import PdfWriter
from weasyprint import HTML
from weasyprint.urls import URLFetcher

logger = structlog.get_logger(__name__)

# Letters load nothing from outside: no http(s), no files; only inline data.
_FETCHER = URLFetcher(allowed_protocols=("data",))


def letter_fragment(context: Mapping[str, Any]) -> str:
    """One letter as an <article>, escaped."""
    return render_to_string("arrears/letters/letter.html", dict(context))


def document_html(fragments: Sequence[str], *, title: str) -> str:
    """A printable document of one or more letters (each starts on a new page)."""
    # The fragments were rendered by our own autoescaped template above: safe to insert as they are.
    safe: list[SafeString] = [mark_safe(fragment) for fragment in fragments]
    return render_to_string("arrears/letters/document.html", {"fragments": safe, "title": title})


def pdf_from_html(html: str) -> bytes:
    pdf = HTML(string=html, url_fetcher=_FETCHER).write_pdf()
    assert pdf is not None
    return pdf


# Below this many documents the pool's start-up (a fresh interpreter importing WeasyPrint, about a second)
# costs more than it saves.
POOL_FROM = 8
_pool: ProcessPoolExecutor | None = None


def _shared_pool() -> ProcessPoolExecutor:
    """One pool per process, started on first use. Its workers are spawned, not forked: a forked child would
    inherit the parent's open database connection, and closing it there would break the parent's."""
    global _pool
    if _pool is None:
        _pool = ProcessPoolExecutor(
            max_workers=os.cpu_count() or 1, mp_context=multiprocessing.get_context("spawn")
        )
        atexit.register(pool_close)
    return _pool


def pool_close() -> None:
    """Stop the workers (at exit, or when a caller wants their CPU time counted)."""
    global _pool
    if _pool is not None:
        _pool.shutdown(cancel_futures=True)
        _pool = None


def pdfs_from_html(documents: Sequence[str]) -> list[bytes]:
    """Many documents as PDFs, in order, on every core: WeasyPrint's layout is Python, so threads would
    share one core. A handful is rendered here, in this process."""
    if len(documents) < POOL_FROM or (os.cpu_count() or 1) < 2:
        return [pdf_from_html(html) for html in documents]
    try:
        return list(_shared_pool().map(_pdf_in_worker, documents, chunksize=4))
    except (OSError, AssertionError, BrokenProcessPool) as error:
        # No worker processes here (a daemonic Celery worker, a process limit, a worker killed): the letters
        # still go out, laid out one after the other in this process.
        logger.warning("pdf_pool_unavailable", error=repr(error), documents=len(documents))
        pool_close()
        return [pdf_from_html(html) for html in documents]


def _pdf_in_worker(html: str) -> bytes:
    """What a worker runs: named at module level, so the pool can find it by name in a fresh interpreter."""
    return pdf_from_html(html)


def pdf_merge(documents: Sequence[bytes]) -> bytes:
    """PDFs one after the other in one file, each keeping its own pages (and page numbers)."""
    writer = PdfWriter()
    for document in documents:
        writer.append(io.BytesIO(document))
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()
