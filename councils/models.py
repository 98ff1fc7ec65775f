"""The tracker's facts: councils, their status history, partnerships, the programme and its money."""

import datetime
import math
from dataclasses import dataclass

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
    DatePrecision,
    MembershipRole,
    OfstedJudgement,
    PartnershipStatus,
    PilotStatus,
    ProgrammeNameOf,
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


class ProgrammeQuerySet(models.QuerySet):
    def current(self):
        """The programme the tracker follows, with its earlier names, or None before one is loaded: two queries."""
        return self.prefetch_related("former_names").order_by("pk").first()


class Programme(models.Model):
    name = models.CharField(max_length=200)
    slug = models.SlugField(unique=True)
    partnerships_name = models.CharField(
        "what its partnerships are called",
        max_length=200,
        default="regional expert partnerships",
        help_text='Today\'s name for the partnerships together, e.g. "Change Programme Partnerships". '
        "Earlier names are kept with their dates.",
    )
    description = models.TextField(blank=True)
    budget = models.DecimalField("budget (£)", max_digits=14, decimal_places=2, validators=[MinValueValidator(0)])
    max_partnerships = models.PositiveSmallIntegerField(default=9)
    announced_on = models.DateField(null=True, blank=True)
    expected_launch = models.CharField(
        max_length=100, blank=True, help_text='As reported, e.g. "by the end of this year".'
    )
    source_url = models.URLField(blank=True, max_length=500)

    objects = ProgrammeQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        constraints = [models.CheckConstraint(condition=Q(budget__gte=0), name="programme_budget_gte_0")]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("councils:programme")

    def _former(self, of):
        return [former for former in self.former_names.all() if former.of == of]

    def name_on(self, date):
        """The programme's name in force on ``date``."""
        return name_in_force(self.name, self._former(ProgrammeNameOf.PROGRAMME), date)

    def partnerships_name_on(self, date):
        """What its partnerships were called on ``date``: "regional expert partnerships" before 5 October 2023."""
        return name_in_force(self.partnerships_name, self._former(ProgrammeNameOf.PARTNERSHIPS), date)

    @property
    def formerly(self):
        """The programme's earlier names, latest first ("" if it never had another)."""
        return formerly(self._former(ProgrammeNameOf.PROGRAMME))

    @property
    def partnerships_formerly(self):
        """What its partnerships were called before: "regional expert partnerships"."""
        return formerly(self._former(ProgrammeNameOf.PARTNERSHIPS))

    @property
    def partnerships_name_history(self):
        """What its partnerships have been called, oldest name first, each with its dates."""
        return name_history(self.partnerships_name, self._former(ProgrammeNameOf.PARTNERSHIPS))


def name_in_force(current, former_names, date):
    """The name in force on ``date``: the first earlier name not yet replaced by then, else ``current``.

    Reads ``former_names`` in Python, so a prefetched ``former_names.all()`` costs no query.
    """
    later = [former for former in former_names if former.replaced_on > date]
    return min(later, key=lambda former: former.replaced_on).name if later else current


def formerly(former_names):
    """Earlier names, oldest first and each once, as words for "formerly …" ("" if none)."""
    names = []
    for former in sorted(former_names, key=lambda former: former.replaced_on):
        if former.name not in names:
            names.append(former.name)
    return ", then ".join(names)


@dataclass(frozen=True)
class NameSpan:
    """One name and the days it was in use; the source is that of the change that brought it in."""

    name: str
    since: datetime.date | None  # None: in use from the start of the record
    until: datetime.date | None  # the last day in use; None: still in use
    source_url: str = ""
    source_title: str = ""


def name_history(current, former_names):
    """Every name, oldest first, ending with ``current``: a list of NameSpan."""
    spans, since, source = [], None, ("", "")
    for former in sorted(former_names, key=lambda former: former.replaced_on):
        spans.append(NameSpan(former.name, since, former.replaced_on - datetime.timedelta(days=1), *source))
        since, source = former.replaced_on, (former.source_url, former.source_title)
    spans.append(NameSpan(current, since, None, *source))
    return spans


class RenamedOverTime:
    """``name_on(date)`` and ``formerly`` for a model whose earlier names are its ``former_names``."""

    def name_on(self, date):
        return name_in_force(self.name, self.former_names.all(), date)

    @property
    def formerly(self):
        return formerly(self.former_names.all())

    @property
    def name_history(self):
        return name_history(self.name, self.former_names.all())


class FormerName(models.Model):
    """A name something was known by until ``replaced_on``, when today's name (or a later one) took over."""

    name = models.CharField(max_length=200)
    replaced_on = models.DateField(
        help_text="The day the next name took over: this name was in use until the day before."
    )
    source_url = models.URLField("source URL", blank=True, max_length=500)
    source_title = models.CharField("source title", max_length=300, blank=True)

    class Meta:
        abstract = True
        ordering = ["-replaced_on"]

    def __str__(self):
        return f"{self.name} (until {self.replaced_on:%-d %B %Y})"


class ProgrammeName(FormerName):
    """An earlier name of the programme, or of its partnerships ("regional expert partnerships")."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="former_names")
    of = models.CharField(
        "name of",
        max_length=16,
        choices=ProgrammeNameOf,
        default=ProgrammeNameOf.PROGRAMME,
        help_text="Whether this was the programme's name or what its partnerships were called.",
    )

    class Meta(FormerName.Meta):
        verbose_name = "former programme name"
        constraints = [
            models.UniqueConstraint(fields=["programme", "of", "replaced_on"], name="programmename_one_per_day"),
        ]

    def get_absolute_url(self):
        return reverse("councils:programme")


class PartnershipName(FormerName):
    """An earlier name of a partnership, e.g. before the October 2023 rename."""

    partnership = models.ForeignKey("Partnership", on_delete=models.CASCADE, related_name="former_names")

    class Meta(FormerName.Meta):
        verbose_name = "former partnership name"
        constraints = [
            models.UniqueConstraint(fields=["partnership", "replaced_on"], name="partnershipname_one_per_day"),
        ]

    def get_absolute_url(self):
        return self.partnership.get_absolute_url()


class ProgrammeEvent(models.Model):
    """A dated event in the programme's public timeline, with its source."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="events")
    happened_on = models.DateField(
        "date", help_text="For an event known only to the month, the first of the month (and precision: month)."
    )
    precision = models.CharField(
        max_length=8,
        choices=DatePrecision,
        default=DatePrecision.DAY,
        help_text='"Month" shows the date as "September 2023", never as the first of the month.',
    )
    text = models.TextField("what happened", help_text="Shown on the public timeline.")
    source_url = models.URLField("source URL", blank=True, max_length=500)
    source_title = models.CharField("source title", max_length=300, blank=True)

    class Meta:
        ordering = ["happened_on", "pk"]
        verbose_name = "programme event"
        constraints = [
            models.CheckConstraint(
                condition=Q(precision=DatePrecision.DAY) | Q(happened_on__day=1),
                name="programmeevent_month_on_first",
            ),
        ]

    def __str__(self):
        return f"{self.date_text}: {self.text[:60]}"

    def get_absolute_url(self):
        return reverse("councils:programme") + f"#event-{self.pk}"

    def clean(self):
        if self.precision == DatePrecision.MONTH and self.happened_on and self.happened_on.day != 1:
            raise ValidationError({"happened_on": "For an event known only to the month, give the first of the month."})

    @property
    def date_text(self):
        """The date as a reader should see it: "23 August 2023", or "September 2023" when only the month is known."""
        return f"{self.happened_on:%B %Y}" if self.precision == DatePrecision.MONTH else f"{self.happened_on:%-d %B %Y}"

    @property
    def date_iso(self):
        """The date for ``<time datetime>``, to its precision: "2023-08-23" or "2023-09"."""
        return f"{self.happened_on:%Y-%m}" if self.precision == DatePrecision.MONTH else self.happened_on.isoformat()


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


class Partnership(RenamedOverTime, models.Model):
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
