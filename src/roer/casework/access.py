"""Who may see casework, and which notes. Pure functions of the user's roles: one place to test."""

from __future__ import annotations

from typing import Any

from roer.accounts.constants import Role
from roer.casework.constants import PROTECTED_NOTE_CATEGORIES, NoteCategory

# Social managers work the cases; collections officers read them (they review escalations and must know a
# person is on it), but never the protected notes.
CASE_READERS: tuple[Role, ...] = (Role.SOCIAL_MANAGER, Role.COLLECTIONS_OFFICER)
CASE_WORKERS: tuple[Role, ...] = (Role.SOCIAL_MANAGER,)


def _signed_in(user: Any) -> bool:
    return user is not None and bool(getattr(user, "is_authenticated", False)) and user.is_active


def may_read_cases(user: Any) -> bool:
    return _signed_in(user) and user.has_role(*CASE_READERS)


def may_work_cases(user: Any) -> bool:
    return _signed_in(user) and user.has_role(*CASE_WORKERS)


def note_categories_for(user: Any) -> frozenset[str]:
    """The note categories this user may read: all for social managers, general for other case readers."""
    if may_work_cases(user):
        return frozenset(NoteCategory.values)
    if may_read_cases(user):
        return frozenset(NoteCategory.values) - PROTECTED_NOTE_CATEGORIES
    return frozenset()
