"""The supervisor's pages (R-MTG-2; the street office, or its district bureau for a meeting the street
office convenes, R-ORG-3): ``to_guide`` the entered meetings it supervises, the open
guidance windows first; ``guidance`` a meeting's notice and the form to give an opinion."""

from __future__ import annotations

from django.contrib import messages
from django.db.models import Count
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from ownervote.core.views import console_view

from .. import documents, forms, selectors, services
from ..access import Need, access_meeting


@console_view
@require_GET
def to_guide(request):
    today = timezone.localdate()
    rows = []
    for meeting in selectors.to_guide(request.user).annotate(opinions=Count("guidance")):
        open_ = selectors.guidance_open(meeting, today)
        rows.append(
            {
                "m": meeting,
                "open": open_,
                "days_left": (meeting.guidance_ends_on - today).days if open_ else None,
                "given": meeting.opinions,
            }
        )
    return render(request, "meetings/to_guide.html", {"rows": rows, "today": today})


@console_view
@require_http_methods(["GET", "POST"])
def guidance(request, meeting_id):
    meeting = access_meeting(request.user, meeting_id, need=Need.GUIDE, content=True)
    today = timezone.localdate()
    form = forms.GuidanceForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        given = form.submit(
            services.guidance_give, actor=request.user, meeting_id=meeting.pk, text=form.cleaned_data["text"]
        )
        if given is not None:
            messages.success(request, _("The guidance opinion was recorded; the convener has been told."))
            return redirect("meetings:detail", meeting_id=meeting.pk)
    return render(
        request,
        "meetings/guidance.html",
        {
            "meeting": meeting,
            "estate": meeting.estate,
            "form": form,
            "open": selectors.guidance_open(meeting, today),
            "days_left": (meeting.guidance_ends_on - today).days if meeting.guidance_ends_on else None,
            "given": selectors.guidance_of(meeting),
            "notice": documents.notice_for(meeting),
        },
        status=form.status,
    )
