"""Numbers a person typed into an address: read safely, never a 500.

``int_param(value)`` is how a view reads a number from ``request.GET``/``POST`` (a building, a flat,
a year, a division): ASCII digits only and within a database integer, else None. ``"²".isdigit()``
is True but ``int("²")`` fails, and a 30-digit id overflows the database driver, so neither
``str.isdigit`` nor ``int()`` alone will do.

``OutOfRangeIdMiddleware`` answers 404, before any view runs, for an address whose ``<int:...>``
part is beyond the database's 64-bit integers (``/p/meetings/99999999999999999999999/result/``):
Django's ``int`` converter takes any run of digits, and a foreign-key lookup with it overflowed
the driver (``OverflowError``) instead of finding nothing. Under /api/ the answer is the API's
error ``{"error": {"code": "not_found", ...}}``.
"""

from __future__ import annotations

from django.http import Http404, JsonResponse
from django.utils.translation import gettext as _

from .errors import Code

MAX_INT = 2**63 - 1  # BigAutoField, and the largest integer SQLite and PostgreSQL store


def int_param(value, *, default: int | None = None) -> int | None:
    """``value`` (a query or form value) as a non-negative integer the database can hold, else
    ``default``. Surrounding blanks are ignored; signs, fractions and non-ASCII digits are not
    numbers here."""
    text = str(value if value is not None else "").strip()
    if not text or not (text.isascii() and text.isdigit()) or len(text) > 19:
        return default
    number = int(text)
    return number if number <= MAX_INT else default


class OutOfRangeIdMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        values = [*view_args, *view_kwargs.values()]
        if not any(isinstance(v, int) and not isinstance(v, bool) and v > MAX_INT for v in values):
            return None
        if request.path.startswith("/api/"):
            body = {"code": Code.NOT_FOUND, "message": _("Not found.")}
            return JsonResponse({"error": body}, status=404)
        raise Http404(_("Not found."))
