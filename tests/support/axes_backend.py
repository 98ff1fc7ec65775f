"""Test-only: let Client.login() (which passes no request) through django-axes.

Production uses axes.backends.AxesStandaloneBackend, which refuses an
authenticate() call without a request. Every login over HTTP, in tests too,
still carries a request and is throttled exactly as in production
(tests/sendtracker/test_login.py).
"""

from axes.backends import AxesStandaloneBackend


class AxesBackendAllowingClientLogin(AxesStandaloneBackend):
    def authenticate(self, request, *args, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, *args, **kwargs)
