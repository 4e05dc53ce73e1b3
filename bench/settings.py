"""The production settings, unchanged but for one thing: the URLconf adds the benchmark's own
baseline view (``bench/urls.py``). The load generator speaks plain HTTP on loopback and says what
the TLS-terminating proxy would say (``X-Forwarded-Proto: https`` and an ``Origin``), so the
production security settings (SSL redirect, secure cookies, CSRF origin checks) stay on."""

from ownervote.settings.prod import *  # noqa: F403

ROOT_URLCONF = "bench.urls"
