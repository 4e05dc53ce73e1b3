"""The official holiday calendar (R-MTG-4): the years it holds (shipped and entered), what the city
operator must load, and the operator's form to add or correct a year when the State Council
publishes its notice."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from ownervote.core.params import int_param
from ownervote.core.views import console_view

from .. import forms, permissions, selectors, services
from ..access import require_calendar_keeper


def _initial(request, years: list[dict]) -> dict | None:
    """The form filled with ``?year=`` (a year the calendar holds, to correct; else a new one)."""
    wanted = int_param(request.GET.get("year"))
    if wanted is None:
        return None
    found = next((y for y in years if y["year"] == wanted), None)
    if found is None:
        return {"year": wanted}
    return forms.CalendarYearForm.initial_for(
        found["year"], found["holidays"], found["workdays"], found["source"]
    )


@console_view
@require_http_methods(["GET", "POST"])
def calendar(request):
    """The years the calendar holds (shipped and entered), and the operator's form to add or
    correct a year when the State Council publishes its notice."""
    if request.method == "POST":
        require_calendar_keeper(request.user)
    may_edit = permissions.can_keep_calendar(request.user)
    years = selectors.calendar_years()
    form = (
        forms.CalendarYearForm(request.POST or None, initial=_initial(request, years)) if may_edit else None
    )
    if form is not None and request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        row = form.submit(
            services.calendar_year_save,
            actor=request.user,
            year=data["year"],
            holidays=data["holidays_dates"],
            workdays=data["workdays_dates"],
            source=data["source"],
        )
        if row is not None:
            messages.success(request, _("The holidays of %(year)d were saved.") % {"year": row.year})
            return redirect("meetings:calendar")
    needs = selectors.calendar_needs() if may_edit else []
    return render(
        request,
        "meetings/calendar.html",
        {"years": years, "form": form, "needs": needs},
        status=form.status if form is not None else 200,
    )
