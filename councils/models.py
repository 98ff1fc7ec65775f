"""The tracker's facts: councils, their status history, partnerships, the programme and its money."""

import math

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, OuterRef, Q, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone

from .choices import (
    IN_PILOT_STATUSES,
    CouncilType,
    MembershipRole,
    OfstedJudgement,
    PartnershipStatus,
    PilotStatus,
    Region,
    SendInspectionOutcome,
)


class IntegratedCareBoard(models.Model):
    name = models.CharField(max_length=200, unique=True)
    slug = models.SlugField(max_length=200, unique=True)
    code = models.CharField(max_length=12, blank=True, help_text="ONS code of the ICB (e.g. E54000019), if known.")

    class Meta:
        ordering = ["name"]
        verbose_name = "integrated care board"

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
        status as it stood at the end of ``date``, rebuilt from the status history."""
        latest = StatusChange.objects.filter(council=OuterRef("pk"), effective_on__lte=date).order_by(
            "-effective_on", "-recorded_at", "-pk"
        )
        return self.annotate(
            status_as_of=Coalesce(Subquery(latest.values("to_status")[:1]), Value(PilotStatus.NOT_SHORTLISTED.value)),
            status_effective_as_of=Subquery(latest.values("effective_on")[:1]),
        )


class Council(models.Model):
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
    icb = models.ForeignKey(
        IntegratedCareBoard,
        verbose_name="integrated care board",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="councils",
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
            ),
        ]
        permissions = [("override_status_rules", "Can record a status move the usual rules refuse")]

    def __str__(self):
        return self.short_name

    def get_absolute_url(self):
        return reverse("councils:detail", kwargs={"slug": self.slug})


class SendInspection(models.Model):
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


class StatusChange(models.Model):
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
        ]
        constraints = [
            models.CheckConstraint(condition=~Q(from_status=F("to_status")), name="statuschange_moves"),
        ]
        permissions = [("correct_statuschange", "Can correct a recorded status change")]

    def __str__(self):
        return (
            f"{self.council}: {self.get_from_status_display()} → {self.get_to_status_display()} ({self.effective_on})"
        )

    def get_absolute_url(self):
        return f"{self.council.get_absolute_url()}#change-{self.pk}"


class StatusChangeCorrection(models.Model):
    """An editor's correction of a recorded status change, keeping what it said before."""

    status_change = models.ForeignKey(StatusChange, on_delete=models.CASCADE, related_name="corrections")
    corrected_at = models.DateTimeField(default=timezone.now, editable=False)
    corrected_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    reason = models.TextField(help_text="Why the record was corrected; shown publicly.")
    previous = models.JSONField(help_text="The corrected fields' values before the correction.")

    class Meta:
        ordering = ["-corrected_at"]

    def __str__(self):
        return f"Correction to {self.status_change} on {self.corrected_at:%d %b %Y}"


class Programme(models.Model):
    name = models.CharField(max_length=200)
    slug = models.SlugField(unique=True)
    description = models.TextField(blank=True)
    budget = models.DecimalField("budget (£)", max_digits=14, decimal_places=2, validators=[MinValueValidator(0)])
    max_partnerships = models.PositiveSmallIntegerField(default=9)
    announced_on = models.DateField(null=True, blank=True)
    expected_launch = models.CharField(
        max_length=100, blank=True, help_text='As reported, e.g. "by the end of this year".'
    )
    source_url = models.URLField(blank=True, max_length=500)

    class Meta:
        ordering = ["name"]
        constraints = [models.CheckConstraint(condition=Q(budget__gte=0), name="programme_budget_gte_0")]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("home")


class KeyFigure(models.Model):
    """A figure as reported, with its source and date: "20 councils shortlisted"."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="key_figures")
    key = models.SlugField(
        max_length=64, help_text="Stable identifier pages use, e.g. shortlisted, good-or-outstanding."
    )
    label = models.CharField(max_length=200, help_text='e.g. "councils shortlisted to lead a partnership".')
    value = models.DecimalField(max_digits=14, decimal_places=2)
    unit = models.CharField(max_length=20, blank=True, help_text='e.g. "£" or "councils".')
    reported_on = models.DateField()
    source_url = models.URLField(blank=True, max_length=500)
    source_title = models.CharField(max_length=300, blank=True)
    note = models.TextField(blank=True)
    position = models.PositiveSmallIntegerField(default=0, help_text="Order on the page.")

    class Meta:
        ordering = ["programme", "position", "key"]
        constraints = [
            models.UniqueConstraint(fields=["programme", "key"], name="keyfigure_unique_key"),
        ]

    def __str__(self):
        return f"{self.display_value} {self.label}"

    def get_absolute_url(self):
        return reverse("home")

    @property
    def display_value(self):
        value = int(self.value) if self.value == self.value.to_integral_value() else self.value
        return f"£{value:,}" if self.unit == "£" else f"{value:,}"


class PartnershipQuerySet(models.QuerySet):
    def active(self):
        return self.exclude(status=PartnershipStatus.WITHDRAWN)


class Partnership(models.Model):
    """A regional expert partnership: a lead council and two or three nearby councils."""

    programme = models.ForeignKey(Programme, on_delete=models.PROTECT, related_name="partnerships")
    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=200, unique=True)
    region = models.CharField(max_length=32, choices=Region, blank=True)
    lead_council = models.ForeignKey(Council, on_delete=models.PROTECT, related_name="led_partnerships")
    icbs = models.ManyToManyField(
        IntegratedCareBoard, blank=True, related_name="partnerships", verbose_name="integrated care boards"
    )
    status = models.CharField(max_length=16, choices=PartnershipStatus, default=PartnershipStatus.PROPOSED)
    launched_on = models.DateField(null=True, blank=True)
    note = models.TextField(blank=True)
    source_url = models.URLField(blank=True, max_length=500)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = PartnershipQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["lead_council"], name="partnership_one_per_lead"),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("councils:partnership-detail", kwargs={"slug": self.slug})


# Further apart than this, a partner council is flagged as far from its lead.
FAR_APART_KM = 80


def distance_km(a, b):
    """Great-circle distance between two councils' points, or None if either lacks one."""
    if None in (a.latitude, a.longitude, b.latitude, b.longitude):
        return None
    lat1, lon1, lat2, lon2 = map(math.radians, (a.latitude, a.longitude, b.latitude, b.longitude))
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 2 * 6371 * math.asin(math.sqrt(h))


class PartnershipMembership(models.Model):
    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="memberships")
    council = models.ForeignKey(Council, on_delete=models.PROTECT, related_name="memberships")
    role = models.CharField(max_length=16, choices=MembershipRole, default=MembershipRole.PARTNER)
    joined_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["partnership", "role", "council__short_name"]
        constraints = [
            models.UniqueConstraint(fields=["partnership", "council"], name="membership_one_per_council"),
        ]

    def __str__(self):
        return f"{self.council} in {self.partnership} ({self.get_role_display()})"


class ContractQuerySet(models.QuerySet):
    def totals_by_role(self):
        return self.values("role").annotate(total=Sum("value"), count=models.Count("pk")).order_by("role")

    def total(self):
        return self.aggregate(total=Sum("value"))["total"] or 0


class Contract(models.Model):
    programme = models.ForeignKey(Programme, null=True, blank=True, on_delete=models.SET_NULL, related_name="contracts")
    role = models.CharField(
        "role or title", max_length=200, help_text='What the contract is for, e.g. "Safety valve financial adviser".'
    )
    supplier = models.CharField(max_length=200, blank=True, help_text="Leave blank if not yet named.")
    buyer = models.CharField(max_length=200, default="Department for Education")
    value = models.DecimalField("value (£)", max_digits=14, decimal_places=2, validators=[MinValueValidator(0)])
    starts_on = models.DateField(null=True, blank=True)
    ends_on = models.DateField(null=True, blank=True)
    term = models.CharField(max_length=100, blank=True, help_text='As reported, e.g. "one year".')
    published_on = models.DateField(null=True, blank=True, help_text="When the contract was published.")
    reference = models.CharField(max_length=100, blank=True, help_text="Contracts Finder or tender reference.")
    source_url = models.URLField(blank=True, max_length=500)
    notes = models.TextField(blank=True)

    objects = ContractQuerySet.as_manager()

    class Meta:
        ordering = ["role", "supplier", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(value__gte=0), name="contract_value_gte_0"),
            models.CheckConstraint(
                condition=Q(starts_on__isnull=True) | Q(ends_on__isnull=True) | Q(ends_on__gte=F("starts_on")),
                name="contract_ends_after_start",
            ),
        ]
        indexes = [models.Index(fields=["role"], name="contract_role_idx")]

    def __str__(self):
        return f"{self.role}: {self.supplier or 'supplier not named'} (£{self.value:,.0f})"

    def get_absolute_url(self):
        return reverse("councils:contracts") + f"#contract-{self.pk}"

    def clean(self):
        if self.starts_on and self.ends_on and self.ends_on < self.starts_on:
            raise ValidationError({"ends_on": "The end date cannot be before the start date."})
