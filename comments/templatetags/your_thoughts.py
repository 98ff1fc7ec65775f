"""The "Your thoughts" section for an article page, readers' text rendered safely, and the admin's queue count.

{% load your_thoughts %}
{% your_thoughts article %}          the comments and the form, at the foot of an article
{{ comment.body|comment_text }}      escaped paragraphs, nofollow links
{{ comment.display_name|plain_text }}
{% pending_comments %}               the moderators' queue length, on the admin index
"""

from django import template

from .. import rendering
from ..checks import clean_text
from ..context import your_thoughts_context
from ..models import Comment

register = template.Library()

VIEW_PERMISSION = "comments.view_comment"


@register.inclusion_tag("comments/_your_thoughts.html", takes_context=True)
def your_thoughts(context, article):
    """A page of the approved comments under ``article`` (one query) and the form, or why comments are closed.

    The page is the one ``?comments=`` and ``?order=`` ask for; a page number that is not a
    page raises ``NoSuchPage``, which the article view answers with a 404 saying which pages exist.
    """
    return your_thoughts_context(context.request, article)


# Escaped text in paragraphs, line breaks kept, web addresses as nofollow links.
register.filter("comment_text", rendering.comment_text)
# A reader-supplied line (a display name) with reordering and invisible characters removed.
register.filter("plain_text", clean_text)


@register.inclusion_tag("admin/comments/_pending.html", takes_context=True)
def pending_comments(context):
    """The moderators' queue length, for the admin index (only for those who may see comments)."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.has_perm(VIEW_PERMISSION):
        return {"show": False}
    return {"show": True, "count": Comment.objects.pending().count()}
