"""The public record of partnerships and memberships ending: withdrawn, left, or deleted as a mistake.

A withdrawn partnership and a council that left keep their rows, but a deleted one leaves none,
and a status field says nothing about when it changed. Each such event is recorded here, dated,
with the editor's public note and source, by councils.partnerships; the council pages, the
partnership page and the list of changes show it. The partnership's and council's names are
kept as they were, so the entry still reads after the partnership itself is deleted.
"""

from django.conf import settings
from django.db import models
from django.urls import reverse

from .councils import Council
from .partnerships import Partnership, PartnershipMembership


class PartnershipEventQuerySet(models.QuerySet):
    def for_council(self, council):
        """The events that touched ``council``: it left, was removed, or its partnership ended."""
        return self.filter(councils=council)

    def for_timeline(self):
        """Newest first, each with its partnership and councils (``council_list``): two queries."""
        return (
            self.order_by("-effective_on", "-recorded_at", "-pk")
            .select_related("partnership")
            .prefetch_related(
                models.Prefetch("councils", queryset=Council.objects.order_by("short_name"), to_attr="council_list")
            )
        )


class PartnershipEvent(models.Model):
    """A partnership withdrawn or deleted, or a council leaving one or removed from it, on a date."""

    class Kind(models.TextChoices):
        WITHDRAWN = "withdrawn", "Partnership withdrawn"
        DELETED = "deleted", "Partnership deleted"
        MEMBER_LEFT = "member_left", "Council left"
        MEMBER_DELETED = "member_deleted", "Council removed"

    kind = models.CharField(max_length=16, choices=Kind)
    partnership = models.ForeignKey(
        Partnership,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="events",
        help_text="Blank once the partnership itself was deleted.",
    )
    partnership_name = models.CharField(max_length=200, help_text="The partnership's name when it happened.")
    council_name = models.CharField(
        max_length=200, blank=True, help_text="The council that left or was removed (blank for the whole partnership)."
    )
    councils = models.ManyToManyField(
        Council, related_name="partnership_events", help_text="The councils whose pages show this event."
    )
    membership = models.ForeignKey(
        PartnershipMembership,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="The membership a council's leaving ended: a correction to it corrects this entry, and no other.",
    )
    effective_on = models.DateField(help_text="When it happened, as reported.")
    note = models.TextField("public note", blank=True)
    source_url = models.URLField("source URL", blank=True, max_length=500)
    recorded_at = models.DateTimeField(auto_now_add=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = PartnershipEventQuerySet.as_manager()

    class Meta:
        ordering = ["-effective_on", "-recorded_at", "-pk"]
        indexes = [models.Index(fields=["-effective_on", "-recorded_at"], name="partnership_event_timeline")]

    def __str__(self):
        return f"{self.title} on {self.effective_on:%-d %B %Y}"

    def get_absolute_url(self):
        if self.partnership_id:
            return reverse("councils:partnership-detail", kwargs={"slug": self.partnership.slug})
        return reverse("councils:changes")

    is_partnership_event = True  # the council page's timeline mixes these with status changes

    @property
    def title(self):
        """What a reader sees: "Partnership X withdrawn", "Y left partnership X", …"""
        partnership = self.partnership_name
        if self.kind == self.Kind.WITHDRAWN:
            return f"Partnership {partnership} withdrawn"
        if self.kind == self.Kind.DELETED:
            return f"Partnership {partnership} deleted from the tracker"
        if self.kind == self.Kind.MEMBER_LEFT:
            return f"{self.council_name} left partnership {partnership}"
        return f"{self.council_name} removed from partnership {partnership}"
