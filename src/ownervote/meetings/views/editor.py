"""The meeting editor (console): a new meeting, the edit of a draft, or the change of an entered
meeting (R-MTG-6), entered in one sitting: the meeting's fields, its topics and their voting items,
and beside them the live timeline (``preview``) of what the rules require, date by date.

One view serves the page and its htmx fragments (the same URL, the same form posted):

- ``rows=add-topic`` / ``add-item-<t>`` / ``remove-topic-<t>`` / ``remove-item-<t>-<i>``: a row
  added or removed; htmx gets the rows back (``_topics.html``), nothing saved.
- ``use_date=<day>``: the meeting moved to the earliest day a refusal offers, keeping its time of
  day and the voting period's length; htmx gets the three dates back, the timeline and the cleared
  refusal out of band (``_dates_swap.html``), nothing saved.
- anything else: save (a normal POST), then the meeting's page; a refusal is shown in place.

Without JavaScript the same buttons post the whole form and the whole page comes back.
"""

from __future__ import annotations

import contextlib
import datetime as dt

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from ownervote.core.views import Outcome, attempt, console_view
from ownervote.orgs import scoping

from .. import explain, forms, selectors, services
from ..access import Need, access_estate_to_convene, access_meeting
from ..models import Meeting
from .common import refusal, sorted_rows, voting_rows


def _preview(form_values, meeting: Meeting | None, estate) -> dict:
    """The timeline the dates in ``form_values`` would give (nothing saved). Its guidance rows name
    the district bureau where a street office convenes (R-ORG-3)."""
    fields = forms.MeetingForm.base_fields
    try:
        starts_at = fields["starts_at"].clean(form_values.get("starts_at", ""))
    except ValidationError:
        return {"ready": False}
    today = timezone.localdate()
    sched = selectors.preview(starts_at=starts_at, meeting=meeting, today=today)
    district = (
        meeting.supervised_by_district
        if meeting is not None
        else scoping.supervisor_of(estate)[0] == scoping.K.DISTRICT_BUREAU
    )
    rows = explain.rows(sched, today=today, cal=selectors.calendar(), district=district)
    try:
        opens = fields["voting_opens_at"].clean(form_values.get("voting_opens_at", ""))
        closes = fields["voting_closes_at"].clean(form_values.get("voting_closes_at", ""))
    except ValidationError:
        opens = closes = None
    if opens and closes:
        rows = sorted_rows(rows + voting_rows(opens, closes, today))
    return {
        "ready": True,
        "rows": rows,
        "problems": explain.problems_detail(sched.problems),
        "earliest": explain.earliest_of(sched.problems),
        "ok": sched.ok,
        "change": meeting is not None and meeting.entered_on is not None,
    }


def _place_errors(form, editor, outcome: Outcome) -> None:
    """A service's refusal next to the fields it names (``details.fields``: ``title``,
    ``topics.0.items.1.seats`` ...), else at the top of the form."""
    fields = outcome.details.get("fields")
    if not isinstance(fields, dict) or not fields:
        form.add_error(None, outcome.message)
        return
    for key, message in fields.items():
        parts = str(key).split(".")
        if parts[0] in form.fields:
            form.add_error(parts[0], message)
        elif parts[0] == "topics":
            editor.add_service_error(parts[1:], message)
        else:
            form.add_error(None, message)


def _as_text(values: dict) -> dict:
    """Initial values with the datetimes as the date inputs write them."""
    return {
        k: (v.strftime(forms.DATETIME_LOCAL) if isinstance(v, dt.datetime) else v) for k, v in values.items()
    }


def _raw(data: QueryDict, meeting: Meeting | None = None) -> dict:
    values = {name: data.get(name, "") for name in forms.MeetingForm.base_fields}
    if meeting is not None and meeting.status != Meeting.Status.DRAFT:
        values["kind"] = meeting.kind  # fixed once entered (the field is disabled)
    return values


def _shifted(data: QueryDict, meeting: Meeting | None) -> dict:
    """The posted meeting fields with the meeting moved to ``use_date``."""
    values = _raw(data, meeting)
    with contextlib.suppress(ValueError):
        values = forms.shift_to_day(values, dt.date.fromisoformat(data["use_date"]))
    return values


def _form_url(estate, meeting: Meeting | None) -> str:
    return (
        reverse("meetings:edit", args=[meeting.pk])
        if meeting
        else reverse("meetings:create", args=[estate.pk])
    )


def _save(request, *, estate, meeting: Meeting | None, form, editor) -> Outcome:
    """The one service the form stands for: set up, edit the draft, or change the entered meeting."""
    fields = {"actor": request.user, "topics": editor.cleaned(), **form.service_fields()}
    if meeting is None:
        return attempt(services.meeting_create, estate_id=estate.pk, **fields)
    if meeting.status == Meeting.Status.DRAFT:
        return attempt(services.draft_edit, meeting_id=meeting.pk, **fields)
    return attempt(
        services.meeting_change, meeting_id=meeting.pk, reason=form.cleaned_data["reason"], **fields
    )


def _saved_message(meeting: Meeting | None, change: bool, saved: Meeting) -> str:
    if meeting is None:
        return _("The meeting was saved as a draft.")
    if change:
        return _("The change was saved as version %(n)d.") % {"n": saved.version}
    return _("The draft was saved.")


def _meeting_form(request, *, estate, meeting: Meeting | None):
    """Create (``meeting`` None) or edit a meeting. A draft is edited in place; an entered meeting
    is changed with a reason, as a new version (R-MTG-6)."""
    change = meeting is not None and meeting.status != Meeting.Status.DRAFT
    context = {
        "estate": estate,
        "meeting": meeting,
        "change": change,
        "form_url": _form_url(estate, meeting),
        "refusal": None,
    }
    status = 200
    if request.method == "POST" and request.POST.get("use_date"):
        values = _shifted(request.POST, meeting)
        context.update(
            form=forms.MeetingForm(initial=values, change=change), preview=_preview(values, meeting, estate)
        )
        if request.htmx:
            return render(request, "meetings/_dates_swap.html", context)
        editor = forms.TopicsEditor(request.POST)
        editor.unbind()
    elif request.method == "POST" and request.POST.get("rows"):
        editor = forms.TopicsEditor(request.POST)
        editor.apply(request.POST["rows"])
        if request.htmx:
            return render(request, "meetings/_topics.html", {**context, "editor": editor})
        values = _raw(request.POST, meeting)
        context.update(
            form=forms.MeetingForm(initial=values, change=change), preview=_preview(values, meeting, estate)
        )
    elif request.method == "POST":
        form = forms.MeetingForm(
            request.POST, change=change, initial=forms.MeetingForm.initial_for(meeting) if change else None
        )
        editor = forms.TopicsEditor(request.POST)
        form_ok, topics_ok = form.is_valid(), editor.is_valid()
        if form_ok and topics_ok:
            outcome = _save(request, estate=estate, meeting=meeting, form=form, editor=editor)
            if not outcome.refused:
                messages.success(request, _saved_message(meeting, change, outcome.value))
                return redirect("meetings:detail", meeting_id=outcome.value.pk)
            status = outcome.error.status
            shown = refusal(outcome.error)
            if shown["problems"]:
                context["refusal"] = shown
            else:
                _place_errors(form, editor, outcome)
        else:
            status = 422
        context.update(form=form, preview=_preview(_raw(request.POST, meeting), meeting, estate))
    else:
        if meeting is not None:
            initial = forms.MeetingForm.initial_for(meeting)
            editor = forms.TopicsEditor.for_meeting(meeting)
        else:
            initial = {"kind": Meeting.Kind.TEMPORARY, "method": Meeting.Method.ELECTRONIC}
            editor = forms.TopicsEditor()
        if request.GET.get("date") and meeting is not None:
            # "Move the meeting to …" from the detail page's refusal.
            with contextlib.suppress(ValueError):
                initial = forms.shift_to_day(_as_text(initial), dt.date.fromisoformat(request.GET["date"]))
        context.update(
            form=forms.MeetingForm(initial=initial, change=change),
            preview=_preview(_as_text(initial), meeting, estate),
        )
    if context["form"].errors or editor.has_errors():
        status = status if status != 200 else 422
    context.update(
        editor=editor,
        preview_url=reverse("meetings:change_preview", args=[meeting.pk])
        if meeting is not None
        else reverse("meetings:preview", args=[estate.pk]),
        active="meetings",
        can_keep=scoping.can_keep_roster(request.user, estate),
    )
    return render(request, "meetings/form.html", context, status=status)


@console_view
@require_http_methods(["GET", "POST"])
def create(request, estate_id):
    estate = access_estate_to_convene(request.user, estate_id)
    return _meeting_form(request, estate=estate, meeting=None)


@console_view
@require_http_methods(["GET", "POST"])
def edit(request, meeting_id):
    meeting = access_meeting(request.user, meeting_id, need=Need.MANAGE)
    if meeting.status not in Meeting.CHANGEABLE:
        messages.error(request, _("This meeting can no longer be changed."))
        return redirect("meetings:detail", meeting_id=meeting.pk)
    return _meeting_form(request, estate=meeting.estate, meeting=meeting)


@console_view
@require_POST
def preview(request, estate_id):
    """The live timeline of the meeting form (htmx): what the rules require, date by date."""
    estate = access_estate_to_convene(request.user, estate_id)
    context = {"preview": _preview(request.POST, None, estate), "form_url": _form_url(estate, None)}
    return render(request, "meetings/_preview.html", context)


@console_view
@require_POST
def change_preview(request, meeting_id):
    meeting = access_meeting(request.user, meeting_id, need=Need.MANAGE)
    context = {
        "preview": _preview(request.POST, meeting, meeting.estate),
        "form_url": _form_url(meeting.estate, meeting),
    }
    return render(request, "meetings/_preview.html", context)
