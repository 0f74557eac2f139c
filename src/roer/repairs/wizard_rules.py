"""The repair wizard as a versioned rule set: the JSON Schema, the checks a schema cannot express, and
the registration. The default tree itself is in `default_tree.py`; walking it is in `tree.py`."""

from __future__ import annotations

from collections import Counter
from typing import Any

from roer.core.rules import Document, RuleSetDefinition, register
from roer.repairs import vera
from roer.repairs.constants import CLAUSES, EmergencyNumber, Responsibility, Urgency, VeraList
from roer.repairs.tree import Tree, outcome_paths

KEY = "repair-wizard"

_ID = {"type": "string", "pattern": r"^[a-z0-9]+(-[a-z0-9]+)*$", "maxLength": 60}
_TEXT = {"type": "string", "minLength": 1, "maxLength": 600}
_CODE = {"type": ["string", "null"], "pattern": r"^[A-Z0-9]{2,4}$"}

_OUTCOME_PROPERTIES: dict[str, Any] = {
    "responsibility": {"enum": list(Responsibility.values)},
    "urgency": {"enum": [*Urgency.values, None]},
    "working_days": {
        "type": ["integer", "null"],
        "minimum": 1,
        "maximum": 120,
        "description": "for the normal urgency: within this many working days (null: normal_working_days)",
    },
    "trade": {**_CODE, "description": "VERA ONDERHOUDSPECIALISME"},
    "defect_soort": {**_CODE, "description": "VERA DEFECTSOORT"},
    "defect_locatie": {**_CODE, "description": "VERA DEFECTLOCATIE"},
    "clause": {"enum": [*CLAUSES, None], "description": "Besluit kleine herstellingen, annex letter"},
    "emergency_number": {"enum": [*EmergencyNumber.values, None]},
    "covered_by_service_subscription": {"type": "boolean"},
    "advice": {"type": ["string", "null"], "minLength": 1, "maxLength": 1200},
}

_OUTCOME = {
    "type": "object",
    "properties": _OUTCOME_PROPERTIES,
    "required": list(_OUTCOME_PROPERTIES),
    "additionalProperties": False,
}
_PATCH = {"type": "object", "properties": _OUTCOME_PROPERTIES, "additionalProperties": False}

_QUESTION = {
    "type": "object",
    "properties": {
        "id": _ID,
        "text": _TEXT,
        "default": _ID,
        "answers": {
            "type": "array",
            "minItems": 2,
            "items": {
                "type": "object",
                "properties": {
                    "id": _ID,
                    "label": _TEXT,
                    "outcome": _PATCH,
                    "final": {"type": "boolean", "description": "ask no further questions"},
                },
                "required": ["id", "label"],
                "additionalProperties": False,
            },
        },
    },
    "required": ["id", "text", "default", "answers"],
    "additionalProperties": False,
}

_PROBLEM = {
    "type": "object",
    "properties": {
        "id": _ID,
        "label": _TEXT,
        "synonyms": {"type": "array", "items": _TEXT},
        "outcome": _OUTCOME,
        "questions": {"type": "array", "items": _QUESTION, "maxItems": 4},
    },
    "required": ["id", "label", "synonyms", "outcome"],
    "additionalProperties": False,
}


def _level(child_key: str, child: dict[str, Any]) -> dict[str, Any]:
    return {
        "type": "object",
        "properties": {
            "id": _ID,
            "label": _TEXT,
            child_key: {"type": "array", "minItems": 1, "items": child},
        },
        "required": ["id", "label", child_key],
        "additionalProperties": False,
    }


SCHEMA: dict[str, Any] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "title": "Repair wizard",
    "type": "object",
    "properties": {
        "title": _TEXT,
        "prompts": {
            "type": "object",
            "properties": {k: _TEXT for k in ("area", "location", "element", "problem")},
            "required": ["area", "location", "element", "problem"],
            "additionalProperties": False,
        },
        "normal_working_days": {"type": "integer", "minimum": 1, "maximum": 60},
        "emergency_shortcuts": {"type": "array", "items": _ID},
        "search": {
            "type": "object",
            "properties": {
                "emergency_words": {"type": "array", "items": {"type": "string", "minLength": 2}},
                "stopwords": {"type": "array", "items": {"type": "string", "minLength": 1}},
            },
            "required": ["emergency_words", "stopwords"],
            "additionalProperties": False,
        },
        "areas": {
            "type": "array",
            "minItems": 1,
            "items": _level("locations", _level("elements", _level("problems", _PROBLEM))),
        },
    },
    "required": ["title", "prompts", "normal_working_days", "emergency_shortcuts", "search", "areas"],
    "additionalProperties": False,
}


def _codes_in(document: Document) -> list[tuple[str, str, str]]:
    """(where, list, code) for every VERA code the document holds, in outcomes and in answers."""
    found = []
    kinds = {
        "trade": VeraList.TRADE,
        "defect_soort": VeraList.DEFECT_SOORT,
        "defect_locatie": VeraList.DEFECT_LOCATIE,
    }
    for area in document["areas"]:
        for location in area["locations"]:
            for element in location["elements"]:
                for problem in element["problems"]:
                    parts = [(problem["id"], problem["outcome"])]
                    for question in problem.get("questions", []):
                        for answer in question["answers"]:
                            where = f"{problem['id']}/{question['id']}/{answer['id']}"
                            parts.append((where, answer.get("outcome", {})))
                    for where, outcome in parts:
                        for name, kind in kinds.items():
                            if outcome.get(name) is not None:
                                found.append((f"{where}/{name}", str(kind), outcome[name]))
    return found


def _outcome_problems(where: str, outcome: Any) -> list[str]:
    problems = []
    if outcome.responsibility == Responsibility.TENANT:
        if outcome.clause is None:
            problems.append(f"{where}: the tenant's part needs its Besluit kleine herstellingen clause")
        if outcome.urgency is not None:
            problems.append(f"{where}: the tenant's part has no urgency")
        if not outcome.advice:
            problems.append(f"{where}: the tenant's part needs how-to advice")
        if outcome.covered_by_service_subscription and outcome.trade is None:
            problems.append(f"{where}: covered by the service subscription, so it needs a trade to book")
    else:
        if outcome.clause is not None:
            problems.append(f"{where}: a clause belongs only to the tenant's part")
        if outcome.covered_by_service_subscription:
            problems.append(f"{where}: only the tenant's part can be covered by the service subscription")
    if outcome.responsibility == Responsibility.CORPORATION:
        if outcome.urgency is None:
            problems.append(f"{where}: the corporation's part needs an urgency")
        if outcome.trade is None:
            problems.append(f"{where}: the corporation's part needs a trade")
    if outcome.responsibility == Responsibility.THIRD_PARTY and not outcome.advice:
        problems.append(f"{where}: a third party's part needs advice (whom to call)")
    if outcome.emergency_number is not None and (
        outcome.responsibility != Responsibility.THIRD_PARTY or outcome.urgency != Urgency.EMERGENCY
    ):
        problems.append(f"{where}: an emergency number goes with a third party and the emergency urgency")
    return problems


def check(document: Document) -> list[str]:
    """What the schema cannot say: unique ids, known VERA codes, and outcomes that make sense."""
    problems: list[str] = []
    ids: Counter[str] = Counter()
    for area in document["areas"]:
        ids[f"area {area['id']}"] += 1
        for location in area["locations"]:
            ids[f"location {location['id']}"] += 1
            for element in location["elements"]:
                ids[f"element {element['id']}"] += 1
                for problem in element["problems"]:
                    ids[f"problem {problem['id']}"] += 1
                    problems.extend(_question_problems(problem))
    problems.extend(f"{name}: used {n} times; ids must be unique" for name, n in ids.items() if n > 1)
    for where, kind, code in _codes_in(document):
        if not vera.is_code(kind, code):
            problems.append(f"{where}: {code!r} is not a VERA {kind} code")
    if problems:
        return problems
    tree = Tree.from_document(document)
    for shortcut in document["emergency_shortcuts"]:
        if shortcut not in tree.problems:
            problems.append(f"emergency_shortcuts: no problem {shortcut!r}")
        elif tree.problems[shortcut].outcome["emergency_number"] is None:
            problems.append(f"emergency_shortcuts: {shortcut!r} has no emergency number")
    for problem_id in tree.problems:
        for outcome in outcome_paths(tree, problem_id):
            where = "/".join([problem_id, *(f"{q}={a}" for q, a in outcome.answers)])
            problems.extend(_outcome_problems(where, outcome))
    return problems


def _question_problems(problem: Document) -> list[str]:
    problems: list[str] = []
    seen = Counter(q["id"] for q in problem.get("questions", []))
    problems.extend(f"{problem['id']}: question {q!r} twice" for q, n in seen.items() if n > 1)
    for question in problem.get("questions", []):
        answer_ids = [a["id"] for a in question["answers"]]
        where = f"{problem['id']}/{question['id']}"
        if len(set(answer_ids)) != len(answer_ids):
            problems.append(f"{where}: answer ids must be unique")
        if question["default"] not in answer_ids:
            problems.append(f"{where}: the default {question['default']!r} is not one of its answers")
    return problems


def default_document() -> Document:
    from roer.repairs.default_tree import default_tree

    return default_tree()


DEFINITION = register(
    RuleSetDefinition(
        key=KEY,
        title="Repair wizard: problems, responsibility, urgency and VERA codes",
        schema=SCHEMA,
        default=default_document,
        check=check,
    )
)
