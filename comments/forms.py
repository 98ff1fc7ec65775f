"""The forms readers fill in under "Your thoughts", and the moderators' reason form."""

from django import forms
from django.conf import settings

from . import checks
from .models import Comment, CommentReport, ModerationWord
from .protection import started_token


def body_help_text():
    """The comment box's hint (the form's, and the refusal page's, which draws the form without it)."""
    return (
        f"Up to {settings.COMMENTS_MAX_LENGTH:,} characters. Please do not name a child or a school: "
        "comments that do are held for a moderator."
    )


class CommentForm(forms.Form):
    display_name = forms.CharField(
        label="Your name",
        max_length=80,
        help_text="Shown with your comment. You can use a first name or a nickname.",
        error_messages={"required": "Enter the name to show with your comment."},
        widget=forms.TextInput(attrs={"autocomplete": "nickname"}),
    )
    email = forms.EmailField(
        label="Your email address",
        max_length=254,
        help_text="Private: never shown or shared. We use it only if a moderator needs to contact you.",
        error_messages={
            "required": "Enter your email address. It is never shown.",
            "invalid": "Enter an email address in the right form, like name@example.com.",
        },
        widget=forms.EmailInput(attrs={"autocomplete": "email", "spellcheck": "false"}),
    )
    reader_role = forms.ChoiceField(
        label="You are (optional)",
        choices=[("", "Prefer not to say"), *Comment.ReaderRole.choices],
        required=False,
    )
    body = forms.CharField(
        label="Your comment",
        widget=forms.Textarea(attrs={"rows": 8, "cols": 60}),
        error_messages={"required": "Enter your comment."},
    )
    notify_replies = forms.BooleanField(
        label="Email me when someone replies",
        required=False,
        help_text="One email for each reply a moderator approves, with a link to stop them.",
    )
    reply_to = forms.IntegerField(required=False, widget=forms.HiddenInput)
    started = forms.CharField(required=False, widget=forms.HiddenInput)
    # The honeypot: hidden from people by CSS (and labelled for anyone who still meets it).
    website = forms.CharField(
        label="Leave this field empty",
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )

    def __init__(self, *args, article, banned_words=None, **kwargs):
        self.article = article
        self.banned_words = banned_words  # from services.moderation_words(), or read when the body is checked
        super().__init__(*args, **kwargs)
        self.fields["body"].help_text = body_help_text()
        self.fields["body"].widget.attrs["data-maxlength"] = str(settings.COMMENTS_MAX_LENGTH)
        self.describe_fields()

    def describe_fields(self):
        """Point each input at its hint and, once validated, its error (aria-describedby)."""
        errors = self._errors or {}
        for name, field in self.fields.items():
            ids = [f"id_{name}_helptext"] if field.help_text else []
            if name in errors:
                ids.append(f"id_{name}_error")
                field.widget.attrs["aria-invalid"] = "true"
            if ids:
                field.widget.attrs["aria-describedby"] = " ".join(ids)

    @classmethod
    def for_article(cls, article, *, reply_to=None, data=None, request=None):
        # Nothing about the signed-in user is put in the form: the article page stays the same
        # for everyone, so no cached copy of it can carry a member of staff's details.
        initial = {"started": started_token(request, article), "reply_to": reply_to.pk if reply_to else None}
        return cls(data=data, article=article, initial=initial)

    def clean_email(self):
        return checks.normalise_email(self.cleaned_data["email"])

    def clean_display_name(self):
        name = checks.clean_text(self.cleaned_data["display_name"])
        if not name:
            raise forms.ValidationError("Enter the name to show with your comment.")
        if checks.URL_RE.search(name) or checks.count_links(name):
            raise forms.ValidationError("Your name cannot contain a web address.")
        return name

    def clean_body(self):
        body = checks.clean_text(self.cleaned_data["body"])
        if not body:
            raise forms.ValidationError("Enter your comment.")
        max_length = settings.COMMENTS_MAX_LENGTH
        if len(body) > max_length:
            raise forms.ValidationError(
                f"Your comment is {len(body):,} characters long. Please shorten it to {max_length:,} or fewer."
            )
        max_links = settings.COMMENTS_MAX_LINKS
        links = checks.count_links(body)
        if links > max_links:
            raise forms.ValidationError(
                f"Your comment has {links} links. Please include no more than {max_links}."
                if max_links
                else "Please do not include links in your comment."
            )
        words = self.banned_words
        if words is None:
            words = ModerationWord.objects.filter(action=ModerationWord.Action.BANNED).values_list("word", flat=True)
        banned = checks.find_words(body, words)
        if banned:
            raise forms.ValidationError(
                "Your comment contains language we do not publish. Please reword it and send it again."
            )
        return body

    def clean_reply_to(self):
        pk = self.cleaned_data.get("reply_to")
        if pk is None:
            return None
        parent = (
            Comment.objects.approved().filter(pk=pk, article=self.article, parent__isnull=True).first()
            if pk > 0
            else None
        )
        if parent is None:
            raise forms.ValidationError(
                "The comment you are replying to is no longer available. Remove the reply to send it as a new comment."
            )
        return parent

    @property
    def honeypot_filled(self):
        return bool(self.data.get("website", "").strip())


class ReportForm(forms.Form):
    reason = forms.ChoiceField(
        label="Why are you reporting this comment?",
        choices=CommentReport.Reason.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose why you are reporting this comment."},
    )
    detail = forms.CharField(
        label="Anything else a moderator should know (optional)",
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 4, "cols": 60}),
    )

    def clean_detail(self):
        return checks.clean_text(self.cleaned_data["detail"])


class ModerationReasonForm(forms.Form):
    reason = forms.CharField(
        label="Reason (optional)",
        required=False,
        max_length=300,
        help_text="Recorded with the decision; never shown to readers.",
        widget=forms.TextInput(attrs={"size": 60}),
    )
