"""A progress line on stderr at every tenth of a long job, with counts and elapsed seconds."""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from typing import Any, Protocol


class Writable(Protocol):
    def write(self, text: str, /) -> Any: ...

    def flush(self) -> Any: ...


class Progress:
    def __init__(self, *, total: int, unit: str, stream: Writable | None, label: str = "demo") -> None:
        self.total = max(total, 1)
        self.unit = unit
        self.stream = stream
        self.label = label
        self.started = time.monotonic()
        self._next_tenth = 1

    @property
    def elapsed(self) -> float:
        return time.monotonic() - self.started

    def advance(self, done: int, counts: Mapping[str, int] | Callable[[], Mapping[str, int]]) -> None:
        """Report once for every tenth passed since the last report."""
        tenth = done * 10 // self.total
        if tenth < self._next_tenth:
            return
        self._next_tenth = tenth + 1
        if self.stream is None:
            return
        shown = counts() if callable(counts) else counts
        figures = ", ".join(f"{count:,} {name}" for name, count in shown.items())
        self.stream.write(
            f"{self.label}: {tenth * 10:3d}% {done:,}/{self.total:,} {self.unit}; {figures}; {self.elapsed:.1f} s\n"
        )
        self.stream.flush()
