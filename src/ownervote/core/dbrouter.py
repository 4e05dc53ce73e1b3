"""Read-only pages read from a replica (issue 21 item 4, README "A city on more than one node").

A city's oversight dashboards are heavy reads that nobody acts on in the same request: with
``DATABASE_REPLICA_URL`` set (a PostgreSQL streaming hot standby of ``DATABASE_URL``), the views
marked with ``reads_from_replica`` read through the ``replica`` alias. Everything else stays on the
primary (``default``):

- every write (``db_for_write`` is always the primary; the standby refuses writes anyway);
- every read of an unmarked view, of a request other than GET/HEAD, and of code outside a view
  (the worker, management commands);
- every read inside a transaction on the primary (a service's ``transaction.atomic()``: it reads
  what it is about to write, under its locks);
- every request of a browser that wrote within ``OWNERVOTE_REPLICA_STICKY_SECONDS``: a request
  with another method than GET/HEAD/OPTIONS sets the ``ov_primary`` cookie for that long, so that
  what the person just did shows on the next page even while the standby is a moment behind. The
  cookie carries nothing secret: forging it only sends one's own reads to the primary.

With no replica configured (``OWNERVOTE_READ_REPLICA`` None), the router sends everything to the
primary and the middleware does nothing.
"""

from __future__ import annotations

import inspect
from contextlib import suppress
from contextvars import ContextVar
from functools import wraps

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections

STICKY_COOKIE = "ov_primary"
READ_METHODS = frozenset({"GET", "HEAD"})
SAFE_METHODS = READ_METHODS | {"OPTIONS", "TRACE"}

# True while a marked view runs for a request that may read from the replica.
_replica_reads: ContextVar[bool] = ContextVar("ownervote_replica_reads", default=False)


def replica_alias() -> str | None:
    """The alias of the read replica, or None when there is none."""
    alias = getattr(settings, "OWNERVOTE_READ_REPLICA", None)
    return alias if alias and alias in settings.DATABASES else None


def wrote_recently(request) -> bool:
    """Whether this browser changed something within the sticky window (the ``ov_primary`` cookie)."""
    return STICKY_COOKIE in request.COOKIES


def may_read_replica(request) -> bool:
    return bool(replica_alias()) and request.method in READ_METHODS and not wrote_recently(request)


def reads_from_replica(view):
    """Mark a read-only view (page or API operation): its reads go to the replica when one is
    configured, the request is a GET/HEAD and the browser has not written recently. The view must
    not write (a write would still go to the primary, but it would not see its own reads)."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not may_read_replica(request):
            return view(request, *args, **kwargs)
        token = _replica_reads.set(True)
        try:
            return view(request, *args, **kwargs)
        finally:
            _replica_reads.reset(token)

    wrapped.reads_from_replica = True
    # django-ninja reads an operation's signature and evaluates string annotations (``from
    # __future__ import annotations``) in the function's module: give it the view's, resolved.
    with suppress(NameError):
        wrapped.__signature__ = inspect.signature(view, eval_str=True)
    return wrapped


class ReplicaRouter:
    """``DATABASE_ROUTERS``: reads of marked views to the replica, everything else to the primary."""

    def db_for_read(self, model, **hints):
        alias = replica_alias()
        if alias and _replica_reads.get() and not connections[DEFAULT_DB_ALIAS].in_atomic_block:
            return alias
        return DEFAULT_DB_ALIAS

    def db_for_write(self, model, **hints):
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1, obj2, **hints):
        return True  # the replica holds the primary's rows: an object read from either is the same

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == DEFAULT_DB_ALIAS  # the standby replays the primary's schema


class StickyPrimaryMiddleware:
    """After a request that may have written (any method but GET/HEAD/OPTIONS/TRACE), the browser
    reads from the primary for ``OWNERVOTE_REPLICA_STICKY_SECONDS`` (the ``ov_primary`` cookie)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if request.method not in SAFE_METHODS and replica_alias():
            response.set_cookie(
                STICKY_COOKIE,
                "1",
                max_age=settings.OWNERVOTE_REPLICA_STICKY_SECONDS,
                secure=settings.SESSION_COOKIE_SECURE,
                httponly=True,
                samesite="Lax",
            )
        return response
