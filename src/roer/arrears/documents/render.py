"""HTML to PDF with WeasyPrint. The HTML comes from autoescaped templates, so any text a tenant or a
supervisor wrote shows as text; WeasyPrint fetches nothing from outside (no URLs, no files)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe
from weasyprint import HTML
from weasyprint.urls import URLFetcher

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
