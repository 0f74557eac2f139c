"""`python -m bench [TARGET [OPTIONS]]`: run one benchmark by name (with its options), or all of them."""

from __future__ import annotations

import sys
from collections.abc import Callable

from bench import camt_import, letters, portal_load, process_map

TARGETS: dict[str, Callable[[list[str]], int]] = {
    "camt_import": camt_import.main,
    "process_map": process_map.main,
    "letters": letters.main,
    "portal_load": portal_load.main,
}


def main(argv: list[str]) -> int:
    target = argv[0] if argv else "all"
    if target == "all":
        return max((run([]) for run in TARGETS.values()), default=0)
    if target not in TARGETS:
        print(f"unknown benchmark {target!r}; known: all, {', '.join(TARGETS)}", file=sys.stderr)
        return 2
    return TARGETS[target](argv[1:])


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
