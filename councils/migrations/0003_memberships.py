"""Memberships are the one record of who is in a partnership: Partnership.lead_council becomes a lead
membership (two or more leads are joint leads), and a membership keeps its dates when a council leaves."""

from django.db import migrations, models


def check_constraints_now(schema_editor):
    """PostgreSQL cannot alter a table whose rows this transaction changed until their deferred
    foreign-key checks run: run them now, so the schema changes that follow can proceed."""
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        schema_editor.execute("SET CONSTRAINTS ALL DEFERRED")


def leads_to_memberships(apps, schema_editor):
    Partnership = apps.get_model("councils", "Partnership")
    PartnershipMembership = apps.get_model("councils", "PartnershipMembership")
    for partnership in Partnership.objects.filter(lead_council__isnull=False):
        membership = PartnershipMembership.objects.filter(
            partnership=partnership, council_id=partnership.lead_council_id
        ).first()
        if membership is None:
            PartnershipMembership.objects.create(
                partnership=partnership,
                council_id=partnership.lead_council_id,
                role="lead",
                source_url=partnership.source_url,
            )
        elif membership.role != "lead":
            membership.role = "lead"
            membership.save(update_fields=["role"])
    check_constraints_now(schema_editor)


def memberships_to_leads(apps, schema_editor):
    Partnership = apps.get_model("councils", "Partnership")
    PartnershipMembership = apps.get_model("councils", "PartnershipMembership")
    for partnership in Partnership.objects.all():
        lead = (
            PartnershipMembership.objects.filter(partnership=partnership, role="lead", left_on__isnull=True)
            .order_by("joined_on", "pk")
            .first()
        )
        if lead is not None:
            partnership.lead_council_id = lead.council_id
            partnership.save(update_fields=["lead_council"])
    check_constraints_now(schema_editor)


class Migration(migrations.Migration):

    dependencies = [
        ("councils", "0002_care_boards"),
    ]

    operations = [
        migrations.AddField(
            model_name="partnershipmembership",
            name="left_on",
            field=models.DateField(
                blank=True,
                help_text="When the council left, as reported; blank while it is a member. The membership stays as history.",
                null=True,
            ),
        ),
        migrations.AddField(
            model_name="partnershipmembership",
            name="source_url",
            field=models.URLField(
                blank=True, help_text="Where the membership is reported.", max_length=500, verbose_name="source URL"
            ),
        ),
        migrations.AddField(
            model_name="partnershipmembership",
            name="note",
            field=models.TextField(blank=True, verbose_name="public note"),
        ),
        migrations.AddField(
            model_name="partnershipmembership",
            name="left_note",
            field=models.TextField(blank=True, help_text="Public note on the council leaving.", verbose_name="why it left"),
        ),
        migrations.AlterField(
            model_name="partnershipmembership",
            name="role",
            field=models.CharField(
                choices=[("lead", "Lead council"), ("partner", "Partner council")],
                default="partner",
                help_text="Two or more lead councils are joint leads.",
                max_length=16,
            ),
        ),
        migrations.AlterField(
            model_name="partnershipmembership",
            name="joined_on",
            field=models.DateField(blank=True, help_text="When the council joined, as reported.", null=True),
        ),
        migrations.AlterField(
            model_name="partnership",
            name="lead_council",
            field=models.ForeignKey(
                null=True,
                on_delete=models.deletion.PROTECT,
                related_name="led_partnerships",
                to="councils.council",
            ),
        ),
        migrations.RunPython(leads_to_memberships, memberships_to_leads),
        migrations.RemoveConstraint(model_name="partnership", name="partnership_one_per_lead"),
        migrations.RemoveField(model_name="partnership", name="lead_council"),
        migrations.RemoveConstraint(model_name="partnershipmembership", name="membership_one_per_council"),
        migrations.AddConstraint(
            model_name="partnershipmembership",
            constraint=models.UniqueConstraint(
                condition=models.Q(("left_on__isnull", True)),
                fields=("partnership", "council"),
                name="membership_one_current_per_council",
                violation_error_message="This council is already a member of this partnership.",
            ),
        ),
        migrations.AddConstraint(
            model_name="partnershipmembership",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("left_on__isnull", True),
                    ("joined_on__isnull", True),
                    ("left_on__gte", models.F("joined_on")),
                    _connector="OR",
                ),
                name="membership_leaves_after_joining",
                violation_error_message="A council cannot leave a partnership before it joined.",
            ),
        ),
    ]
