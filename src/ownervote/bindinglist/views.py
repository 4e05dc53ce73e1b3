"""Pages of the binding list (R-BIND-3) and of objections (R-BIND-4).

Console (namespace ``bindinglist``, under /console/estates/<id>/): ``console`` the list, its
publications and the publish form; ``objections`` and ``objection_detail`` with the decision form.
Owner pages (under /m/): ``owner`` the list as large rows with the running publicity, the upheld
objections as notices and the owner's own objections; ``objection_new`` the written objection.

Each view parses its form, calls one service or selector and renders. A refused submission is
shown on its form (``ServiceForm.submit``) or as a message (``attempt``); ``NotFound`` is a 404 and
``Forbidden`` a 403 (``core.middleware``).
"""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from ownervote.core.errors import Forbidden, NotFound
from ownervote.core.views import attempt, console_view, download
from ownervote.identity.decorators import owner_view
from ownervote.roster import permissions as roster_permissions
from ownervote.roster.access import access_estate

from . import documents, forms, permissions, selectors, services
from .access import Need, access_list, access_listed_binding, access_objection, access_publication
from .errors import Code
from .models import Objection

PAGE_SIZE = 100


def _estate_context(request, estate, active: str) -> dict:
    return {
        "estate": estate,
        "active": active,
        "can_keep": roster_permissions.can_change_roster(request.user, estate),
    }


def _publication_rows(publications, today):
    return [
        {
            "p": p,
            "running": selectors.is_running(p, today),
            "withdrawable": p.withdrawn_at is None and p.ends_on >= today,
            "upcoming": p.withdrawn_at is None and p.starts_on > today,
        }
        for p in publications
    ]


# --- console: the list and its publications ---------------------------------------------------


@console_view
@require_http_methods(["GET", "POST"])
def console(request, estate_id):
    estate = access_estate(request.user, estate_id)  # staff who see the estate
    form = None
    if request.method == "POST":
        access_list(request.user, estate.pk, need=Need.PUBLISH)  # 403 unless the estate's convener
        form = forms.PublishForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            publication = form.submit(
                services.publish,
                actor=request.user,
                estate_id=estate.pk,
                starts_on=data["starts_on"],
                ends_on=data["ends_on"],
                note=data["note"],
            )
            if publication is not None:
                messages.success(
                    request,
                    _("The binding list is published from %(start)s to %(end)s.")
                    % {"start": publication.starts_on.isoformat(), "end": publication.ends_on.isoformat()},
                )
                return redirect("bindinglist:console", estate_id=estate.pk)
    elif permissions.can_publish(request.user, estate):
        form = forms.PublishForm()
    today = timezone.localdate()
    rows = selectors.list_rows(estate)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        **_estate_context(request, estate, "binding_list"),
        "form": form,
        "withdraw_form": forms.WithdrawForm(),
        "publications": _publication_rows(selectors.publications_for(request.user, estate.pk), today),
        "shown": selectors.shown_publication(estate, today),
        "page": page,
        "total": len(rows),
        "active_count": sum(1 for r in rows if r.active),
        "digest": selectors.list_digest(rows),
        "pending_objections": Objection.objects.filter(
            binding__estate=estate, status=Objection.Status.FILED
        ).count(),
    }
    status = 422 if form is not None and form.errors else 200
    return render(request, "bindinglist/console.html", context, status=status)


@console_view
@require_POST
def withdraw(request, estate_id, publication_id):
    estate = access_estate(request.user, estate_id)
    # Who is asking comes before what they sent: 403 unless the estate's convener.
    access_list(request.user, estate.pk, need=Need.PUBLISH)
    publication = access_publication(request.user, publication_id)
    if publication.estate_id != estate.pk:
        raise NotFound(Code.PUBLICATION_NOT_FOUND, _("Publication not found."))
    form = forms.WithdrawForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give the reason for the withdrawal."))
        return redirect("bindinglist:console", estate_id=estate.pk)
    withdrawn = attempt(
        services.withdraw,
        actor=request.user,
        publication_id=publication.pk,
        reason=form.cleaned_data["reason"],
    )
    if withdrawn.refused:
        messages.error(request, withdrawn.message)
    else:
        messages.success(request, _("The publication was withdrawn."))
    return redirect("bindinglist:console", estate_id=estate.pk)


# --- downloads (console and owner pages) ------------------------------------------------------


def _filename(estate, suffix: str) -> str:
    label = _("binding list")
    return f"{estate.name}-{label}-{timezone.localdate():%Y%m%d}.{suffix}"


@never_cache
@require_GET
def _list_pdf(request, estate_id):
    estate = access_list(request.user, estate_id)
    content = services.list_pdf(actor=request.user, estate_id=estate.pk)
    return download(content, _filename(estate, "pdf"), documents.PDF)


@never_cache
@require_GET
def _list_xlsx(request, estate_id):
    estate = access_list(request.user, estate_id)
    content = services.list_xlsx(actor=request.user, estate_id=estate.pk)
    return download(content, _filename(estate, "xlsx"), documents.XLSX)


list_pdf = console_view(_list_pdf)
list_xlsx = console_view(_list_xlsx)
owner_list_pdf = owner_view(_list_pdf)
owner_list_xlsx = owner_view(_list_xlsx)


# --- console: objections ----------------------------------------------------------------------


def _estate_objection(request, estate, objection_id, *, need: Need = Need.SEE) -> Objection:
    """An objection of ``estate`` (the estate of the console page's address); 404 otherwise."""
    objection = access_objection(request.user, objection_id, need=need)
    if objection.binding.estate_id != estate.pk:
        raise NotFound(Code.OBJECTION_NOT_FOUND, _("Objection not found."))
    return objection


@console_view
@require_GET
def objections(request, estate_id):
    estate = access_estate(request.user, estate_id)
    rows = selectors.estate_objections(request.user, estate.pk)
    status = request.GET.get("status", "")
    if status in Objection.Status.values:
        rows = rows.filter(status=status)
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    context = {
        **_estate_context(request, estate, "objections"),
        "page": page,
        "status": status,
        "statuses": Objection.Status.choices,
        "running": selectors.running_publication(estate),
        "today": timezone.localdate(),
    }
    return render(request, "bindinglist/objections.html", context)


@console_view
@require_GET
def overdue(request):
    """R-BIND-4: the supervising office's list of objections a convener left undecided past the
    publicity (403 for staff of a body that supervises nobody)."""
    if not permissions.sees_overdue_objections(request.user):
        raise Forbidden(Code.FORBIDDEN, _("Only a street office or a district bureau sees this list."))
    today = timezone.localdate()
    rows = [
        {
            "o": o,
            "flat": f"{o.binding.flat.building.name}-{o.binding.flat.room}",
            "days": (today - o.publication.ends_on).days,
        }
        for o in selectors.overdue_objections(request.user, today)
    ]
    return render(request, "bindinglist/overdue.html", {"rows": rows})


@console_view
@require_http_methods(["GET", "POST"])
def objection_detail(request, estate_id, objection_id):
    estate = access_estate(request.user, estate_id)
    # Posting a decision: 403 unless the estate's convener.
    need = Need.DECIDE if request.method == "POST" else Need.SEE
    objection = _estate_objection(request, estate, objection_id, need=need)
    form = None
    open_to_decide = objection.status == Objection.Status.FILED
    if open_to_decide and permissions.can_decide_objection(request.user, objection):
        form = forms.DecisionForm(request.POST or None)
    if request.method == "POST":
        if form is None:
            messages.error(request, _("This objection has already been decided."))
            return redirect("bindinglist:objection_detail", estate_id=estate.pk, objection_id=objection.pk)
        if form.is_valid():
            data = form.cleaned_data
            decided = form.submit(
                services.objection_decide,
                actor=request.user,
                objection_id=objection.pk,
                outcome=data["outcome"],
                check_note=data["check_note"],
                outcome_note=data["outcome_note"],
                corrected_name=data["corrected_name"],
                corrected_mobile=data["corrected_mobile"],
            )
            if decided is not None:
                messages.success(request, _("The outcome was recorded and both sides were told."))
                return redirect(
                    "bindinglist:objection_detail", estate_id=estate.pk, objection_id=objection.pk
                )
    context = {
        **_estate_context(request, estate, "objections"),
        "objection": objection,
        "flat": f"{objection.binding.flat.building.name}-{objection.binding.flat.room}",
        "holder": selectors.holder_of(objection.binding),
        "filer": objection.filed_by,
        "form": form,
        "files": objection.files.all(),
        "overdue": selectors.is_overdue(objection),
    }
    status = 422 if form is not None and form.errors else 200
    return render(request, "bindinglist/objection_detail.html", context, status=status)


@console_view
@never_cache
@require_GET
def objection_file(request, estate_id, objection_id, file_id):
    """A file of an objection, for the staff who see the estate; the read is logged."""
    estate = access_estate(request.user, estate_id)
    _estate_objection(request, estate, objection_id)
    stored, content = services.objection_file_read(
        actor=request.user, objection_id=objection_id, file_id=file_id
    )
    return download(content, stored.name, stored.content_type or "application/octet-stream")


# --- owner pages ------------------------------------------------------------------------------


@owner_view
@require_GET
def owner(request, estate_id):
    """The estate's binding list for its owners (art. 14): large rows, masked data."""
    estate = access_list(request.user, estate_id)
    today = timezone.localdate()
    shown = selectors.shown_publication(estate, today)
    running = shown is not None and selectors.is_running(shown, today)
    owner_here = permissions.can_object(request.user, estate)  # bound or not (R-BIND-4)
    context = {
        "estate": estate,
        "publication": shown,
        "running": running,
        "rows": selectors.list_rows(estate),
        "can_object": running and owner_here,
        "my_binding_ids": selectors.own_binding_ids(request.user, estate),
        "notices": selectors.upheld_notices(estate),
        "mine": selectors.my_objections(request.user, estate),
        "owner_tab": "flats",
    }
    return render(request, "bindinglist/owner.html", context)


@owner_view
@require_http_methods(["GET", "POST"])
def objection_new(request, binding_id):
    """A written objection to one binding, while the list is publicised (art. 15)."""
    binding = access_listed_binding(request.user, binding_id)  # 404 unless the list is visible
    # Outside the publicity, an ended binding, not an owner here...: the page says so instead of the form.
    refused = services.objection_refusal(actor=request.user, binding=binding)
    refusal, refusal_status, publication = None, 200, None
    if refused is not None:
        refusal, refusal_status = refused.message, refused.status
    else:
        publication = selectors.running_publication(binding.estate)
    form = forms.ObjectionForm(request.POST or None, request.FILES or None) if refusal is None else None
    if request.method == "POST" and form is not None and form.is_valid():
        filed = form.submit(
            services.objection_file,
            actor=request.user,
            binding_id=binding.pk,
            reason=form.cleaned_data["reason"],
            files=form.cleaned_uploads(),
        )
        if filed is not None:
            messages.success(
                request,
                _("Your objection was filed. The convener will check it during the publicity period."),
            )
            return redirect("bindinglist:owner", estate_id=binding.estate_id)
    context = {
        "binding": binding,
        "estate": binding.estate,
        "flat": f"{binding.flat.building.name}-{binding.flat.room}",
        "holder": selectors.holder_of(binding),
        "publication": publication,
        "refusal": refusal,
        "form": form,
        "owner_tab": "flats",
    }
    if refusal is not None:
        status = refusal_status if request.method == "POST" or refusal_status == 403 else 200
    else:
        status = 422 if form is not None and form.errors else 200
    return render(request, "bindinglist/objection_new.html", context, status=status)
