"""The one way a comment or a report is turned away."""


class CommentRefused(Exception):
    """A submission or report that is turned away, with the reason a reader is shown and its status code."""

    # What a refusal read with its claim of the page cache's version, for its page (protection.claim_submission).
    version = None

    def __init__(self, message, *, status=400, field=None, retry_after=None):
        super().__init__(message)
        self.message = message
        self.status = status
        self.field = field
        self.retry_after = retry_after  # seconds, for a 429: when the reader may try again
