"""The client's address, for the per-address SMS limits, the sign-in lockout (axes) and the traces
the impersonation signals read (``core.devices.traces``, R-TRUST-1). In ``core`` so that every
layer can read it.

By default it is ``REMOTE_ADDR``: behind a reverse proxy that is the proxy's own address, and
every owner would share one limit. Either have the proxy hand the client's address to the
application server as ``REMOTE_ADDR``, or set ``OWNERVOTE_TRUSTED_PROXY_COUNT`` to the number of
proxies in front of it: the address is then taken that many places from the right of
``X-Forwarded-For`` (each proxy appends the address it received the request from; anything
further left was written by the client and is not trusted).
"""

from __future__ import annotations

import ipaddress

from django.conf import settings


def _valid(value: str) -> str | None:
    try:
        return str(ipaddress.ip_address(value.strip()))
    except ValueError:
        return None


def client_ip(request) -> str | None:
    remote = request.META.get("REMOTE_ADDR", "")
    hops = int(getattr(settings, "OWNERVOTE_TRUSTED_PROXY_COUNT", 0) or 0)
    if hops > 0:
        forwarded = [p.strip() for p in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if p.strip()]
        if forwarded:
            return _valid(forwarded[-hops] if len(forwarded) >= hops else forwarded[0])
    return _valid(remote)
