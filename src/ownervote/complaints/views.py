"""Pages of complaints (R-SEC-4).

Owner pages (under /m/complaints/): ``owner_new`` the complaint form (estate, subject, meeting,
text, photos or PDFs), ``owner_list`` "my complaints", ``owner_detail`` its status, deadlines
and outcome. Console (under /console/complaints/): ``queue`` the handling office's complaints,
overdue first; ``detail`` with the files and the accept / decline / conclude forms; ``contact``
the complainant's name and mobile in clear (logged); ``oversight`` the figures and the overdue
complaints of a district or the city, without who complained.

Each view parses its form, calls one service or selector and renders. A refused submission is
shown on its form (``ServiceForm.submit``); ``NotFound`` is a 404 and ``Forbidden`` a 403
(``core.middleware``).
"""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from ownervote.core.dbrouter import reads_from_replica
from ownervote.core.errors import Forbidden
from ownervote.core.params import int_param
from ownervote.core.views import console_view, download
from ownervote.identity.decorators import owner_view
from ownervote.rules import complaints as limits

from . import forms, permissions, selectors, services
from .access import Need, access_complaint
from .errors import Code
from .models import Complaint

# --- owner pages ------------------------------------------------------------------------------


def _int(value) -> int | None:
    return int_param(value)


@owner_view
@require_http_methods(["GET", "POST"])
def owner_new(request):
    """The complaint form, for an owner of an estate (bound or not)."""
    estates = selectors.complainable_estates(request.user)
    if not estates:
        status = 403 if request.method == "POST" else 200
        return render(
            request, "complaints/owner_new.html", {"form": None, "owner_tab": "home"}, status=status
        )
    initial = {"estate": _int(request.GET.get("estate")) or estates[0].pk}
    if _int(request.GET.get("meeting")):
        initial.update(meeting=_int(request.GET.get("meeting")), subject=Complaint.Subject.MEETING)
    form = forms.ComplaintForm(
        request.POST or None,
        request.FILES or None,
        initial=initial,
        estates=estates,
        meetings=selectors.complainable_meetings(estates),
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        complaint = form.submit(
            services.complaint_file,
            actor=request.user,
            estate_id=data["estate"],
            subject=data["subject"],
            meeting_id=data["meeting"],
            text=data["text"],
            files=form.cleaned_uploads(),
        )
        if complaint is not None:
            messages.success(
                request,
                _("Your complaint was sent. The office must decide whether to accept it by %(date)s.")
                % {"date": complaint.accept_by.isoformat()},
            )
            return redirect("complaints:owner_detail", complaint_id=complaint.pk)
    context = {"form": form, "owner_tab": "home", "accept_days": limits.ACCEPT_DAYS}
    return render(request, "complaints/owner_new.html", context, status=422 if form.errors else 200)


@owner_view
@require_GET
def owner_list(request):
    today = timezone.localdate()
    rows = list(selectors.mine(request.user))
    for c in rows:
        c.last_day = c.deadline()
        c.overdue = c.overdue_on(today)
    context = {
        "complaints": rows,
        "can_complain": bool(selectors.complainable_estates(request.user)),
        "owner_tab": "home",
    }
    return render(request, "complaints/owner_list.html", context)


@owner_view
@require_GET
def owner_detail(request, complaint_id):
    complaint = access_complaint(request.user, complaint_id)
    if not permissions.is_filer(request.user, complaint):  # staff read it in the console
        return redirect("complaints:detail", complaint_id=complaint.pk)
    context = {
        "c": complaint,
        "overdue": complaint.overdue_on(timezone.localdate()),
        "files": complaint.files.all(),
        "owner_tab": "home",
    }
    return render(request, "complaints/owner_detail.html", context)


@owner_view
@never_cache
@require_GET
def owner_file(request, complaint_id, file_id):
    """A file the owner attached to their own complaint (the read is logged, as staff reads are)."""
    complaint = access_complaint(request.user, complaint_id)
    if not permissions.is_filer(request.user, complaint):
        raise Forbidden(Code.FORBIDDEN, _("Only the complainant opens the files here."))
    stored, content = services.complaint_file_read(
        actor=request.user, complaint_id=complaint.pk, file_id=file_id
    )
    return download(content, stored.name, stored.content_type or "application/octet-stream")


# --- console ----------------------------------------------------------------------------------


def _require_handler_staff(user) -> None:
    if not permissions.handles_complaints(user):
        raise Forbidden(Code.FORBIDDEN, _("Only a street office or a district bureau handles complaints."))


@console_view
@require_GET
def queue(request):
    _require_handler_staff(request.user)
    status = request.GET.get("status", "")
    rows = selectors.queue(request.user, status=status)
    context = {
        "rows": rows,
        "status": status,
        "statuses": Complaint.Status.choices,
        "overdue_n": sum(1 for c in rows if c.overdue),
        "can_oversee": permissions.can_oversee(request.user),
    }
    return render(request, "complaints/queue.html", context)


ACTIONS = {
    "accept": (
        forms.AcceptForm,
        services.complaint_accept,
        gettext_lazy("The complaint was accepted; the complainant was told."),
    ),
    "decline": (
        forms.DeclineForm,
        services.complaint_decline,
        gettext_lazy("The complaint was not accepted; the complainant was told."),
    ),
    "extend": (
        forms.ExtendForm,
        services.complaint_extend,
        gettext_lazy("The time limit was extended by 30 days; the complainant was told."),
    ),
    "conclude": (
        forms.ConcludeForm,
        services.complaint_conclude,
        gettext_lazy("The outcome was recorded; the complainant was told."),
    ),
}


@console_view
@require_http_methods(["GET", "POST"])
def detail(request, complaint_id):
    need = Need.HANDLE if request.method == "POST" else Need.SEE
    complaint = access_complaint(request.user, complaint_id, need=need)
    if not permissions.can_handle(request.user, complaint):  # the complainant reads it on /m/
        return redirect("complaints:owner_detail", complaint_id=complaint.pk)
    posted = request.POST.get("action", "") if request.method == "POST" else ""
    bound = {}
    if posted in ACTIONS:
        form_class, service, done = ACTIONS[posted]
        form = form_class(request.POST)
        bound[posted] = form
        if form.is_valid():
            result = form.submit(service, actor=request.user, complaint_id=complaint.pk, **form.cleaned_data)
            if result is not None:
                messages.success(request, str(done))
                return redirect("complaints:detail", complaint_id=complaint.pk)
    today = timezone.localdate()
    context = {
        "c": complaint,
        "files": complaint.files.all(),
        "overdue": complaint.overdue_on(today),
        "accept_form": bound.get("accept") or forms.AcceptForm(),
        "decline_form": bound.get("decline") or forms.DeclineForm(),
        "conclude_form": bound.get("conclude") or forms.ConcludeForm(),
        "extend_form": bound.get("extend") or forms.ExtendForm(),
        "posted": posted,
    }
    status = 422 if any(f.errors for f in bound.values()) else 200
    return render(request, "complaints/detail.html", context, status=status)


@console_view
@never_cache
@require_POST
def contact(request, complaint_id):
    """The complainant's name and mobile in clear, for the handling office (every read logged)."""
    complaint = access_complaint(request.user, complaint_id, need=Need.HANDLE)
    shown = services.complainant_contact(actor=request.user, complaint_id=complaint.pk)
    messages.info(
        request,
        _("Complainant: %(name)s, %(mobile)s (this read is in the audit log).")
        % {"name": shown["name"] or "—", "mobile": shown["mobile"] or "—"},
    )
    return redirect("complaints:detail", complaint_id=complaint.pk)


@console_view
@never_cache
@require_GET
def file(request, complaint_id, file_id):
    """A file of a complaint, for its handling office; the read is logged."""
    complaint = access_complaint(request.user, complaint_id, need=Need.HANDLE)
    stored, content = services.complaint_file_read(
        actor=request.user, complaint_id=complaint.pk, file_id=file_id
    )
    return download(content, stored.name, stored.content_type or "application/octet-stream")


@reads_from_replica
@console_view
@never_cache
@require_GET
def oversight(request):
    if not permissions.can_oversee(request.user):
        raise Forbidden(
            Code.FORBIDDEN, _("Only a district bureau or the city operator sees the complaints' figures.")
        )
    figures = selectors.figures(request.user, division_id=_int(request.GET.get("division")))
    return render(request, "complaints/oversight.html", {"f": figures, "statuses": Complaint.Status.choices})
