"""The repair wizard's tree, parsed from its rule document, and the pure functions that walk it.

A path through the wizard is a list of ids: area, location, element, problem, then one answer id per
question asked. `walk` turns such a path into the next step (what to ask) or the outcome; `problem_outcome`
gives the outcome of a problem for a dict of answers (a question left out takes its default answer, the
most common one). Nothing here touches the database.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

Document = dict[str, Any]


OUTCOME_FIELDS = (
    "responsibility",
    "urgency",
    "working_days",
    "trade",
    "defect_soort",
    "defect_locatie",
    "clause",
    "emergency_number",
    "covered_by_service_subscription",
    "advice",
)


class WizardError(ValueError):
    """A path or answer that the tree does not have."""


@dataclass(frozen=True)
class Option:
    id: str
    label: str


@dataclass(frozen=True)
class Answer:
    id: str
    label: str
    patch: Mapping[str, Any]
    final: bool


@dataclass(frozen=True)
class Question:
    id: str
    text: str
    default: str
    answers: tuple[Answer, ...]

    def answer(self, answer_id: str) -> Answer:
        for answer in self.answers:
            if answer.id == answer_id:
                return answer
        raise WizardError(
            f"question {self.id!r} has no answer {answer_id!r}; known: {[a.id for a in self.answers]}"
        )


@dataclass(frozen=True)
class Outcome:
    """What the wizard concludes. `working_days` is set only for the `normal` urgency."""

    problem_id: str
    responsibility: str
    urgency: str | None
    working_days: int | None
    trade: str | None
    defect_soort: str | None
    defect_locatie: str | None
    clause: str | None
    emergency_number: str | None
    covered_by_service_subscription: bool
    advice: str | None
    answers: tuple[tuple[str, str], ...] = ()

    @property
    def is_emergency(self) -> bool:
        return self.urgency == "emergency" or self.emergency_number is not None


@dataclass(frozen=True)
class Problem:
    id: str
    label: str
    synonyms: tuple[str, ...]
    area: Option
    location: Option
    element: Option
    outcome: Mapping[str, Any]
    questions: tuple[Question, ...]

    @property
    def path(self) -> tuple[str, str, str, str]:
        return (self.area.id, self.location.id, self.element.id, self.id)

    @property
    def path_labels(self) -> tuple[str, str, str, str]:
        return (self.area.label, self.location.label, self.element.label, self.label)


@dataclass(frozen=True)
class Element:
    id: str
    label: str
    problems: tuple[Problem, ...]


@dataclass(frozen=True)
class Location:
    id: str
    label: str
    elements: tuple[Element, ...]


@dataclass(frozen=True)
class Area:
    id: str
    label: str
    locations: tuple[Location, ...]


@dataclass(frozen=True)
class Step:
    """The next thing to ask. `kind` is area, location, element, problem or question."""

    kind: str
    prompt: str
    options: tuple[Option, ...]
    path: tuple[str, ...]
    problem_id: str | None = None
    question_id: str | None = None
    # Shown on every step, at once: the problems that need a phone call, not a form.
    emergencies: tuple[Problem, ...] = field(default=(), repr=False)


@dataclass(frozen=True)
class Tree:
    title: str
    prompts: Mapping[str, str]
    normal_working_days: int
    areas: tuple[Area, ...]
    problems: Mapping[str, Problem]
    emergency_shortcuts: tuple[str, ...]
    search_settings: Mapping[str, Any]
    # Derived data (the search index), built once per parsed tree.
    cache: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)

    @classmethod
    def from_document(cls, document: Document) -> Tree:
        problems: dict[str, Problem] = {}
        areas = []
        for area_doc in document["areas"]:
            area = Option(area_doc["id"], area_doc["label"])
            locations = []
            for location_doc in area_doc["locations"]:
                location = Option(location_doc["id"], location_doc["label"])
                elements = []
                for element_doc in location_doc["elements"]:
                    element = Option(element_doc["id"], element_doc["label"])
                    parsed = tuple(
                        _problem(problem_doc, area, location, element)
                        for problem_doc in element_doc["problems"]
                    )
                    problems.update((p.id, p) for p in parsed)
                    elements.append(Element(element.id, element.label, parsed))
                locations.append(Location(location.id, location.label, tuple(elements)))
            areas.append(Area(area.id, area.label, tuple(locations)))
        return cls(
            title=document["title"],
            prompts=dict(document["prompts"]),
            normal_working_days=document["normal_working_days"],
            areas=tuple(areas),
            problems=problems,
            emergency_shortcuts=tuple(document["emergency_shortcuts"]),
            search_settings=dict(document["search"]),
        )

    def problem(self, problem_id: str) -> Problem:
        try:
            return self.problems[problem_id]
        except KeyError:
            raise WizardError(f"no problem {problem_id!r}") from None

    @property
    def emergencies(self) -> tuple[Problem, ...]:
        return tuple(self.problems[i] for i in self.emergency_shortcuts if i in self.problems)


def _problem(document: Document, area: Option, location: Option, element: Option) -> Problem:
    questions = tuple(
        Question(
            id=q["id"],
            text=q["text"],
            default=q["default"],
            answers=tuple(
                Answer(a["id"], a["label"], dict(a.get("outcome", {})), bool(a.get("final", False)))
                for a in q["answers"]
            ),
        )
        for q in document.get("questions", [])
    )
    return Problem(
        id=document["id"],
        label=document["label"],
        synonyms=tuple(document["synonyms"]),
        area=area,
        location=location,
        element=element,
        outcome=dict(document["outcome"]),
        questions=questions,
    )


def _resolve(tree: Tree, problem: Problem, answered: Sequence[tuple[Question, Answer]]) -> Outcome:
    values = dict(problem.outcome)
    for _question, answer in answered:
        values.update(answer.patch)
    if values["urgency"] == "normal":
        if values.get("working_days") is None:
            values["working_days"] = tree.normal_working_days
    else:
        values["working_days"] = None
    return Outcome(
        problem_id=problem.id,
        responsibility=values["responsibility"],
        urgency=values.get("urgency"),
        working_days=values.get("working_days"),
        trade=values.get("trade"),
        defect_soort=values.get("defect_soort"),
        defect_locatie=values.get("defect_locatie"),
        clause=values.get("clause"),
        emergency_number=values.get("emergency_number"),
        covered_by_service_subscription=bool(values.get("covered_by_service_subscription", False)),
        advice=values.get("advice"),
        answers=tuple((q.id, a.id) for q, a in answered),
    )


def problem_outcome(tree: Tree, problem_id: str, answers: Mapping[str, str] | None = None) -> Outcome:
    """The outcome for these answers ({question id: answer id}); a missing answer takes the default."""
    problem = tree.problem(problem_id)
    answers = dict(answers or {})
    known = {q.id for q in problem.questions}
    unknown = sorted(set(answers) - known)
    if unknown:
        raise WizardError(f"problem {problem_id!r} asks no question {unknown}; known: {sorted(known)}")
    answered: list[tuple[Question, Answer]] = []
    for question in problem.questions:
        answer = question.answer(answers.get(question.id, question.default))
        answered.append((question, answer))
        if answer.final:
            break
    return _resolve(tree, problem, answered)


def default_outcome(tree: Tree, problem_id: str) -> Outcome:
    """The outcome when every question takes its default (most common) answer."""
    return problem_outcome(tree, problem_id, {})


def walk(tree: Tree, path: Sequence[str]) -> Step | Outcome:
    """The next step after `path` (area, location, element, problem, answers...), or the outcome."""
    path = tuple(path)
    emergencies = tree.emergencies
    if len(path) == 0:
        return Step(
            "area",
            tree.prompts["area"],
            tuple(Option(a.id, a.label) for a in tree.areas),
            path,
            emergencies=emergencies,
        )
    area = _pick(tree.areas, path[0], "area")
    if len(path) == 1:
        options = tuple(Option(loc.id, loc.label) for loc in area.locations)
        return Step("location", tree.prompts["location"], options, path, emergencies=emergencies)
    location = _pick(area.locations, path[1], "location")
    if len(path) == 2:
        options = tuple(Option(e.id, e.label) for e in location.elements)
        return Step("element", tree.prompts["element"], options, path, emergencies=emergencies)
    element = _pick(location.elements, path[2], "element")
    if len(path) == 3:
        options = tuple(Option(p.id, p.label) for p in element.problems)
        return Step("problem", tree.prompts["problem"], options, path, emergencies=emergencies)
    problem = _pick(element.problems, path[3], "problem")
    given = path[4:]
    answered: list[tuple[Question, Answer]] = []
    for index, question in enumerate(problem.questions):
        if index == len(given):
            return Step(
                "question",
                question.text,
                tuple(Option(a.id, a.label) for a in question.answers),
                path,
                problem_id=problem.id,
                question_id=question.id,
                emergencies=emergencies,
            )
        answer = question.answer(given[index])
        answered.append((question, answer))
        if answer.final:
            break
    if len(given) > len(answered):
        raise WizardError(f"problem {problem.id!r}: more answers than questions asked ({list(given)})")
    return _resolve(tree, problem, answered)


def path_to(tree: Tree, problem_id: str) -> tuple[str, str, str, str]:
    """Where a problem sits, so a search result can continue in the wizard."""
    return tree.problem(problem_id).path


def _pick(items: Sequence[Any], wanted: str, kind: str) -> Any:
    for item in items:
        if item.id == wanted:
            return item
    raise WizardError(f"no {kind} {wanted!r} here; known: {[i.id for i in items]}")


def outcome_paths(tree: Tree, problem_id: str) -> list[Outcome]:
    """Every outcome a problem can reach, one per distinct sequence of answers (for checks and tests)."""
    problem = tree.problem(problem_id)
    found: list[Outcome] = []

    def explore(index: int, answered: list[tuple[Question, Answer]]) -> None:
        if index == len(problem.questions):
            found.append(_resolve(tree, problem, answered))
            return
        question = problem.questions[index]
        for answer in question.answers:
            step = [*answered, (question, answer)]
            if answer.final:
                found.append(_resolve(tree, problem, step))
            else:
                explore(index + 1, step)

    explore(0, [])
    return found
