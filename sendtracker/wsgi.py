"""The WSGI application gunicorn serves (gunicorn.conf.py ``wsgi_app``).

Django's handler, with one addition (``ForgetfulWSGIHandler``): once an answer has been
sent, the request lets go of what it gathered. A Django request is tied in loops to its own
parts (the lazy user's closure, the message stores and the CSP nonce each point back at it;
an API view, its DRF request and its response point at each other), so none of it was freed
when the request ended: about 65 objects per request, 310 per API list, waited in memory for
the garbage collector, and requests that were still running at a young collection aged into
the oldest generation, whose collections walk the whole heap while every thread of the worker
waits. docs/performance.md, "Collector pauses", has the figures.
"""

import os
from functools import partial

import django
from django.core.handlers.wsgi import WSGIHandler

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sendtracker.settings")


def forget(request, response):
    """Empty the request and, for an API answer, its view and DRF request: the loops through them
    are broken, so reference counting frees the rest at once. Runs after Django's own closer
    (``request.close()``, which closes uploaded files)."""
    context = response.__dict__.pop("renderer_context", None) or {}  # DRF's, which names the response too
    for held in (context.get("view"), context.get("request"), request):
        if held is not None:
            vars(held).clear()


class ForgetfulWSGIHandler(WSGIHandler):
    """Django's WSGI handler; each request is forgotten when the server closes its response
    (after the last byte is sent, streaming answers included)."""

    def get_response(self, request):
        response = super().get_response(request)
        response._resource_closers.append(partial(forget, request, response))
        return response


django.setup(set_prefix=False)  # as django.core.wsgi.get_wsgi_application() does
application = ForgetfulWSGIHandler()
