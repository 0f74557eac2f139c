"""Reads the repair pages need that `roer.repairs.selectors` does not have: the signed-in tenant's own
tenancy. Scoped to tenancies the user is a party to (through their person record)."""

from __future__ import annotations

from django.db.models import Q
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from roer.accounts.models import User
from roer.tenancies.models import Tenancy


def tenancy_for_tenant(user: User) -> Tenancy:
    """The tenant's current tenancy (the latest one still running); Http404 when they have none."""
    today = timezone.localdate()
    found = (
        Tenancy.objects.filter(parties__person__user=user)
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=today))
        .select_related("dwelling")
        .order_by("-start_date", "-id")
        .first()
    )
    if found is None:
        raise Http404(_("We cannot find a tenancy of yours."))
    return found
