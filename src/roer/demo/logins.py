"""Demo logins: the staff accounts (from `accounts`) and a few tenants whose stories are worth a look."""

from __future__ import annotations

from collections.abc import Callable

from django.db import transaction
from django.db.models import Count, Exists, OuterRef, QuerySet

from roer.accounts.constants import DEMO_PASSWORD, Role
from roer.accounts.demo_accounts import DemoLogin
from roer.accounts.models import User
from roer.accounts.services import demo_accounts_ensure, user_create
from roer.demo.constants import LifeEventKind, PaymentBehaviour
from roer.demo.models import LifeEvent
from roer.ledger.constants import EntryKind
from roer.ledger.models import LedgerEntry
from roer.repairs.constants import OPEN_ORDER_STATUSES
from roer.repairs.contractor_tokens import contractor_demo_account_link
from roer.repairs.models import Contractor
from roer.tenancies.constants import PartyRole
from roer.tenancies.models import Person, Tenancy


def _current() -> QuerySet[Tenancy]:
    return Tenancy.objects.filter(end_date__isnull=True)


def _without_events(tenancies: QuerySet[Tenancy]) -> QuerySet[Tenancy]:
    returns = LedgerEntry.objects.filter(tenancy=OuterRef("pk"), kind=EntryKind.RETURN)
    return tenancies.filter(demo_life_events__isnull=True).exclude(Exists(returns))


def _with_event(kind: str) -> Tenancy | None:
    event = (
        LifeEvent.objects.filter(kind=kind, tenancy__end_date__isnull=True)
        .order_by("-date", "tenancy__reference")
        .select_related("tenancy")
        .first()
    )
    return event.tenancy if event else None


# Username → how to find that tenant's tenancy. Five, the number the home page shows.
DEMO_TENANT_STORIES: dict[str, Callable[[], Tenancy | None]] = {
    # Paid on time by direct debit for the longest time, nothing ever went wrong.
    "huurder.trouw": lambda: (
        _without_events(_current().filter(demo_payment_profile__behaviour=PaymentBehaviour.ON_TIME))
        .order_by("start_date", "reference")
        .first()
    ),
    # Lost their job: the first arrears after years of paying.
    "huurder.baanverlies": lambda: _with_event(LifeEventKind.JOB_LOSS),
    # The partner died: a direct debit came back MD07.
    "huurder.rouw": lambda: _with_event(LifeEventKind.PARTNER_DIED),
    # Pays on pay day by transfer.
    "huurder.betaaldag": lambda: (
        _without_events(_current().filter(demo_payment_profile__behaviour=PaymentBehaviour.PAY_DAY))
        .order_by("start_date", "reference")
        .first()
    ),
    # Irregular, partial, missed months, catch-ups.
    "huurder.chaos": lambda: (
        _current()
        .filter(demo_payment_profile__behaviour=PaymentBehaviour.CHAOTIC)
        .order_by("start_date", "reference")
        .first()
    ),
}


def _main_tenant(tenancy: Tenancy) -> Person | None:
    party = tenancy.parties.filter(role=PartyRole.TENANT).select_related("person").first()
    return party.person if party else None


def demo_tenant_logins_ensure() -> list[DemoLogin]:
    """A login for the main tenant of each story found in the simulated corporation (idempotent)."""
    logins = []
    with transaction.atomic():
        for username, find in DEMO_TENANT_STORIES.items():
            user = User.objects.filter(username=username).first()
            if user is None:
                tenancy = find()
                person = _main_tenant(tenancy) if tenancy is not None else None
                if person is None:
                    continue
                user = user_create(
                    username=username,
                    email=person.email or f"{username}@demo.roer.local",
                    password=DEMO_PASSWORD,
                    roles=[Role.TENANT],
                    is_demo=True,
                )
                person.user = user
                person.save(update_fields=["user"])
            logins.append(
                DemoLogin(
                    username=username,
                    role=Role.TENANT,
                    role_label=str(Role.TENANT.label),
                    password=DEMO_PASSWORD,
                    codes=[],
                )
            )
    return logins


def demo_logins_ensure() -> list[DemoLogin]:
    """Staff and contractor accounts with their one-time codes, then the demo tenants. The demo contractor
    account works the heating installer's orders (the simulation made the contractors)."""
    staff = demo_accounts_ensure()
    _link_demo_contractor()
    return [*staff, *demo_tenant_logins_ensure()]


def _link_demo_contractor() -> None:
    """The demo contractor account works the orders of the contractor with the most open ones, so a visitor
    who signs in as `aannemer` finds work to accept, plan and report."""
    busiest = (
        Contractor.objects.filter(orders__status__in=OPEN_ORDER_STATUSES)
        .annotate(open_orders=Count("orders"))
        .order_by("-open_orders", "key")
        .values_list("key", flat=True)
        .first()
    )
    if busiest is None:
        contractor_demo_account_link()
    else:
        contractor_demo_account_link(key=busiest)
