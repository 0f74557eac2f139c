"""Repair requests (VERA onderhoudsverzoek), their photos, work orders (onderhoudsorder) for contractors,
and appointments. Free text (the tenant's description, a contractor's remark) lives here, never in the
journal."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from roer.repairs.constants import (
    APPOINTMENT_VERA_STATUS,
    GRADE_MAX,
    GRADE_MIN,
    AppointmentStatus,
    Handling,
    IntakeChannel,
    OrderFlag,
    OrderResult,
    OrderStatus,
    PartOfDay,
    RequestStatus,
    Responsibility,
    RoutedBy,
    SatisfactionChannel,
    Urgency,
)


class Contractor(models.Model):
    """A contractor (aannemer). `key` ties the row to the `contractor-routing` rule set, which decides who
    gets which order; `contractors_ensure_from_routing` creates and updates rows from it."""

    key = models.SlugField(max_length=60, unique=True)
    name = models.CharField(max_length=200)
    email = models.EmailField()
    trades = models.JSONField(default=list, blank=True, help_text=_("VERA ONDERHOUDSPECIALISME codes."))
    areas = models.JSONField(
        default=list, blank=True, help_text=_("The areas per trade, copied from the routing rules.")
    )
    api_token_hash = models.CharField(
        max_length=128,
        blank=True,
        help_text=_("Hash of the contractor's API token; the token is never stored."),
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="contractor",
        help_text=_("The account for the contractor's own area."),
    )
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return self.name


class RepairRequest(models.Model):
    """A tenant's repair request, with the wizard's outcome as it was when they submitted it."""

    tenancy = models.ForeignKey("tenancies.Tenancy", on_delete=models.PROTECT, related_name="repair_requests")
    dwelling = models.ForeignKey(
        "tenancies.Dwelling", on_delete=models.PROTECT, related_name="repair_requests"
    )
    problem_id = models.CharField(max_length=60, db_index=True)
    answers = models.JSONField(default=dict, blank=True, help_text=_("{question id: answer id}"))
    # The outcome snapshot (the tree may change later; the request keeps what the tenant was told).
    responsibility = models.CharField(max_length=20, choices=Responsibility.choices)
    urgency = models.CharField(max_length=10, choices=Urgency.choices, blank=True)
    working_days = models.PositiveSmallIntegerField(null=True, blank=True)
    trade = models.CharField(max_length=4, blank=True, help_text=_("VERA ONDERHOUDSPECIALISME"))
    defect_soort = models.CharField(max_length=4, blank=True, help_text=_("VERA DEFECTSOORT"))
    defect_locatie = models.CharField(max_length=4, blank=True, help_text=_("VERA DEFECTLOCATIE"))
    clause = models.CharField(
        max_length=1, blank=True, help_text=_("Besluit kleine herstellingen, annex letter")
    )
    wizard_version = models.ForeignKey("core.RuleVersion", on_delete=models.PROTECT, related_name="+")
    channel = models.CharField(max_length=3, choices=IntakeChannel.choices, default=IntakeChannel.PORTAL)
    status = models.CharField(max_length=3, choices=RequestStatus.choices, default=RequestStatus.REGISTERED)
    handling = models.CharField(max_length=20, choices=Handling.choices)
    description = models.TextField(blank=True, help_text=_("The tenant's own words (personal data)."))
    preferred_weekdays = models.JSONField(
        default=list, blank=True, help_text=_("0 Monday to 4 Friday; empty: any working day.")
    )
    preferred_part = models.CharField(max_length=3, choices=PartOfDay.choices, blank=True)
    submitted_at = models.DateTimeField(default=timezone.now)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    idempotency_key = models.CharField(
        max_length=64, unique=True, help_text=_("From the form: a double-submitted form makes one request.")
    )
    status_changed_at = models.DateTimeField(default=timezone.now)
    cancelled_reason = models.TextField(blank=True)
    confirmation_sent_at = models.DateTimeField(null=True, blank=True)
    satisfaction_asked_at = models.DateTimeField(
        null=True, blank=True, help_text=_("When the e-mail with the link to grade the repair went out.")
    )

    class Meta:
        ordering = ["-submitted_at", "-id"]
        indexes = [models.Index(fields=["status", "handling"], name="repairrequest_queue")]

    def __str__(self) -> str:
        return f"Reparatieverzoek {self.pk} ({self.problem_id})"

    @property
    def code(self) -> str:
        """VERA `code`: what the tenant and a contractor see."""
        return f"RV{self.pk:06d}"


def _photo_path(instance: RepairPhoto, filename: str) -> str:
    # The tenant's file name is not kept: it may hold a name or a place.
    return f"repairs/photos/{instance.request_id}/{timezone.now():%Y%m%d%H%M%S%f}.jpg"


class RepairPhoto(models.Model):
    request = models.ForeignKey(RepairRequest, on_delete=models.CASCADE, related_name="photos")
    image = models.ImageField(upload_to=_photo_path, width_field="width", height_field="height")
    width = models.PositiveIntegerField(default=0)
    height = models.PositiveIntegerField(default=0)
    uploaded_at = models.DateTimeField(default=timezone.now)


class WorkOrder(models.Model):
    """A VERA onderhoudsorder: the work given to a contractor, with the date it must be done by."""

    request = models.ForeignKey(RepairRequest, on_delete=models.PROTECT, related_name="orders")
    contractor = models.ForeignKey(Contractor, on_delete=models.PROTECT, related_name="orders")
    trade = models.CharField(max_length=4)
    status = models.CharField(max_length=3, choices=OrderStatus.choices, default=OrderStatus.REGISTERED)
    due_by = models.DateTimeField(null=True, blank=True, help_text=_("VERA uitersteGereeddatum"))
    routing_version = models.ForeignKey("core.RuleVersion", on_delete=models.PROTECT, related_name="+")
    routed_by = models.CharField(max_length=16, choices=RoutedBy.choices)
    created_at = models.DateTimeField(default=timezone.now)
    issued_at = models.DateTimeField(null=True, blank=True, help_text=_("VERA opdrachtdatum"))
    accepted_at = models.DateTimeField(null=True, blank=True)
    status_changed_at = models.DateTimeField(default=timezone.now)
    result = models.CharField(max_length=10, choices=OrderResult.choices, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    flag = models.CharField(max_length=25, choices=OrderFlag.choices, blank=True)
    flagged_at = models.DateTimeField(null=True, blank=True)
    remark = models.TextField(blank=True, help_text=_("The contractor's own words (kept off the journal)."))

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"Onderhoudsorder {self.pk}"

    @property
    def code(self) -> str:
        return f"OO{self.pk:06d}"


class Appointment(models.Model):
    order = models.ForeignKey(WorkOrder, on_delete=models.CASCADE, related_name="appointments")
    date = models.DateField()
    part = models.CharField(max_length=3, choices=PartOfDay.choices)
    status = models.CharField(
        max_length=10, choices=AppointmentStatus.choices, default=AppointmentStatus.PROPOSED
    )
    created_at = models.DateTimeField(default=timezone.now)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["date", "part"]
        constraints = [
            models.UniqueConstraint(
                fields=["order"],
                condition=~models.Q(status=AppointmentStatus.CANCELLED),
                name="one_live_appointment_per_order",
            )
        ]

    @property
    def vera_status(self) -> str:
        """VERA AFSPRAAKSTATUS."""
        return APPOINTMENT_VERA_STATUS[AppointmentStatus(self.status)]


class SatisfactionResponse(models.Model):
    """The tenant's grade once the work is done: 1 to 10, whether it is fixed, and their own words (personal
    data: kept here, never in the journal). One per request.

    The request's facts are copied in when the grade is given, so the supervisor slices satisfaction by
    trade, contractor, rule version, intake channel and urgency without joins that later history could
    change (a request reopened and ordered again keeps the contractor it was graded on)."""

    request = models.OneToOneField(RepairRequest, on_delete=models.CASCADE, related_name="satisfaction")
    grade = models.PositiveSmallIntegerField(help_text=_("1 (very bad) to 10 (excellent)."))
    fixed = models.BooleanField(help_text=_("Is the problem fixed, in the tenant's words?"))
    comment = models.TextField(blank=True, help_text=_("The tenant's own words (personal data)."))
    channel = models.CharField(max_length=3, choices=SatisfactionChannel.choices)
    answered_at = models.DateTimeField(default=timezone.now)
    # Denormalised facts the supervisor slices by.
    problem_id = models.CharField(max_length=60)
    trade = models.CharField(max_length=4, blank=True, help_text=_("VERA ONDERHOUDSPECIALISME"))
    contractor = models.ForeignKey(
        Contractor, null=True, blank=True, on_delete=models.PROTECT, related_name="satisfaction_responses"
    )
    wizard_version = models.ForeignKey("core.RuleVersion", on_delete=models.PROTECT, related_name="+")
    routing_version = models.ForeignKey(
        "core.RuleVersion", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    intake_channel = models.CharField(max_length=3, choices=IntakeChannel.choices)
    urgency = models.CharField(max_length=10, choices=Urgency.choices, blank=True)

    class Meta:
        ordering = ["-answered_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(grade__gte=GRADE_MIN) & models.Q(grade__lte=GRADE_MAX),
                name="satisfaction_grade_1_to_10",
            )
        ]
        indexes = [models.Index(fields=["answered_at"], name="satisfaction_answered")]

    def __str__(self) -> str:
        return f"Beoordeling {self.grade} voor {self.request_id}"


class TenantMessage(models.Model):
    """A short message from staff to the tenant about one request: e-mailed to the tenancy's address and shown
    on the tenant's repair page. The text is personal data, so it lives here; the journal only records that
    a message was sent."""

    request = models.ForeignKey(RepairRequest, on_delete=models.CASCADE, related_name="tenant_messages")
    text = models.TextField(help_text=_("The message as the tenant reads it."))
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    emailed_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text=_("Empty: not sent yet, or nobody of the tenancy has an e-mail address."),
    )

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"Bericht {self.pk} bij {self.request_id}"
