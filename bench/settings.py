"""The production settings, unchanged but for two things: the URLconf adds the benchmark's own
baseline view (``bench/urls.py``), and a session is slid at most once a day instead of every five
minutes (below). The load generator speaks plain HTTP on loopback and says what
the TLS-terminating proxy would say (``X-Forwarded-Proto: https`` and an ``Origin``), so the
production security settings (SSL redirect, secure cookies, CSRF origin checks) stay on."""

from ownervote.settings.prod import *  # noqa: F403

ROOT_URLCONF = "bench.urls"

# An owner casts after opening the vote page, whose request has just slid the session's expiry
# (``orgs.sessions.SessionIdleMiddleware``): the cast itself writes no session. The benchmark's
# sessions are made as the sign-in makes them, just slid (``bench/cast.py``); with the production
# interval (5 minutes) the runs after the first five minutes would pay a session write on each
# owner's first request, and only on the side that used that owner first (the real cast, run
# before the baseline on the same owners).
OWNERVOTE_SESSION_REFRESH_SECONDS = 24 * 3600
