"""Readers' side of "Your thoughts": sending a comment, the confirmation, reporting a comment.

Every refusal answers with the reader's text kept in a form, a message that says
why, and a 4xx status: 400 for what the reader can fix, 403 when comments are
closed, 409 for a second report, 429 when a rate limit is hit. Nothing is stored.

A comment is checked cheapest first, so a refusal costs little: the form's signed token (no
I/O), then its single-use nonce, the rate limits and the duplicate key (one round trip to the
store of limits, which also reads the articles' version, or its copy there). A refusal then reads only what its page
shows of the article (a copy kept in the process while that version holds, else one query) and
gets the short refusal page (comments/refusals.py: no form built, no comments read). Only a comment that passed all that
reads the article with what the database knows of its text and reader (one query), the form's
own rules (the word lists: one query) and the INSERT. A closed article still outranks every other reason (403), as when it was checked first.
"""

from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from articles.models import Article

from . import protection, services
from .context import no_comments, page_holding, your_thoughts_context
from .exceptions import CommentRefused
from .forms import CommentForm, ReportForm
from .models import Comment, ModerationWord
from .refusals import refused_page


def _refuse(request, article, form, message, status):
    """The form again, with the reader's text, the reason and a fresh signed timestamp."""
    data = form.data.copy()
    data["started"] = protection.form_token(article)
    refreshed = CommentForm(data=data, article=article, banned_words=form.banned_words)
    refreshed.is_valid()
    for field, errors in form.errors.items():  # keep field errors from the first pass (e.g. a duplicate)
        if field in refreshed.fields and field not in refreshed.errors:
            for error in errors:
                refreshed.add_error(field, error)
    return _form_page(request, article, refreshed, message, status)


def _form_page(request, article, form, message, status):
    form.describe_fields()
    context = {"message": message, **your_thoughts_context(request, article, form=form, page=no_comments())}
    return render(request, "comments/form_page.html", context, status=status)


@require_POST
def submit(request, slug):
    posted = request.POST
    body, email = posted.get("body", ""), posted.get("email", "")
    if posted.get("website", "").strip():
        return _honeypot_filled(request, slug)
    # The form's token (no I/O), then the claim on the store of limits (one round trip, which also
    # reads the articles' version): a refusal reads only what its page shows of the article.
    token = None
    try:
        token = protection.parse_form_token(posted.get("started"))
        token.check_age()
        ip_hash = protection.request_ip_hash(request)
        claim = protection.claim_submission(
            nonce=token.nonce,
            ip_hash=ip_hash,
            email=email,
            duplicate_key=services.duplicate_key(token.article_pk, body),
            version_key=protection.ARTICLES_KEY,  # read with the claim: a refusal is one round trip
        )
    except CommentRefused as refusal:
        # An answer, not an error: its traceback would hold this frame (the request, the page), and
        # this frame the refusal, in a loop only the garbage collector frees.
        refusal.__traceback__ = None
        article = services.article_for_refusal(slug, refusal.version)
        foreign = token is not None and token.article_pk != article.pk
        return refused_page(request, article, protection.foreign_form() if foreign else refusal)
    sent_ids = protection.sent_comment_ids(request)
    try:
        article = services.article_for_comment(slug, body=body, email=email, sent_comment_ids=sent_ids)
    except Http404:
        claim.release()
        raise
    if article.pk != token.article_pk or article.comments_closed_reason():
        claim.release()  # nothing was sent: the attempt does not count
        return refused_page(request, article, protection.foreign_form())  # closed outranks it
    form = CommentForm(data=posted, article=article)
    words = services.moderation_words()
    form.banned_words = words[ModerationWord.Action.BANNED]
    if not form.is_valid():
        claim.release()  # an attempt the reader corrects is not counted; the page carries a new token
        return _refuse(request, article, form, None, 400)  # the form's error summary says what is wrong
    try:
        comment = services.submit_comment(
            article=article,
            display_name=form.cleaned_data["display_name"],
            email=form.cleaned_data["email"],
            reader_role=form.cleaned_data["reader_role"],
            body=form.cleaned_data["body"],
            parent=form.cleaned_data["reply_to"],
            ip_hash=ip_hash,
            user_agent=protection.trimmed_user_agent(request),
            user=request.user,
            sent_comment_ids=sent_ids,
            notify_replies=form.cleaned_data["notify_replies"],
            suspect_words=words[ModerationWord.Action.SUSPECT],
            duplicate_claimed=True,
        )
    except CommentRefused as refusal:
        refusal.__traceback__ = None  # as above: nothing left for the garbage collector
        if refusal.field:
            form.add_error(refusal.field, refusal.message)
        return _refuse(request, article, form, refusal.message, refusal.status)
    thanks = reverse("comments:thanks", kwargs={"slug": article.slug})
    response = HttpResponseRedirect(f"{thanks}?r={protection.thanks_token(comment)}")
    protection.remember_sent_comment(request, response, comment)
    return response


def _honeypot_filled(request, slug):
    """A form with the honeypot filled: the form page with every field's errors (people who meet it can fix it)."""
    posted = request.POST
    article = services.article_for_comment(
        slug,
        body=posted.get("body", ""),
        email=posted.get("email", ""),
        sent_comment_ids=protection.sent_comment_ids(request),
    )
    closed = article.comments_closed_reason()
    if closed:
        return refused_page(request, article, CommentRefused(closed, status=403))
    return _refuse(
        request,
        article,
        CommentForm(data=posted, article=article),
        "Your comment was not sent because a field that people leave empty was filled in. "
        "If you are a person, clear the field labelled “Leave this field empty” and send it again.",
        400,
    )


def thanks(request, slug):
    article = get_object_or_404(Article.objects.published(), slug=slug)
    outcome = protection.read_thanks_token(request.GET.get("r")) or {}
    published = outcome.get("s") == Comment.Status.APPROVED
    # The comment's permalink finds the page of comments that holds it.
    link = (
        reverse("comments:permalink", kwargs={"pk": outcome["c"]})
        if published
        else f"{article.get_absolute_url()}#your-thoughts"
    )
    return render(request, "comments/thanks.html", {"article": article, "published": published, "link": link})


@require_safe
def permalink(request, pk):
    """A comment's lasting address: a redirect to the page of comments that holds it now, at the comment.

    Comments come in pages, newest thread first, so the page that holds a comment moves as
    readers add more; alerts, feeds, the API, the admin and the thanks page link here
    (``Comment.get_absolute_url()``). A comment the public cannot see is a 404, as its article
    would be. Not stored by the page cache (a redirect): two indexed queries.
    """
    comment = get_object_or_404(Comment.objects.published().select_related("article", "parent"), pk=pk)
    number = page_holding(comment)
    query = f"?comments={number}" if number > 1 else ""
    return HttpResponseRedirect(f"{comment.article.get_absolute_url()}{query}#comment-{comment.pk}")


@require_http_methods(["GET", "POST"])
def report(request, pk):
    comment = get_object_or_404(Comment.objects.reportable().select_related("article"), pk=pk)
    form = ReportForm(data=request.POST if request.method == "POST" else None)
    status, message = 200, None
    if request.method == "POST":
        if not form.is_valid():
            status, message = 400, "There is a problem with your report."
        else:
            try:
                protection.check_report_rate_limit(ip_hash=protection.request_ip_hash(request))
                services.report_comment(
                    comment=comment,
                    reason=form.cleaned_data["reason"],
                    detail=form.cleaned_data["detail"],
                    reporter=protection.reporter_hash(request),
                )
            except CommentRefused as refusal:
                status, message = refusal.status, refusal.message
            else:
                thanks = reverse("comments:report_thanks", kwargs={"pk": comment.pk})
                return HttpResponseRedirect(f"{thanks}?r={protection.report_thanks_token(comment)}")
    return render(
        request,
        "comments/report.html",
        {"comment": comment, "article": comment.article, "form": form, "message": message},
        status=status,
    )


def report_thanks(request, pk):
    """The same page, 200, for every comment id, whatever the comment's state or whether it exists.

    Only the signed token the report's redirect carries (bound to this id) adds a link back to
    the article; without it nothing here depends on the comment, so the page tells nobody
    which comments exist, are held or were taken down.
    """
    article_pk = protection.read_report_thanks_token(request.GET.get("r"), pk)
    article = Article.objects.published().filter(pk=article_pk).first() if article_pk else None
    return render(request, "comments/report_thanks.html", {"article": article})
