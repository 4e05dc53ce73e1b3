"""The device cookie and the traces a record keeps of where it came from (R-TRUST-1).

``DeviceCookieMiddleware`` gives each browser a random device id in the ``ov_device`` cookie, once,
for two years (HttpOnly, SameSite=Lax, Secure over HTTPS). It is the only thing that tells one
phone from another: no fingerprinting (user agent, screen, fonts, canvas) beyond it. A person who
clears their cookies is a new device; that is accepted, the signals never block anyone by
themselves. The cookie is strictly necessary for detecting votes cast in other owners' names, so
no consent banner asks for it.

``device_hash(request)`` is the keyed hash of the id (``crypto.lookup_hash("device", id)``), the
only form stored: a database copy cannot be matched to a browser's cookie without the lookup key.
``traces(request)`` is what the services that create bindings, verifications, submissions and
proxies take: ``service(..., **traces(request))``.

The cookie is never set on a response a shared cache may keep (``Cache-Control`` that allows it:
``public``, ``max-age``, ``no-cache`` without ``private``/``no-store``): a cache would hand the one
id to every browser that reads the page, and make them look like one device. When the cookie is
set on a response that says nothing about caching, it is marked ``private`` for the same reason.
"""

from __future__ import annotations

import re
import secrets

from django.utils.cache import patch_cache_control

from .clientip import client_ip
from .crypto import lookup_hash

COOKIE = "ov_device"
MAX_AGE = 2 * 365 * 24 * 3600  # two years: the signals compare months of an estate's activity
_ID = re.compile(r"[A-Za-z0-9_-]{43}")  # secrets.token_urlsafe(32)
_SHARED_OK = ("private", "no-store")


def new_id() -> str:
    return secrets.token_urlsafe(32)


def device_id(request) -> str:
    """The device id the browser sent, or "" when it sent none (or something we never issue)."""
    value = request.COOKIES.get(COOKIE, "")
    return value if _ID.fullmatch(value) else ""


def device_hash(request) -> str:
    """The keyed hash of the browser's device id; "" when the request carried no device cookie
    (a first visit, or a client that keeps no cookies)."""
    return lookup_hash("device", device_id(request))


def traces(request) -> dict:
    """The keyword arguments of a service that records where a row came from."""
    return {"device_hash": device_hash(request), "client_ip": client_ip(request)}


def _shared_cacheable(response) -> bool:
    """True when a shared cache may keep the response (its Cache-Control lets it)."""
    value = response.headers.get("Cache-Control", "")
    if not value:
        return False
    directives = {part.split("=", 1)[0].strip().lower() for part in value.split(",")}
    return not directives.intersection(_SHARED_OK)


class DeviceCookieMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if device_id(request) or COOKIE in response.cookies or _shared_cacheable(response):
            return response
        if not response.headers.get("Cache-Control"):
            patch_cache_control(response, private=True)
        response.set_cookie(
            COOKIE,
            new_id(),
            max_age=MAX_AGE,
            httponly=True,
            secure=request.is_secure(),
            samesite="Lax",
        )
        return response
