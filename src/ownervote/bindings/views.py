"""Owner pages for binding flats (R-BIND-1): find the estate, pick the flat, confirm; see and end
one's own bindings. Plain forms that work without JavaScript (POST, then redirect).

Each view parses, calls one service or selector and renders. A refused binding or unbinding is
shown on the page with the service's message (``attempt``); ``NotFound`` is a 404
(``core.middleware``).
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from ownervote.core.devices import traces
from ownervote.core.errors import InvalidInput, NotFound
from ownervote.core.files import Upload, read, store
from ownervote.core.models import StoredFile
from ownervote.core.params import int_param
from ownervote.core.views import attempt, console_view
from ownervote.identity.decorators import owner_view
from ownervote.roster.models import Building

from . import importing, selectors, services
from .access import Need, access_binding, access_public_estate
from .errors import Code
from .models import Binding


def _verify_url(next_path: str) -> str:
    return f"{reverse('verification:self_service')}?{urlencode({'next': next_path})}"


def _to_verification(request):
    messages.info(request, _("Please verify your identity first; then you can bind your flat."))
    return redirect(_verify_url(request.get_full_path()))


def _int(value) -> int | None:
    return int_param(value)


# --- find the estate ----------------------------------------------------------------------------


@owner_view
@require_http_methods(["GET"])
def search(request):
    if selectors.verified_identity(request.user) is None:
        return _to_verification(request)
    q = " ".join(request.GET.get("q", "").split())[:100]
    results = list(selectors.estate_search(q)) if q else []
    return render(
        request,
        "bindings/search.html",
        {"q": q, "results": results, "limit": selectors.SEARCH_LIMIT, "owner_tab": "flats"},
    )


# --- pick the flat, confirm, bind ---------------------------------------------------------------


@owner_view
@require_http_methods(["GET", "POST"])
def estate(request, estate_id: int):
    identity = selectors.verified_identity(request.user)
    if identity is None:
        return _to_verification(request)
    estate = access_public_estate(estate_id)
    flats = selectors.flats_of_estate(estate)
    suggestions = selectors.my_matching_flats(request.user, estate)
    ctx = {"estate": estate, "suggestions": suggestions, "owner_tab": "flats", "error": None}

    if request.method == "POST":
        flat = flats.filter(pk=_int(request.POST.get("flat_id"))).first()
        owner_id = _int(request.POST.get("owner_id"))
        if flat is None:
            ctx["error"] = _("This flat is not in the estate's roster. Choose it again.")
        else:
            bound = attempt(
                services.bind_flat, actor=request.user, flat_id=flat.pk, owner_id=owner_id, **traces(request)
            )
            if not bound.refused:
                messages.success(
                    request,
                    _("Bound: %(estate)s %(flat)s.") % {"estate": estate.name, "flat": bound.value.flat},
                )
                return redirect("bindings:mine")
            ctx["error"] = bound.message
        if flat is not None:
            return render(
                request, "bindings/confirm.html", {**ctx, **_confirm_context(flat, owner_id, suggestions)}
            )
        return render(request, "bindings/estate.html", {**ctx, **_picker_context(request, estate, flats)})

    flat_id = _int(request.GET.get("flat"))
    if flat_id is not None:
        flat = flats.filter(pk=flat_id).first()
        if flat is None:
            raise Http404(_("Flat not found."))
        owner_id = _int(request.GET.get("owner"))
        return render(
            request, "bindings/confirm.html", {**ctx, **_confirm_context(flat, owner_id, suggestions)}
        )
    return render(request, "bindings/estate.html", {**ctx, **_picker_context(request, estate, flats)})


def _confirm_context(flat, owner_id, suggestions) -> dict:
    mine = [s for s in suggestions if s.flat.pk == flat.pk and (owner_id is None or s.owner.pk == owner_id)]
    return {"flat": flat, "owner_id": owner_id, "match": mine[0] if mine else None}


def _picker_context(request, estate, flats) -> dict:
    buildings = list(
        Building.objects.filter(estate=estate, flats__removed_at__isnull=True)
        .distinct()
        .order_by("sort_key", "name")
    )
    building = None
    building_id = _int(request.GET.get("building"))
    room_q = " ".join(request.GET.get("room", "").split())[:50]
    rooms = []
    if building_id is not None:
        building = next((b for b in buildings if b.pk == building_id), None)
        if building is None:
            raise Http404(_("Building not found."))
        rooms = flats.filter(building=building)
        if room_q:
            rooms = rooms.filter(room__icontains=room_q)
        rooms = list(rooms)
    return {"buildings": buildings, "building": building, "rooms": rooms, "room_q": room_q}


# --- my flats ---------------------------------------------------------------------------------


@owner_view
@require_http_methods(["GET"])
def mine(request):
    rows = list(selectors.bindings_of(request.user))
    active = [b for b in rows if b.status == Binding.Status.ACTIVE]
    ended = [b for b in rows if b.status != Binding.Status.ACTIVE]
    verified = selectors.verified_identity(request.user) is not None
    return render(
        request,
        "bindings/mine.html",
        {
            "active": active,
            "ended": ended,
            "verified": verified,
            "verify_url": _verify_url(reverse("bindings:search")),
            "owner_tab": "flats",
        },
    )


@owner_view
@require_http_methods(["GET", "POST"])
def end(request, binding_id: int):
    binding = access_binding(request.user, binding_id, need=Need.OWN)
    if binding.status != Binding.Status.ACTIVE:  # an ended binding has no page to end it
        raise NotFound(Code.NOT_FOUND, _("Binding not found."))
    error = None
    if request.method == "POST":
        ended = attempt(services.binding_end, actor=request.user, binding_id=binding.pk)
        if ended.refused:
            error = ended.message
        else:
            messages.success(
                request,
                _("Unbound: %(estate)s %(flat)s.") % {"estate": binding.estate.name, "flat": binding.flat},
            )
            return redirect("bindings:mine")
    return render(request, "bindings/end.html", {"binding": binding, "error": error, "owner_tab": "flats"})


# --- moving a city over (R-DATA-1) ------------------------------------------------------------------


def _checked_upload(request) -> tuple[StoredFile, bytes, str]:
    """The uploaded file, kept (encrypted) so that the confirmation imports exactly what was checked."""
    f = request.FILES.get("file")
    if f is None:
        raise InvalidInput(Code.IMPORT_FILE, _('Send the file (multipart field "file") or the records.'))
    upload = Upload.from_django(f)
    with transaction.atomic():
        stored = store(upload, uploaded_by=request.user)
    return stored, upload.content, upload.name


def _confirmed_upload(request, stored_id) -> tuple[StoredFile, bytes, str]:
    stored = StoredFile.objects.filter(pk=stored_id, uploaded_by=request.user).first()
    if stored is None:
        raise Http404
    return stored, read(stored), stored.name


def _import_step(request, stored_id) -> tuple[StoredFile, dict, bool]:
    confirm = stored_id is not None
    stored, content, name = _confirmed_upload(request, stored_id) if confirm else _checked_upload(request)
    summary = importing.bindings_import_file(
        actor=request.user,
        content=content,
        name=name,
        source=request.POST.get("source", ""),
        dry_run=not confirm,
    )
    return stored, summary.as_dict(), confirm


@console_view
@require_http_methods(["GET", "POST"])
def import_page(request):
    """R-DATA-1: the city operator uploads the former platform's file; the dry run shows every
    estate and every problem of every record; confirming imports the same file (the estates
    without problems; all or nothing per estate)."""
    if not importing.can_import(request.user):
        raise importing.forbidden()
    context = {"summary": None, "stored": None, "source": "", "error": None, "confirmed": False}
    status = 200
    if request.method == "POST":
        context["source"] = request.POST.get("source", "").strip()
        outcome = attempt(_import_step, request=request, stored_id=int_param(request.POST.get("stored")))
        if outcome.refused:
            context["error"] = outcome.error
            status = 422
        else:
            stored, summary, confirmed = outcome.value
            context.update(summary=summary, confirmed=confirmed, source=summary["source"])
            if not confirmed and summary["estates_imported"]:
                context["stored"] = stored
    return render(request, "bindings/import.html", context, status=status)
