"""The one way a comment or a report is turned away."""


class CommentRefused(Exception):
    """A submission or report that is turned away, with the reason a reader is shown and its status code."""

    def __init__(self, message, *, status=400, field=None):
        super().__init__(message)
        self.message = message
        self.status = status
        self.field = field
