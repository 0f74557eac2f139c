"""The journal as files for process-mining tools, written as streams (memory stays flat however long
the journal): XES (IEEE 1849) with one trace per case subject, and OCEL 2.0 JSON with the journal's
subjects as objects. Only what the journal holds goes out: ids, kinds, activities, moments, the actor's
kind, the channel and the non-personal facts; never a name, an address or free text.

XES, per event: `concept:name` (the activity, as in the process map), `time:timestamp` (UTC, to the
microsecond), `org:role` (the actor's kind: tenant, staff, contractor, system), `roer:channel` (VERA
COMMUNICATIEKANAAL, when there is one), `roer:event` (the journal event's id) and each fact as
`roer:fact:<name>` (booleans, integers, floats and strings as such; lists and objects as JSON text).

OCEL 2.0 JSON (https://www.ocel-standard.org/): `events` (id `e<journal id>`, type = activity, time,
attributes, relationships to every subject with the subject's kind as qualifier), `objects` (id
`<kind>#<id>`, type = kind, no attributes), `objectTypes` and `eventTypes` (each event type with the
type of each attribute: boolean, integer, float or string). The members are written in that order, so
the events can stream before the types they use are known.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections import defaultdict
from collections.abc import Callable
from typing import IO, Any
from xml.sax.saxutils import escape

from roer.core.models import JournalSubject
from roer.supervision.selectors import journal_activity, journal_case_rows

_CHUNK = 2000
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_ATTRIBUTE = {'"': "&quot;", "\n": "&#10;", "\r": "&#13;", "\t": "&#9;"}


def _text(value: str) -> str:
    return escape(_NOT_XML.sub("", value), _ATTRIBUTE)


def _utc(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).isoformat(timespec="microseconds")


def _xes_attribute(key: str, value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return f'<boolean key="{_text(key)}" value="{"true" if value else "false"}"/>'
    if isinstance(value, int):
        return f'<int key="{_text(key)}" value="{value}"/>'
    if isinstance(value, float):
        return f'<float key="{_text(key)}" value="{value!r}"/>'
    if not isinstance(value, str):
        value = json.dumps(value, sort_keys=True, ensure_ascii=False)
    return f'<string key="{_text(key)}" value="{_text(value)}"/>'


class _Buffer:
    """Text gathered and written as UTF-8 in large pieces."""

    def __init__(self, stream: IO[bytes]) -> None:
        self.stream = stream
        self.parts: list[str] = []

    def add(self, text: str) -> None:
        self.parts.append(text)
        if len(self.parts) >= 4096:
            self.flush()

    def flush(self) -> None:
        if self.parts:
            self.stream.write("".join(self.parts).encode("utf-8"))
            self.parts.clear()


_XES_HEAD = (
    '<?xml version="1.0" encoding="UTF-8"?>\n'
    '<log xes.version="1849-2016" xes.features="nested-attributes" xmlns="http://www.xes-standard.org/">\n'
    '  <extension name="Concept" prefix="concept" uri="http://www.xes-standard.org/concept.xesext"/>\n'
    '  <extension name="Time" prefix="time" uri="http://www.xes-standard.org/time.xesext"/>\n'
    '  <extension name="Organizational" prefix="org" uri="http://www.xes-standard.org/org.xesext"/>\n'
    '  <global scope="trace"><string key="concept:name" value="__INVALID__"/></global>\n'
    '  <global scope="event"><string key="concept:name" value="__INVALID__"/>'
    '<date key="time:timestamp" value="1970-01-01T00:00:00.000000+00:00"/></global>\n'
    '  <classifier name="Activity" keys="concept:name"/>\n'
)


def write_xes(
    stream: IO[bytes],
    *,
    case_kind: str,
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
) -> tuple[int, int]:
    """Write the journal's cases of `case_kind` as XES; (events, cases) written."""
    out = _Buffer(stream)
    out.add(_XES_HEAD)
    out.add(f'  <string key="concept:name" value="{_text(f"Roer journal: {case_kind}")}"/>\n')
    rows = journal_case_rows(case_kind, date_from, date_to).values_list(
        "subject_id",
        "event_id",
        "event__occurred_at",
        "event__activity",
        "event__actor_kind",
        "event__channel",
        "event__facts",
    )
    events = cases = 0
    last: str | None = None
    for subject_id, event_id, occurred_at, activity, actor_kind, channel, facts in rows.iterator(
        chunk_size=_CHUNK
    ):
        if subject_id != last:
            if last is not None:
                out.add("  </trace>\n")
            out.add(f'  <trace>\n    <string key="concept:name" value="{_text(subject_id)}"/>\n')
            last = subject_id
            cases += 1
        facts = facts or {}
        parts = [
            "    <event>",
            _xes_attribute("concept:name", journal_activity(activity, facts.get("step"))),
            f'<date key="time:timestamp" value="{_utc(occurred_at)}"/>',
            _xes_attribute("org:role", actor_kind),
            _xes_attribute("roer:channel", channel or None),
            _xes_attribute("roer:event", event_id),
        ]
        parts.extend(_xes_attribute(f"roer:fact:{key}", value) for key, value in sorted(facts.items()))
        parts.append("</event>\n")
        out.add("".join(parts))
        events += 1
    if last is not None:
        out.add("  </trace>\n")
    out.add("</log>\n")
    out.flush()
    return events, cases


# --- OCEL 2.0 ------------------------------------------------------------------------------------


def _ocel_type(value: Any) -> str:
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "float"
    return "string"


def _declared(types: set[str]) -> str:
    if types == {"boolean"}:
        return "boolean"
    if types == {"integer"}:
        return "integer"
    if types and types <= {"integer", "float"}:
        return "float"
    return "string"


def _ocel_value(value: Any) -> Any:
    if isinstance(value, bool | int | float | str):
        return value
    return json.dumps(value, sort_keys=True, ensure_ascii=False)


def write_ocel(stream: IO[bytes]) -> tuple[int, int]:
    """Write the whole journal as OCEL 2.0 JSON; (events, objects) written."""
    out = _Buffer(stream)
    dumps: Callable[[Any], str] = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode
    attribute_types: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    rows = JournalSubject.objects.order_by(
        "event__occurred_at", "event_id", "kind", "subject_id"
    ).values_list(
        "event_id",
        "event__occurred_at",
        "event__activity",
        "event__actor_kind",
        "event__channel",
        "event__facts",
        "kind",
        "subject_id",
    )
    out.add('{"events":[')
    events = 0
    current: dict[str, Any] | None = None

    def finish(event: dict[str, Any] | None) -> None:
        nonlocal events
        if event is None:
            return
        out.add(("," if events else "") + "\n" + dumps(event))
        events += 1

    for event_id, occurred_at, activity, actor_kind, channel, facts, kind, subject_id in rows.iterator(
        chunk_size=_CHUNK
    ):
        identifier = f"e{event_id}"
        if current is None or current["id"] != identifier:
            finish(current)
            facts = facts or {}
            name = journal_activity(activity, facts.get("step"))
            attributes = {"actor_kind": actor_kind, **({"channel": channel} if channel else {})}
            attributes.update((key, _ocel_value(value)) for key, value in facts.items() if value is not None)
            declared = attribute_types[name]
            for key, value in attributes.items():
                declared[key].add(_ocel_type(value))
            current = {
                "id": identifier,
                "type": name,
                "time": occurred_at.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
                "attributes": [{"name": key, "value": value} for key, value in sorted(attributes.items())],
                "relationships": [],
            }
        current["relationships"].append({"objectId": f"{kind}#{subject_id}", "qualifier": kind})
    finish(current)
    out.add('\n],"objects":[')
    objects = 0
    kinds: set[str] = set()
    subjects = (
        JournalSubject.objects.order_by("kind", "subject_id").values_list("kind", "subject_id").distinct()
    )
    for kind, subject_id in subjects.iterator(chunk_size=_CHUNK):
        kinds.add(kind)
        item = {"id": f"{kind}#{subject_id}", "type": kind, "attributes": [], "relationships": []}
        out.add(("," if objects else "") + "\n" + dumps(item))
        objects += 1
    out.add('\n],"objectTypes":')
    out.add(dumps([{"name": kind, "attributes": []} for kind in sorted(kinds)]))
    out.add(',"eventTypes":')
    out.add(
        dumps(
            [
                {
                    "name": name,
                    "attributes": [
                        {"name": key, "type": _declared(types)} for key, types in sorted(declared.items())
                    ],
                }
                for name, declared in sorted(attribute_types.items())
            ]
        )
    )
    out.add("}\n")
    out.flush()
    return events, objects
