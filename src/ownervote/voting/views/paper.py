"""Console pages of the paper count (R-PAPER-1..4, R-TALLY-9) and the printable ballots.

- ``count``: a meeting's count sessions, the form that opens one (caller, counter, scrutineer,
  place, second entry, the street-office staff invited) and the ballots to print.
- ``count_session``: the entry page, made for the keyboard: the flat (typed "1-101" or scanned:
  the scanner types the QR payload and Enter), one short field per item (1 yes, 2 no, 3 abstain;
  candidates' numbers; 0 abstain), the date (the close date by default), when and how the paper
  was received (the ballot box or handed in, R-PAPER-2: kept from the previous paper of the
  session, never defaulted to the close); Enter saves and the page comes back empty for the next
  paper. It lists the flats entered, the mismatches between the
  first and second entry and the counted owners whose papers disagree, each with a link to
  resolve it, and the commit. The second-entry page never shows what the first entry said.
- ``ballots_pdf``: the printable ballots of every flat, one building (``?building=``) or one flat
  (``?flat=``). Everything works without JavaScript.
"""

from __future__ import annotations

import datetime as dt
import re

from django.contrib import messages
from django.http import HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from ownervote.core.errors import NotFound, ServiceError
from ownervote.core.params import int_param
from ownervote.core.views import attempt, console_view, download
from ownervote.meetings import audiences, scopes
from ownervote.meetings.models import Item
from ownervote.roster.models import Building

from .. import ballot_pdf, permissions
from ..access import Need, access_session, access_voting
from ..errors import Code
from ..models import CountSession, PaperEntry, RollFlat
from ..services import answers as ballot_answers
from ..services import paper, paper_ballots, progress, seal

R = PaperEntry.Round


def _error_text(exc: ServiceError) -> list[str]:
    out = [str(exc.message)]
    if isinstance(exc.details, dict):
        out += [str(v) for v in exc.details.values() if isinstance(v, str) and " " in v]
    return out


# --- the meeting's counts ---------------------------------------------------------------------


@console_view
@require_http_methods(["GET", "POST"])
def count(request, meeting_id):
    meeting = access_voting(
        request.user, meeting_id, need=Need.COUNT if request.method == "POST" else Need.WATCH_COUNT
    )
    sessions = paper.sessions_of(meeting)
    can_manage = permissions.can_run_voting(request.user, meeting)
    staff = audiences.supervisor_users(meeting) if can_manage else []
    values = {"caller": "", "counter": "", "scrutineer": "", "place": meeting.place, "double_entry": False}
    invited = {u.pk for u in staff}
    errors: dict = {}
    if request.method == "POST":
        values = {k: request.POST.get(k, "").strip() for k in ("caller", "counter", "scrutineer", "place")}
        values["double_entry"] = bool(request.POST.get("double_entry"))
        invited = {i for i in map(int_param, request.POST.getlist("invited")) if i is not None}
        opened = attempt(
            paper.session_open,
            actor=request.user,
            meeting_id=meeting.pk,
            invited_ids=sorted(invited),
            **values,
        )
        if opened.refused:
            errors = opened.details
            messages.error(request, opened.message)
        else:
            messages.success(request, _("The count session is open. Enter the ballots flat by flat."))
            return redirect("voting:count_session", session_id=opened.value.pk)
    buildings = Building.objects.filter(estate=meeting.estate).order_by("sort_key", "name")
    return render(
        request,
        "voting/paper/count.html",
        {
            "meeting": meeting,
            "estate": meeting.estate,
            "sessions": sessions,
            "can_manage": can_manage,
            "has_open": any(s.status == CountSession.Status.OPEN for s in sessions),
            "staff": staff,
            "invited": invited,
            "values": values,
            "errors": errors,
            "buildings": buildings,
            "closed": timezone.now() >= meeting.voting_closes_at,
            "paper_method": meeting.method in paper_ballots.PAPER_METHODS,
            # R-SEC-6: after the result's publicity, a count opens only through a correction
            "sealed": seal.SEALED if seal.is_sealed(meeting) else "",
        },
    )


# --- entry ------------------------------------------------------------------------------------


def _parse_date(text: str, default: dt.date) -> dt.date | None:
    text = (text or "").strip()
    if not text:
        return default
    digits = re.sub(r"\D", "", text)
    try:
        if len(digits) == 8:
            return dt.date(int(digits[:4]), int(digits[4:6]), int(digits[6:]))
        if len(digits) == 4:
            return dt.date(default.year, int(digits[:2]), int(digits[2:]))
    except ValueError:
        return None
    return None


def _local_minute(moment: dt.datetime | None) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M") if moment else ""


def _last_receipt(session: CountSession) -> dict:
    """When and how the session's last saved paper was received: the next paper of the same box
    usually shares it. Empty for the first paper: the clerk types it, nothing is assumed."""
    last = (
        PaperEntry.objects.filter(session=session, received_at__isnull=False)
        .order_by("-entered_at", "-id")
        .first()
    )
    if last is None:
        return {"received_at": "", "received_via": PaperEntry.Received.BOX}
    return {"received_at": _local_minute(last.received_at), "received_via": last.received_via}


def _round(value, session: CountSession) -> int:
    try:
        n = int(value)
    except (TypeError, ValueError):
        return R.FIRST
    if n == R.SECOND and not session.double_entry:
        return R.FIRST
    return n if n in R.values else R.FIRST


def _item_rows(items, typed: dict, errors: dict, offered: list | None) -> list[dict]:
    """One entry field per item. ``offered``: the items of the chosen flat's ballot (R-MTG-9,
    ``answers.items_for``), None while no flat is chosen; the others are shown disabled (Tab skips
    them, the page keeps its layout) and, if the clerk typed one anyway, with the service's refusal."""
    mine = None if offered is None else {i.pk for i in offered}
    first = next((i.pk for i in items if mine is None or i.pk in mine), None)
    rows = []
    for item in items:
        candidates = list(item.candidates.all())
        rows.append(
            {
                "item": item,
                "name": f"item_{item.pk}",
                "value": typed.get(str(item.pk), ""),
                "error": errors.get(f"item:{item.pk}", ""),
                "is_election": item.kind == Item.Kind.ELECTION,
                "candidates": [(n, c.name) for n, c in enumerate(candidates, start=1)],
                "scope": scopes.label(item) if item.scope != Item.Scope.ESTATE else "",
                "out_of_scope": mine is not None and item.pk not in mine,
                "first": item.pk == first,
            }
        )
    return rows


def _building_of(meeting, flat_ids) -> dict[int, int]:
    """flat id -> building id on the meeting's roll (one query)."""
    if not flat_ids:
        return {}
    rows = RollFlat.objects.filter(meeting=meeting, flat_id__in=list(flat_ids))
    return dict(rows.values_list("flat_id", "building_id"))


def _flat_items(items, building_of: dict[int, int]):
    """The items on a flat's ballot (R-MTG-9), for the lines that summarise what was entered."""

    def of(flat_id: int) -> list:
        building = building_of.get(flat_id)
        return items if building is None else ballot_answers.items_for(items, [(flat_id, building)])

    return of


def _session_page(request, session: CountSession, *, rnd: int, form: dict, status: int = 200):
    meeting = session.meeting
    items = ballot_answers.meeting_items(meeting)
    st = paper.state(session)
    chosen = form.get("flat_id")
    shown = {f.flat_id for f in st.mismatches} | {f.flat_id for g in st.conflicts for f in g}
    building_of = _building_of(meeting, shown | ({chosen} - {None}))
    of = _flat_items(items, building_of)
    offered = of(chosen) if chosen in building_of else None
    can_manage = permissions.can_run_voting(request.user, meeting)
    committed = session.status == CountSession.Status.COMMITTED
    resolving = None
    if rnd == R.RESOLVED and form.get("flat_id"):
        flat_state = next((f for f in st.flats if f.flat_id == form["flat_id"]), None)
        if flat_state:
            resolving = [
                {
                    "round": r,
                    "label": R(r).label,
                    "text": paper_ballots.summary(of(flat_state.flat_id), e.answers, invalid=e.invalid),
                    "dated_on": e.dated_on,
                }
                for r, e in sorted(flat_state.rounds.items())
            ]
    return render(
        request,
        "voting/paper/session.html",
        {
            "session": session,
            "meeting": meeting,
            "estate": meeting.estate,
            "can_enter": can_manage and not committed,
            "can_manage": can_manage,
            "committed": committed,
            "round": rnd,
            "round_label": R(rnd).label,
            "rows": _item_rows(items, form.get("typed", {}), form.get("errors", {}), offered),
            "form": form,
            "scoped": any(i.scope != Item.Scope.ESTATE for i in items),  # R-MTG-9
            "close_date": paper_ballots.close_date(meeting),
            "closes_at": meeting.voting_closes_at,
            "received_choices": PaperEntry.Received.choices,
            "state": st,
            "mismatches": [
                {
                    "flat": f,
                    "first": paper_ballots.summary(
                        of(f.flat_id), f.rounds[R.FIRST].answers, invalid=f.rounds[R.FIRST].invalid
                    )
                    + f" ({f.rounds[R.FIRST].dated_on:%Y-%m-%d})",
                    "second": paper_ballots.summary(
                        of(f.flat_id), f.rounds[R.SECOND].answers, invalid=f.rounds[R.SECOND].invalid
                    )
                    + f" ({f.rounds[R.SECOND].dated_on:%Y-%m-%d})",
                }
                for f in st.mismatches
            ],
            "conflicts": [
                [
                    {
                        "flat": f,
                        "text": paper_ballots.summary(
                            of(f.flat_id), f.effective.answers, invalid=f.effective.invalid
                        )
                        + f" ({f.effective.dated_on:%Y-%m-%d})",
                    }
                    for f in group
                ]
                for group in st.conflicts
            ],
            "resolving": resolving,
            "figures": progress.figures(meeting) if committed else None,
            "session_figures": paper.session_figures(session) if committed else None,
            "invited": list(session.invited.all()),
        },
        status=status,
    )


def _here(session_id: int, rnd: int) -> str:
    url = reverse("voting:count_session", args=[session_id])
    return url if rnd == R.FIRST else f"{url}?round={rnd}"


@console_view
@require_http_methods(["GET", "POST"])
def count_session(request, session_id):
    # Watching the count is enough to see it; entering a ballot needs the convener's COUNT, checked
    # before anything posted is read.
    need = Need.COUNT if request.method == "POST" else Need.WATCH_COUNT
    session = access_session(request.user, session_id, need=need)
    meeting = session.meeting
    if request.method == "GET":
        rnd = _round(request.GET.get("round"), session)
        form = {
            "flat": "",
            "dated_on": paper_ballots.close_date(meeting).isoformat(),
            **_last_receipt(session),
            "typed": {},
            "errors": {},
        }
        flat_id = int_param(request.GET.get("flat"))
        if rnd == R.RESOLVED and flat_id is not None:
            entry = (
                PaperEntry.objects.filter(session=session, flat_id=flat_id)
                .order_by("-round")
                .exclude(round=R.SECOND)
                .first()
            )
            roll = (
                RollFlat.objects.filter(meeting=meeting, flat_id=flat_id)
                .select_related("flat", "building")
                .first()
            )
            if roll is not None:
                form["flat"] = paper_ballots.flat_label(roll.building.name, roll.flat.room)
                form["flat_id"] = roll.flat_id
            if entry is not None:
                form["typed"] = paper_ballots.typed_from(ballot_answers.meeting_items(meeting), entry.answers)
                form["dated_on"] = entry.dated_on.isoformat()
                if entry.received_at:
                    form["received_at"] = _local_minute(entry.received_at)
                    form["received_via"] = entry.received_via
                form["invalid"] = entry.invalid
        return _session_page(request, session, rnd=rnd, form=form)

    rnd = _round(request.POST.get("round"), session)
    items = ballot_answers.meeting_items(meeting)
    typed = {str(i.pk): request.POST.get(f"item_{i.pk}", "").strip() for i in items}
    invalid = bool(request.POST.get("invalid"))
    form = {
        "flat": request.POST.get("flat", "").strip(),
        "dated_on": request.POST.get("dated_on", "").strip(),
        "received_at": request.POST.get("received_at", "").strip(),
        "received_via": request.POST.get("received_via", "").strip(),
        "typed": typed,
        "invalid": invalid,
        "errors": {},
    }
    found = attempt(paper_ballots.find_flat, meeting=meeting, text=form["flat"])
    if found.refused:
        form["errors"]["flat"] = found.message
        form["focus"] = "flat"
        return _session_page(request, session, rnd=rnd, form=form, status=422)
    roll = found.value
    form["flat"] = paper_ballots.flat_label(roll.building.name, roll.flat.room)
    form["flat_id"] = roll.flat_id
    if not invalid and not any(typed.values()):
        # The flat alone (typed, or scanned: the scanner ends with Enter): now the answers.
        form["focus"] = "answers"
        return _session_page(request, session, rnd=rnd, form=form)
    day = _parse_date(form["dated_on"], paper_ballots.close_date(meeting))
    if day is None:
        form["errors"]["dated_on"] = _("Type the date as YYYY-MM-DD.")
        form["focus"] = "dated_on"
        return _session_page(request, session, rnd=rnd, form=form, status=422)
    saved = attempt(
        _save_entry,
        actor=request.user,
        session=session,
        items=items,
        typed=typed,
        flat_id=roll.flat_id,
        rnd=rnd,
        dated_on=day,
        received_at=form["received_at"],
        received_via=form["received_via"],
        invalid=invalid,
    )
    if saved.refused:
        form["errors"] = {**saved.details, "form": saved.message}
        for field in ("dated_on", "received_at", "received_via"):
            if field in saved.details:
                form["errors"][field] = saved.message
        form["focus"] = "received_at" if "received_at" in saved.details else "answers"
        return _session_page(request, session, rnd=rnd, form=form, status=422)
    messages.success(
        request,
        _("Saved %(flat)s (%(round)s).") % {"flat": form["flat"], "round": R(rnd).label},
    )
    return HttpResponseRedirect(_here(session.pk, R.FIRST if rnd == R.RESOLVED else rnd))


def _save_entry(
    *,
    actor,
    session: CountSession,
    items,
    typed: dict,
    flat_id: int,
    rnd: int,
    dated_on,
    received_at,
    received_via,
    invalid,
):
    """The answers as the clerk keyed them (``paper_ballots.keyed_answers``), then the entry."""
    return paper.entry_save(
        actor=actor,
        session_id=session.pk,
        flat_id=flat_id,
        round=rnd,
        answers={} if invalid else paper_ballots.keyed_answers(items, typed),
        dated_on=dated_on,
        received_at=received_at,
        received_via=received_via,
        invalid=invalid,
    )


@console_view
@require_POST
def count_entry_delete(request, session_id):
    session = access_session(request.user, session_id, need=Need.COUNT)
    flat_id, rnd = int_param(request.POST.get("flat_id")), int_param(request.POST.get("round"))
    if flat_id is None or rnd is None:
        raise NotFound(Code.ENTRY_NOT_FOUND, _("No such entry."))
    deleted = attempt(
        paper.entry_delete, actor=request.user, session_id=session.pk, flat_id=flat_id, round=rnd
    )
    if deleted.refused:
        messages.error(request, deleted.message)
    else:
        messages.success(request, _("The entry was removed."))
    return HttpResponseRedirect(_here(session.pk, _round(request.POST.get("back"), session)))


@console_view
@require_POST
def count_commit(request, session_id):
    session = access_session(request.user, session_id, need=Need.COUNT)
    if not request.POST.get("confirm"):
        messages.error(request, _("Confirm that the caller, counter and scrutineer checked the entries."))
        return redirect("voting:count_session", session_id=session.pk)
    committed = attempt(paper.session_commit, actor=request.user, session_id=session.pk)
    if committed.refused:
        for text in _error_text(committed.error):
            messages.error(request, text)
    else:
        messages.success(request, _("The paper ballots are counted."))
    return redirect("voting:count_session", session_id=session.pk)


# --- printable ballots ------------------------------------------------------------------------


@console_view
@never_cache
@require_GET
def ballots_pdf(request, meeting_id):
    building = request.GET.get("building") or None
    meeting, flats = paper_ballots.ballots_for(
        request.user, meeting_id, building_id=building, flat=request.GET.get("flat") or None
    )
    suffix = paper_ballots.flat_label(flats[0].building.name, flats[0].room) if len(flats) == 1 else ""
    if not suffix and building:
        suffix = flats[0].building.name
    name = "-".join(p for p in (meeting.estate.name, _("paper ballots"), suffix) if p) + ".pdf"
    return download(ballot_pdf.render(meeting, flats), name, ballot_pdf.PDF)


urlpatterns = [
    path("console/meetings/<int:meeting_id>/count/", count, name="count"),
    path("console/meetings/<int:meeting_id>/ballots.pdf", ballots_pdf, name="ballots_pdf"),
    path("console/count/<int:session_id>/", count_session, name="count_session"),
    path("console/count/<int:session_id>/delete/", count_entry_delete, name="count_entry_delete"),
    path("console/count/<int:session_id>/commit/", count_commit, name="count_commit"),
]
