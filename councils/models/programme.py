"""The programme (the £70m pilot), its reported figures and its contracts."""

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q, Sum
from django.urls import reverse


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
