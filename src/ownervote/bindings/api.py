"""/api/bindings: verified owners bind the flats they own (R-BIND-1) and end their bindings.

Every endpoint needs a signed-in account. Binding needs a verified identity (403
``binding.not_verified``) and a current ownership of the flat in the roster, as the person or as
an organisation's authorised staff (422 ``binding.not_owner``); one active binding per person
per flat (409 ``binding.already_bound``). Estates, buildings and rooms are public; who owns a
flat is never shown, except the caller's own matches (``/estates/{id}/suggestions``)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from ninja import Router
from ninja.responses import Status

from ownervote.core.devices import traces
from ownervote.core.errors import InvalidInput, require
from ownervote.core.schemas import ERRORS, Id

from . import importfile, importing, selectors, services
from .access import access_public_estate
from .errors import Code
from .schemas import BindIn, BindingImportOut, BindingOut, EstateFoundOut, FlatRef, SuggestionOut

router = Router(tags=["bindings"])


@router.get("", response={200: list[BindingOut], **ERRORS}, summary="My bindings")
def my_bindings(request):
    """The caller's bindings, active and ended (with the reason), newest first."""
    return selectors.bindings_of(request.auth)


@router.post("", response={201: BindingOut, **ERRORS}, summary="Bind a flat")
def bind(request, body: BindIn):
    """Bind a flat the caller owns in the roster (R-BIND-1)."""
    binding = services.bind_flat(
        actor=request.auth, flat_id=body.flat_id, owner_id=body.owner_id, **traces(request)
    )
    return Status(201, selectors.bindings_of(request.auth).get(pk=binding.pk))


@router.post("/{binding_id}/end", response={200: BindingOut, **ERRORS}, summary="End my binding")
def end(request, binding_id: Id):
    """End one of the caller's own bindings; anybody else's is 404."""
    binding = services.binding_end(actor=request.auth, binding_id=binding_id)
    return selectors.bindings_of(request.auth).get(pk=binding.pk)


@router.get("/estates", response={200: list[EstateFoundOut], **ERRORS}, summary="Find an estate")
def estates(request, q: str = ""):
    """Estates whose name or address contains ``q`` (at most 20)."""
    return selectors.estate_search(q)


@router.get(
    "/estates/{estate_id}/flats", response={200: list[FlatRef], **ERRORS}, summary="Flats of an estate"
)
def estate_flats(request, estate_id: Id):
    """The estate's flats in the roster: building and room only."""
    return selectors.flats_of_estate(access_public_estate(estate_id))


@router.get(
    "/estates/{estate_id}/suggestions", response={200: list[SuggestionOut], **ERRORS}, summary="My flats here"
)
def suggestions(request, estate_id: Id):
    """Flats of the estate the caller may bind (their verified ID number, or an organisation that
    authorises them, is a current owner). Empty for anyone not verified."""
    return selectors.my_matching_flats(request.auth, access_public_estate(estate_id))


IMPORT_BODY = {
    "requestBody": {
        "content": {
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "properties": {"file": {"type": "string", "format": "binary"}},
                    "required": ["file"],
                }
            },
            "application/json": {
                "schema": {
                    "oneOf": [
                        {"type": "array", "items": {"type": "object"}},
                        {
                            "type": "object",
                            "properties": {"source": {"type": "string"}, "records": {"type": "array"}},
                        },
                    ]
                }
            },
            "text/csv": {"schema": {"type": "string"}},
        }
    }
}


@router.post(
    "/import",
    response={200: BindingImportOut, **ERRORS},
    summary="Import another platform's bindings",
    openapi_extra=IMPORT_BODY,
)
def import_bindings(request, source: str = "", dry_run: bool = False):
    """Moving a city over (R-DATA-1): the verified owners and bindings of the city's former
    platform, in the format of docs/import-format.md, as a multipart ``file`` (.csv or .json), a
    JSON body (a list of records, or an object with ``records`` and optionally ``source``) or a
    ``text/csv`` body; at most 25 MiB (larger: 422 ``binding_import.too_large``; split the file by
    estate or use ``manage.py import_bindings``). All or nothing per estate: the answer
    lists every estate with its status and every problem of every record (200 even when some
    estates failed: ``ok`` is false). ``dry_run=true`` checks and writes nothing. Only the city
    operator (403 ``binding_import.forbidden``); a file that cannot be read at all is 422
    ``binding_import.file`` or ``binding_import.header`` with the problems in ``details``."""
    require(importing.can_import(request.auth), importing.forbidden())
    multipart = (request.content_type or "").startswith("multipart/")
    upload = request.FILES.get("file") if multipart else None
    if multipart:
        require(upload is not None, _missing())
        require(upload.size <= importfile.API_MAX_BYTES, _too_large())
        content, name, content_type = upload.read(), upload.name, upload.content_type or ""
    else:
        content, name, content_type = request.body, "", request.content_type or ""
        require(len(content) <= importfile.API_MAX_BYTES, _too_large())
    require(content, _missing())
    summary = importing.bindings_import_file(
        actor=request.auth,
        content=content,
        name=name,
        content_type=content_type,
        source=source,
        dry_run=dry_run,
    )
    return summary.as_dict()


def _missing() -> InvalidInput:
    return InvalidInput(Code.IMPORT_FILE, _('Send the file (multipart field "file") or the records.'))


def _too_large() -> InvalidInput:
    return InvalidInput(
        Code.IMPORT_TOO_LARGE,
        _(
            "The file is larger than 25 MB: split it by estate, or ask the operator to run the "
            "import command."
        ),
    )
