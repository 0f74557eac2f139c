from django.db import models
from django.utils.translation import gettext_lazy as _


class LogFormat(models.TextChoices):
    """What an imported event log was read from."""

    XES = "xes", _("XES")
    XES_GZ = "xes.gz", _("XES, gzip-compressed")
    CSV = "csv", _("CSV")
    CSV_GZ = "csv.gz", _("CSV, gzip-compressed")


# The process map's source for Roer's own journal; no imported log may take this name.
JOURNAL_SOURCE = "journal"
# A journal case is one subject of this kind (app_label.model), unless another kind is asked for.
DEFAULT_CASE_KIND = "repairs.repairrequest"
