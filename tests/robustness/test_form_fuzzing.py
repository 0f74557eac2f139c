"""Hypothesis on every portal, console, contractor and account form: random text, numbers and choices for its
fields never make `is_valid()` raise, and input that is plainly wrong for a field is that field's error.

The forms are found, not listed: every concrete form class of those apps, in their form modules or their
views. A new one is fuzzed without a change here; one that needs constructor arguments must get them in
`CONSTRUCTED`, or the discovery test fails.
"""

from __future__ import annotations

import datetime as dt
import importlib
import inspect
import pkgutil
from collections.abc import Callable, Iterator
from decimal import Decimal, InvalidOperation
from typing import Any

import pytest
from django import forms
from django.core.exceptions import NON_FIELD_ERRORS
from django.http import QueryDict
from django.urls import get_resolver
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import roer
from roer.accounts.tests.factories import UserFactory
from roer.answers.selectors import live_answers
from roer.core.models import RuleVersion
from roer.repairs.selectors import live_wizard
from roer.repairs.tests.factories import ContractorFactory

# The apps whose forms people fill: the audience apps, the accounts' sign-in and the shared slot form.
FORM_APPS = ("accounts", "console", "contractors", "portal", "repairs")


def _is_abstract(form_class: type[forms.BaseForm]) -> bool:
    """A base form that leaves a class attribute to its subclasses (`longest_days: ClassVar[int]`)."""
    for klass in form_class.__mro__:
        for name, annotation in vars(klass).get("__annotations__", {}).items():
            if "ClassVar" in str(annotation) and not hasattr(form_class, name):
                return True
    return False


def _subclasses(klass: type) -> Iterator[type]:
    for sub in klass.__subclasses__():
        yield sub
        yield from _subclasses(sub)


def _form_classes() -> list[type[forms.BaseForm]]:
    """Every concrete form of those apps: the form modules and the view modules (the URLconf imports
    every view, and with it the forms views define for themselves)."""
    for info in pkgutil.walk_packages(roer.__path__, prefix="roer."):
        parts = info.name.split(".")
        if len(parts) == 3 and parts[1] in FORM_APPS and ("forms" in parts[2]):
            importlib.import_module(info.name)
    get_resolver().url_patterns  # noqa: B018 - imports every view module
    found = {
        _key(klass): klass
        for klass in _subclasses(forms.BaseForm)
        if klass.__module__.split(".")[:2] in [["roer", app] for app in FORM_APPS]
        and ".tests." not in klass.__module__
        and not _is_abstract(klass)
    }
    return [found[key] for key in sorted(found)]


def _key(form_class: type[forms.BaseForm]) -> str:
    return f"{form_class.__module__}.{form_class.__qualname__}"


FORMS = _form_classes()
TODAY = dt.date(2026, 4, 23)


# Constructor arguments of the forms that need them, built inside the test (some read the database).
def _versions() -> dict[str, Any]:
    return {"versions": list(RuleVersion.objects.all()[:3])}


def _contact() -> dict[str, Any]:
    return {"tree": live_wizard()[1], "book": live_answers()[1]}


CONSTRUCTED: dict[str, Callable[[], dict[str, Any]]] = {
    "roer.accounts.forms.TwoFactorOffForm": lambda: {"user": UserFactory()},
    "roer.console.forms_helm.DraftForm": lambda: {"key": "repairs.wizard"},
    "roer.console.views_meters.MeterFilterForm": _versions,
    "roer.console.views_process.ProcessFilterForm": lambda: {**_versions(), "sources": ["demo-log"]},
    "roer.console.forms_repairs.ReclassifyForm": lambda: {"trades": ["CVI", "LOO", "ELE"]},
    "roer.console.forms_repairs.RerouteForm": lambda: {"contractors": [ContractorFactory()]},
    "roer.console.forms_service.ContactRegisterForm": _contact,
    "roer.portal.account_forms.ArrangementForm": lambda: {"max_instalments": 6, "today": TODAY},
    "roer.contractors.forms.PlanForm": lambda: {"slots": [(TODAY, "OCH"), (TODAY, "MID")]},
    "roer.portal.repairs_forms.BookForm": lambda: {"slots": [(TODAY, "OCH")]},
}


def _needs_arguments(form_class: type[forms.Form]) -> bool:
    parameters = inspect.signature(form_class.__init__).parameters.values()
    return any(p.kind == p.KEYWORD_ONLY and p.default is p.empty for p in parameters)


def test_every_form_is_found_and_can_be_made() -> None:
    keys = {_key(f) for f in FORMS}
    assert len(FORMS) >= 30, keys  # the walk found the forms (it would pass vacuously on none)
    missing = sorted(_key(f) for f in FORMS if _needs_arguments(f) and _key(f) not in CONSTRUCTED)
    assert not missing, f"add constructor arguments for {missing} to CONSTRUCTED"
    assert set(CONSTRUCTED) <= keys, set(CONSTRUCTED) - keys


# --- values ----------------------------------------------------------------------------------------

HOSTILE = st.sampled_from(
    [
        "<script>alert(1)</script>",
        '"><img src=x onerror=alert(1)>',
        "'; DROP TABLE tenancies; --",
        "\x00",
        "\u202e",
        "9" * 40,
        "-1",
        "0",
        "2026-02-30",
        "31-12-2026",
        "NaN",
        "1e309",
        " ",
    ]
)
TEXT = st.text(max_size=60)


def _choice_values(field: forms.ChoiceField) -> list[str]:
    values: list[str] = []
    for value, label in field.choices:
        if isinstance(label, (list, tuple)):  # a group of choices
            values.extend(str(v) for v, _label in label)
        else:
            values.append(str(value))
    return values


def _field_values(field: forms.Field) -> st.SearchStrategy[str]:
    options: list[st.SearchStrategy[str]] = [TEXT, HOSTILE, st.integers().map(str), st.just("")]
    if isinstance(field, forms.ChoiceField) and not isinstance(field, forms.ModelChoiceField):
        choices = [v for v in _choice_values(field) if v]
        if choices:
            options.append(st.sampled_from(choices))
    if isinstance(field, forms.CharField) and field.max_length:
        options.append(st.text(alphabet="ab", min_size=field.max_length + 1, max_size=field.max_length + 5))
    if isinstance(field, (forms.DateField, forms.DateTimeField)):
        options.append(st.dates(dt.date(1900, 1, 1), dt.date(2100, 1, 1)).map(str))
    return st.one_of(*options)


@st.composite
def _data(draw: st.DrawFn, fields: dict[str, forms.Field]) -> QueryDict:
    data = QueryDict(mutable=True)
    for name, field in fields.items():
        if isinstance(field, forms.FileField) or draw(st.integers(0, 5)) == 0:
            continue  # no file; now and then a field left out of the POST altogether
        if isinstance(field, forms.MultipleChoiceField):
            data.setlist(name, draw(st.lists(_field_values(field), max_size=3)))
        else:
            data[name] = draw(_field_values(field))
    return data


# --- what plainly wrong input must give ---------------------------------------------------------------


def _is_int(text: str) -> bool:
    try:
        int(text.strip())
    except ValueError:
        return False
    return True


def _is_number(text: str) -> bool:
    try:
        return Decimal(text.strip()).is_finite()
    except InvalidOperation:
        return False


def _plainly_wrong(field: forms.Field, value: Any) -> bool:
    """Input that the field itself must refuse, whatever the form does after."""
    if isinstance(value, list):
        if isinstance(field, forms.MultipleChoiceField):
            allowed = set(_choice_values(field))
            return any(v not in allowed for v in value) or (field.required and not value)
        return False
    text = str(value)
    if text.strip() in field.empty_values or (text.strip() == "" and not isinstance(field, forms.CharField)):
        return field.required
    if isinstance(field, forms.CharField):
        stripped = text.strip() if field.strip else text
        if "\x00" in text:
            return True  # Django refuses null characters in any text field
        return field.max_length is not None and len(stripped) > field.max_length
    if isinstance(field, forms.IntegerField):
        return not _is_int(text)
    if isinstance(field, forms.DecimalField):
        return not _is_number(text)
    if isinstance(field, forms.ChoiceField) and not isinstance(field, forms.ModelChoiceField):
        return text not in _choice_values(field)
    return False


FUZZ = settings(
    max_examples=40,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@pytest.mark.django_db
@pytest.mark.parametrize("form_class", FORMS, ids=_key)
def test_random_input_gives_field_errors_never_an_exception(
    form_class: type[forms.Form], settings: Any
) -> None:
    settings.LANGUAGE_CODE = "en"
    arguments = CONSTRUCTED.get(_key(form_class), dict)()
    fields = form_class(**arguments).fields

    @FUZZ
    @given(data=_data(fields))
    def check(data: QueryDict) -> None:
        form = form_class(data, **arguments)
        valid = form.is_valid()  # must not raise, whatever came in
        unknown = set(form.errors) - set(form.fields) - {NON_FIELD_ERRORS}
        assert not unknown, f"errors on fields the form does not have: {unknown}"
        wrong = {
            name
            for name, field in form.fields.items()
            if not field.disabled
            and not isinstance(field, forms.FileField)
            and _plainly_wrong(
                field,
                data.getlist(name) if isinstance(field, forms.MultipleChoiceField) else data.get(name, ""),
            )
        }
        assert wrong <= set(form.errors), f"no error for {wrong - set(form.errors)} with {dict(data.lists())}"
        if wrong:
            assert not valid
        for messages in form.errors.values():
            assert all(str(message).strip() for message in messages)  # every error says something

    check()
