"""Councils, the NHS care boards they lie in, their SEND inspections and their status history."""

import datetime

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, FilteredRelation, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone

from sendtracker.staff_text import StaffTextMixin

from ..choices import (
    IN_PILOT_STATUSES,
    CouncilType,
    OfstedJudgement,
    PilotStatus,
    Region,
    SendInspectionOutcome,
)


class IntegratedCareBoard(StaffTextMixin, models.Model):
    """An NHS integrated care board (42 in England in 2023): loaded by ``manage.py import_care_boards``."""

    name = models.CharField(max_length=200, unique=True)
    slug = models.SlugField(max_length=200, unique=True)
    code = models.CharField(max_length=12, blank=True, help_text="ONS code of the ICB (e.g. E54000019), if known.")

    class Meta:
        ordering = ["name"]
        verbose_name = "integrated care board"
        constraints = [
            models.UniqueConstraint(
                fields=["code"],
                condition=~Q(code=""),
                name="icb_unique_code",
                violation_error_message="Another integrated care board already has this code.",
            ),
        ]

    def __str__(self):
        return self.name


class CouncilQuerySet(models.QuerySet):
    def in_pilot(self):
        """Councils the pilot has touched: every status but "not shortlisted"."""
        return self.filter(status__in=IN_PILOT_STATUSES)

    def with_status(self, *statuses):
        return self.filter(status__in=statuses)

    def as_of(self, date):
        """Annotate ``status_as_of`` and ``status_effective_as_of``: each council's
        status as it stood at the end of ``date``, rebuilt from the status history.

        The change in force that day (the latest on or before it; on the same day, the one recorded
        last) is joined once as ``change_as_of`` (``AS_OF_CHANGE``): one index lookup per council
        finds it, and every field read from it (here, and ``selectors.latest_change_annotations``'s
        note and source) is a column of that join, not a subquery of its own. A council with no
        change by then has no joined row: "not shortlisted", no date.
        """
        in_force = (
            StatusChange.objects.filter(council=OuterRef("pk"), effective_on__lte=date)
            .order_by("-effective_on", "-recorded_at", "-pk")
            .values("pk")[:1]
        )
        return self.annotate(
            # ``effective_on`` repeats what the subquery ensures: the database then joins against
            # the changes of that day and before only, not the whole history.
            **{
                AS_OF_CHANGE: FilteredRelation(
                    "status_changes",
                    condition=Q(status_changes__pk=Subquery(in_force), status_changes__effective_on__lte=date),
                )
            }
        ).annotate(
            status_as_of=Coalesce(F(f"{AS_OF_CHANGE}__to_status"), Value(PilotStatus.NOT_SHORTLISTED.value)),
            status_effective_as_of=F(f"{AS_OF_CHANGE}__effective_on"),
        )


# The name ``CouncilQuerySet.as_of`` joins the change in force on the day under.
AS_OF_CHANGE = "change_as_of"


class Council(StaffTextMixin, models.Model):
    # Reference data, from the mySociety register (see councils/data/README.md).
    code = models.CharField("register code", max_length=3, unique=True, help_text="Three-letter code, e.g. HEF.")
    name = models.CharField("official name", max_length=200)
    short_name = models.CharField(max_length=100, help_text="Name used in headlines, e.g. Herefordshire.")
    slug = models.SlugField(max_length=100, unique=True)
    gss_code = models.CharField("GSS code", max_length=9, unique=True)
    la_number = models.PositiveSmallIntegerField(
        "DfE LA number",
        null=True,
        blank=True,
        unique=True,
        help_text="Three-digit number used in DfE statistics; blank for authorities created since.",
    )
    region = models.CharField(max_length=32, choices=Region)
    council_type = models.CharField("type", max_length=3, choices=CouncilType)
    gov_uk_slug = models.SlugField("GOV.UK slug", max_length=100, blank=True)
    population = models.PositiveIntegerField(null=True, blank=True, help_text="2020 estimate.")
    latitude = models.FloatField(null=True, blank=True)
    longitude = models.FloatField(null=True, blank=True)
    alt_names = models.TextField(
        "alternative names", blank=True, help_text="Comma-separated spellings used to match names in copy."
    )

    # Editorial facts.
    ofsted_judgement = models.CharField(
        "children's services judgement",
        max_length=32,
        choices=OfstedJudgement,
        default=OfstedJudgement.NOT_INSPECTED,
        help_text="Ofsted's latest ILACS judgement of the council's children's services (not the SEND area inspection).",
    )
    ofsted_judgement_on = models.DateField("judgement published", null=True, blank=True)
    care_boards = models.ManyToManyField(
        IntegratedCareBoard,
        through="CouncilCareBoard",
        blank=True,
        related_name="councils",
        verbose_name="integrated care boards",
        help_text="The NHS integrated care board(s) the authority lies in; an authority may straddle two or three.",
    )
    in_safety_valve = models.BooleanField(
        "in the safety valve programme",
        default=False,
        help_text="Has a DfE safety valve agreement to pay off a high-needs deficit.",
    )
    safety_valve_amount = models.DecimalField(
        "safety valve amount (£)",
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )

    # Current pilot status: written only by councils.services.council_set_status.
    status = models.CharField("pilot status", max_length=32, choices=PilotStatus, default=PilotStatus.NOT_SHORTLISTED)
    status_effective_on = models.DateField("status effective from", null=True, blank=True)

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = CouncilQuerySet.as_manager()

    class Meta:
        ordering = ["short_name"]
        indexes = [
            models.Index(fields=["status", "short_name"], name="council_status_idx"),
            models.Index(fields=["region"], name="council_region_idx"),
            models.Index(fields=["ofsted_judgement"], name="council_ofsted_idx"),
            models.Index(fields=["in_safety_valve"], name="council_safety_valve_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(safety_valve_amount__isnull=True) | Q(safety_valve_amount__gte=0),
                name="council_safety_valve_amount_gte_0",
                violation_error_message="The safety valve amount cannot be negative.",
            ),
        ]
        permissions = [("override_status_rules", "Can record a status move the usual rules refuse")]

    def __str__(self):
        return self.short_name

    def get_absolute_url(self):
        return reverse("councils:detail", kwargs={"slug": self.slug})

    @property
    def care_board_list(self):
        """The boards the authority lies in, the main part's first (one query, or none if prefetched)."""
        return [link.care_board for link in self.care_board_links.all()]

    @property
    def main_care_board(self):
        boards = self.care_board_list
        return boards[0] if boards else None


class CouncilCareBoard(StaffTextMixin, models.Model):
    """One NHS integrated care board an authority lies in, with how much of the authority it covers."""

    council = models.ForeignKey(Council, on_delete=models.CASCADE, related_name="care_board_links")
    care_board = models.ForeignKey(
        IntegratedCareBoard,
        verbose_name="integrated care board",
        on_delete=models.CASCADE,
        related_name="council_links",
    )
    position = models.PositiveSmallIntegerField(
        default=0, help_text="0 for the board covering the main part of the authority, then 1, 2 by share."
    )
    share_note = models.TextField(
        blank=True, help_text='How much of the authority the board covers, e.g. "part: 206 of 903 2021 LSOAs (22.8%)".'
    )

    class Meta:
        ordering = ["council", "position"]
        verbose_name = "council's care board"
        constraints = [
            models.UniqueConstraint(
                fields=["council", "care_board"],
                name="councilcareboard_once",
                violation_error_message="This council is already linked to this care board.",
            ),
            models.UniqueConstraint(
                fields=["council", "position"],
                name="councilcareboard_one_per_position",
                violation_error_message="This council already has a care board in that position: number each board differently.",
            ),
        ]

    def __str__(self):
        return f"{self.council} in {self.care_board}" + ("" if self.is_main else " (part)")

    @property
    def is_main(self):
        return self.position == 0


class SendInspection(StaffTextMixin, models.Model):
    """One area SEND inspection (Ofsted and CQC) or revisit."""

    council = models.ForeignKey(Council, on_delete=models.CASCADE, related_name="send_inspections")
    published_on = models.DateField()
    outcome = models.CharField(max_length=32, choices=SendInspectionOutcome)
    is_revisit = models.BooleanField(default=False, help_text="A revisit of an earlier written statement of action.")
    report_url = models.URLField(blank=True)
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["council", "-published_on"]
        verbose_name = "area SEND inspection"

    def __str__(self):
        return f"{self.council}: {self.get_outcome_display()} ({self.published_on:%b %Y})"


class StatusChangeQuerySet(models.QuerySet):
    def for_timeline(self):
        return self.select_related("council").order_by("-effective_on", "-recorded_at", "-pk")

    def as_of(self, date):
        """Changes that had taken effect by the end of ``date``."""
        return self.filter(effective_on__lte=date)

    def since(self, date):
        return self.filter(effective_on__gte=date)

    def with_modified_at(self):
        """Each change with ``modified_at``: when it last changed, its newest correction or else when it
        was recorded. A correlated subquery: no query of its own. Feeds' ``updated`` and the API's
        Last-Modified read it, so a correction counts as an update."""
        corrected = StatusChangeCorrection.objects.filter(status_change=OuterRef("pk")).order_by("-corrected_at")
        return self.annotate(modified_at=Coalesce(Subquery(corrected.values("corrected_at")[:1]), F("recorded_at")))


class StatusChange(StaffTextMixin, models.Model):
    """One change of a council's pilot status: the public timeline and the change feed.

    Append-only for journalists; an editor's correction is recorded in
    StatusChangeCorrection, keeping the original values.
    """

    council = models.ForeignKey(Council, on_delete=models.PROTECT, related_name="status_changes")
    from_status = models.CharField(max_length=32, choices=PilotStatus)
    to_status = models.CharField(max_length=32, choices=PilotStatus)
    effective_on = models.DateField(
        help_text="When the change happened, as reported (may be earlier than when it was recorded)."
    )
    recorded_at = models.DateTimeField(default=timezone.now, editable=False)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    note = models.TextField("public note", blank=True, help_text="Shown on the public timeline.")
    source_url = models.URLField("source URL", blank=True, max_length=500)
    source_title = models.CharField(
        "source title", max_length=300, blank=True, help_text="e.g. the article headline or document name."
    )
    overridden = models.BooleanField(default=False, help_text="An editor allowed a move the usual rules refuse.")

    objects = StatusChangeQuerySet.as_manager()

    class Meta:
        ordering = ["-effective_on", "-recorded_at", "-pk"]
        get_latest_by = "recorded_at"
        indexes = [
            models.Index(fields=["council", "effective_on", "recorded_at"], name="statuschange_council_idx"),
            models.Index(fields=["-effective_on", "-recorded_at"], name="statuschange_feed_idx"),
            # The tracker's "last updated": the newest change recorded, one index probe.
            models.Index(fields=["-recorded_at"], name="statuschange_recorded_idx"),
            # "Named on the shortlist": the councils ever moved to a status, read from the index alone.
            models.Index(fields=["to_status", "council"], name="statuschange_to_status_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(from_status=F("to_status")),
                name="statuschange_moves",
                violation_error_message="A status change must move the council to a different status.",
            ),
        ]
        permissions = [("correct_statuschange", "Can correct a recorded status change")]

    def __str__(self):
        return (
            f"{self.council}: {self.get_from_status_display()} → {self.get_to_status_display()} ({self.effective_on})"
        )

    def get_absolute_url(self):
        return f"{self.council.get_absolute_url()}#change-{self.pk}"


class StatusChangeCorrection(StaffTextMixin, models.Model):
    """An editor's correction of a recorded status change, keeping what it said before."""

    status_change = models.ForeignKey(StatusChange, on_delete=models.CASCADE, related_name="corrections")
    corrected_at = models.DateTimeField(default=timezone.now, editable=False)
    corrected_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    reason = models.TextField(help_text="Why the record was corrected; shown publicly.")
    previous = models.JSONField(help_text="The corrected fields' values before the correction.")

    class Meta:
        ordering = ["-corrected_at"]
        # The tracker's "last updated" reads the newest correction: one index probe.
        indexes = [models.Index(fields=["-corrected_at"], name="correction_corrected_idx")]

    def __str__(self):
        return f"Correction to {self.status_change} on {self.corrected_at:%d %b %Y}"

    PREVIOUS_LABELS = {
        "effective_on": "date",
        "note": "public note",
        "source_url": "source URL",
        "source_title": "source title",
    }

    @property
    def previous_text(self):
        """What the corrected fields said before, as a sentence: "date was 28 Nov 2026; public note was blank"."""
        parts = []
        for name, value in (self.previous or {}).items():
            if name == "effective_on" and value:
                value = f"{datetime.date.fromisoformat(value):%-d %b %Y}"
            elif name in ("note", "source_title") and value:
                value = f"“{value}”"
            parts.append(f"{self.PREVIOUS_LABELS.get(name, name.replace('_', ' '))} was {value or 'blank'}")
        return "; ".join(parts)
