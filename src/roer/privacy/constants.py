from django.db import models
from django.utils.translation import gettext_lazy as _

# The version of the inzage export's structure (docs/privacy.md, personal_data.schema.json). A change that
# removes or renames a field raises it; readers check it before they read anything else.
EXPORT_FORMAT = "roer-personal-data"
EXPORT_VERSION = 1

# Dutch fiscal retention (Algemene wet inzake rijksbelastingen art. 52: seven years) is the default; the
# corporation's own retention policy sets ROER_RETENTION_YEARS.
DEFAULT_RETENTION_YEARS = 7

# What replaces a name once it is anonymised: a required field keeps a value, but no longer a person's.
ANONYMISED_NAME = "Geanonimiseerd"


class ExportFormat(models.TextChoices):
    JSON = "json", "JSON"
    PDF = "pdf", "PDF"


class ExportReason(models.TextChoices):
    """Why a person's data was exported; journaled as this code, never as free text."""

    SELF_SERVICE = "self_service", _("The tenant downloaded it in the portal")
    ACCESS_REQUEST = "access_request", _("Request for access (art. 15 AVG)")
    PORTABILITY_REQUEST = "portability_request", _("Request for data portability (art. 20 AVG)")
    LEGAL_DUTY = "legal_duty", _("A legal duty to provide the data (court, supervisor)")


class SkipReason(models.TextChoices):
    """Why a tenancy past its retention period is not anonymised yet."""

    OPEN_DEBT = "open_debt", _("The tenant still owes money")
    OPEN_ARREARS = "open_arrears", _("An arrears episode is still open")
    OPEN_CASE = "open_case", _("A social manager's case is still open")
