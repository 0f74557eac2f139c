"""Letters as HTML and PDF (WeasyPrint)."""
