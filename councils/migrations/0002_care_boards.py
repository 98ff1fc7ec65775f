"""A council may lie in two or three NHS integrated care boards: Council.icb becomes a many-to-many
through CouncilCareBoard. Each council's recorded board is kept, as its main part."""

import django.db.models.deletion
from django.db import migrations, models


def check_constraints_now(schema_editor):
    """PostgreSQL cannot alter a table whose rows this transaction changed until their deferred
    foreign-key checks run: run them now, so the schema changes that follow can proceed."""
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        schema_editor.execute("SET CONSTRAINTS ALL DEFERRED")


def icb_to_links(apps, schema_editor):
    Council = apps.get_model("councils", "Council")
    CouncilCareBoard = apps.get_model("councils", "CouncilCareBoard")
    CouncilCareBoard.objects.bulk_create(
        CouncilCareBoard(council_id=council_id, care_board_id=icb_id, position=0)
        for council_id, icb_id in Council.objects.filter(icb__isnull=False).values_list("pk", "icb_id")
    )
    check_constraints_now(schema_editor)


def links_to_icb(apps, schema_editor):
    Council = apps.get_model("councils", "Council")
    CouncilCareBoard = apps.get_model("councils", "CouncilCareBoard")
    for link in CouncilCareBoard.objects.filter(position=0):
        Council.objects.filter(pk=link.council_id).update(icb_id=link.care_board_id)
    check_constraints_now(schema_editor)


class Migration(migrations.Migration):

    dependencies = [
        ("councils", "0001_initial"),
    ]

    operations = [
        migrations.CreateModel(
            name="CouncilCareBoard",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                (
                    "position",
                    models.PositiveSmallIntegerField(
                        default=0,
                        help_text="0 for the board covering the main part of the authority, then 1, 2 by share.",
                    ),
                ),
                (
                    "share_note",
                    models.TextField(
                        blank=True,
                        help_text='How much of the authority the board covers, e.g. "part: 206 of 903 2021 LSOAs (22.8%)".',
                    ),
                ),
                (
                    "care_board",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="council_links",
                        to="councils.integratedcareboard",
                        verbose_name="integrated care board",
                    ),
                ),
                (
                    "council",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="care_board_links",
                        to="councils.council",
                    ),
                ),
            ],
            options={
                "verbose_name": "council's care board",
                "ordering": ["council", "position"],
                "constraints": [
                    models.UniqueConstraint(fields=("council", "care_board"), name="councilcareboard_once"),
                    models.UniqueConstraint(fields=("council", "position"), name="councilcareboard_one_per_position"),
                ],
            },
        ),
        migrations.RunPython(icb_to_links, links_to_icb),
        migrations.RemoveField(model_name="council", name="icb"),
        migrations.AddField(
            model_name="council",
            name="care_boards",
            field=models.ManyToManyField(
                blank=True,
                help_text="The NHS integrated care board(s) the authority lies in; an authority may straddle two or three.",
                related_name="councils",
                through="councils.CouncilCareBoard",
                to="councils.integratedcareboard",
                verbose_name="integrated care boards",
            ),
        ),
        migrations.AddConstraint(
            model_name="integratedcareboard",
            constraint=models.UniqueConstraint(
                condition=models.Q(("code", ""), _negated=True), fields=("code",), name="icb_unique_code"
            ),
        ),
    ]
