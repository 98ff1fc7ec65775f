"""Request ids for structured logs: every log line written while a request is served carries its id."""

import contextvars
import logging
import re
import uuid

_request_id = contextvars.ContextVar("request_id", default=None)

# An id from the load balancer or the caller is kept if it is short and plain;
# anything else (long, odd characters that could forge log lines) is replaced.
SANE_REQUEST_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:-]{0,127}")


def request_id_from(header_value):
    if header_value and SANE_REQUEST_ID.fullmatch(header_value):
        return header_value
    return uuid.uuid4().hex


def current_request_id():
    return _request_id.get()


def bind_request_id(value):
    return _request_id.set(value)


def unbind_request_id(token):
    _request_id.reset(token)


class RequestIdFilter(logging.Filter):
    """Adds ``request_id`` to every record (None outside a request).

    Django logs a 4xx answer (``django.request``) after the middleware has returned, when the
    id is no longer bound; such records carry the request itself, whose ``id`` the
    middleware set.
    """

    def filter(self, record):
        if not getattr(record, "request_id", None):
            request = getattr(record, "request", None)
            record.request_id = current_request_id() or getattr(request, "id", None)
        return True
