"""Owner pages need a signed-in account (any account: owners sign in with an SMS code)."""

from __future__ import annotations

from functools import wraps
from urllib.parse import urlencode

from django.shortcuts import redirect
from django.urls import reverse


def owner_login_required(view):
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect(f"{reverse('identity:login')}?{urlencode({'next': request.get_full_path()})}")
        return view(request, *args, **kwargs)

    return wrapper


def owner_view(view):
    """An owner page: the owner sign-in first. A service's NotFound (404), Forbidden (403) or other
    refusal is turned into the page by ``core.middleware.ServiceErrorMiddleware``."""
    return owner_login_required(view)
