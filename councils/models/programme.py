"""The programme (the £70m pilot), its reported figures and its contracts."""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q, Sum
from django.urls import reverse

from sendtracker.staff_text import StaffTextMixin

from ..choices import DatePrecision, ProgrammeNameOf
from .names import FormerName, formerly, name_history, name_in_force
from .sources import SourcedRecord


class ProgrammeQuerySet(models.QuerySet):
    def current(self):
        """The programme the tracker follows, with its earlier names, or None before one is loaded: two queries."""
        return self.prefetch_related("former_names").order_by("pk").first()


class Programme(StaffTextMixin, models.Model):
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
        constraints = [
            models.CheckConstraint(
                condition=Q(budget__gte=0),
                name="programme_budget_gte_0",
                violation_error_message="The budget cannot be negative.",
            )
        ]

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
            models.UniqueConstraint(
                fields=["programme", "of", "replaced_on"],
                name="programmename_one_per_day",
                violation_error_message="This name was already replaced on that date: give each rename its own date.",
            ),
        ]

    def get_absolute_url(self):
        return reverse("councils:programme")


class PartnershipName(FormerName):
    """An earlier name of a partnership, e.g. before the October 2023 rename."""

    partnership = models.ForeignKey("Partnership", on_delete=models.CASCADE, related_name="former_names")

    class Meta(FormerName.Meta):
        verbose_name = "former partnership name"
        constraints = [
            models.UniqueConstraint(
                fields=["partnership", "replaced_on"],
                name="partnershipname_one_per_day",
                violation_error_message="This partnership already has a former name replaced on that date: give each rename its own date.",
            ),
        ]

    def get_absolute_url(self):
        return self.partnership.get_absolute_url()


class ProgrammeEvent(StaffTextMixin, models.Model):
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
                violation_error_message="For an event known only to the month, give the first of the month as its date.",
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


class KeyFigureQuerySet(models.QuerySet):
    def ledger_disagreements(self):
        """Each figure that counts contracts and disagrees with the ledger, as a sentence naming both numbers."""
        figures = list(self.exclude(ledger_role=""))
        if not figures:
            return []
        by_role = {row["role"]: row for row in Contract.objects.totals_by_role()}
        said = []
        for figure in figures:
            row = by_role.get(figure.ledger_role, {"total": 0, "count": 0})
            recorded = (row["total"] or 0) if figure.unit == "£" else row["count"]
            disagreement = figure.ledger_disagreement(recorded=recorded)
            if disagreement:
                said.append(disagreement)
        return said


class KeyFigure(StaffTextMixin, SourcedRecord):
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
    ledger_role = models.CharField(
        "counts the contracts for",
        max_length=200,
        blank=True,
        help_text="If this figure counts contracts (or, in £, totals them), their role exactly as in the contracts "
        "list, e.g. “Safety valve financial adviser”: the admin and the contracts page then flag any disagreement.",
    )

    objects = KeyFigureQuerySet.as_manager()

    class Meta:
        ordering = ["programme", "position", "key"]
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "key"],
                name="keyfigure_unique_key",
                violation_error_message="The programme already has a key figure with this identifier: choose another, or edit that one.",
            ),
        ]

    def __str__(self):
        return f"{self.display_value} {self.label}"

    def get_absolute_url(self):
        return reverse("home")

    @property
    def display_value(self):
        return _display(self.value, self.unit)

    def ledger_disagreement(self, recorded=None):
        """None, or what the ledger says against this figure: "6 reported, 7 recorded in the contracts ledger"."""
        if not self.ledger_role:
            return None
        if recorded is None:
            contracts = Contract.objects.filter(role=self.ledger_role)
            recorded = contracts.total() if self.unit == "£" else contracts.count()
        if recorded == self.value:
            return None
        return (
            f"{self.label.capitalize()}: {self.display_value} reported, {_display(recorded, self.unit)} recorded "
            f"in the contracts ledger ({self.ledger_role})."
        )


def _display(value, unit):
    value = Decimal(value)
    value = int(value) if value == value.to_integral_value() else value
    return f"£{value:,}" if unit == "£" else f"{value:,}"


class ContractQuerySet(models.QuerySet):
    def totals_by_role(self):
        return self.values("role").annotate(total=Sum("value"), count=models.Count("pk")).order_by("role")

    def total(self):
        return self.aggregate(total=Sum("value"))["total"] or 0


class Contract(StaffTextMixin, SourcedRecord):
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
            models.CheckConstraint(
                condition=Q(value__gte=0),
                name="contract_value_gte_0",
                violation_error_message="The contract's value cannot be negative.",
            ),
            models.CheckConstraint(
                condition=Q(starts_on__isnull=True) | Q(ends_on__isnull=True) | Q(ends_on__gte=F("starts_on")),
                name="contract_ends_after_start",
                violation_error_message="The contract cannot end before it starts: check the start and end dates.",
            ),
        ]
        indexes = [models.Index(fields=["role"], name="contract_role_idx")]

    def __str__(self):
        reference = f", ref. {self.reference}" if self.reference else ""
        return f"{self.role}: {self.supplier or 'supplier not named'} (£{self.value:,.0f}{reference})"

    def get_absolute_url(self):
        return reverse("councils:contracts") + f"#contract-{self.pk}"

    def clean(self):
        errors = {}
        try:
            super().clean()
        except ValidationError as error:
            errors.update(error.message_dict)
        if self.starts_on and self.ends_on and self.ends_on < self.starts_on:
            errors["ends_on"] = ["The end date cannot be before the start date."]
        if errors:
            raise ValidationError(errors)
