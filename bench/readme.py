"""Each benchmark writes its latest figures into bench/README.md, between its own two markers."""

from __future__ import annotations

import re
import time
from pathlib import Path

README = Path(__file__).parent / "README.md"


def write_block(name: str, command: str, lines: list[str]) -> None:
    """Replace the block `<!-- name:start -->` … `<!-- name:end -->` (added at the end when missing)."""
    text = README.read_text(encoding="utf-8")
    start, end = f"<!-- {name}:start -->", f"<!-- {name}:end -->"
    if start not in text:
        text = text.rstrip("\n") + f"\n\n{start}\n{end}\n"
    block = "\n".join([start, f"Measured {time.strftime('%Y-%m-%d')} with `{command}`:", "", *lines, end])
    text = re.sub(re.escape(start) + ".*?" + re.escape(end), lambda _m: block, text, flags=re.S)
    README.write_text(text, encoding="utf-8")
