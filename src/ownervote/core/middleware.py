"""The one place that turns a service's refusal into what a person sees on a page.

A view parses, calls a service, renders; it does not catch ``ServiceError``. When a service raises
one out of a page view (the JSON API has its own handlers in ``ownervote.api``):

- ``NotFound``: the 404 page; ``Forbidden``: the 403 page (as Django shows ``Http404`` and
  ``PermissionDenied``).
- any other refusal (``InvalidInput`` 422, ``Conflict`` 409) of a form or button that was posted:
  the message is shown on the page the person posted from (``messages.error`` and a 303 redirect
  to the posted ``next``, else the same-site ``Referer``, else the page itself). An htmx request
  gets ``HX-Redirect`` to the same place instead.
- the same refusal on a GET: an error page with the message, with the error's status.
- any refusal of a page marked with ``core.views.refusals_shown_on(template)`` (a provider's
  callback): that page's own template, with the message and the error's status.

A view that shows the refusal next to the fields instead (a form with field errors) uses
``core.forms.ServiceForm.submit`` or ``core.views.attempt``, which place it where it belongs;
nothing else in a view catches a service error.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.handlers.exception import response_for_exception
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.utils.http import url_has_allowed_host_and_scheme

from .errors import Forbidden, NotFound, ServiceError

SAFE_METHODS = ("GET", "HEAD", "OPTIONS")


def back_url(request) -> str:
    """Where a refused post returns to: the posted ``next``, else the same-site Referer, else the
    page itself."""
    for candidate in (request.POST.get("next", ""), request.META.get("HTTP_REFERER", "")):
        if candidate and url_has_allowed_host_and_scheme(
            candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        ):
            return candidate
    return request.get_full_path()


def lines(exc: ServiceError) -> list[str]:
    """The refusal in sentences: the message, then any problems its details list."""
    out = [str(exc.message)]
    details = exc.details if isinstance(exc.details, dict) else {}
    for problem in details.get("problems", ()) or ():
        text = problem.get("message") if isinstance(problem, dict) else str(problem)
        if text and text not in out:
            out.append(str(text))
    return out


class ServiceErrorMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exc):
        if not isinstance(exc, ServiceError) or request.path.startswith("/api/"):
            return None
        page = getattr(getattr(request.resolver_match, "func", None), "refusal_page", None)
        if page is not None:  # core.views.refusals_shown_on
            template, context = page
            return render(
                request, template, {**context, "message": exc.message, "code": exc.code}, status=exc.status
            )
        if isinstance(exc, NotFound):
            return response_for_exception(request, Http404(str(exc.message)))
        if isinstance(exc, Forbidden):
            return response_for_exception(request, PermissionDenied(str(exc.message)))
        if request.method in SAFE_METHODS:
            return render(
                request, "core/refused.html", {"lines": lines(exc), "code": exc.code}, status=exc.status
            )
        for text in lines(exc):
            messages.error(request, text)
        target = back_url(request)
        if request.headers.get("HX-Request"):
            response = HttpResponse(status=204)
            response["HX-Redirect"] = target
            return response
        return HttpResponseRedirect(target, status=303)
