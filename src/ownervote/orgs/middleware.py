"""The second factor for staff.

Accounts acting for an organisation of a kind in ``settings.OWNERVOTE_REQUIRE_2FA_KINDS``
(street office, district and city bureaus in production) must pass a TOTP check in this session
before they use the console or the session-authenticated API. With the setting empty (development)
nothing is checked and no query is made.

Reachable without it: sign-in, sign-out, the 2FA page itself, the language switch, static files
and the health check. The page asked for is kept in ``next`` (percent-encoded) so the user lands
there after the check; the 2FA page validates it before following it.
"""

from __future__ import annotations

from contextlib import suppress
from functools import cache
from urllib.parse import urlencode

from django.conf import settings
from django.http import HttpResponseRedirect, JsonResponse
from django.urls import reverse
from django.utils.translation import gettext as _

from ownervote.core.help import HELP_URL

from . import scoping
from .errors import Code

# The guides (/help/) are public, static and explain the two-step verification itself.
ALWAYS_EXEMPT_PREFIXES = ("/healthz", HELP_URL)


@cache
def _exempt_paths() -> frozenset[str]:
    # Computed on first use (the URLconf is not loaded when middleware is built).
    return frozenset(
        reverse(name) for name in ("console:login", "console:logout", "console:2fa", "set_language")
    )


def _static_prefix() -> str:
    return "/" + settings.STATIC_URL.lstrip("/")


def second_factor_required(user) -> bool:
    """Whether this signed-in user must present a TOTP code before doing anything else.
    Cached on the user object for the request."""
    cached = getattr(user, "_ownervote_2fa_required", None)
    if cached is not None:
        return cached
    required = False
    kinds = set(settings.OWNERVOTE_REQUIRE_2FA_KINDS)
    if kinds and user is not None and getattr(user, "is_authenticated", False):
        is_verified = getattr(user, "is_verified", None)
        verified = bool(is_verified()) if callable(is_verified) else False
        required = not verified and bool(kinds & scoping.user_kinds(user))
    with suppress(AttributeError):  # exotic user objects without a __dict__
        user._ownervote_2fa_required = required
    return required


def _is_exempt(request) -> bool:
    path = request.path_info
    return (
        request.path in _exempt_paths()
        or path.startswith(_static_prefix())
        or path.startswith(ALWAYS_EXEMPT_PREFIXES)
    )


class SecondFactorMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and not getattr(request, "auth_via_token", False)
            and not _is_exempt(request)
            and second_factor_required(user)
        ):
            return self._refuse(request)
        return self.get_response(request)

    @staticmethod
    def _refuse(request):
        if request.path_info.startswith("/api/"):
            return JsonResponse(
                {
                    "error": {
                        "code": Code.SECOND_FACTOR_REQUIRED,
                        "message": _("Complete two-step verification first."),
                    }
                },
                status=403,
            )
        # Only a GET can be repeated safely after the check; for anything else come back to the page.
        target = request.get_full_path() if request.method in ("GET", "HEAD") else request.path
        url = reverse("console:2fa") + "?" + urlencode({"next": target})
        if request.headers.get("HX-Request") == "true":
            # An htmx request would swap the 2FA page into a fragment: make the browser navigate.
            from django_htmx.http import HttpResponseClientRedirect

            return HttpResponseClientRedirect(url)
        return HttpResponseRedirect(url)
