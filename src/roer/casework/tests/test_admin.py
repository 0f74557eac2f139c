import pytest
from django.contrib.admin.sites import site
from django.test import RequestFactory

from roer.casework.models import Case, CaseNote, ContactMoment

from .factories import CaseNoteFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("model", [Case, ContactMoment, CaseNote])
def test_casework_is_read_only_in_the_admin(model, social_manager):
    request = RequestFactory().get("/")
    request.user = social_manager
    model_admin = site._registry[model]
    assert not model_admin.has_add_permission(request)
    assert not model_admin.has_change_permission(request)
    assert not model_admin.has_delete_permission(request)


def test_the_admin_never_shows_the_text_of_a_protected_note(social_manager):
    request = RequestFactory().get("/")
    request.user = social_manager
    note_admin = site._registry[CaseNote]
    assert "text" in note_admin.get_fields(request, CaseNoteFactory())
    assert "text" not in note_admin.get_fields(request, CaseNoteFactory(health=True))
    assert "text" not in note_admin.get_fields(request, CaseNoteFactory(family=True))
