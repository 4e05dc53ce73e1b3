"""The convener's roster pages in the staff console (namespace ``roster``).

Each view parses its form, calls one service or selector and renders. No business rule lives
here: permissions, roster rules and totals are decided in ``access`` / ``permissions`` /
``services`` / ``selectors``. A refusal the page shows on its form comes back from
``core.views.attempt`` (its message above the fields, its row errors, if any, below them); a
``NotFound`` or ``Forbidden`` is the 404 or 403 page (``core.middleware``).
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, OuterRef, Q, Subquery
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.utils.timezone import localdate
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from ownervote.core.files import Upload
from ownervote.core.views import Outcome, attempt, console_view, download
from ownervote.orgs import scoping
from ownervote.orgs.models import Division

from . import forms, permissions, selectors, services
from .access import Need, access_estate, access_flat, access_import, access_owner
from .models import Flat, RosterChange, TotalsSnapshot

XLSX = services.export.XLSX
PAGE_SIZE = 50


# --- plumbing -------------------------------------------------------------------------------


def _refused(form, outcome: Outcome) -> None:
    """Show a refused service call on ``form``: its message above the fields, its ``details`` (row
    errors) kept on ``form.service_details``."""
    form.add_error(None, outcome.message)
    form.service_details = _row_errors(outcome.error.details)


def _row_errors(details) -> list[dict]:
    """Row errors in the shape of ``ImportBatch.errors``, sorted by row; anything else is dropped."""
    if isinstance(details, dict):
        details = details.get("errors") or details.get("rows")
    if not isinstance(details, list | tuple):
        return []
    rows = [d for d in details if isinstance(d, dict) and "message" in d]
    return sorted(rows, key=lambda d: (d.get("row") or 0, str(d.get("column") or "")))


def _estate_context(request, estate, active: str) -> dict:
    return {
        "estate": estate,
        "active": active,
        "can_keep": permissions.can_change_roster(request.user, estate),
    }


# --- presentation of stored summaries -------------------------------------------------------

FIELD_LABELS = {
    "area": gettext_lazy("area"),
    "area_source": gettext_lazy("area source"),
    "use": gettext_lazy("use"),
    "address": gettext_lazy("address"),
    "community": gettext_lazy("community"),
    "parking_counts": gettext_lazy("parking spaces count"),
    "follow_majority": gettext_lazy("non-voters counted with the majority"),
}
SAMPLE_LABELS = {
    "added": gettext_lazy("added"),
    "changed": gettext_lazy("changed"),
    "owners": gettext_lazy("owners changed"),
    "removed": gettext_lazy("removed"),
}


def _value_label(field: str, value, divisions: dict) -> str:
    if value is None or value == "":
        return "—"
    if field == "area_source":
        return str(dict(Flat.AreaSource.choices).get(value, value))
    if field == "use":
        return str(dict(Flat.Use.choices).get(value, value))
    if field in ("parking_counts", "follow_majority"):
        return str(_("counted") if value else _("not counted"))
    if field == "community":
        return divisions.get(value, str(value))
    return str(value)


def _field_changes(changed: dict, divisions: dict) -> list[str]:
    lines = []
    for field, ba in (changed or {}).items():
        if not isinstance(ba, dict):
            continue
        lines.append(
            _("%(field)s: %(before)s → %(after)s")
            % {
                "field": FIELD_LABELS.get(field, field),
                "before": _value_label(field, ba.get("before"), divisions),
                "after": _value_label(field, ba.get("after"), divisions),
            }
        )
    return lines


def _count_lines(summary: dict) -> list[str]:
    return [
        _(
            "%(added)s added, %(changed)s changed, %(removed)s removed, "
            "owners changed in %(owners)s, %(unchanged)s unchanged"
        )
        % {
            "added": summary.get("flats_added", 0),
            "changed": summary.get("flats_changed", 0),
            "removed": summary.get("flats_removed", 0),
            "owners": summary.get("owners_changed", 0),
            "unchanged": summary.get("unchanged", 0),
        }
    ]


def _describe(change: RosterChange, divisions: dict) -> list[str]:
    """A stored change summary as short lines for people."""
    s = change.summary or {}
    if change.kind == RosterChange.Kind.IMPORT:
        lines = _count_lines(s)
        if s.get("file"):
            lines.append(_("File: %(name)s") % {"name": s["file"]})
        return lines
    if change.kind == RosterChange.Kind.TOTALS:
        return [
            _("Total owners %(owners)s; total voting rights %(area)s m²; %(flats)s exclusive parts")
            % {"owners": s.get("total_owners"), "area": s.get("total_area"), "flats": s.get("total_flats")},
            _("Parking spaces counted") if s.get("parking_counts") else _("Parking spaces not counted"),
        ]
    lines = []
    if s.get("flat"):
        lines.append(_("Exclusive part %(flat)s") % {"flat": s["flat"]})
    return lines + _field_changes(s.get("changed"), divisions)


def _sample_rows(diff: dict) -> list[dict]:
    rows = []
    for item in diff.get("sample") or []:
        kind = item.get("change")
        if kind == "changed":
            details = "; ".join(_field_changes(item.get("fields"), {}))
        elif kind == "owners":
            details = _("Owners after import: %(names)s") % {
                "names": "、".join(item.get("owners_after") or [])
            }
        else:
            details = _("area %(area)s m²") % {"area": item.get("area", "")}
        rows.append(
            {
                "label": SAMPLE_LABELS.get(kind, kind),
                "building": item.get("building", ""),
                "room": item.get("room", ""),
                "details": details,
            }
        )
    return rows


# --- estates --------------------------------------------------------------------------------


def _creatable_streets(user):
    streets = scoping.divisions_visible_to(user).filter(kind=Division.Kind.STREET).select_related("parent")
    ids = [s.pk for s in streets if permissions.can_register_estate_in(user, s)]
    return Division.objects.filter(pk__in=ids).order_by("code")


def _estate_rows(user):
    latest = TotalsSnapshot.objects.filter(estate=OuterRef("pk")).order_by("-confirmed_at", "-id")
    return (
        selectors.estates_for(user)
        .annotate(
            flat_count=Count("flats", filter=Q(flats__removed_at__isnull=True)),
            confirmed_area=Subquery(latest.values("total_area")[:1]),
            confirmed_owners=Subquery(latest.values("total_owners")[:1]),
            confirmed_flats=Subquery(latest.values("total_flats")[:1]),
            confirmed_at=Subquery(latest.values("confirmed_at")[:1]),
        )
        .order_by("street__code", "name")
    )


def _render_estate_list(request, create_form, status=200):
    page = Paginator(_estate_rows(request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "roster/estate_list.html",
        {"page": page, "create_form": create_form},
        status=status,
    )


@console_view
@require_GET
def estate_list(request):
    streets = _creatable_streets(request.user)
    form = forms.EstateCreateForm(streets=streets) if streets.exists() else None
    return _render_estate_list(request, form)


@console_view
@require_POST
def estate_create(request):
    streets = _creatable_streets(request.user)
    if not streets.exists():
        raise PermissionDenied(_("Only a street office registers estates in its street."))
    form = forms.EstateCreateForm(request.POST, streets=streets)
    if form.is_valid():
        data = form.cleaned_data
        outcome = attempt(
            services.estates.estate_create,
            actor=request.user,
            name=data["name"],
            address=data["address"],
            street=data["street"],
            community=data["community"],
        )
        if not outcome.refused:
            estate = outcome.value
            messages.success(request, _("Estate “%(name)s” registered.") % {"name": estate.name})
            return redirect("roster:estate_detail", estate_id=estate.pk)
        _refused(form, outcome)
    return _render_estate_list(request, form, status=422)


# --- the roster -----------------------------------------------------------------------------


@console_view
@require_GET
def estate_detail(request, estate_id):
    estate = access_estate(request.user, estate_id)
    search = forms.SearchForm(request.GET)
    q = search.cleaned_data["q"] if search.is_valid() else ""
    flats = selectors.flats_for(request.user, estate_id, q=q)
    page = Paginator(flats, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        **_estate_context(request, estate, "roster"),
        "search": search,
        "q": q,
        "page": page,
    }
    if request.htmx and not request.htmx.history_restore_request:
        response = render(request, "roster/_flats_table.html", context)
    else:
        context["totals"] = services.totals.totals_current(actor=request.user, estate_id=estate_id)
        unfiltered = page.paginator.count if not q else selectors.flats_for(request.user, estate_id).count()
        context["flats_total"] = unfiltered
        context["snapshot"] = selectors.latest_snapshot(estate)
        response = render(request, "roster/estate_detail.html", context)
    patch_vary_headers(response, ("HX-Request",))
    return response


@console_view
@never_cache
@require_POST
def owner_reveal(request, estate_id, owner_id):
    """Show one owner's name, ID number and mobile in full, once. Each field read is logged
    (R-SEC-1) by ``owner_reveal``; nothing here is cached."""
    owner = access_owner(request.user, owner_id, estate_id=estate_id)
    estate = owner.estate
    revealed = {}
    for field in services.owners.REVEALABLE:
        if getattr(owner, f"{field}_masked"):
            revealed[field] = services.owners.owner_reveal(actor=request.user, owner_id=owner.pk, field=field)
    context = {**_estate_context(request, estate, "roster"), "owner": owner, "revealed": revealed}
    template = "roster/_owner_revealed.html" if request.htmx else "roster/owner_reveal.html"
    return render(request, template, context)


@console_view
@require_http_methods(["GET", "POST"])
def flat_edit(request, estate_id, flat_id):
    # Pages that only lead to a change are refused up front to those who may only look; the
    # service checks again when the form is posted.
    flat = access_flat(request.user, flat_id, estate_id=estate_id, need=Need.CHANGE)
    estate = flat.estate
    if request.method == "POST":
        form = forms.FlatEditForm(request.POST, request.FILES)
        if form.is_valid():
            data = form.cleaned_data
            outcome = attempt(
                services.flats.flat_update,
                actor=request.user,
                flat_id=flat.pk,
                reason=data["reason"],
                area=data["area"],
                area_source=data["area_source"],
                use=data["use"],
                files=form.cleaned_uploads(),
            )
            if not outcome.refused:
                messages.success(request, _("Flat %(flat)s updated.") % {"flat": flat})
                return redirect(reverse("roster:estate_detail", args=[estate.pk]) + f"?q={flat.room}")
            _refused(form, outcome)
    else:
        form = forms.FlatEditForm(
            initial={"area": flat.area, "area_source": flat.area_source, "use": flat.use}
        )
    context = {**_estate_context(request, estate, "roster"), "flat": flat, "form": form}
    return render(request, "roster/flat_edit.html", context, status=422 if form.errors else 200)


# --- import wizard --------------------------------------------------------------------------


@console_view
@require_GET
def import_template(request):
    return download(services.export.template_xlsx(), "业主名册模板.xlsx", XLSX)


def _render_upload(request, estate, form, status=200):
    context = {
        **_estate_context(request, estate, "import"),
        "form": form,
        "recent": selectors.imports_for(request.user, estate.pk)[:5],
    }
    return render(request, "roster/import_upload.html", context, status=status)


@console_view
@require_http_methods(["GET", "POST"])
def import_upload(request, estate_id):
    """Step 1: upload the file; it is checked and compared with the roster (step 2)."""
    estate = access_estate(request.user, estate_id, need=Need.CHANGE)
    if request.method == "POST":
        form = forms.ImportUploadForm(request.POST, request.FILES)
        if form.is_valid():
            outcome = attempt(
                services.imports.import_preview,
                actor=request.user,
                estate_id=estate.pk,
                upload=Upload.from_django(form.cleaned_data["file"]),
            )
            if not outcome.refused:
                return redirect("roster:import_preview", estate_id=estate.pk, batch_id=outcome.value.pk)
            _refused(form, outcome)
        return _render_upload(request, estate, form, status=422)
    return _render_upload(request, estate, forms.ImportUploadForm())


def _render_preview(request, estate, batch, form, status=200):
    if ((batch.diff or {}).get("guard") or {}).get("level") != "confirm":
        form.fields["confirm"].widget = form.fields["confirm"].hidden_widget()  # nothing to type
    errors = sorted(batch.errors or [], key=lambda e: (e.get("row") or 0, str(e.get("column") or "")))
    context = {
        **_estate_context(request, estate, "import"),
        "batch": batch,
        "row_errors": errors,
        "diff": batch.diff or {},
        "sample": _sample_rows(batch.diff or {}),
        "form": form,
        "marked_up": any((e.get("row") or 0) > 1 for e in errors),  # row problems to mark on the file
        "guard": (batch.diff or {}).get("guard") or {},
        "guard_reasons": services.imports.guard_messages((batch.diff or {}).get("guard") or {}),
    }
    return render(request, "roster/import_preview.html", context, status=status)


@console_view
@require_GET
def import_errors(request, estate_id, batch_id):
    """The refused file back, every problem of every row marked on it (issue 22)."""
    batch = access_import(request.user, batch_id, estate_id=estate_id, need=Need.CHANGE)
    content = services.imports.import_errors_xlsx(actor=request.user, batch_id=batch.pk)
    stem = batch.file.name.rsplit(".", 1)[0]
    return download(content, f"{stem}-错误标注.xlsx", services.export.XLSX)


@console_view
@require_GET
def import_preview(request, estate_id, batch_id):
    """Step 2: the error report, or what applying would change and the confirm form."""
    batch = access_import(request.user, batch_id, estate_id=estate_id)
    return _render_preview(request, batch.estate, batch, forms.ImportApplyForm())


@console_view
@require_POST
def import_apply(request, estate_id, batch_id):
    """Step 3: apply all of the file or nothing (R-ROSTER-4), under the submitter's real name."""
    batch = access_import(request.user, batch_id, estate_id=estate_id, need=Need.CHANGE)
    estate = batch.estate
    form = forms.ImportApplyForm(request.POST, request.FILES)
    if form.is_valid():
        outcome = attempt(
            services.imports.import_apply,
            actor=request.user,
            batch_id=batch.pk,
            reason=form.cleaned_data["reason"],
            files=form.cleaned_uploads(),
            confirm=form.cleaned_data["confirm"],
        )
        if not outcome.refused:
            messages.success(request, _("The roster was imported. The change is recorded below."))
            return redirect("roster:changes", estate_id=estate.pk)
        _refused(form, outcome)
        batch.refresh_from_db()
    return _render_preview(request, estate, batch, form, status=422)


@console_view
@require_POST
def import_discard(request, estate_id, batch_id):
    batch = access_import(request.user, batch_id, estate_id=estate_id, need=Need.CHANGE)
    estate = batch.estate
    form = forms.ImportApplyForm()
    outcome = attempt(services.imports.import_discard, actor=request.user, batch_id=batch.pk)
    if not outcome.refused:
        messages.info(request, _("The uploaded file was discarded; the roster is unchanged."))
        return redirect("roster:import", estate_id=estate.pk)
    _refused(form, outcome)
    batch.refresh_from_db()
    return _render_preview(request, estate, batch, form, status=409)


# --- export ---------------------------------------------------------------------------------


@console_view
@never_cache
@require_http_methods(["GET", "POST"])
def export(request, estate_id):
    """GET shows the choice; POST downloads. Masked unless ``reveal`` is ticked, which the
    service logs as a read of personal data (R-SEC-1)."""
    estate = access_estate(request.user, estate_id)
    form = forms.ExportForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        reveal = form.cleaned_data["reveal"]
        outcome = attempt(services.export.export_xlsx, actor=request.user, estate_id=estate.pk, reveal=reveal)
        if not outcome.refused:
            suffix = "完整" if reveal else "脱敏"
            filename = f"{estate.name}-业主名册-{suffix}-{localdate():%Y%m%d}.xlsx"
            return download(outcome.value, filename, XLSX)
        _refused(form, outcome)
    context = {**_estate_context(request, estate, "export"), "form": form}
    return render(request, "roster/export.html", context, status=422 if form.errors else 200)


# --- totals ---------------------------------------------------------------------------------


@console_view
@require_http_methods(["GET", "POST"])
def totals(request, estate_id):
    need = Need.CHANGE if request.method == "POST" else Need.SEE  # who may confirm, before the form
    estate = access_estate(request.user, estate_id, need=need)
    if request.method == "POST":
        form = forms.TotalsConfirmForm(request.POST, request.FILES)
        if form.is_valid():
            outcome = attempt(
                services.totals.totals_confirm,
                actor=request.user,
                estate_id=estate.pk,
                reason=form.cleaned_data["reason"],
                files=form.cleaned_uploads(),
            )
            if not outcome.refused:
                messages.success(request, _("The totals were confirmed and recorded in the change history."))
                return redirect("roster:totals", estate_id=estate.pk)
            _refused(form, outcome)
    else:
        form = forms.TotalsConfirmForm()
    context = {
        **_estate_context(request, estate, "totals"),
        "totals": services.totals.totals_current(actor=request.user, estate_id=estate.pk),
        "snapshot": selectors.latest_snapshot(estate),
        "snapshots": selectors.snapshots_for(request.user, estate.pk)[:10],
        "form": form,
    }
    return render(request, "roster/totals.html", context, status=422 if form.errors else 200)


# --- history --------------------------------------------------------------------------------


@console_view
@require_GET
def changes(request, estate_id):
    estate = access_estate(request.user, estate_id)
    page = Paginator(selectors.changes_for(request.user, estate_id), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    divisions = dict(
        Division.objects.filter(kind=Division.Kind.COMMUNITY, parent_id=estate.street_id).values_list(
            "pk", "name"
        )
    )
    rows = [{"change": c, "lines": _describe(c, divisions)} for c in page]
    context = {**_estate_context(request, estate, "changes"), "page": page, "rows": rows}
    return render(request, "roster/changes.html", context)


@console_view
@never_cache
@require_GET
def change_file(request, estate_id, change_id, file_id):
    """A supporting file of a change, for those who can see the estate; the read is logged."""
    stored, content = services.history.change_file_read(
        actor=request.user, estate_id=estate_id, change_id=change_id, file_id=file_id
    )
    return download(content, stored.name, stored.content_type or "application/octet-stream")


# --- settings -------------------------------------------------------------------------------


@console_view
@require_http_methods(["GET", "POST"])
def estate_settings(request, estate_id):
    estate = access_estate(request.user, estate_id, need=Need.CHANGE)
    if request.method == "POST":
        form = forms.EstateSettingsForm(request.POST, request.FILES, estate=estate)
        if form.is_valid():
            data = form.cleaned_data
            outcome = attempt(
                services.estates.estate_update,
                actor=request.user,
                estate_id=estate.pk,
                reason=data["reason"],
                address=data["address"],
                community_id=data["community"].pk if data["community"] else None,
                parking_counts=data["parking_counts"],
                follow_majority=data["follow_majority"],
                files=form.cleaned_uploads(),
            )
            if not outcome.refused:
                messages.success(request, _("The estate's settings were saved."))
                return redirect("roster:estate_detail", estate_id=estate.pk)
            _refused(form, outcome)
    else:
        form = forms.EstateSettingsForm(
            estate=estate,
            initial={
                "community": estate.community_id,
                "address": estate.address,
                "parking_counts": estate.parking_counts,
                "follow_majority": estate.follow_majority,
            },
        )
    context = {**_estate_context(request, estate, "settings"), "form": form}
    return render(request, "roster/settings.html", context, status=422 if form.errors else 200)
