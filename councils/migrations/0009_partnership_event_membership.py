"""Each council's leaving names the membership it ended, so a correction to one leaving changes its
own public entry only (a council that left twice on one day has two entries on that day)."""

import django.db.models.deletion
from django.db import migrations, models


def link_leavings(apps, schema_editor):
    """Pair each recorded leaving with its membership: the council's memberships of that partnership that
    ended that day, in the order they began, with that day's entries in the order they were recorded.
    Where the two counts differ the entries stay unlinked (and are corrected as before)."""
    PartnershipEvent = apps.get_model("councils", "PartnershipEvent")
    PartnershipMembership = apps.get_model("councils", "PartnershipMembership")
    groups = {}
    leavings = PartnershipEvent.objects.filter(kind="member_left", partnership__isnull=False, membership__isnull=True)
    for event in leavings.order_by("recorded_at", "pk").prefetch_related("councils"):
        for council in event.councils.all():
            groups.setdefault((event.partnership_id, council.pk, event.effective_on), []).append(event)
    for (partnership_id, council_id, left_on), events in groups.items():
        memberships = list(
            PartnershipMembership.objects.filter(
                partnership_id=partnership_id, council_id=council_id, left_on=left_on
            ).order_by("joined_on", "pk")
        )
        if len(memberships) == len(events):
            for event, membership in zip(events, memberships, strict=True):
                event.membership = membership
                event.save(update_fields=["membership"])


class Migration(migrations.Migration):
    dependencies = [("councils", "0008_last_updated_indexes")]

    operations = [
        migrations.AddField(
            model_name="partnershipevent",
            name="membership",
            field=models.ForeignKey(
                blank=True,
                help_text="The membership a council's leaving ended: a correction to it corrects this entry, and no other.",
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to="councils.partnershipmembership",
            ),
        ),
        migrations.RunPython(link_leavings, migrations.RunPython.noop),
    ]
