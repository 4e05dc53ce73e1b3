"""Console pages of the voting's progress (R-VOTE-2), reminders (R-VOTE-2) and extensions
(R-VOTE-5), namespace ``voting``:

- ``progress`` ``/console/meetings/<id>/progress/``: flats, area and owners voted against the
  totals, and a page of buildings (``BUILDINGS_PAGE`` of them, the lowest turnout first or by
  name: ``bsort``, ``bpage``), refreshed every 10 s by htmx (the same view returns the figures
  fragment to an htmx request: the totals and the page of buildings in view, never every building
  of a large estate); the flats that have not voted, by building, paginated; for the convener
  the reminder button (with how many would be messaged) and the extension request form. The
  street office of the estate's street sees it read-only.
- ``remind`` (POST), ``extension_request`` (GET form page / POST): the convener's actions.
- ``invitations_retry`` (POST, from the meeting's page): resume the opening's failed invitation
  job (``services.invitations``); back to the meeting's page, which shows its progress again.
- ``extensions`` ``/console/extensions/``: the requests awaiting the street office, with approve
  and refuse; ``extension_decide`` (POST).
"""

from __future__ import annotations

from fractions import Fraction

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from ownervote.core.params import int_param
from ownervote.core.sorting import natural_key
from ownervote.core.views import attempt, console_view
from ownervote.meetings import audiences
from ownervote.meetings.forms import _datetime_field

from .. import permissions
from ..access import Need, access_voting
from ..models import Extension
from ..services import extensions, invitations, progress

PAGE_SIZE = 50
POLL_SECONDS = 10
BUILDINGS_PAGE = 10
BUILDING_SORTS = ("turnout", "name")
KEPT = ("building", "page", "bsort", "bpage")  # the query the page's links and its poll carry on


class ExtensionForm(forms.Form):
    reason = forms.ChoiceField(label=gettext_lazy("reason"), choices=Extension.Reason.choices)
    explanation = forms.CharField(
        label=gettext_lazy("explanation"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy("What happened, and why the owners need more time (art. 19)."),
    )
    closes_at = _datetime_field(gettext_lazy("new close"), gettext_lazy("Beijing time."))


class DecisionForm(forms.Form):
    note = forms.CharField(
        label=gettext_lazy("note"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=gettext_lazy("Required when refusing."),
    )


def _not_voted_page(request, meeting, figures: dict):
    building_id = int_param(request.GET.get("building"))
    rows = progress.NotVotedList(meeting, figures["buildings"], building_id)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    return page, progress.described_flats(list(page.object_list)), building_id


def _query(request, **changes) -> str:
    """The page's own query (only the parameters in ``KEPT``) with ``changes`` (None drops one)."""
    query = request.GET.copy()
    for key in list(query):
        if key not in KEPT:
            del query[key]
    for key, value in changes.items():
        if value is None:
            query.pop(key, None)
        else:
            query[key] = str(value)
    return "?" + query.urlencode() if query else "?"


def _turnout(row: dict) -> tuple:
    share = Fraction(row["flats_voted"], row["flats_total"]) if row["flats_total"] else Fraction(1)
    return (share, natural_key(row["building"] or ""), row["building_id"])


def _buildings_page(request, figures: dict | None) -> dict:
    """The page of buildings the figures show (a large estate has a hundred or more: the 10-second
    refresh renders one page of them, issue 21), in ``bsort`` order, the lowest turnout first by
    default (where the convener's reminders are needed), with the links to the other pages."""
    sort = request.GET.get("bsort")
    sort = sort if sort in BUILDING_SORTS else BUILDING_SORTS[0]
    rows = figures["buildings"] if figures else []
    if sort == "turnout":
        rows = sorted(rows, key=_turnout)
    page = Paginator(rows, BUILDINGS_PAGE).get_page(request.GET.get("bpage"))
    number, last = page.number, page.paginator.num_pages
    return {
        "bsort": sort,
        "bpage": page,
        "bfirst": page.start_index(),
        "blast": page.end_index(),
        "blinks": {
            "first": _query(request, bpage=1) if number > 2 else "",
            "prev": _query(request, bpage=number - 1) if page.has_previous() else "",
            "next": _query(request, bpage=number + 1) if page.has_next() else "",
            "last": _query(request, bpage=last) if number < last - 1 else "",
            "turnout": _query(request, bsort="turnout", bpage=None),
            "name": _query(request, bsort="name", bpage=None),
        },
    }


@console_view
@never_cache
@require_GET
def progress_page(request, meeting_id):
    meeting = access_voting(request.user, meeting_id, need=Need.WATCH)
    started = meeting.status in (meeting.Status.VOTING, meeting.Status.CLOSED)
    figures = progress.figures(meeting) if started else None
    context = {
        "meeting": meeting,
        "estate": meeting.estate,
        "figures": figures,
        "started": started,
        "poll": POLL_SECONDS if meeting.status == meeting.Status.VOTING else 0,
        "here": _query(request),
        **_buildings_page(request, figures),
    }
    if request.htmx and not request.htmx.history_restore_request:
        response = render(request, "voting/progress/_figures.html", context)
        patch_vary_headers(response, ("HX-Request",))
        return response
    can_manage = permissions.can_run_voting(request.user, meeting)
    page, rows, building_id = _not_voted_page(request, meeting, figures) if started else (None, [], None)
    context.update(
        {
            "can_manage": can_manage,
            "page": page,
            "not_voted": rows,
            "building_id": building_id,
            "buildings": figures["buildings"] if figures else [],
            "nv_prev": _query(request, page=page.previous_page_number())
            if page and page.has_previous()
            else "",
            "nv_next": _query(request, page=page.next_page_number()) if page and page.has_next() else "",
            "reminder": progress.reminder_preview(request.user, meeting.pk)
            if can_manage and meeting.status == meeting.Status.VOTING
            else None,
            "extensions": list(extensions.extensions_for(request.user, meeting.pk).order_by("-requested_at")),
            "extension_form": ExtensionForm() if can_manage else None,
        }
    )
    response = render(request, "voting/progress/progress.html", context)
    patch_vary_headers(response, ("HX-Request",))
    return response


@console_view
@require_POST
def remind(request, meeting_id):
    sent = attempt(progress.reminders_send, actor=request.user, meeting_id=meeting_id)
    if sent.refused:
        messages.error(request, sent.error.message)
    else:
        reminder = sent.value
        if reminder.recipients:
            messages.success(
                request,
                _("Reminders sent to %(n)s people; %(skipped)s already reminded today were skipped.")
                % {"n": reminder.recipients, "skipped": reminder.skipped},
            )
        else:
            messages.info(
                request,
                _(
                    "Nobody was messaged: everybody who has not voted was already reminded today "
                    "(%(skipped)s)."
                )
                % {"skipped": reminder.skipped},
            )
    return redirect("voting:progress", meeting_id=meeting_id)


@console_view
@require_POST
def invitations_retry(request, meeting_id):
    retried = attempt(invitations.invitation_retry, actor=request.user, meeting_id=meeting_id)
    if retried.refused:
        messages.error(request, retried.error.message)
    else:
        messages.success(
            request, _("The invitations to vote are being sent again to the people not yet told.")
        )
    return redirect("meetings:detail", meeting_id=meeting_id)


@console_view
@require_http_methods(["GET", "POST"])
def extension_request(request, meeting_id):
    meeting = access_voting(request.user, meeting_id, need=Need.RUN)
    form = ExtensionForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            requested = attempt(
                extensions.extension_request, actor=request.user, meeting_id=meeting.pk, **form.cleaned_data
            )
            if requested.refused:
                fields = requested.details.get("fields")
                for key, message in (fields or {}).items():
                    form.add_error(key if key in form.fields else None, message)
                if not fields:
                    form.add_error(None, requested.error.message)
                status = requested.error.status
            else:
                messages.success(
                    request,
                    _("The request was sent to the district bureau, which supervises this meeting.")
                    if audiences.supervised_by_district(meeting)  # R-ORG-3
                    else _("The request was sent to the street office."),
                )
                return redirect("voting:progress", meeting_id=meeting.pk)
        else:
            status = 422
    return render(
        request,
        "voting/progress/extension_form.html",
        {"meeting": meeting, "estate": meeting.estate, "form": form},
        status=status,
    )


@console_view
@require_GET
def extension_list(request):
    if not permissions.can_decide_extensions(request.user):
        raise PermissionDenied(_("Extension requests are decided by the street office."))
    rows = list(extensions.pending_for(request.user))
    return render(request, "voting/progress/extensions.html", {"rows": rows, "form": DecisionForm()})


@console_view
@require_POST
def extension_decide(request, extension_id):
    form = DecisionForm(request.POST)
    note = form.cleaned_data["note"] if form.is_valid() else ""
    approve = request.POST.get("decision") == "approve"
    decided = attempt(
        extensions.extension_decide, actor=request.user, extension_id=extension_id, approve=approve, note=note
    )
    if decided.refused:
        messages.error(request, decided.error.message)
    else:
        messages.success(
            request, _("The extension was approved.") if approve else _("The extension was refused.")
        )
    return redirect("voting:extensions")


urlpatterns = [
    path("console/meetings/<int:meeting_id>/progress/", progress_page, name="progress"),
    path("console/meetings/<int:meeting_id>/progress/remind/", remind, name="remind"),
    path("console/meetings/<int:meeting_id>/invitations/retry/", invitations_retry, name="invitations_retry"),
    path("console/meetings/<int:meeting_id>/extensions/new/", extension_request, name="extension_request"),
    path("console/extensions/", extension_list, name="extensions"),
    path("console/extensions/<int:extension_id>/decide/", extension_decide, name="extension_decide"),
]
