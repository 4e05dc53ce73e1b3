"""Pages of meetings (R-MTG-1..8, R-VOTE-4).

Console (namespace ``meetings``): ``index`` every meeting the user sees, with the links of their
role; ``estate_meetings`` an estate's meetings; ``create`` / ``edit`` the meeting in one sitting
(its fields, topics and items; the live timeline from ``preview``); ``detail`` its status,
timeline, topics, documents, guidance, publicity, versions and, once voting opened, the
eligibility counts, with the convener's actions (``submit``, ``publish``, ``cancel``, documents);
``compare`` two versions side by side; ``to_guide`` and ``guidance`` for the street office;
``calendar`` the official holiday calendar, kept by the city operator.

Public (no sign-in, art. 12, 29): ``public`` the notice page, ``public_pdf`` the notice to print
and seal, ``public_document`` a document publicised with the meeting.

Each view parses its form, calls one service or selector and renders. ``NotFound`` is a 404,
``Forbidden`` a 403, any other ``ServiceError`` is shown with its message; a schedule refusal is
shown with its rules and a button to use the earliest date that works.
"""

from __future__ import annotations

import contextlib
import datetime as dt

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.http import Http404, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from ownervote.core import files
from ownervote.core.errors import Forbidden, NotFound, ServiceError
from ownervote.core.views import console_view, download, errors_as_http
from ownervote.orgs import scoping
from ownervote.roster import selectors as roster_selectors

from . import documents, explain, forms, permissions, selectors, services
from .models import Item, Meeting, MeetingDocument

SCHEDULE_CODES = ("meeting.schedule", "meeting.change_too_late")


# --- plumbing ---------------------------------------------------------------------------------


def _refusal(exc: ServiceError) -> dict:
    """A service's refusal as the pages show it: the message, the rules broken (schedule
    refusals) and the earliest meeting date that works, if offered."""
    details = exc.details if isinstance(exc.details, dict) else {}
    problems = [p for p in details.get("problems") or [] if isinstance(p, dict)]
    earliest = details.get("earliest_held_on") or next(
        (p.get("earliest_held_on") for p in problems if p.get("earliest_held_on")), None
    )
    if isinstance(earliest, str):
        try:
            earliest = dt.date.fromisoformat(earliest)
        except ValueError:
            earliest = None
    return {"message": str(exc.message), "code": exc.code, "problems": problems, "earliest": earliest}


def _state(day: dt.date, today: dt.date) -> str:
    return explain.PAST if day < today else explain.TODAY if day == today else explain.FUTURE


def _voting_rows(opens_at: dt.datetime, closes_at: dt.datetime, today: dt.date) -> list:
    """The voting period on the timeline: the meeting's own dates, not a rule's."""
    opens, closes = timezone.localtime(opens_at), timezone.localtime(closes_at)
    return [
        explain.TimelineRow(
            date=opens.date(),
            code="voting_opens",
            label=_("Voting opens"),
            rule="R-BIND-2, R-VOTE-4",
            article=_("art. 13, 18"),
            explanation=_(
                "Voting opens at %(time)s. The system first re-checks every binding against the roster "
                "and ends those whose ownership changed; owners verified or bound during the publicity "
                "or the meeting vote on paper only."
            )
            % {"time": opens.strftime("%Y-%m-%d %H:%M")},
            state=_state(opens.date(), today),
        ),
        explain.TimelineRow(
            date=closes.date(),
            code="voting_closes",
            label=_("Voting closes"),
            rule="R-VOTE-1",
            article=_("art. 16"),
            explanation=_("Voting closes at %(time)s; paper ballots are cast before it too.")
            % {"time": closes.strftime("%Y-%m-%d %H:%M")},
            state=_state(closes.date(), today),
        ),
    ]


def _sorted_rows(rows: list) -> list:
    return sorted(rows, key=lambda r: r.date)


def _preview(form_values, meeting: Meeting | None) -> dict:
    """The timeline the dates in ``form_values`` would give (nothing saved)."""
    field = forms.MeetingForm.base_fields["starts_at"]
    try:
        starts_at = field.clean(form_values.get("starts_at", ""))
    except Exception:
        return {"ready": False}
    today = timezone.localdate()
    sched = selectors.preview(starts_at=starts_at, meeting=meeting, today=today)
    rows = explain.rows(sched, today=today, cal=selectors.calendar())
    try:
        opens = forms.MeetingForm.base_fields["voting_opens_at"].clean(form_values.get("voting_opens_at", ""))
        closes = forms.MeetingForm.base_fields["voting_closes_at"].clean(
            form_values.get("voting_closes_at", "")
        )
    except Exception:
        opens = closes = None
    if opens and closes:
        rows = _sorted_rows(rows + _voting_rows(opens, closes, today))
    problems = explain.problems_detail(sched.problems)
    return {
        "ready": True,
        "rows": rows,
        "problems": problems,
        "earliest": explain.earliest_of(sched.problems),
        "ok": sched.ok,
        "change": meeting is not None and meeting.entered_on is not None,
    }


def _place_errors(form, editor, exc: ServiceError) -> None:
    """A service's refusal next to the fields it names (``details.fields``: ``title``,
    ``topics.0.items.1.seats`` ...), else at the top of the form."""
    fields = exc.details.get("fields") if isinstance(exc.details, dict) else None
    if not isinstance(fields, dict) or not fields:
        form.add_error(None, exc.message)
        return
    for key, message in fields.items():
        parts = str(key).split(".")
        if parts[0] in form.fields:
            form.add_error(parts[0], message)
        elif parts[0] == "topics":
            editor.add_service_error(parts[1:], message)
        else:
            form.add_error(None, message)


def _place_form_errors(form, exc: ServiceError) -> None:
    """A service's refusal next to the fields of a plain form it names, else on top."""
    fields = exc.details.get("fields") if isinstance(exc.details, dict) else None
    placed = False
    for key, message in (fields or {}).items():
        if key in form.fields:
            form.add_error(key, message)
            placed = True
    if not placed:
        form.add_error(None, exc.message)


def _require_convener(request, estate, kind: str | None = None) -> None:
    if not permissions.can_convene(request.user, estate, kind):
        raise PermissionDenied(_("Only the estate's approved convener may set up its meetings."))


def _require_manager(request, meeting: Meeting) -> None:
    if not permissions.can_manage(request.user, meeting):
        raise PermissionDenied(_("Only the organisation convening this meeting may change it."))


# --- console: lists ---------------------------------------------------------------------------


@console_view
@require_GET
def index(request):
    """Every meeting the user sees, and where their role leads: new meetings for the estates they
    convene, guidance for a street office, the calendar for the city operator."""
    meetings = selectors.meetings_for(request.user).order_by("-starts_at", "-id")[:300]
    kinds = scoping.user_kinds(request.user)
    # The estates of the user's own associations (not every estate a city operator sees).
    associated = {a.estate_id: a.estate for a in scoping.approved_associations(request.user) if a.estate_id}
    convenes = sorted(
        (e for e in associated.values() if permissions.can_convene(request.user, e)), key=lambda e: e.name
    )
    return render(
        request,
        "meetings/index.html",
        {
            "meetings": meetings,
            "convenes": convenes,
            "street_office": "street_office" in kinds,
            "city_operator": permissions.is_city_operator(request.user),
        },
    )


@console_view
@require_GET
def estate_meetings(request, estate_id):
    estate = roster_selectors.estate_for(request.user, estate_id)
    return render(
        request,
        "meetings/estate_meetings.html",
        {
            "estate": estate,
            "active": "meetings",
            "can_keep": scoping.can_keep_roster(request.user, estate),
            "can_convene": permissions.can_convene(request.user, estate),
            "meetings": selectors.meetings_for(request.user, estate.pk).order_by("-starts_at", "-id"),
        },
    )


# --- console: the meeting form ----------------------------------------------------------------


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


def _meeting_form(request, *, estate, meeting: Meeting | None):
    """Create (``meeting`` None) or edit a meeting. A draft is edited in place; an entered meeting
    is changed with a reason, as a new version (R-MTG-6)."""
    change = meeting is not None and meeting.status != Meeting.Status.DRAFT
    refusal = None
    status = 200
    if request.method == "POST":
        data = request.POST
        if data.get("use_date") or data.get("rows"):
            # Not a save: move the dates to the offered day, or add/remove a row, and show the form again.
            values = _raw(data, meeting)
            if data.get("use_date"):
                with contextlib.suppress(ValueError):
                    values = forms.shift_to_day(values, dt.date.fromisoformat(data["use_date"]))
            form = forms.MeetingForm(initial=values, change=change)
            editor = forms.TopicsEditor(data)
            if data.get("rows"):
                editor.apply(data["rows"])
            else:
                editor.unbind()
            preview = _preview(values, meeting)
        else:
            form = forms.MeetingForm(
                data, change=change, initial=forms.MeetingForm.initial_for(meeting) if change else None
            )
            editor = forms.TopicsEditor(data)
            form_ok, topics_ok = form.is_valid(), editor.is_valid()
            if form_ok and topics_ok:
                try:
                    if meeting is None:
                        saved = services.meeting_create(
                            actor=request.user,
                            estate_id=estate.pk,
                            topics=editor.cleaned(),
                            **form.service_fields(),
                        )
                        messages.success(request, _("The meeting was saved as a draft."))
                    else:
                        saved = services.meeting_update(
                            actor=request.user,
                            meeting_id=meeting.pk,
                            reason=form.cleaned_data.get("reason", ""),
                            topics=editor.cleaned(),
                            **form.service_fields(),
                        )
                        if change:
                            messages.success(
                                request,
                                _("The change was saved as version %(n)d.") % {"n": saved.version},
                            )
                        else:
                            messages.success(request, _("The draft was saved."))
                except (NotFound, Forbidden):
                    raise
                except ServiceError as exc:
                    refusal = _refusal(exc)
                    status = exc.status
                    if not refusal["problems"]:
                        _place_errors(form, editor, exc)
                        refusal = None
                else:
                    return redirect("meetings:detail", meeting_id=saved.pk)
            else:
                status = 422
            preview = _preview(_raw(data, meeting), meeting)
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
        form = forms.MeetingForm(initial=initial, change=change)
        preview = _preview(_as_text(initial), meeting)
    if form.errors or editor.has_errors():
        status = status if status != 200 else 422
    preview_url = (
        reverse("meetings:change_preview", args=[meeting.pk])
        if meeting is not None
        else reverse("meetings:preview", args=[estate.pk])
    )
    context = {
        "estate": estate,
        "meeting": meeting,
        "change": change,
        "form": form,
        "editor": editor,
        "topic_template": forms.blank_topic_forms(),
        "item_template": forms.blank_item_form(),
        "preview": preview,
        "preview_url": preview_url,
        "refusal": refusal,
        "active": "meetings",
        "can_keep": scoping.can_keep_roster(request.user, estate),
    }
    return render(request, "meetings/form.html", context, status=status)


@console_view
@require_http_methods(["GET", "POST"])
def create(request, estate_id):
    estate = roster_selectors.estate_for(request.user, estate_id)
    _require_convener(request, estate)
    return _meeting_form(request, estate=estate, meeting=None)


@console_view
@require_http_methods(["GET", "POST"])
def edit(request, meeting_id):
    meeting = selectors.meeting_for(request.user, meeting_id)
    _require_manager(request, meeting)
    if meeting.status not in Meeting.CHANGEABLE:
        messages.error(request, _("This meeting can no longer be changed."))
        return redirect("meetings:detail", meeting_id=meeting.pk)
    return _meeting_form(request, estate=meeting.estate, meeting=meeting)


@console_view
@require_POST
def preview(request, estate_id):
    """The live timeline of the meeting form (htmx): what the rules require, date by date."""
    estate = roster_selectors.estate_for(request.user, estate_id)
    _require_convener(request, estate)
    return render(request, "meetings/_preview.html", {"preview": _preview(request.POST, None)})


@console_view
@require_POST
def change_preview(request, meeting_id):
    meeting = selectors.meeting_for(request.user, meeting_id)
    _require_manager(request, meeting)
    return render(request, "meetings/_preview.html", {"preview": _preview(request.POST, meeting)})


# --- console: the meeting page and its actions ------------------------------------------------


@console_view
@require_GET
def detail(request, meeting_id):
    meeting = selectors.meeting_for(request.user, meeting_id)
    today = timezone.localdate()
    timeline = explain.meeting_timeline(meeting, today)
    rows = list(timeline.rows)
    if meeting.status != Meeting.Status.CANCELLED:
        rows = _sorted_rows(rows + _voting_rows(meeting.voting_opens_at, meeting.voting_closes_at, today))
    can_manage = permissions.can_manage(request.user, meeting)
    versions = list(selectors.versions_for(request.user, meeting.pk))
    docs = list(selectors.documents(meeting))
    required = []
    if meeting.kind == Meeting.Kind.FIRST:
        have = {d.kind for d in docs}
        required = [
            {"kind": k, "label": MeetingDocument.Kind(k).label, "have": k in have}
            for k in MeetingDocument.REQUIRED_FOR_FIRST
        ]
    context = {
        "meeting": meeting,
        "estate": meeting.estate,
        "notice": documents.notice_for(meeting),
        "timeline_rows": rows,
        "timeline": timeline,
        "can_manage": can_manage,
        "changeable": can_manage and meeting.status in Meeting.CHANGEABLE,
        "cancellable": can_manage and Meeting.Status.CANCELLED in Meeting.TRANSITIONS[meeting.status],
        "move_url": reverse("meetings:edit", args=[meeting.pk])
        if can_manage and meeting.status in Meeting.CHANGEABLE
        else "",
        "can_guide": permissions.can_guide(request.user, meeting),
        "street_watch": scoping.supervises_estate(request.user, meeting.estate),
        "guidance_open": selectors.guidance_open(meeting, today),
        "guidance": meeting.guidance.select_related("organisation").order_by("created_at", "id"),
        "documents": docs,
        "required": required,
        "missing": [r for r in required if not r["have"]],
        "publicities": selectors.publicities(meeting),
        "versions": versions,
        "eligibility": selectors.eligibility_counts(meeting) if meeting.voting_opened_at else None,
        "document_form": forms.DocumentForm(),
        "cancel_form": forms.ReasonForm(),
        "compare_form": forms.CompareForm(
            initial={"a": max(meeting.version - 1, 1), "b": meeting.version}, auto_id="compare_%s"
        ),
        "public_url": reverse("meetings:notice", args=[meeting.pk]) if permissions.is_public(meeting) else "",
        "today": today,
    }
    return render(request, "meetings/detail.html", context)


def _act(request, meeting_id, call, success: str):
    """Run one service call for the meeting page's buttons; a refusal is shown on the page."""
    meeting = selectors.meeting_for(request.user, meeting_id)
    try:
        call(meeting)
    except (NotFound, Forbidden):
        raise
    except ServiceError as exc:
        refusal = _refusal(exc)
        messages.error(request, refusal["message"])
        for problem in refusal["problems"]:
            if problem.get("message") and problem["message"] != refusal["message"]:
                messages.error(request, problem["message"])
    else:
        messages.success(request, success)
    return redirect("meetings:detail", meeting_id=meeting.pk)


@console_view
@require_POST
def submit(request, meeting_id):
    return _act(
        request,
        meeting_id,
        lambda m: services.meeting_submit(actor=request.user, meeting_id=m.pk),
        _("The meeting is entered. The street office has been told and may give guidance within 5 days."),
    )


@console_view
@require_POST
def publish(request, meeting_id):
    return _act(
        request,
        meeting_id,
        lambda m: services.meeting_publish(actor=request.user, meeting_id=m.pk),
        _(
            "The meeting is publicised: its notice is public and the binding list is published with it. "
            "Print the notice, seal it and post it in the estate."
        ),
    )


@console_view
@require_POST
def cancel(request, meeting_id):
    form = forms.ReasonForm(request.POST)
    if not form.is_valid():
        selectors.meeting_for(request.user, meeting_id)
        messages.error(request, _("Give the reason for the cancellation."))
        return redirect("meetings:detail", meeting_id=meeting_id)
    return _act(
        request,
        meeting_id,
        lambda m: services.meeting_cancel(
            actor=request.user, meeting_id=m.pk, reason=form.cleaned_data["reason"]
        ),
        _("The meeting was cancelled."),
    )


@console_view
@require_POST
def document_add(request, meeting_id):
    form = forms.DocumentForm(request.POST, request.FILES)
    if not form.is_valid():
        selectors.meeting_for(request.user, meeting_id)
        for field, errors in form.errors.items():
            label = form.fields[field].label if field in form.fields else ""
            for error in errors:
                messages.error(request, f"{label}：{error}" if label else error)
        return redirect(reverse("meetings:detail", args=[meeting_id]) + "#documents")
    data = form.cleaned_data
    _act(
        request,
        meeting_id,
        lambda m: services.document_add(
            actor=request.user, meeting_id=m.pk, kind=data["kind"], title=data["title"], upload=form.upload()
        ),
        _("The document was added."),
    )
    return redirect(reverse("meetings:detail", args=[meeting_id]) + "#documents")


@console_view
@require_POST
def document_remove(request, meeting_id, document_id):
    document = selectors.document_for(request.user, meeting_id, document_id)
    _act(
        request,
        meeting_id,
        lambda m: services.document_remove(actor=request.user, document_id=document.pk),
        _("The document was removed."),
    )
    return redirect(reverse("meetings:detail", args=[meeting_id]) + "#documents")


@console_view
@never_cache
@require_GET
def document_download(request, meeting_id, document_id):
    stored, content = services.document_read(
        actor=request.user, meeting_id=meeting_id, document_id=document_id
    )
    return download(content, stored.name, stored.content_type or "application/octet-stream")


@console_view
@never_cache
@require_GET
def notice_pdf(request, meeting_id):
    """The notice as it stands (also before it is publicised, to check it), for staff who see the
    meeting."""
    meeting = selectors.meeting_for(request.user, meeting_id)
    return download(
        documents.notice_pdf(documents.notice_for(meeting)), _notice_filename(meeting), documents.PDF
    )


def _notice_filename(meeting: Meeting) -> str:
    return f"{meeting.estate.name}-{_('meeting notice')}-v{meeting.version}.pdf"


@console_view
@require_GET
def compare(request, meeting_id):
    """Two versions side by side, the changed fields marked (R-MTG-6)."""
    meeting = selectors.meeting_for(request.user, meeting_id)
    versions = list(selectors.versions_for(request.user, meeting.pk))
    form = forms.CompareForm(request.GET or None, auto_id="compare_%s")
    if not versions:
        raise Http404(_("This meeting has no version yet: it has not been entered."))
    if form.is_bound and form.is_valid():
        a_no, b_no = form.cleaned_data["a"], form.cleaned_data["b"]
    else:
        a_no, b_no = max(meeting.version - 1, 1), meeting.version
    a = selectors.version_for(request.user, meeting.pk, a_no)
    b = selectors.version_for(request.user, meeting.pk, b_no)
    diff = selectors.version_diff(a, b)
    changed = {row["field"] for row in diff}
    return render(
        request,
        "meetings/compare.html",
        {
            "meeting": meeting,
            "estate": meeting.estate,
            "versions": versions,
            "a": a,
            "b": b,
            "diff": diff,
            "fields": _version_fields(a.content, b.content, changed),
            "form": forms.CompareForm(initial={"a": a.number, "b": b.number}, auto_id="compare_%s"),
        },
    )


def _version_fields(a: dict, b: dict, changed: set[str]) -> list[dict]:
    """Both versions whole, side by side: the meeting's fields, then each topic with its items
    (``diff`` lists every change one by one)."""
    rows = []
    for field, label in selectors.FIELD_LABELS.items():
        rows.append(
            {
                "label": label,
                "a": selectors.display_value(field, a.get(field)),
                "b": selectors.display_value(field, b.get(field)),
                "changed": field in changed,
            }
        )
    a_topics, b_topics = _topic_texts(a), _topic_texts(b)
    for i in range(max(len(a_topics), len(b_topics))):
        before = a_topics[i] if i < len(a_topics) else None
        after = b_topics[i] if i < len(b_topics) else None
        rows.append(
            {
                "label": _("Topic %(n)d") % {"n": i + 1},
                "a": before,
                "b": after,
                "changed": before != after,
            }
        )
    return rows


def _topic_texts(content: dict) -> list[str]:
    """Each topic of a version's content as text: its title, then its items numbered across the
    meeting with their kind, category and candidates."""
    out, number = [], 0
    for topic in content.get("topics", []):
        lines = [topic.get("title", "")]
        if topic.get("description"):
            lines.append(topic["description"])
        for item in topic.get("items", []):
            number += 1
            kind = dict(Item.Kind.choices).get(item.get("kind"), item.get("kind"))
            category = dict(Item.Category.choices).get(item.get("category"), item.get("category"))
            line = f"{number}. {item.get('title', '')}（{kind}；{category}）"
            if item.get("kind") == Item.Kind.ELECTION:
                names = "、".join(c.get("name", "") for c in item.get("candidates", []))
                line += "\n   " + _("%(seats)s seats, at most %(choices)s a ballot: %(names)s") % {
                    "seats": item.get("seats"),
                    "choices": item.get("max_choices"),
                    "names": names,
                }
            lines.append(line)
        out.append("\n".join(lines))
    return out


# --- street office: guidance (R-MTG-2) --------------------------------------------------------


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
    meeting = selectors.meeting_for(request.user, meeting_id)
    if not permissions.can_guide(request.user, meeting):
        raise PermissionDenied(
            _("Only the street office of the estate's street gives guidance on its meetings.")
        )
    today = timezone.localdate()
    form = forms.GuidanceForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.guidance_give(
                    actor=request.user, meeting_id=meeting.pk, text=form.cleaned_data["text"]
                )
            except (NotFound, Forbidden):
                raise
            except ServiceError as exc:
                form.add_error(None, exc.message)
                status = exc.status
            else:
                messages.success(request, _("The guidance opinion was recorded; the convener has been told."))
                return redirect("meetings:detail", meeting_id=meeting.pk)
        else:
            status = 422
    return render(
        request,
        "meetings/guidance.html",
        {
            "meeting": meeting,
            "estate": meeting.estate,
            "form": form,
            "open": selectors.guidance_open(meeting, today),
            "days_left": (meeting.guidance_ends_on - today).days if meeting.guidance_ends_on else None,
            "given": meeting.guidance.select_related("organisation").order_by("created_at", "id"),
            "notice": documents.notice_for(meeting),
        },
        status=status,
    )


# --- city operator: the holiday calendar (R-MTG-4) --------------------------------------------


@console_view
@require_http_methods(["GET", "POST"])
def calendar(request):
    """The years the calendar holds (shipped and entered), and the operator's form to add or
    correct a year when the State Council publishes its notice."""
    may_edit = permissions.is_city_operator(request.user)
    years = selectors.calendar_years()
    form = None
    status = 200
    if may_edit:
        initial = None
        wanted = request.GET.get("year", "")
        if wanted.isdigit():
            found = next((y for y in years if y["year"] == int(wanted)), None)
            initial = (
                forms.CalendarYearForm.initial_for(
                    found["year"], found["holidays"], found["workdays"], found["source"]
                )
                if found
                else {"year": int(wanted)}
            )
        form = forms.CalendarYearForm(request.POST or None, initial=initial)
    if request.method == "POST":
        if form is None:
            raise PermissionDenied(_("Only the city operator keeps the holiday calendar."))
        if form.is_valid():
            data = form.cleaned_data
            try:
                row = services.calendar_year_save(
                    actor=request.user,
                    year=data["year"],
                    holidays=data["holidays_dates"],
                    workdays=data["workdays_dates"],
                    source=data["source"],
                )
            except (NotFound, Forbidden):
                raise
            except ServiceError as exc:
                _place_form_errors(form, exc)
                status = exc.status
            else:
                messages.success(request, _("The holidays of %(year)d were saved.") % {"year": row.year})
                return redirect("meetings:calendar")
        else:
            status = 422
    needs = selectors.calendar_needs() if may_edit else []
    return render(
        request, "meetings/calendar.html", {"years": years, "form": form, "needs": needs}, status=status
    )


# --- public pages (no sign-in) ----------------------------------------------------------------


@require_GET
@errors_as_http
def public(request, meeting_id):
    """The meeting's public notice (art. 12, 29): anybody with the link or the QR code."""
    meeting = selectors.public_meeting(meeting_id)
    notice = documents.notice_for(meeting)
    user = request.user
    return render(
        request,
        "meetings/public.html",
        {
            "n": notice,
            "meeting": meeting,
            "owner_tab": "home",
            "binding_list_url": reverse("bindinglist:owner", args=[meeting.estate_id]),
            "estate_url": reverse("portal:estate", args=[meeting.estate_id]),
            "eligibility": selectors.eligibility_for(user, meeting) if user.is_authenticated else [],
            "voting_opened": meeting.voting_opened_at is not None,
            # art. 26: once its result is publicised, the notice leads to it
            "result_publicised": meeting.result_publicities.filter(
                starts_on__lte=timezone.localdate(timezone.now(), selectors.beijing())
            ).exists(),
        },
    )


@never_cache
@require_GET
@errors_as_http
def public_pdf(request, meeting_id):
    meeting = selectors.public_meeting(meeting_id)
    return download(
        documents.notice_pdf(documents.notice_for(meeting)),
        _notice_filename(meeting),
        documents.PDF,
        private=False,
    )


@require_GET
@errors_as_http
def public_document(request, meeting_id, document_id):
    """A document publicised with the meeting (for a first assembly, the owner list, totals and the
    draft rules, art. 12 para. 3)."""
    try:
        document = selectors.public_document(request.user, meeting_id, document_id)
    except NotFound as exc:
        raise Http404(exc.message) from exc
    return download(files.read(document.file), document.file.name, document.file.content_type, private=False)
