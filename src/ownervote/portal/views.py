"""The owner home (/m/), the estate landing page its QR code opens (/m/e/<id>/) and, in the staff
console, the estate's poster with that QR code and the voting guide (art. 8).

Views parse, call one selector and render; who sees what is decided in ``selectors`` (and, for
the poster, ``roster.access``). A missing estate is a 404
(``core.middleware`` turns ``NotFound`` into it)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from ownervote.bindings.access import access_public_estate
from ownervote.core import qr
from ownervote.meetings import selectors as meetings_selectors
from ownervote.roster import permissions as roster_permissions

from . import selectors
from .links import link, with_next

# --- owner pages ----------------------------------------------------------------------------


@require_GET
def home(request):
    """Signed out: what this is and how to start. Signed in: where the person stands."""
    context = {"owner_tab": "home", "login_url": link("identity:login")}
    if request.user.is_authenticated:
        home = selectors.owner_home(request.user)
        for publication in home.publications:
            publication.list_url = link("bindinglist:owner", publication.estate_id)
        context.update(
            home=home,
            verify_url=link("verification:self_service"),
            search_url=link("bindings:search"),
            mine_url=link("bindings:mine"),
            notices_url=link("verification:notices"),
            inbox_url=link("notify:inbox"),
        )
    return render(request, "portal/home.html", context)


@require_GET
def estate(request, estate_id: int):
    """What the estate's QR code opens: the estate, and the three steps, each leading on to
    binding a flat in this estate."""
    estate = access_public_estate(estate_id)  # any estate: its QR code is on the poster at its gate
    bind_url = link("bindings:estate", estate.pk)
    user = request.user
    signed_in = user.is_authenticated
    meetings = selectors.owner_meetings(user, meetings_selectors.public_meetings(estate))
    return render(
        request,
        "portal/estate.html",
        {
            "estate": estate,
            "owner_tab": "home",
            "signed_in": signed_in,
            "identity": selectors.verified_identity(user) if signed_in else None,
            "bound_here": selectors.bindings_in(user, estate),
            "login_url": with_next(link("identity:login"), bind_url),
            "verify_url": with_next(link("verification:self_service"), bind_url),
            "bind_url": bind_url,
            "meetings": meetings,
        },
    )


# --- the poster (staff console) -------------------------------------------------------------


def _poster_view(view):
    """Staff only, and only for an estate they see; any other estate is a 404."""
    return login_required(require_GET(view))


@_poster_view
def poster(request, estate_id: int):
    estate = selectors.poster_estate(request.user, estate_id)
    return render(
        request,
        "portal/poster.html",
        {
            "estate": estate,
            "active": "poster",
            "can_keep": roster_permissions.can_change_roster(request.user, estate),
            "conveners": selectors.conveners(estate),
            "qr_svg": qr.svg_inline(
                estate.pk, title=_("QR code: %(estate)s e-voting") % {"estate": estate.name}
            ),
            "qr_url": qr.estate_url(estate.pk),
            "today": timezone.localdate(),
            "svg_download": reverse("portal:poster_qr", args=[estate.pk, "svg"]),
            "png_download": reverse("portal:poster_qr", args=[estate.pk, "png"]),
        },
    )


@_poster_view
def poster_qr(request, estate_id: int, fmt: str):
    """The QR code alone, as SVG (for a print shop) or PNG (for a chat group or a document)."""
    estate = selectors.poster_estate(request.user, estate_id)
    filename = _("%(estate)s e-voting QR code") % {"estate": estate.name}
    if fmt == "svg":
        content, content_type = qr.svg_file(estate.pk, title=filename), "image/svg+xml"
    else:
        content, content_type = qr.png_file(estate.pk), "image/png"
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(True, f"{filename}.{fmt}")
    response["X-Content-Type-Options"] = "nosniff"
    return response
