"""The console's meeting pages (R-MTG-1..8, R-VOTE-4): ``index`` every meeting the user sees, with
the links of their role; ``estate_meetings`` an estate's meetings; ``detail`` a meeting's status,
timeline, topics, documents, guidance, publicity, versions and, once voting opened, the
eligibility counts, with the convener's actions (``submit``, ``publish``, ``cancel``, documents);
``compare`` two versions side by side; ``notice_pdf`` the notice as it stands. The editor is
``editor``, the street office's pages ``guidance``, the holiday calendar ``calendar``.

Each view parses, calls one service or selector, and renders. A refused action is shown on the
meeting's page (``core.views.attempt``); ``NotFound`` is the 404 page, ``Forbidden`` the 403 page
(``core.middleware``).
"""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from ownervote.core.middleware import lines
from ownervote.core.views import attempt, console_view, download
from ownervote.orgs import scoping
from ownervote.roster.access import access_estate
from ownervote.roster.selectors import latest_snapshot

from .. import audiences, documents, explain, forms, permissions, selectors, services
from ..access import Need, access_document, access_meeting, access_version
from ..models import Item, Meeting, MeetingDocument
from .common import notice_filename, sorted_rows, voting_rows

# --- lists ------------------------------------------------------------------------------------


@console_view
@require_GET
def index(request):
    """Every meeting the user sees, and where their role leads: new meetings for the estates they
    convene, guidance and extensions for a supervisor (a street office; a district bureau where a
    street office convenes, R-ORG-3), the calendar for the city operator."""
    meetings = selectors.meetings_for(request.user).order_by("-starts_at", "-id")[:300]
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
            "supervisor": scoping.is_supervisor(request.user),
            "city_operator": permissions.can_keep_calendar(request.user),
        },
    )


@console_view
@require_GET
def estate_meetings(request, estate_id):
    estate = access_estate(request.user, estate_id)
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


# --- the meeting's page and its actions -------------------------------------------------------


def _required_documents(meeting: Meeting, docs: list) -> list[dict]:
    """A first assembly's checklist (R-MTG-5): each required kind and whether it is attached."""
    if meeting.kind != Meeting.Kind.FIRST:
        return []
    have = {d.kind for d in docs}
    return [
        {"kind": k, "label": MeetingDocument.Kind(k).label, "have": k in have}
        for k in MeetingDocument.REQUIRED_FOR_FIRST
    ]


@console_view
@require_GET
def detail(request, meeting_id):
    meeting = access_meeting(request.user, meeting_id, content=True)
    today = timezone.localdate()
    timeline = explain.meeting_timeline(meeting, today)
    rows = list(timeline.rows)
    if meeting.status != Meeting.Status.CANCELLED:
        rows = sorted_rows(rows + voting_rows(meeting.voting_opens_at, meeting.voting_closes_at, today))
    can_manage = permissions.can_manage(request.user, meeting)
    changeable = can_manage and meeting.status in Meeting.CHANGEABLE
    invite_job = (
        selectors.invite_job(meeting) if can_manage or permissions.supervises(request.user, meeting) else None
    )
    docs = list(selectors.documents(meeting))
    required = _required_documents(meeting, docs)
    context = {
        "meeting": meeting,
        "estate": meeting.estate,
        "notice": documents.notice_for(meeting),
        "timeline_rows": rows,
        "timeline": timeline,
        "can_manage": can_manage,
        "changeable": changeable,
        "cancellable": can_manage and Meeting.Status.CANCELLED in Meeting.TRANSITIONS[meeting.status],
        "move_url": reverse("meetings:edit", args=[meeting.pk]) if changeable else "",
        "can_guide": permissions.can_guide(request.user, meeting),
        "can_read_service": permissions.can_read_service(request.user, meeting),  # R-MTG-10
        "street_watch": permissions.supervises(request.user, meeting),
        "guidance_open": selectors.guidance_open(meeting, today),
        "guidance": selectors.guidance_of(meeting),
        "documents": docs,
        "required": required,
        "missing": [r for r in required if not r["have"]],
        "publicities": selectors.publicities(meeting),
        "versions": list(selectors.versions_of(meeting)),
        "eligibility": selectors.eligibility_counts(meeting) if meeting.voting_opened_at else None,
        # the invitations sent by the worker when the voting opened (core.jobs): its progress
        "invite_job": invite_job,
        # a failed run is resumed by the convener while the voting is open (voting.services.invitations)
        "invite_can_retry": can_manage
        and invite_job is not None
        and invite_job.status == invite_job.Status.FAILED
        and meeting.status == Meeting.Status.VOTING,
        "document_form": forms.DocumentForm(),
        "cancel_form": forms.ReasonForm(),
        "compare_form": forms.CompareForm(
            initial={"a": max(meeting.version - 1, 1), "b": meeting.version}, auto_id="compare_%s"
        ),
        "public_url": reverse("meetings:notice", args=[meeting.pk]) if meeting.publicised else "",
        "today": today,
        # R-ROSTER-1: a draft is entered only on confirmed totals; a held opening says what changed.
        "totals_missing": meeting.status == Meeting.Status.DRAFT and latest_snapshot(meeting.estate) is None,
        "totals_url": reverse("roster:totals", args=[meeting.estate_id]),
        "opening_held": meeting.opening_refusal if meeting.status == Meeting.Status.PUBLISHED else None,
        # art. 12, R-MTG-2: the publicity waits for the guidance or its window
        "publicity_from": selectors.publicity_from(meeting)
        if meeting.status == Meeting.Status.SUBMITTED
        else None,
    }
    return render(request, "meetings/detail.html", context)


def _act(request, meeting_id, success, service, /, anchor: str = "", **kwargs):
    """One service call of the meeting page's buttons; a refusal is shown on the meeting's page,
    with each rule it names (NotFound and Forbidden are the 404 and 403 pages). ``success`` is the
    message, or a function of the service's result that makes it."""
    outcome = attempt(service, actor=request.user, **kwargs)
    if outcome.refused:
        for line in lines(outcome.error):
            messages.error(request, line)
    else:
        messages.success(request, success(outcome.value) if callable(success) else success)
    return redirect(reverse("meetings:detail", args=[meeting_id]) + anchor)


def _entered(meeting: Meeting) -> str:
    if audiences.supervised_by_district(meeting):  # R-ORG-3
        return _(
            "The meeting is entered. The district bureau, which supervises a meeting the street office "
            "convenes, has been told and may give guidance within 5 days."
        )
    return _("The meeting is entered. The street office has been told and may give guidance within 5 days.")


@console_view
@require_POST
def submit(request, meeting_id):
    return _act(
        request,
        meeting_id,
        _entered,
        services.meeting_submit,
        meeting_id=meeting_id,
    )


@console_view
@require_POST
def publish(request, meeting_id):
    return _act(
        request,
        meeting_id,
        _(
            "The meeting is publicised: its notice is public and the binding list is published with it. "
            "Print the notice, seal it and post it in the estate."
        ),
        services.meeting_publish,
        meeting_id=meeting_id,
    )


@console_view
@require_POST
def cancel(request, meeting_id):
    access_meeting(request.user, meeting_id, need=Need.MANAGE)  # who asks, before what they sent
    form = forms.ReasonForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give the reason for the cancellation."))
        return redirect("meetings:detail", meeting_id=meeting_id)
    return _act(
        request,
        meeting_id,
        _("The meeting was cancelled."),
        services.meeting_cancel,
        meeting_id=meeting_id,
        reason=form.cleaned_data["reason"],
    )


@console_view
@require_POST
def document_add(request, meeting_id):
    access_meeting(request.user, meeting_id, need=Need.MANAGE)  # who asks, before what they sent
    form = forms.DocumentForm(request.POST, request.FILES)
    if not form.is_valid():
        for field, errors in form.errors.items():
            label = form.fields[field].label if field in form.fields else ""
            for error in errors:
                messages.error(request, f"{label}：{error}" if label else error)
        return redirect(reverse("meetings:detail", args=[meeting_id]) + "#documents")
    data = form.cleaned_data
    return _act(
        request,
        meeting_id,
        _("The document was added."),
        services.document_add,
        anchor="#documents",
        meeting_id=meeting_id,
        kind=data["kind"],
        title=data["title"],
        upload=form.upload(),
    )


@console_view
@require_POST
def document_remove(request, meeting_id, document_id):
    document = access_document(request.user, meeting_id, document_id, need=Need.MANAGE)
    return _act(
        request,
        meeting_id,
        _("The document was removed."),
        services.document_remove,
        anchor="#documents",
        document_id=document.pk,
    )


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
    meeting = access_meeting(request.user, meeting_id, content=True)
    return download(
        documents.notice_pdf(documents.notice_for(meeting)), notice_filename(meeting), documents.PDF
    )


# --- versions side by side (R-MTG-6) ----------------------------------------------------------


@console_view
@require_GET
def compare(request, meeting_id):
    """Two versions side by side, the changed fields marked (R-MTG-6)."""
    meeting = access_meeting(request.user, meeting_id)
    versions = list(selectors.versions_of(meeting))
    form = forms.CompareForm(request.GET or None, auto_id="compare_%s")
    if not versions:
        raise Http404(_("This meeting has no version yet: it has not been entered."))
    if form.is_bound and form.is_valid():
        a_no, b_no = form.cleaned_data["a"], form.cleaned_data["b"]
    else:
        a_no, b_no = max(meeting.version - 1, 1), meeting.version
    a = access_version(request.user, meeting.pk, a_no)
    b = access_version(request.user, meeting.pk, b_no)
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
        lines_ = [topic.get("title", "")]
        if topic.get("description"):
            lines_.append(topic["description"])
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
            lines_.append(line)
        out.append("\n".join(lines_))
    return out
