"""Staff and owners: who has a console.

Staff are the accounts that act for an organisation: a ``Membership`` of one (a convener, a
government body's staff, an organisation owner's administrator; also an applicant whose first
application still waits). Owners sign in at /m/ by SMS or WeChat and are members of nothing: they
have no console and no API token. A person who is both (a convener who owns a flat) is staff.

This module is the one place that draws the line:

- ``is_staff_account(user)``, cached on the user object for the request;
- ``StaffConsoleMiddleware``: every page under /console/ answers an owner with a plain page that
  sends them to /m/ (403); the console's views need not repeat the check, and a new console page
  is covered without anyone remembering to. Only signing out stays open: the refusal page offers
  it, to sign in again with a staff account;
- the JSON API's staff-only routes use ``ownervote.api``'s staff authentication, which asks
  ``is_staff_account`` and answers 403 ``account.staff_only``.
"""

from __future__ import annotations

from contextlib import suppress
from functools import cache

from django.shortcuts import render
from django.urls import reverse

from .models import Membership

CONSOLE_PREFIX = "/console/"


def is_staff_account(user) -> bool:
    """Whether ``user`` acts for an organisation (has a console). False for anonymous users."""
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    cached = getattr(user, "_ownervote_is_staff", None)
    if cached is None:
        cached = Membership.objects.filter(user_id=user.pk).exists()
        with suppress(AttributeError):
            user._ownervote_is_staff = cached
    return cached


@cache
def _open_to_owners() -> frozenset[str]:
    # Computed on first use (the URLconf is not loaded when middleware is built).
    return frozenset({reverse("console:logout")})


def owner_refused(request):
    """The page an owner gets on a staff page: what happened, and the way to the owner pages."""
    return render(request, "orgs/staff_only.html", {}, status=403)


class StaffConsoleMiddleware:
    """Owners never reach a console page (R-ORG-1: the console acts through organisations)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (
            request.path_info.startswith(CONSOLE_PREFIX)
            and user is not None
            and user.is_authenticated
            and request.path not in _open_to_owners()
            and not is_staff_account(user)
        ):
            return owner_refused(request)
        return self.get_response(request)
