"""Writes about users and roles."""

from django.contrib.auth.models import Group

from roer.accounts.constants import Role


def role_groups_ensure() -> None:
    """Every role of DESIGN.md exists as a group."""
    for role in Role:
        Group.objects.get_or_create(name=role.value)
