"""/api/estates/: estates, the roster and its totals (R-ROSTER-1..5).

Reads go through ``roster.selectors`` and ``roster.access`` (404 for an estate the caller cannot
see); changes through ``roster.services`` (403 ``roster.forbidden`` for a visible estate the caller
does not keep).
Every change carries a reason (R-ROSTER-2). Applying an import and confirming the totals also
take supporting files, so they are multipart forms: ``reason`` plus any number of ``files``;
PATCH bodies are JSON."""

from __future__ import annotations

from django.http import HttpResponse
from django.utils.translation import gettext_lazy as _
from ninja import File, Form, Router, UploadedFile
from ninja.pagination import paginate
from ninja.responses import Status

from ownervote.core.errors import NotFound
from ownervote.core.files import Upload
from ownervote.core.schemas import ERRORS, Id, Pages
from ownervote.orgs.errors import Code as OrgsCode
from ownervote.orgs.models import Division

from . import selectors, services
from .access import access_estate, access_flat, access_import, access_owner
from .schemas import (
    ChangeOut,
    EstateIn,
    EstateOut,
    EstatePatchIn,
    EstateTotalsOut,
    FlatOut,
    FlatPatchIn,
    ImportApplyIn,
    ImportOut,
    RevealIn,
    RevealOut,
    RosterReasonIn,
    SnapshotOut,
)

router = Router(tags=["roster"])

XLSX = services.export.XLSX
XLSX_RESPONSE = {"responses": {200: {"content": {XLSX: {"schema": {"type": "string", "format": "binary"}}}}}}
Files = File[list[UploadedFile]]


def _uploads(files) -> list[Upload]:
    return [Upload.from_django(f) for f in files or ()]


def _xlsx(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


# --- estates ----------------------------------------------------------------------------------


@router.get("", response={200: list[EstateOut], **ERRORS}, summary="List visible estates")
def list_estates(request):
    """Estates in the caller's scope: a street office its street, a district bureau its
    district, the city everything, a convener its own estates."""
    return selectors.estates_for(request.auth)


@router.post("", response={201: EstateOut, **ERRORS}, summary="Register an estate")
def create_estate(request, body: EstateIn):
    """A street office (or its district or the city) registers an estate in its street."""
    street = Division.objects.filter(pk=body.street_id).first()
    if street is None:
        raise NotFound(OrgsCode.DIVISION_NOT_FOUND, _("Division not found."))
    community = Division.objects.filter(pk=body.community_id).first() if body.community_id else None
    estate = services.estates.estate_create(
        actor=request.auth, name=body.name, street=street, address=body.address, community=community
    )
    return Status(201, estate)


@router.get(
    "/roster-template.xlsx", response={**ERRORS}, openapi_extra=XLSX_RESPONSE, summary="Empty roster template"
)
def roster_template(request):
    """The .xlsx roster file with its header row and an instructions sheet (R-ROSTER-4)."""
    return _xlsx(services.export.template_xlsx(), "roster-template.xlsx")


@router.get("/{estate_id}", response={200: EstateOut, **ERRORS}, summary="Get an estate")
def get_estate(request, estate_id: Id):
    return access_estate(request.auth, estate_id)


@router.patch("/{estate_id}", response={200: EstateOut, **ERRORS}, summary="Change an estate's settings")
def update_estate(request, estate_id: Id, body: EstatePatchIn):
    """Complete the community or address, or set whether parking spaces count (R-ROSTER-1,
    R-ROSTER-5). JSON: `reason` (required) and the fields to change. Kept in the change history
    (R-ROSTER-2)."""
    return services.estates.estate_update(
        actor=request.auth, estate_id=estate_id, **body.dict(exclude_unset=True)
    )


# --- flats and owners -------------------------------------------------------------------------


@router.get("/{estate_id}/flats", response={200: list[FlatOut], **ERRORS}, summary="List flats")
@paginate(Pages, page_size=50)
# ``estate_id: int``, not ``Id``: @paginate resolves the annotations in its own module. An id past
# 64 bits finds no estate (Django drops an out-of-range lookup): 404.
def list_flats(request, estate_id: int, q: str = ""):
    """The estate's flats with their current owners, personal data masked. `q` matches a
    building or room ("1栋-1201"), or an owner's exact name, ID number or mobile."""
    return selectors.flats_for(request.auth, estate_id, q)


@router.patch("/{estate_id}/flats/{flat_id}", response={200: FlatOut, **ERRORS}, summary="Correct a flat")
def update_flat(request, estate_id: Id, flat_id: Id, body: FlatPatchIn):
    """Correct a flat's area, area source or use. JSON: `reason` (required) and the fields to
    change; kept in the change history under the caller's real name (R-ROSTER-2)."""
    access_flat(request.auth, flat_id, estate_id=estate_id)  # the flat is in this estate
    return services.flats.flat_update(actor=request.auth, flat_id=flat_id, **body.dict(exclude_unset=True))


@router.post(
    "/{estate_id}/owners/{owner_id}/reveal",
    response={200: RevealOut, **ERRORS},
    summary="Reveal one personal data field",
)
def reveal_owner(request, estate_id: Id, owner_id: Id, body: RevealIn):
    """The plaintext of one owner's name, ID number or mobile, for the estate's convener only.
    Every call is written to the audit log (R-SEC-1)."""
    access_owner(request.auth, owner_id, estate_id=estate_id)  # the owner is one of this estate's
    value = services.owners.owner_reveal(actor=request.auth, owner_id=owner_id, field=body.field)
    return {"owner_id": owner_id, "field": body.field, "value": value}


# --- import and export (R-ROSTER-4) -----------------------------------------------------------


@router.get("/{estate_id}/imports", response={200: list[ImportOut], **ERRORS}, summary="List roster imports")
def list_imports(request, estate_id: Id):
    return selectors.imports_for(request.auth, estate_id)


@router.post("/{estate_id}/imports", response={201: ImportOut, **ERRORS}, summary="Upload a roster file")
def preview_import(request, estate_id: Id, file: File[UploadedFile]):
    """Upload a roster (.xlsx or .csv, see the template) and get a preview: `status` is
    `previewed` with the `diff` it would apply, or `refused` with `errors`, each naming its
    spreadsheet `row` (header = row 1). Nothing is written to the roster."""
    batch = services.imports.import_preview(
        actor=request.auth, estate_id=estate_id, upload=Upload.from_django(file)
    )
    return Status(201, batch)


@router.get(
    "/{estate_id}/imports/{batch_id}", response={200: ImportOut, **ERRORS}, summary="Get a roster import"
)
def get_import(request, estate_id: Id, batch_id: Id):
    return access_import(request.auth, batch_id, estate_id=estate_id)


@router.post(
    "/{estate_id}/imports/{batch_id}/apply",
    response={200: ChangeOut, **ERRORS},
    summary="Apply a roster import",
)
def apply_import(request, estate_id: Id, batch_id: Id, body: Form[ImportApplyIn], files: Files = None):
    """Apply a previewed import, all of it or nothing (R-ROSTER-4). Refused when the roster
    changed since the preview (409 `import.stale`), and without `confirm` when the preview's
    `diff.guard.level` is `confirm` (409 `import.confirmation_required`). Multipart form: `reason`,
    `confirm`, optional `files`."""
    access_import(request.auth, batch_id, estate_id=estate_id)  # the batch belongs to this estate
    return services.imports.import_apply(
        actor=request.auth, batch_id=batch_id, reason=body.reason, files=_uploads(files), confirm=body.confirm
    )


@router.get(
    "/{estate_id}/imports/{batch_id}/errors.xlsx",
    response={**ERRORS},
    openapi_extra=XLSX_RESPONSE,
    summary="Download a refused roster file with its problems marked",
)
def import_errors_xlsx(request, estate_id: Id, batch_id: Id):
    """A refused import's own file back as .xlsx, every problem of every row marked: the cells at
    fault in red with a comment, and a last column `错误` listing the row's problems (all of them,
    where `errors` lists the first 500). 409 `import.not_refused` for a file that passed."""
    access_import(request.auth, batch_id, estate_id=estate_id)
    return _xlsx(
        services.imports.import_errors_xlsx(actor=request.auth, batch_id=batch_id),
        f"roster-import-{batch_id}-errors.xlsx",
    )


@router.post(
    "/{estate_id}/imports/{batch_id}/discard",
    response={200: ImportOut, **ERRORS},
    summary="Discard a roster import",
)
def discard_import(request, estate_id: Id, batch_id: Id):
    access_import(request.auth, batch_id, estate_id=estate_id)  # the batch belongs to this estate
    return services.imports.import_discard(actor=request.auth, batch_id=batch_id)


@router.get(
    "/{estate_id}/export.xlsx", response={**ERRORS}, openapi_extra=XLSX_RESPONSE, summary="Export the roster"
)
def export_roster(request, estate_id: Id):
    """The roster as .xlsx in the import format, personal data masked."""
    return _xlsx(
        services.export.export_xlsx(actor=request.auth, estate_id=estate_id), f"roster-{estate_id}.xlsx"
    )


# --- totals and history (R-ROSTER-1, R-ROSTER-2) ----------------------------------------------


@router.get("/{estate_id}/totals", response={200: EstateTotalsOut, **ERRORS}, summary="Totals")
def get_totals(request, estate_id: Id):
    """Total owners and total voting rights computed now from the roster (R-ROSTER-3, with the
    parking setting of R-ROSTER-5), and the latest confirmed totals that meetings refer to."""
    current = services.totals.totals_current(actor=request.auth, estate_id=estate_id)
    return {"current": current, "confirmed": selectors.snapshots_for(request.auth, estate_id).first()}


@router.post(
    "/{estate_id}/totals/confirm", response={200: SnapshotOut, **ERRORS}, summary="Confirm the totals"
)
def confirm_totals(request, estate_id: Id, body: Form[RosterReasonIn], files: Files = None):
    """The convener confirms the totals as computed now (R-ROSTER-1). Needs the estate's
    community and a non-empty roster. Multipart form: `reason`, optional `files`."""
    return services.totals.totals_confirm(
        actor=request.auth, estate_id=estate_id, reason=body.reason, files=_uploads(files)
    )


@router.get("/{estate_id}/changes", response={200: list[ChangeOut], **ERRORS}, summary="Change history")
def list_changes(request, estate_id: Id):
    """Every change to the roster, its totals and settings: the submitter's real name, the
    reason and the supporting files' names, sizes and SHA-256 (R-ROSTER-2)."""
    return selectors.changes_for(request.auth, estate_id)
