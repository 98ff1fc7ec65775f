"""Partnerships and their member councils. Memberships are the one record of who is in a partnership.

Writes go through councils.partnerships, which holds the programme's rules.
"""

from django.db import models
from django.db.models import Count, F, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone

from sendtracker.staff_text import StaffTextMixin

from ..choices import MembershipRole, PartnershipStatus, Region
from .councils import Council, IntegratedCareBoard
from .names import RenamedOverTime
from .programme import Programme


class PartnershipQuerySet(models.QuerySet):
    def active(self):
        """Partnerships that are not withdrawn: the ones the programme's cap counts."""
        return self.exclude(status=PartnershipStatus.WITHDRAWN)

    def formed_by(self, date):
        """Partnerships with at least one membership in force at the end of ``date``: those that existed then."""
        return self.filter(pk__in=PartnershipMembership.objects.in_force(date).values("partnership"))


class Partnership(RenamedOverTime, StaffTextMixin, models.Model):
    """A regional expert partnership (later a Change Programme Partnership): lead council(s) and partners.

    Who is in it is recorded only as memberships: a lead is a member like any other.
    """

    programme = models.ForeignKey(Programme, on_delete=models.PROTECT, related_name="partnerships")
    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=200, unique=True)
    region = models.CharField(max_length=32, choices=Region, blank=True)
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

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("councils:partnership-detail", kwargs={"slug": self.slug})

    @property
    def is_live(self):
        return self.status != PartnershipStatus.WITHDRAWN

    @property
    def members(self):
        """Today's memberships (not the councils that left), leads first, each with its council.

        Reads the prefetch ``current_memberships`` (see PartnershipMembershipQuerySet.for_display)
        when a page made one; otherwise one query.
        """
        if not hasattr(self, "current_memberships"):
            self.current_memberships = list(self.memberships.for_display())
        return self.current_memberships

    @property
    def leads(self):
        return [membership.council for membership in self.members if membership.role == MembershipRole.LEAD]

    @property
    def partners(self):
        return [membership.council for membership in self.members if membership.role == MembershipRole.PARTNER]

    @property
    def is_joint_led(self):
        return len(self.leads) > 1


def in_force_on(date, prefix=""):
    """The one condition for "a membership in force at the end of ``date``" (today if None).

    It had joined by then (a membership with no joining date recorded counts from the start)
    and had not yet left. ``prefix`` reaches the membership through a relation, e.g. ``"memberships__"``.
    """
    date = date or timezone.localdate()
    return (Q(**{f"{prefix}joined_on__isnull": True}) | Q(**{f"{prefix}joined_on__lte": date})) & (
        Q(**{f"{prefix}left_on__isnull": True}) | Q(**{f"{prefix}left_on__gt": date})
    )


class PartnershipMembershipQuerySet(models.QuerySet):
    def in_force(self, date=None):
        """Memberships in force at the end of ``date`` (today if None): joined by then, not yet left."""
        return self.filter(in_force_on(date))

    def current(self):
        """Memberships today: ``in_force(today)``."""
        return self.in_force()

    def live(self, date=None):
        """Memberships in force (today, or on ``date``) of partnerships not withdrawn: a council has at most one."""
        return self.in_force(date).exclude(partnership__status=PartnershipStatus.WITHDRAWN)

    def with_lead_count(self, date=None):
        """Annotate ``lead_count``: how many leads in force (today, or on ``date``) the membership's
        partnership has (2+ = joint leads)."""
        leads = (
            PartnershipMembership.objects.in_force(date)
            .filter(partnership=OuterRef("partnership"), role=MembershipRole.LEAD)
            .order_by()
            .values("partnership")
            .annotate(count=Count("pk"))
            .values("count")
        )
        return self.annotate(lead_count=Coalesce(Subquery(leads[:1]), 0))

    def for_display(self, date=None):
        """Memberships in force (today, or on ``date``) with their council, partnership and lead count,
        leads first: one query."""
        return (
            self.in_force(date)
            .select_related("council", "partnership")
            .with_lead_count(date)
            .order_by("partnership__name", "role", "council__short_name")
        )


class PartnershipMembership(StaffTextMixin, models.Model):
    """A council in a partnership, as lead or partner, from when it joined to when (if ever) it left."""

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="memberships")
    council = models.ForeignKey(Council, on_delete=models.PROTECT, related_name="memberships")
    role = models.CharField(
        max_length=16,
        choices=MembershipRole,
        default=MembershipRole.PARTNER,
        help_text="Two or more lead councils are joint leads.",
    )
    joined_on = models.DateField(null=True, blank=True, help_text="When the council joined, as reported.")
    left_on = models.DateField(
        null=True,
        blank=True,
        help_text="When the council left, as reported; blank while it is a member. The membership stays as history.",
    )
    source_url = models.URLField(
        "source URL", blank=True, max_length=500, help_text="Where the membership is reported."
    )
    note = models.TextField("public note", blank=True)
    left_note = models.TextField("why it left", blank=True, help_text="Public note on the council leaving.")

    objects = PartnershipMembershipQuerySet.as_manager()

    class Meta:
        ordering = ["partnership", "role", "council__short_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["partnership", "council"],
                condition=Q(left_on__isnull=True),
                name="membership_one_current_per_council",
                violation_error_message="This council is already a member of this partnership.",
            ),
            models.CheckConstraint(
                condition=Q(left_on__isnull=True) | Q(joined_on__isnull=True) | Q(left_on__gte=F("joined_on")),
                name="membership_leaves_after_joining",
                violation_error_message="A council cannot leave a partnership before it joined.",
            ),
        ]

    def __str__(self):
        return f"{self.council} in {self.partnership} ({self.role_label})"

    @property
    def is_current(self):
        return self.left_on is None

    def in_force_on(self, day):
        """``in_force_on(day)``'s condition, for a membership already in memory: joined by then, not yet left."""
        return (self.joined_on is None or self.joined_on <= day) and (self.left_on is None or self.left_on > day)

    @property
    def role_label(self):
        """ "Lead council", "Joint lead council" (two or more current leads) or "Partner council"."""
        if self.role != MembershipRole.LEAD:
            return self.get_role_display()
        lead_count = getattr(self, "lead_count", None)
        if lead_count is None:
            lead_count = (
                PartnershipMembership.objects.in_force()
                .filter(partnership_id=self.partnership_id, role=MembershipRole.LEAD)
                .count()
            )
        return JOINT_LEAD_LABEL if lead_count > 1 else self.get_role_display()


JOINT_LEAD_LABEL = "Joint lead council"
