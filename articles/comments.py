"""Readers' comments ("Your thoughts"): what the article page shows and accepts."""


def your_thoughts_context(request, article):
    """Context for the "Your thoughts" section at the foot of an article."""
    return {"comments": article.comments.approved()}
