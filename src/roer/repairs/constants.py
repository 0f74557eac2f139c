from django.db import models
from django.utils.translation import gettext_lazy as _


class Responsibility(models.TextChoices):
    TENANT = "tenant", _("The tenant (Besluit kleine herstellingen)")
    CORPORATION = "corporation", _("The corporation")
    THIRD_PARTY = "third_party", _("A third party (grid operator, emergency services)")


class Urgency(models.TextChoices):
    EMERGENCY = "emergency", _("Emergency: the same day")
    URGENT = "urgent", _("Urgent: within 24 hours")
    NORMAL = "normal", _("Normal: within a number of working days")


class VeraList(models.TextChoices):
    """The VERA code lists an outcome refers to (Soort in Referentiedata.csv)."""

    TRADE = "ONDERHOUDSPECIALISME", _("Trade")
    DEFECT_SOORT = "DEFECTSOORT", _("Kind of defect")
    DEFECT_LOCATIE = "DEFECTLOCATIE", _("Location of the defect")


class EmergencyNumber(models.TextChoices):
    GRID_OPERATOR = "0800-9009", _("The national gas and power fault number (grid operator)")
    EMERGENCY_SERVICES = "112", _("Emergency services: fire, police, ambulance")


# Besluit kleine herstellingen (BWBR0014931), the annex's letters.
CLAUSES = tuple("abcdefghijklmnopqrstuv")


class RequestStatus(models.TextChoices):
    """VERA ONDERHOUDSVERZOEKSTATUS (Referentiedata.csv)."""

    REGISTERED = "REG", _("Registered")
    IN_PROGRESS = "INB", _("In progress")
    UNDER_REVIEW = "BEO", _("Under review")
    TECHNICALLY_DONE = "TEC", _("Work done")
    FINANCIAL = "FIN", _("Financial settlement")
    HANDLED = "AFG", _("Handled")
    CANCELLED = "GEA", _("Cancelled")


OPEN_REQUEST_STATUSES = frozenset(
    {RequestStatus.REGISTERED, RequestStatus.IN_PROGRESS, RequestStatus.UNDER_REVIEW}
)


class OrderStatus(models.TextChoices):
    """VERA ONDERHOUDSORDERSTATUS (Referentiedata.csv)."""

    REGISTERED = "REG", _("Registered")
    AWAITING_APPROVAL = "WOG", _("Awaiting approval")
    QUOTATION = "OFF", _("Quotation")
    ISSUED = "GUN", _("Issued to the contractor")
    PLANNED = "PLN", _("Planned")
    IN_PROGRESS = "INB", _("In progress")
    TECHNICALLY_DONE = "TEC", _("Work done")
    SAMPLE = "STE", _("In the sample check")
    FINANCIAL = "FIN", _("Financial settlement")
    HANDLED = "AFG", _("Handled")
    CANCELLED = "GEA", _("Cancelled")


OPEN_ORDER_STATUSES = frozenset(
    {
        OrderStatus.REGISTERED,
        OrderStatus.AWAITING_APPROVAL,
        OrderStatus.ISSUED,
        OrderStatus.PLANNED,
        OrderStatus.IN_PROGRESS,
    }
)


class IntakeChannel(models.TextChoices):
    """The VERA COMMUNICATIEKANAAL codes a repair request comes in by."""

    PORTAL = "INT", _("Portal")
    PHONE = "TEL", _("Phone")
    DESK = "BAL", _("Desk")


class PartOfDay(models.TextChoices):
    """VERA DAGDEEL: morning 8–12, afternoon 12–18."""

    MORNING = "OCH", _("Morning (8:00–12:00)")
    AFTERNOON = "MID", _("Afternoon (12:00–18:00)")


# When each part of the day begins and ends (local time).
PART_HOURS: dict[str, tuple[int, int]] = {PartOfDay.MORNING: (8, 12), PartOfDay.AFTERNOON: (12, 18)}


class AppointmentStatus(models.TextChoices):
    """Proposed, confirmed or cancelled; `vera_code` gives VERA AFSPRAAKSTATUS (AAN, GEP, ANN)."""

    PROPOSED = "proposed", _("Proposed")
    CONFIRMED = "confirmed", _("Confirmed")
    CANCELLED = "cancelled", _("Cancelled")


APPOINTMENT_VERA_STATUS = {
    AppointmentStatus.PROPOSED: "AAN",
    AppointmentStatus.CONFIRMED: "GEP",
    AppointmentStatus.CANCELLED: "ANN",
}


class Handling(models.TextChoices):
    """How the autopilot handled a submitted request."""

    TENANT_PART = "tenant_part", _("The tenant's own part: advice, no order")
    ORDERED = "ordered", _("Ordered from a contractor")
    SUBSCRIPTION = "subscription", _("The tenant's part, ordered under the service subscription")
    AWAITING_APPROVAL = "awaiting_approval", _("An order is proposed; a person approves")
    STAFF_QUEUE = "staff_queue", _("In the staff queue: a person handles it")


class OrderFlag(models.TextChoices):
    """What a contractor reports as wrong about an order: the supervisor's wrong follow-up actions."""

    WRONG_TRADE = "wrong_trade", _("Wrong trade")
    TENANT_RESPONSIBILITY = "tenant_responsibility", _("The tenant's own responsibility")
    OTHER_CONTRACTOR = "other_contractor", _("Needs another contractor")
    NO_ACCESS = "no_access", _("Could not get in")


class OrderResult(models.TextChoices):
    DONE = "done", _("Done")
    NOT_DONE = "not_done", _("Not done")


# Photos: what comes in, what goes out.
PHOTO_MAX_BYTES = 10 * 1024 * 1024
PHOTO_MAX_SIDE = 2000
PHOTO_MAX_PIXELS = 40_000_000
PHOTO_JPEG_QUALITY = 85
PHOTOS_PER_REQUEST = 5


class RoutedBy(models.TextChoices):
    """How a work order found its contractor in the routing table."""

    NEIGHBOURHOOD = "neighbourhood", _("By neighbourhood")
    POSTCODE = "postcode", _("By postcode range")
    DEFAULT = "default", _("The trade's default contractor")
    PERSON = "person", _("Chosen by a person")


class WizardStep(models.TextChoices):
    """What the portal showed a tenant in the repair wizard; the supervisor's funnel counts these."""

    SEARCHED = "searched", _("Searched for a problem")
    QUESTIONS_SHOWN = "questions_shown", _("Questions shown")
    OUTCOME_SHOWN = "outcome_shown", _("Outcome shown")
    BACK = "back", _("Went back to change an answer or to search again")
    # Not journaled as a wizard step: the submission is the `repair_request_submitted` event, which carries
    # the same `wizard_session` fact, so the funnel joins the two.
    SUBMITTED = "submitted", _("Request submitted")
    ABANDONED = "abandoned", _("Left without submitting")


class WizardBackTo(models.TextChoices):
    """Where a `back` step went."""

    SEARCH = "search", _("Back to search")
    QUESTIONS = "questions", _("Back to the questions")


# The funnel order of the steps a tenant sees: a step at or below one already reached is a step back.
WIZARD_STEP_ORDER: dict[str, int] = {
    WizardStep.SEARCHED: 0,
    WizardStep.QUESTIONS_SHOWN: 1,
    WizardStep.OUTCOME_SHOWN: 2,
    WizardStep.SUBMITTED: 3,
}


class SatisfactionChannel(models.TextChoices):
    """How the tenant gave the grade (VERA COMMUNICATIEKANAAL): in the portal or by the e-mail link."""

    PORTAL = "INT", _("Portal")
    EMAIL = "EMA", _("E-mail link")


# Statuses in which the work is done and the tenant may grade it.
GRADABLE_REQUEST_STATUSES = frozenset(
    {RequestStatus.TECHNICALLY_DONE, RequestStatus.FINANCIAL, RequestStatus.HANDLED}
)
GRADE_MIN = 1
GRADE_MAX = 10
