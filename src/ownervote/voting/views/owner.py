"""The owner's voting pages (WeUI, plain forms that work without JavaScript):

- ``vote`` /m/meetings/<id>/vote/: the flats the owner may vote (one button per submission: the
  flats of one owner together, R-TALLY-9), why not for the others, and the co-owners' choice of
  representative (R-VOTE-8);
- ``ballot_form`` /m/meetings/<id>/vote/ballot/?flats=..: every item (in elder mode one item per
  screen, R-SEC-8), then a review step that reads the choices back and names the items left blank
  (they count as abstentions), then one submit (R-VOTE-1);
- ``ballot`` /m/meetings/<id>/ballot/: the owner's own ballot with its receipt and the meeting's
  progress (R-VOTE-3);
- ``receipt_check`` /p/receipts/?code=..: anybody checks that a receipt is recorded (never how).
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from ownervote.core.devices import traces
from ownervote.core.params import int_param
from ownervote.core.views import attempt
from ownervote.identity import eldermode
from ownervote.identity.decorators import owner_view
from ownervote.meetings import scopes
from ownervote.meetings.models import Item, Meeting

from .. import permissions
from ..access import Need, access_representative, access_voting
from ..errors import Code
from ..services import answers as answer_service
from ..services import cast, late, representatives
from ..services.progress import figures


def _meeting(request, meeting_id: int) -> Meeting:
    return access_voting(request.user, meeting_id, need=Need.VOTE)


def _int(value) -> int | None:
    return int_param(value)


def _ids(text: str) -> list[int]:
    return sorted({i for i in (_int(x) for x in str(text or "").split(",")) if i is not None})


def _form_url(meeting_id: int, flat_ids: list[int], proxy_id: int | None) -> str:
    query = {"flats": ",".join(str(i) for i in flat_ids)}
    if proxy_id:
        query["proxy"] = proxy_id
    return f"{reverse('voting:ballot_form', args=[meeting_id])}?{urlencode(query)}"


# --- the vote page -----------------------------------------------------------------------------


@never_cache
@owner_view
@require_GET
def vote(request, meeting_id: int):
    meeting = _meeting(request, meeting_id)
    entries = cast.voter_flats(request.user, meeting)
    # R-VOTE-4: flats bound after the eligibility was frozen have no row: listed, refused, with why
    entries += late.late_flats(request.user, meeting, skip={e.flat.pk for e in entries})
    submissions = [
        {
            "labels": group[0].labels,
            "via": group[0].via,
            "proxy": group[0].proxy,
            "area": sum((e.roll.area for e in group if e.roll), 0),
            "url": _form_url(meeting.pk, group[0].flat_ids, group[0].proxy.pk if group[0].proxy else None),
        }
        for group in cast.submissions_of(entries)
    ]
    return render(
        request,
        "voting/owner/vote.html",
        {
            "meeting": meeting,
            "submissions": submissions,
            # A flat that has voted is done, not refused (issue 22 item 6): listed apart, with a ✓.
            "voted": [e for e in entries if e.voted_at is not None],
            "refused": [e for e in entries if not e.can_vote and e.voted_at is None],
            "any_voted": any(e.voted_at for e in entries),
            "co_owned": representatives.co_owner_flats(request.user, meeting),
            "open": cast.voting_is_open(meeting),
            "closed": meeting.status == Meeting.Status.CLOSED
            or (meeting.voting_closes_at is not None and timezone.now() >= meeting.voting_closes_at),
            "show_proxy_list": permissions.can_see_proxy_list(request.user, meeting),
            "owner_tab": "home",
        },
    )


# --- the ballot: form, review, submit ---------------------------------------------------------


def _answers_from(post, items: list[Item]) -> tuple[dict, dict]:
    """The answers in the API's format from the form, and the form's own errors."""
    out, errors = {}, {}
    for item in items:
        values = [v for v in post.getlist(f"item_{item.pk}") if v]
        if not values:
            continue
        if item.kind == Item.Kind.QUESTION:
            out[str(item.pk)] = values[0]
        elif "abstain" in values:
            if len(values) > 1:
                errors[f"item:{item.pk}"] = _("Either choose candidates or abstain, not both.")
            else:
                out[str(item.pk)] = "abstain"
        else:
            out[str(item.pk)] = values
    return out, errors


def _selected(answers: dict) -> dict[int, set[str]]:
    chosen = {}
    for key, value in answers.items():
        values = value if isinstance(value, list) else [value]
        chosen[int(key)] = {str(v) for v in values}
    return chosen


def _form_rows(items: list[Item], answers: dict, errors: dict) -> list[dict]:
    chosen = _selected(answers)
    return [
        {
            "item": item,
            "selected": chosen.get(item.pk, set()),
            "error": errors.get(f"item:{item.pk}", ""),
            "candidates": list(item.candidates.all()),
            "scope": scopes.label(item) if item.scope != Item.Scope.ESTATE else "",  # R-MTG-9
        }
        for item in items
    ]


def _elder_step(request, items: list[Item], errors: dict) -> tuple[int, str]:
    """The ballot's screen and the action left to do. In elder mode (R-SEC-8) the ballot shows one
    item per screen (``step``, from 0): "next" and "prev" move between them, carrying the answers
    given so far as hidden fields, and "next" on the last item is the review, which reads every
    choice back before the one submit. Otherwise the one screen shows every item."""
    action = request.POST.get("action", "") if request.method == "POST" else ""
    if not eldermode.is_on(request):
        return 0, action
    last = max(len(items) - 1, 0)
    step = min(max(_int(request.POST.get("step")) or 0, 0), last)
    if action == "next" and not errors:
        return (last, "review") if step >= last else (step + 1, "")
    if action == "prev":
        return max(step - 1, 0), ""
    if action == "edit":
        return 0, ""
    return step, action


def _first_wrong(items: list[Item], errors: dict, step: int) -> int:
    """The screen of the first item the check refused (elder mode), else ``step``."""
    wrong = [n for n, item in enumerate(items) if f"item:{item.pk}" in errors]
    return wrong[0] if wrong else step


def _review(request, ctx: dict, items: list[Item], answers: dict, marks):
    """The choices read back before the one submit, the items left blank named (R-VOTE-1)."""
    rows = answer_service.described(items, marks)
    return render(
        request,
        "voting/owner/review.html",
        {
            **ctx,
            "rows": rows,
            "blank": [r for r in rows if not r["answer"]],
            "hidden": [
                (f"item_{key}", v)
                for key, value in answers.items()
                for v in (value if isinstance(value, list) else [value])
            ],
        },
    )


@never_cache
@owner_view
@require_http_methods(["GET", "POST"])
def ballot_form(request, meeting_id: int):
    meeting = _meeting(request, meeting_id)
    source = request.POST if request.method == "POST" else request.GET
    flat_ids = _ids(source.get("flats", ""))
    proxy_id = _int(source.get("proxy"))
    entries = cast.voter_flats(request.user, meeting)
    group = next(
        (
            g
            for g in cast.submissions_of(entries)
            if g[0].flat_ids == flat_ids and (g[0].proxy.pk if g[0].proxy else None) == proxy_id
        ),
        None,
    )
    if group is None:
        entries += late.late_flats(request.user, meeting, skip={e.flat.pk for e in entries})
        refused = next((e for e in entries if e.flat.pk in flat_ids and not e.can_vote), None)
        messages.error(request, refused.reason if refused else _("Choose a flat you can vote for."))
        return redirect("voting:vote", meeting.pk)
    # R-MTG-9: only the items whose scope holds one of the flats voted for
    items = answer_service.items_for(
        answer_service.meeting_items(meeting), [(e.flat.pk, e.flat.building_id) for e in group]
    )
    answers, errors = _answers_from(request.POST, items) if request.method == "POST" else ({}, {})
    step, action = _elder_step(request, items, errors)
    ctx = {
        "meeting": meeting,
        "labels": group[0].labels,
        "via": group[0].via,
        "proxy": group[0].proxy,
        "flats": ",".join(str(i) for i in flat_ids),
        "proxy_id": proxy_id or "",
        "owner_tab": "home",
        "error": "",
        "step": step,
        "steps": len(items),
    }
    status = 200
    if action in ("review", "submit") and not errors:
        checked = attempt(answer_service.clean, items=items, answers=answers)
        if checked.refused:
            errors = dict(checked.details) if checked.error.code == Code.INVALID_INPUT else {}
            ctx["error"] = checked.message
            ctx["step"] = _first_wrong(items, errors, ctx["step"])
            status = 422
        else:
            if action == "submit":
                done = attempt(
                    cast.ballot_cast,
                    actor=request.user,
                    meeting_id=meeting.pk,
                    flat_ids=flat_ids,
                    answers=answers,
                    proxy_id=proxy_id,
                    **traces(request),
                )
                if done.refused:
                    messages.error(request, done.message)
                    return redirect("voting:vote", meeting.pk)
                messages.success(request, _("Your vote was recorded. Keep your receipt code."))
                return redirect("voting:ballot", meeting.pk)
            return _review(request, ctx, items, answers, checked.value.marks)
    elif errors:
        ctx["error"] = _("Some answers on the ballot are not valid.")
        status = 422
    return render(
        request,
        "voting/owner/ballot_form.html",
        {
            **ctx,
            "rows": _form_rows(items, answers, errors),
            # "%(n)s" and "%(max)s" are filled in by the page's script
            "count_label": _("Chosen: %(n)s of %(max)s"),
        },
        status=status,
    )


# --- the owner's own ballot and receipt (R-VOTE-3) ---------------------------------------------


@never_cache
@owner_view
@require_GET
def ballot(request, meeting_id: int):
    meeting = _meeting(request, meeting_id)
    mine = cast.my_ballots(request.user, meeting)
    voted = mine or any(e.voted_at for e in cast.voter_flats(request.user, meeting))
    return render(
        request,
        "voting/owner/ballot.html",
        {
            "meeting": meeting,
            "ballots": mine,
            "figures": figures(meeting) if voted else None,
            "owner_tab": "home",
        },
    )


# --- the public receipt check -------------------------------------------------------------------


@never_cache
@require_GET
def receipt_check(request):
    code = request.GET.get("code", "").strip()[:40]
    found = cast.receipt_lookup(code) if code else None
    return render(
        request,
        "voting/owner/receipt_check.html",
        {
            "code": code,
            "found": found,
            "display": cast.display_code(found.code) if found else "",
            "owner_tab": "home",
        },
        status=404 if code and found is None else 200,
    )


# --- the co-owners' representative (R-VOTE-8) ---------------------------------------------------


def _back(meeting_id: int):
    return redirect(f"{reverse('voting:vote', args=[meeting_id])}#representatives")


@owner_view
@require_POST
def representative_propose(request, meeting_id: int):
    meeting = _meeting(request, meeting_id)
    proposed = attempt(
        representatives.representative_propose,
        actor=request.user,
        meeting_id=meeting.pk,
        flat_id=_int(request.POST.get("flat_id")) or 0,
        user_id=_int(request.POST.get("user_id")) or 0,
    )
    if proposed.refused:
        messages.error(request, proposed.message)
    else:
        rep = proposed.value
        if rep.status == rep.Status.EFFECTIVE:
            messages.success(request, _("The representative is in effect."))
        else:
            messages.success(request, _("Proposed. The other co-owners are asked to consent."))
    return _back(meeting.pk)


def _representative_action(request, representative_id: int, service, done: str):
    choice = access_representative(request.user, representative_id, need=Need.CHOOSE)
    outcome = attempt(service, actor=request.user, representative_id=representative_id)
    if outcome.refused:
        messages.error(request, outcome.message)
    else:
        messages.success(request, done)
    return _back(choice.meeting.pk)


@owner_view
@require_POST
def representative_consent(request, representative_id: int):
    return _representative_action(
        request, representative_id, representatives.representative_consent, _("You consented.")
    )


@owner_view
@require_POST
def representative_withdraw(request, representative_id: int):
    return _representative_action(
        request, representative_id, representatives.representative_withdraw, _("The choice was withdrawn.")
    )


urlpatterns = [
    path("m/meetings/<int:meeting_id>/vote/", vote, name="vote"),
    path("m/meetings/<int:meeting_id>/vote/ballot/", ballot_form, name="ballot_form"),
    path("m/meetings/<int:meeting_id>/ballot/", ballot, name="ballot"),
    path(
        "m/meetings/<int:meeting_id>/representatives/",
        representative_propose,
        name="representative_propose",
    ),
    path(
        "m/representatives/<int:representative_id>/consent/",
        representative_consent,
        name="representative_consent",
    ),
    path(
        "m/representatives/<int:representative_id>/withdraw/",
        representative_withdraw,
        name="representative_withdraw",
    ),
    path("p/receipts/", receipt_check, name="receipt_check"),
]
