"""The directly-follows graph as a server-drawn SVG: pure geometry from a `ProcessMap`, no database.

A simple layered layout: each activity's layer is its distance (in directly-follows steps) from the
activities cases start with, found breadth-first along the busiest edges first; activities the search
does not reach go in one last layer. Layers run top to bottom, the activities of a layer left to right
by count. An edge to a later layer is a straight arrow; one back or within a layer is a curve on the
right. Widths come from CSS classes (`process-w1` … `process-w4`), never from inline style.
"""

from __future__ import annotations

from collections import defaultdict, deque
from dataclasses import dataclass

from django.utils.translation import gettext as _

from roer.supervision.mining import ProcessMap

BOX_WIDTH = 190
BOX_HEIGHT = 40
GAP_X = 30
GAP_Y = 80
MARGIN = 20
MAX_NODES = 40  # the busiest activities; the tables below list everything


def duration_words(seconds: float | None) -> str:
    """A wait in words, the two largest units: "2 d 3 h", "4 h 10 min", "45 s"."""
    if seconds is None:
        return "–"
    total = round(seconds)
    days, rest = divmod(total, 86400)
    hours, rest = divmod(rest, 3600)
    minutes, secs = divmod(rest, 60)
    parts = [(days, _("d")), (hours, _("h")), (minutes, _("min")), (secs, _("s"))]
    first = next((i for i, (value, _unit) in enumerate(parts) if value), None)
    if first is None:
        return f"0 {_('s')}"
    return " ".join(f"{value} {unit}" for value, unit in parts[first : first + 2] if value)


@dataclass(frozen=True)
class Box:
    activity: str
    count: int
    x: float
    y: float
    start: bool
    end: bool
    width: int = BOX_WIDTH
    height: int = BOX_HEIGHT

    @property
    def text_x(self) -> float:
        return self.x + self.width / 2

    @property
    def name_y(self) -> float:
        return self.y + 17

    @property
    def count_y(self) -> float:
        return self.y + 33

    @property
    def label(self) -> str:
        return self.activity if len(self.activity) <= 26 else self.activity[:25] + "…"


@dataclass(frozen=True)
class Arrow:
    source: str
    target: str
    count: int
    median: str
    path: str
    label_x: float
    label_y: float
    weight: int  # 1..4, for the stroke class


@dataclass(frozen=True)
class Graph:
    width: int
    height: int
    boxes: list[Box]
    arrows: list[Arrow]
    hidden: int  # activities left out of the drawing


def layers(found: ProcessMap, names: list[str]) -> dict[str, int]:
    """Each activity's layer: breadth-first from the start activities, busiest edges first."""
    shown = set(names)
    following: dict[str, list[str]] = defaultdict(list)
    for edge in found.edges:  # already by count, highest first
        if edge.source in shown and edge.target in shown:
            following[edge.source].append(edge.target)
    rank: dict[str, int] = {}
    queue: deque[str] = deque()
    for activity in found.start:
        if activity in shown and activity not in rank:
            rank[activity] = 0
            queue.append(activity)
    while queue:
        current = queue.popleft()
        for target in following[current]:
            if target not in rank:
                rank[target] = rank[current] + 1
                queue.append(target)
    last = max(rank.values(), default=-1) + 1
    for activity in names:
        rank.setdefault(activity, last)
    return rank


def _weight(count: int, top: int) -> int:
    share = count / top if top else 0
    return 4 if share > 0.75 else 3 if share > 0.4 else 2 if share > 0.15 else 1


def draw(found: ProcessMap) -> Graph:
    names = [node.activity for node in found.nodes[:MAX_NODES]]
    counts = {node.activity: node.count for node in found.nodes}
    rank = layers(found, names)
    rows: dict[int, list[str]] = defaultdict(list)
    for activity in names:  # nodes are by count, so each row is too
        rows[rank[activity]].append(activity)
    widest = max((len(row) for row in rows.values()), default=1)
    width = 2 * MARGIN + widest * BOX_WIDTH + (widest - 1) * GAP_X + 120  # room for curves on the right
    boxes: dict[str, Box] = {}
    for row_number, layer in enumerate(sorted(rows)):
        row = rows[layer]
        row_width = len(row) * BOX_WIDTH + (len(row) - 1) * GAP_X
        left = MARGIN + (widest * BOX_WIDTH + (widest - 1) * GAP_X - row_width) / 2
        for i, activity in enumerate(row):
            boxes[activity] = Box(
                activity=activity,
                count=counts[activity],
                x=round(left + i * (BOX_WIDTH + GAP_X), 1),
                y=MARGIN + row_number * (BOX_HEIGHT + GAP_Y),
                start=activity in found.start,
                end=activity in found.end,
            )
    height = 2 * MARGIN + max(len(rows), 1) * (BOX_HEIGHT + GAP_Y) - GAP_Y
    top = max((edge.count for edge in found.edges), default=0)
    arrows = []
    for edge in found.edges:
        a, b = boxes.get(edge.source), boxes.get(edge.target)
        if a is None or b is None:
            continue
        if b.y > a.y:
            x1, y1 = a.text_x, a.y + BOX_HEIGHT
            x2, y2 = b.text_x, b.y - 2
            cx, cy = (x1 + x2) / 2, (y1 + y2) / 2
        else:  # back, within a layer, or a loop: a curve out to the right
            x1, y1 = a.x + BOX_WIDTH, a.y + BOX_HEIGHT * 0.3
            x2, y2 = b.x + BOX_WIDTH + 2, b.y + BOX_HEIGHT * 0.7
            bend = 50 + abs(y1 - y2) * 0.15
            cx, cy = max(x1, x2) + bend, (y1 + y2) / 2
            if edge.source == edge.target:
                cy = a.y + BOX_HEIGHT / 2
        path = f"M{x1:.1f} {y1:.1f} Q{cx:.1f} {cy:.1f} {x2:.1f} {y2:.1f}"
        label_x = (x1 + 2 * cx + x2) / 4 + 4
        label_y = (y1 + 2 * cy + y2) / 4
        arrows.append(
            Arrow(
                source=edge.source,
                target=edge.target,
                count=edge.count,
                median=duration_words(edge.median_seconds),
                path=path,
                label_x=round(label_x, 1),
                label_y=round(label_y, 1),
                weight=_weight(edge.count, top),
            )
        )
    return Graph(
        width=int(width),
        height=int(height),
        boxes=list(boxes.values()),
        arrows=arrows,
        hidden=max(len(found.nodes) - len(names), 0),
    )
