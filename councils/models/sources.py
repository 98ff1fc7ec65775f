"""Every fact has a source: a URL, or an explicit reason there is none (quotes, key figures, contracts)."""

from django.core.exceptions import ValidationError
from django.db import models

NO_SOURCE_MESSAGE = "Give the source's address, or say under “No public source because” why there is none."


class SourcedRecord(models.Model):
    """A record that needs its ``source_url`` or a ``no_source_reason`` (checked in ``clean``, so every form shows it)."""

    no_source_reason = models.CharField(
        "no public source because",
        max_length=300,
        blank=True,
        help_text="Only when nothing public can be linked to, e.g. “Told to us by the council's press office”.",
    )

    class Meta:
        abstract = True

    def clean(self):
        super().clean()
        if not self.source_url and not self.no_source_reason.strip():
            raise ValidationError({"source_url": NO_SOURCE_MESSAGE})
