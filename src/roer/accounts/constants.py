from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    """The roles of DESIGN.md; each is a Django group of the same name."""

    TENANT = "tenant", _("Tenant")
    CUSTOMER_SERVICE = "customer_service", _("Customer service")
    SOCIAL_MANAGER = "social_manager", _("Social manager")
    COLLECTIONS_OFFICER = "collections_officer", _("Collections officer")
    PROCESS_SUPERVISOR = "process_supervisor", _("Process supervisor")
    FINANCE_OFFICER = "finance_officer", _("Finance officer")
    CONTRACTOR = "contractor", _("Contractor")
    ADMINISTRATOR = "administrator", _("Administrator")


STAFF_ROLES = frozenset(
    {
        Role.CUSTOMER_SERVICE,
        Role.SOCIAL_MANAGER,
        Role.COLLECTIONS_OFFICER,
        Role.PROCESS_SUPERVISOR,
        Role.FINANCE_OFFICER,
        Role.ADMINISTRATOR,
    }
)

# The one password of every demo account. Demo mode says so on every page; never used outside it.
DEMO_PASSWORD = "roer-demo-2026"

# One demo account per staff role, plus a contractor; their usernames are Dutch, like the people who use them.
DEMO_USERNAMES: dict[str, str] = {
    Role.SOCIAL_MANAGER: "sociaal",
    Role.COLLECTIONS_OFFICER: "incasso",
    Role.PROCESS_SUPERVISOR: "opzichter",
    Role.CUSTOMER_SERVICE: "klantenservice",
    Role.FINANCE_OFFICER: "financien",
    Role.ADMINISTRATOR: "beheer",
    Role.CONTRACTOR: "aannemer",
}

# How many one-time backup codes a staff account holds when its codes are (re)issued.
STATIC_CODE_COUNT = 10

# How many demo tenant logins the home page lists.
DEMO_TENANT_LOGINS_SHOWN = 5


class SecondFactorMethod(models.TextChoices):
    """How a person proved the second factor at sign-in."""

    NONE = "none", _("None")
    TOTP = "totp", _("Authenticator app")
    STATIC = "static", _("Backup code")


# Tenant activation by letter. The alphabet leaves out what people misread on paper: 0/O, 1/I/L.
ACTIVATION_CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
ACTIVATION_CODE_LENGTH = 12  # shown as XXXX-XXXX-XXXX: 31**12, about 59 bits
ACTIVATION_CODE_GROUP = 4
ACTIVATION_CODE_DAYS = 30
# A code whose address was guessed wrong this many times is blocked; the corporation sends a new one.
ACTIVATION_MAX_ATTEMPTS = 5
# Between the code step and the account step of activation.
ACTIVATION_SESSION_SECONDS = 15 * 60

# A password-reset link works this long (the token also dies once the password changes).
PASSWORD_RESET_LINK_HOURS = 24
