"""Imported event logs, stored for the process map (docs/process-map.md).

A log is read once and kept in the shape its questions need, not event by event: the cases (each
with its variant, its first and last moment, the Amsterdam day it started and its timestamps packed
as one blob), the distinct variants (activity sequences, packed), and per directly-follows edge and
case start day the sorted waits between the two activities, packed. A map of the whole log or of
the cases that started in a period is then a handful of aggregate queries over small tables
(about 60,000 cases, some thousands of variants and some ten thousands of edge-day rows for a
log of a million events), never a pass over a million rows.

Packed blobs are little-endian arrays: activity indexes as unsigned 32-bit, moments and waits as
signed 64-bit microseconds (moments since 1970-01-01 UTC; roer.supervision.mining.pack/unpack).
A run of waits is stored as the import's sort left it: each wait plus the edge's key
(source * activity_count + target) shifted left by EventLog.wait_shift bits, which is 0 for bare
waits (roer.supervision.mining.Digest); the median subtracts that base from the middle values.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from roer.supervision.constants import LogFormat


class EventLog(models.Model):
    name = models.CharField(max_length=200, unique=True)
    source_file = models.CharField(max_length=255)
    source_format = models.CharField(max_length=8, choices=LogFormat.choices)
    imported_at = models.DateTimeField(default=timezone.now)
    case_count = models.PositiveIntegerField(default=0)
    event_count = models.PositiveBigIntegerField(default=0)
    activity_count = models.PositiveIntegerField(default=0)
    variant_count = models.PositiveIntegerField(default=0)
    # CSV rows left out because their case, activity or timestamp cell was empty (as PM4Py drops them).
    rows_skipped = models.PositiveBigIntegerField(default=0)
    # LogEdgeDay.durations hold each wait plus the edge's key (source * activity_count + target)
    # shifted left by this many bits, so that one sort groups and orders them; 0: bare waits.
    wait_shift = models.PositiveSmallIntegerField(default=0)
    first_event_at = models.DateTimeField(null=True, blank=True)
    last_event_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class LogActivity(models.Model):
    """An activity name, interned to a small index within its log."""

    log = models.ForeignKey(EventLog, on_delete=models.CASCADE, related_name="activities")
    index = models.PositiveIntegerField()
    name = models.TextField()
    event_count = models.PositiveBigIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["log", "index"], name="log_activity_once")]


class LogVariant(models.Model):
    """One distinct activity sequence and the number of cases that follow it."""

    log = models.ForeignKey(EventLog, on_delete=models.CASCADE, related_name="variants")
    index = models.PositiveIntegerField()
    activities = models.BinaryField()  # packed activity indexes
    length = models.PositiveIntegerField()
    case_count = models.PositiveIntegerField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["log", "index"], name="log_variant_once")]


class LogCase(models.Model):
    """A case: its id in the file, its variant and its events' moments (in the variant's order)."""

    log = models.ForeignKey(EventLog, on_delete=models.CASCADE, related_name="cases")
    index = models.PositiveIntegerField()
    case_id = models.TextField()
    variant = models.PositiveIntegerField()  # LogVariant.index
    start_day = models.DateField()  # the Amsterdam day of the first event
    start_us = models.BigIntegerField()
    end_us = models.BigIntegerField()
    event_count = models.PositiveIntegerField()
    timestamps = models.BinaryField()  # packed epoch microseconds, one per event

    class Meta:
        constraints = [models.UniqueConstraint(fields=["log", "index"], name="log_case_once")]
        indexes = [models.Index(fields=["log", "start_day", "variant"], name="log_case_start")]


class LogEdgeDay(models.Model):
    """The directly-follows edge `source` → `target` in the cases that started on `day`: how often,
    and the waits between the two events, sorted (each plus the edge's base: EventLog.wait_shift)."""

    log = models.ForeignKey(EventLog, on_delete=models.CASCADE, related_name="edge_days")
    source = models.PositiveIntegerField()  # LogActivity.index
    target = models.PositiveIntegerField()
    day = models.DateField()
    count = models.PositiveIntegerField()
    durations = models.BinaryField()  # packed microseconds, sorted, each plus (key << log.wait_shift)

    class Meta:
        indexes = [models.Index(fields=["log", "day"], name="log_edge_day")]


class LogEdge(models.Model):
    """A directly-follows edge over the whole log, with its median wait: the whole-log map reads
    these instead of sorting every wait again."""

    log = models.ForeignKey(EventLog, on_delete=models.CASCADE, related_name="edges")
    source = models.PositiveIntegerField()
    target = models.PositiveIntegerField()
    count = models.PositiveBigIntegerField()
    median_seconds = models.FloatField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["log", "source", "target"], name="log_edge_once")]


class MeterDay(models.Model):
    """One day of one meter (docs/meters.md), rolled up from the journal by roer.supervision.rollups.

    `dimension` is blank for the meter as a whole, else the breakdown (problem, step, channel, ...) with
    `value` its value. Per meter the numbers mean: a share is numerator / denominator; a grade or a
    number of days is a sum (numerator) over a count (denominator); `extra` is a second count (grades
    below 6, say). Re-rolling a day replaces all of that day's rows of the meter."""

    meter = models.CharField(max_length=40)
    day = models.DateField()
    dimension = models.CharField(max_length=40, blank=True)
    value = models.CharField(max_length=200, blank=True)
    rule_version = models.ForeignKey(
        "core.RuleVersion", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    numerator = models.BigIntegerField(default=0)
    denominator = models.BigIntegerField(default=0)
    extra = models.BigIntegerField(default=0)
    rolled_up_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [
            models.Index(fields=["meter", "dimension", "day"], name="meter_day_lookup"),
            models.Index(fields=["day"], name="meter_day_day"),
        ]

    def __str__(self) -> str:
        return f"{self.meter} {self.day} {self.dimension}={self.value}"


class AlertKind(models.TextChoices):
    THRESHOLD = "threshold", _("Misses its target")
    DRIFT = "drift", _("Departs from its baseline")
    DISPARITY = "disparity", _("Treats a group differently")


class AlertState(models.TextChoices):
    OPEN = "open", _("Open")
    ACKNOWLEDGED = "acknowledged", _("Acknowledged")
    RESOLVED = "resolved", _("Resolved")


class Alert(models.Model):
    """A meter that crossed its target or departed from its own recent baseline (docs/meters.md, Alerts).

    One alert is open (or acknowledged) per `key` — meter, kind, dimension, value and rule version — at a
    time: a new firing updates it (`last_day`, `evidence`, `firings`) instead of adding a second one. The
    evidence is what the check saw: the statistic, observed against baseline, window and example cases."""

    key = models.CharField(max_length=300)
    meter = models.CharField(max_length=40)
    kind = models.CharField(max_length=20, choices=AlertKind.choices)
    dimension = models.CharField(max_length=40, blank=True)
    value = models.CharField(max_length=200, blank=True)
    rule_version = models.ForeignKey(
        "core.RuleVersion", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    state = models.CharField(max_length=20, choices=AlertState.choices, default=AlertState.OPEN)
    first_day = models.DateField()
    last_day = models.DateField()
    firings = models.PositiveIntegerField(default=1)
    evidence = models.JSONField(default=dict)
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    raised_at = models.DateTimeField(default=timezone.now)
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolution_note = models.TextField(blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["key"],
                condition=~models.Q(state="resolved"),
                name="alert_one_open_per_key",
            )
        ]
        indexes = [models.Index(fields=["state", "last_day"], name="alert_state_day")]

    def __str__(self) -> str:
        return f"{self.meter} {self.kind} {self.dimension}={self.value} ({self.state})"


class ReviewReason(models.TextChoices):
    """Why a portal interaction is in the review queue (roer.supervision.review)."""

    SAMPLE = "sample", _("Random sample")
    DID_NOT_HELP = "did_not_help", _("Answer did not help")
    CHANNEL_SWITCH = "channel_switch", _("Channel switch")
    CONTRACTOR_FLAG = "contractor_flag", _("Flagged by the contractor")
    LOW_GRADE = "low_grade", _("Grade below 6")


class ReviewState(models.TextChoices):
    OPEN = "open", _("To review")
    REVIEWED = "reviewed", _("Reviewed")


class ReviewTag(models.TextChoices):
    """What the reviewer found; `fine` stands alone, the others may be combined."""

    WRONG_ANSWER = "wrong_answer", _("Wrong answer")
    WRONG_ACTION = "wrong_action", _("Wrong action")
    UNCLEAR_TEXT = "unclear_text", _("Unclear text")
    TENANT_ERROR = "tenant_error", _("Tenant error")
    SYSTEM_ERROR = "system_error", _("System error")
    FINE = "fine", _("Fine")


class ReviewItem(models.Model):
    """A portal interaction for the process supervisor to review: the journal event that put it in the
    queue, why, the subject whose story it is part of, and the rule versions in force at the event.

    One item per event and reason, so filling a day again adds nothing. A review is final: its tags are
    what the `review_tags` meter counted on the day of the review."""

    event = models.ForeignKey("core.JournalEvent", on_delete=models.PROTECT, related_name="+")
    reason = models.CharField(max_length=20, choices=ReviewReason.choices)
    subject_kind = models.CharField(max_length=60)
    subject_id = models.CharField(max_length=40)
    # The event's moment, copied so the queue filters and sorts on its own index.
    occurred_at = models.DateTimeField()
    rule_versions = models.ManyToManyField("core.RuleVersion", related_name="+", blank=True)
    queued_at = models.DateTimeField(default=timezone.now)
    state = models.CharField(max_length=20, choices=ReviewState.choices, default=ReviewState.OPEN)
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    note = models.TextField(blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["event", "reason"], name="review_item_once")]
        indexes = [
            models.Index(fields=["state", "occurred_at"], name="review_item_queue"),
            models.Index(fields=["occurred_at"], name="review_item_day"),
            models.Index(fields=["reviewed_at"], name="review_item_reviewed"),
        ]

    def __str__(self) -> str:
        return f"{self.reason} {self.subject_kind}#{self.subject_id} ({self.state})"


class ReviewItemTag(models.Model):
    """One tag of a reviewed item: a row per tag, so the meter counts them with GROUP BY on any database."""

    item = models.ForeignKey(ReviewItem, on_delete=models.CASCADE, related_name="tags")
    tag = models.CharField(max_length=20, choices=ReviewTag.choices)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["item", "tag"], name="review_item_tag_once")]

    def __str__(self) -> str:
        return f"{self.item_id}: {self.tag}"
