"""Pages of objections to the result (询异, R-TRUST-2).

Owner pages (phones, large and plain): ``owner_new`` /m/meetings/<id>/objections/new/ (``?code=``
prefills the receipt, ``?flat=`` the flat), reached from the public result page and its receipt
check; ``owner_list`` /m/objections/ with the convener's answers and the buttons to accept an answer
or dispute it (``owner_accept``, ``owner_dispute``: a disputed answer goes to the street office as a
complaint). Console: ``console`` /console/meetings/<id>/objections/, the meeting's objections with
their last day, and the answer form for the convener (the supervising staff read it).

Each view parses its form, calls one service or selector and renders; ``NotFound`` is a 404 and
``Forbidden`` a 403 (``core.middleware``).
"""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from ownervote.core.params import int_param
from ownervote.core.views import console_view
from ownervote.identity.decorators import owner_view
from ownervote.meetings import selectors as meeting_selectors
from ownervote.roster.models import Flat

from . import forms, permissions, selectors, services
from .access import access_meeting_objections, access_publicised_meeting
from .models import ResultObjection


def _today():
    return timezone.localdate(timezone.now(), meeting_selectors.beijing())


def _flat_choices(user, estate) -> list[tuple[int, str]]:
    own = permissions.own_flat_ids(user, estate)
    flats = Flat.objects.filter(estate=estate, removed_at__isnull=True).select_related("building")
    rows = sorted(flats, key=lambda f: (f.pk not in own, f.sort_key, f.pk))
    mine = _("my flat")
    return [(f.pk, services.flat_label(f) + (f"（{mine}）" if f.pk in own else "")) for f in rows]


@owner_view
@require_http_methods(["GET", "POST"])
def owner_new(request, meeting_id):
    publicity = access_publicised_meeting(request.user, meeting_id, _today())
    meeting = publicity.meeting
    initial = {"receipt": request.GET.get("code", "")[:32], "kind": ResultObjection.Kind.NEVER_VOTED}
    if int_param(request.GET.get("flat")):
        initial["flat"] = int_param(request.GET.get("flat"))
    form = forms.RaiseForm(
        request.POST or None, initial=initial, flats=_flat_choices(request.user, meeting.estate)
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        objection = form.submit(
            services.objection_raise,
            actor=request.user,
            meeting_id=meeting.pk,
            flat_id=data["flat"],
            kind=data["kind"],
            text=data["text"],
            receipt=data["receipt"],
        )
        if objection is not None:
            messages.success(
                request,
                _("Your objection was sent to the convener, who must answer by %(date)s.")
                % {"date": objection.answer_by.isoformat()},
            )
            return redirect("objections:mine")
    context = {"form": form, "meeting": meeting, "publicity": publicity, "owner_tab": "home"}
    return render(request, "objections/owner_new.html", context, status=form.status)


@owner_view
@require_GET
def owner_list(request):
    rows = list(selectors.mine(request.user))
    context = {"objections": rows, "dispute_form": forms.DisputeForm(), "owner_tab": "home"}
    return render(request, "objections/owner_list.html", context)


@owner_view
@require_POST
def owner_accept(request, objection_id):
    form = forms.DisputeForm(request.POST)
    form.is_valid()
    if form.submit(services.objection_accept, actor=request.user, objection_id=objection_id) is not None:
        messages.success(request, _("You accepted the convener's answer."))
    else:
        messages.error(request, " ".join(str(e) for e in form.non_field_errors()))
    return redirect("objections:mine")


@owner_view
@require_POST
def owner_dispute(request, objection_id):
    form = forms.DisputeForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    done = form.submit(
        services.objection_dispute, actor=request.user, objection_id=objection_id, reason=reason
    )
    if done is not None:
        messages.success(
            request,
            _("Your objection was sent to the street office as a complaint; you will be told each step."),
        )
    else:
        messages.error(request, " ".join(str(e) for e in form.non_field_errors()))
    return redirect("objections:mine")


@console_view
@require_http_methods(["GET", "POST"])
def console(request, meeting_id):
    meeting = access_meeting_objections(request.user, meeting_id)
    can_answer = permissions.can_answer(request.user, meeting)
    bound: dict[int, forms.AnswerForm] = {}
    if request.method == "POST":
        objection_id = int_param(request.POST.get("objection"))
        form = forms.AnswerForm(request.POST)
        bound[objection_id] = form
        if form.is_valid():
            done = form.submit(
                services.objection_answer,
                actor=request.user,
                objection_id=objection_id,
                answer=form.cleaned_data["answer"],
            )
            if done is not None:
                messages.success(request, _("The answer was sent to the owner."))
                return redirect("objections:console", meeting_id=meeting.pk)
    today = _today()
    rows = list(selectors.of_meeting(meeting))
    for o in rows:
        o.overdue = o.overdue_on(today)
        o.form = bound.get(o.pk) or forms.AnswerForm()
    raised, answered = selectors.counts(meeting)
    context = {
        "meeting": meeting,
        "rows": rows,
        "can_answer": can_answer,
        "raised": raised,
        "answered": answered,
    }
    status = max([f.status for f in bound.values()], default=200)
    return render(request, "objections/console.html", context, status=status)
