"""Money as journalists type it: "16,000", "£16,000" and "£ 16,000.50" are all sixteen thousand pounds."""

from django import forms
from django.db import models

from sendtracker.admin_mixins import HTTPS_URLS


class MoneyField(forms.DecimalField):
    """A decimal box that accepts a pound sign and thousands separators, in a plain text input.

    The browser's number input refuses "16,000" before the form ever sees it, so this is a text box
    that asks phones for their number pad.
    """

    widget = forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"})

    def to_python(self, value):
        if isinstance(value, str):
            value = value.strip().replace("£", "").replace(",", "").replace(" ", "")
        return super().to_python(value)

    def widget_attrs(self, widget):
        # No min/max/step attributes: they only belong on a number input.
        return {}


# For a ModelAdmin's formfield_overrides: https for pasted URLs, money typed as people write it.
FACT_FIELDS = {**HTTPS_URLS, models.DecimalField: {"form_class": MoneyField}}
