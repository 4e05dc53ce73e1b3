"""The convener's page of the notice's proof of service (R-MTG-10): how many flats the notice
reached, the flats not served yet (per building, natural order, filtered), and the form that
records a paper notice posted for a building or for the ticked flats. The supervising staff see
the page without the form."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from ownervote.core.params import int_param
from ownervote.core.views import console_view

from .. import forms, permissions, served
from ..access import Need, access_meeting, access_service
from ..services import service as service_services


def _building_filter(request, buildings) -> int | None:
    wanted = int_param(request.GET.get("building"))  # "²".isdigit() is True, int("²") fails
    return wanted if wanted in {b.pk for b in buildings} else None


@console_view
@require_http_methods(["GET", "POST"])
def service(request, meeting_id):
    meeting = access_service(request.user, meeting_id)
    may_record = permissions.can_manage(request.user, meeting)
    if request.method == "POST":
        meeting = access_meeting(request.user, meeting_id, need=Need.MANAGE)
    buildings = served.buildings_of(meeting)
    form = forms.PaperServiceForm(
        request.POST or None,
        request.FILES or None,
        buildings=buildings,
        follow_majority=meeting.counts_follow_majority,
        flat_ids=request.POST.getlist("flats"),
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        rows = form.submit(
            service_services.notice_paper_service,
            actor=request.user,
            meeting_id=meeting.pk,
            place=data["place"],
            posted_at=data["posted_at"],
            photo=form.upload(),
            flat_ids=None if data["building"] is not None else form.flat_ids,
            building_id=data["building"],
            warning_shown=data.get("warning_shown", False),
        )
        if rows is not None:
            messages.success(request, _("The posted notice was recorded for %(n)d flats.") % {"n": len(rows)})
            return redirect(reverse("meetings:service", args=[meeting.pk]))
    building_id = _building_filter(request, buildings)
    q = request.GET.get("q", "")[:50]
    return render(
        request,
        "meetings/service.html",
        {
            "meeting": meeting,
            "estate": meeting.estate,
            "counts": served.counts(meeting),
            "unserved": served.unserved(meeting, building_id=building_id, q=q),
            "buildings": buildings,
            "building_id": building_id,
            "q": q,
            "form": form,
            "may_record": may_record and meeting.status in service_services.SERVICE_STATUSES,
        },
        status=form.status if request.method == "POST" else 200,
    )
