"""The lockout backend: django-axes' check, first in ``AUTHENTICATION_BACKENDS``."""
from axes.backends import AxesStandaloneBackend


class LockoutBackend(AxesStandaloneBackend):
    """Refuses a user name tried from one address after too many failures (see ``lockout``).

    Every sign-in over the network passes a request (the login page, the API token endpoint, the
    administration site, single sign-on). Calls without one — the test client's ``login()``, the
    shell — have no address to count against and are let through to the password check.
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)
