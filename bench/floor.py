"""The floor: a bare streaming parse of a camt file, counting entries. Run as a child process."""

from __future__ import annotations

import sys

from lxml import etree

NTRY = "{urn:iso:std:iso:20022:tech:xsd:camt.053.001.02}Ntry"


def count_entries(path: str) -> int:
    count = 0
    for _event, element in etree.iterparse(
        path, events=("end",), tag=NTRY, resolve_entities=False, no_network=True, huge_tree=False
    ):
        count += 1
        element.clear(keep_tail=False)
        parent = element.getparent()
        while element.getprevious() is not None and parent is not None:
            del parent[0]
    return count


if __name__ == "__main__":
    print(count_entries(sys.argv[1]))
