# Issue 11: earlier names of the programme and its partnerships, and the programme timeline.
# Depends on 0001_initial on this branch; the merger re-points it after the partnership rework.

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("councils", "0003_memberships"),
    ]

    operations = [
        migrations.AddField(
            model_name="programme",
            name="partnerships_name",
            field=models.CharField(
                default="regional expert partnerships",
                help_text='Today\'s name for the partnerships together, e.g. "Change Programme Partnerships". Earlier names are kept with their dates.',
                max_length=200,
                verbose_name="what its partnerships are called",
            ),
        ),
        migrations.CreateModel(
            name="PartnershipName",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("name", models.CharField(max_length=200)),
                (
                    "replaced_on",
                    models.DateField(
                        help_text="The day the next name took over: this name was in use until the day before."
                    ),
                ),
                ("source_url", models.URLField(blank=True, max_length=500, verbose_name="source URL")),
                ("source_title", models.CharField(blank=True, max_length=300, verbose_name="source title")),
                (
                    "partnership",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="former_names",
                        to="councils.partnership",
                    ),
                ),
            ],
            options={
                "verbose_name": "former partnership name",
                "ordering": ["-replaced_on"],
                "abstract": False,
                "constraints": [
                    models.UniqueConstraint(fields=("partnership", "replaced_on"), name="partnershipname_one_per_day")
                ],
            },
        ),
        migrations.CreateModel(
            name="ProgrammeEvent",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                (
                    "happened_on",
                    models.DateField(
                        help_text="For an event known only to the month, the first of the month (and precision: month).",
                        verbose_name="date",
                    ),
                ),
                (
                    "precision",
                    models.CharField(
                        choices=[("day", "Day"), ("month", "Month")],
                        default="day",
                        help_text='"Month" shows the date as "September 2023", never as the first of the month.',
                        max_length=8,
                    ),
                ),
                ("text", models.TextField(help_text="Shown on the public timeline.", verbose_name="what happened")),
                ("source_url", models.URLField(blank=True, max_length=500, verbose_name="source URL")),
                ("source_title", models.CharField(blank=True, max_length=300, verbose_name="source title")),
                (
                    "programme",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE, related_name="events", to="councils.programme"
                    ),
                ),
            ],
            options={
                "verbose_name": "programme event",
                "ordering": ["happened_on", "pk"],
                "constraints": [
                    models.CheckConstraint(
                        condition=models.Q(("precision", "day"), ("happened_on__day", 1), _connector="OR"),
                        name="programmeevent_month_on_first",
                    )
                ],
            },
        ),
        migrations.CreateModel(
            name="ProgrammeName",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("name", models.CharField(max_length=200)),
                (
                    "replaced_on",
                    models.DateField(
                        help_text="The day the next name took over: this name was in use until the day before."
                    ),
                ),
                ("source_url", models.URLField(blank=True, max_length=500, verbose_name="source URL")),
                ("source_title", models.CharField(blank=True, max_length=300, verbose_name="source title")),
                (
                    "of",
                    models.CharField(
                        choices=[("programme", "The programme"), ("partnerships", "Its partnerships")],
                        default="programme",
                        help_text="Whether this was the programme's name or what its partnerships were called.",
                        max_length=16,
                        verbose_name="name of",
                    ),
                ),
                (
                    "programme",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="former_names",
                        to="councils.programme",
                    ),
                ),
            ],
            options={
                "verbose_name": "former programme name",
                "ordering": ["-replaced_on"],
                "abstract": False,
                "constraints": [
                    models.UniqueConstraint(fields=("programme", "of", "replaced_on"), name="programmename_one_per_day")
                ],
            },
        ),
    ]
