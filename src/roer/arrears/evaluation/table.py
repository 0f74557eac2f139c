"""The two arms side by side: as rows for `--json` and as a Markdown table for people."""

from __future__ import annotations

from typing import Any

from roer.arrears.constants import LetterKind

ROWS_HEADER = ("", "Baseline (blind schedule)", "Roer")


def _percent(value: float | None) -> str:
    return "–" if value is None else f"{value * 100:.0f}%"


def _days(value: float | None) -> str:
    return "–" if value is None else f"{value:g}"


def _euros(value: str) -> str:
    whole, _, cents = f"{float(value):,.2f}".partition(".")
    return f"€ {whole.replace(',', '.')},{cents}"


def rows(result: dict[str, Any]) -> list[dict[str, Any]]:
    """One row per figure: its label and the value of each arm (plain values, for `--json`)."""
    arms = result["arms"]

    def each(pick: Any) -> dict[str, Any]:
        return {arm: pick(arms[arm]) for arm in ("baseline", "roer")}

    kinds = sorted({kind for arm in arms.values() for kind in arm["letters"]["by_kind"]})
    lines: list[dict[str, Any]] = [
        {"key": "letters", "label": "Letters sent", **each(lambda a: a["letters"]["total"])},
    ]
    for kind in kinds:
        label = str(LetterKind(kind).label) if kind in LetterKind.values else kind
        lines.append(
            {
                "key": f"letters.{kind}",
                "label": f"– {label}",
                **each(lambda a, kind=kind: a["letters"]["by_kind"].get(kind, 0)),
            }
        )
    lines += [
        {
            "key": "letters.with_costs",
            "label": "Final notices stating costs",
            **each(lambda a: a["letters"]["with_costs"]),
        },
        {
            "key": "costs_charged",
            "label": "Collection costs charged",
            **each(lambda a: a["costs_charged"]["total"]),
        },
        {
            "key": "costs_charged.count",
            "label": "– to households",
            **each(lambda a: a["costs_charged"]["count"]),
        },
        {"key": "bailiff_proposals", "label": "Bailiff proposals", **each(lambda a: a["bailiff_proposals"])},
        {
            "key": "early_warning_signals",
            "label": "Early-warning signals to the municipality",
            **each(lambda a: a["early_warning_signals"]),
        },
        {
            "key": "life_events.with_arrears",
            "label": "Life events followed by arrears (judged)",
            **each(lambda a: a["life_events"]["with_arrears"]),
        },
        {
            "key": "days_to_human_contact.median",
            "label": "Days from first missed payment to a human contact, median",
            **each(lambda a: a["life_events"]["days_to_human_contact"]["median"]),
        },
        {
            "key": "days_to_human_contact.mean",
            "label": "– mean",
            **each(lambda a: a["life_events"]["days_to_human_contact"]["mean"]),
        },
        {
            "key": "life_events.not_reached",
            "label": "– not reached by the end of the replay",
            **each(lambda a: a["life_events"]["not_reached"]),
        },
        {
            "key": "recall",
            "label": "Recall: life events with arrears followed by a signal",
            **each(lambda a: a["life_events"]["recall"]),
        },
        {
            "key": "life_events.missed",
            "label": "Life-event households missed (no signal within the match window)",
            **each(lambda a: a["life_events"]["missed"]),
        },
        {
            "key": "life_events.missed_but_talked",
            "label": "– of them, a person talked with them all the same (they called in, or later)",
            **each(lambda a: a["life_events"].get("missed_but_talked", 0)),
        },
        {
            "key": "recall.early",
            "label": "– signalled early (before the day-21 contact attempt)",
            **each(lambda a: a["life_events"]["signalled_early"]),
        },
        {
            "key": "signals",
            "label": "Signals (cases opened by the run)",
            **each(lambda a: a["signals"]["total"]),
        },
        {
            "key": "precision",
            "label": "Precision: signals that follow a life event",
            **each(lambda a: a["signals"]["precision"]),
        },
        {
            "key": "signals.early",
            "label": "Early signals (before day 21)",
            **each(lambda a: a["signals"]["early"]),
        },
        {
            "key": "precision.early",
            "label": "– precision of early signals",
            **each(lambda a: a["signals"]["early_precision"]),
        },
        {
            "key": "human_contacts",
            "label": "Answered calls by the arm's people (in cases the run opened)",
            **each(lambda a: a["human_contacts"]),
        },
        {
            "key": "calls_unanswered",
            "label": "– calls not answered",
            **each(lambda a: a.get("calls_unanswered", 0)),
        },
        {
            "key": "arrangements",
            "label": "Payment arrangements made",
            **each(lambda a: a.get("arrangements", 0)),
        },
        {
            "key": "arrears_at_end",
            "label": "Arrears at the end of the replay (costs included)",
            **each(lambda a: a["arrears_at_end"]["total"]),
        },
        {
            "key": "arrears_at_end.tenancies",
            "label": "– households in arrears",
            **each(lambda a: a["arrears_at_end"]["tenancies"]),
        },
    ]
    return lines


_MONEY = {"costs_charged", "arrears_at_end"}
_RATIOS = {"recall", "precision", "precision.early"}
_DAYS = {"days_to_human_contact.median", "days_to_human_contact.mean"}


def _cell(key: str, value: Any) -> str:
    if key in _MONEY:
        return _euros(value)
    if key in _RATIOS:
        return _percent(value)
    if key in _DAYS:
        return _days(value)
    return str(value)


def markdown(result: dict[str, Any]) -> str:
    lines = [
        "| " + " | ".join(ROWS_HEADER) + " |",
        "|---|---:|---:|",
    ]
    for row in rows(result):
        lines.append(
            f"| {row['label']} | {_cell(row['key'], row['baseline'])} | {_cell(row['key'], row['roer'])} |"
        )
    return "\n".join(lines)


GROUP_LABELS = {
    "life_event": "Life event (from a year before the window)",
    "on_time": "On time by direct debit",
    "pay_day": "On pay day by transfer",
    "late": "Habitually a little late",
    "chaotic": "Chaotic",
}
GROUP_COLUMNS: tuple[tuple[str, str], ...] = (
    ("in_arrears", "Households in arrears"),
    ("letters", "Letters"),
    ("letters.reminder", "– reminders"),
    ("letters.personal_message", "– personal messages"),
    ("letters.final_notice", "– final notices"),
    ("with_costs", "Notices stating costs"),
    ("costs_total", "Costs charged"),
    ("bailiff_proposals", "Bailiff proposals"),
    ("reached_by_a_person", "Households a person talked with about money"),
    ("calls", "Calls by the arm's people"),
    ("arrangements", "Arrangements"),
    ("arrears_at_end", "Arrears at the end"),
)


def _group_value(group: dict[str, Any], key: str) -> Any:
    if key.startswith("letters."):
        return group["letters_by_kind"].get(key.partition(".")[2], 0)
    return group[key]


def group_rows(result: dict[str, Any]) -> list[dict[str, Any]]:
    """Per ground-truth group, each figure as (baseline, Roer); for `--json`."""
    arms = result["arms"]
    names = list(arms["roer"].get("groups", {}))
    return [
        {
            "group": name,
            "label": GROUP_LABELS.get(name, name),
            "households": arms["roer"]["groups"][name]["households"],
            **{
                key: {arm: _group_value(arms[arm]["groups"][name], key) for arm in ("baseline", "roer")}
                for key, _label in GROUP_COLUMNS
            },
        }
        for name in names
        if name in arms["baseline"].get("groups", {})
    ]


def group_markdown(result: dict[str, Any]) -> str:
    """Groups as rows, each cell "baseline / Roer"."""
    lines = [
        "| Group (ground truth) | Households | " + " | ".join(label for _key, label in GROUP_COLUMNS) + " |",
        "|---|---:|" + "---:|" * len(GROUP_COLUMNS),
    ]
    for row in group_rows(result):
        cells = []
        for key, _label in GROUP_COLUMNS:
            pair = row[key]
            if key in ("costs_total", "arrears_at_end"):
                cells.append(f"{_euros(pair['baseline'])} / {_euros(pair['roer'])}")
            else:
                cells.append(f"{pair['baseline']} / {pair['roer']}")
        lines.append(f"| {row['label']} | {row['households']} | " + " | ".join(cells) + " |")
    return "\n".join(lines)
