"""The "Get emails when this changes" form, and the form asking for a link to manage alerts."""

from django import forms
from django.shortcuts import get_object_or_404

from articles.models import Article
from councils.models import Council, Partnership

from .models import Subscription

FOLLOWABLE = {
    Subscription.Target.COUNCIL: Council.objects.all(),
    Subscription.Target.PARTNERSHIP: Partnership.objects.all(),
    Subscription.Target.ARTICLE: Article.objects.published(),
}

EMAIL_ERRORS = {
    "required": "Enter your email address.",
    "invalid": "Enter an email address in the right form, like name@example.com.",
}


class FollowForm(forms.Form):
    email = forms.EmailField(
        label="Email address for alerts",
        max_length=254,
        help_text="We send a link to confirm first. Your address is never shown or shared.",
        error_messages=EMAIL_ERRORS,
        widget=forms.EmailInput(attrs={"autocomplete": "email", "spellcheck": "false"}),
    )
    frequency = forms.ChoiceField(
        label="How often",
        choices=Subscription.Frequency.choices,
        initial=Subscription.Frequency.IMMEDIATE,
        widget=forms.RadioSelect,
    )
    target = forms.ChoiceField(
        choices=[(t, t) for t in ("tracker", *FOLLOWABLE)], widget=forms.HiddenInput, required=True
    )
    followed = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def clean(self):
        cleaned = super().clean()
        target, pk = cleaned.get("target"), cleaned.get("followed")
        if target and target != Subscription.Target.TRACKER:
            if pk is None:
                raise forms.ValidationError("Choose what to follow.")
            cleaned["followed_object"] = get_object_or_404(FOLLOWABLE[target], pk=pk)
        else:
            cleaned["followed_object"] = None
        return cleaned


class ManageLinkForm(forms.Form):
    email = forms.EmailField(
        label="Your email address",
        max_length=254,
        error_messages=EMAIL_ERRORS,
        widget=forms.EmailInput(attrs={"autocomplete": "email", "spellcheck": "false"}),
    )
