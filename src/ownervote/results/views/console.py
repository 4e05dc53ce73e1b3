"""The result console (art. 25-27; R-RES-1..3), namespace ``results``:

- ``result`` /console/meetings/<id>/result/: for the convener, "Close voting now" once the voting
  period has passed (if the system has not closed it yet), "Generate the result" (a reason from
  version 2 on), the current version's result table, every version with its printable tables,
  "Submit to the street office", the street office's guidance and the publicity form. The street
  office of the estate's street gives its guidance here while its window is open; the district
  bureau and the city operator read.
- ``correct`` (POST): once the result is publicised its ballots are sealed (R-SEC-6); the convener
  starts a correction with its reason, which lets late paper ballots in; generating the next
  version completes it. The page shows the open correction and marks each correcting version.
- ``close_voting``, ``generate``, ``submit``, ``guidance``, ``publicise`` (POST): the actions;
  each shows the service's refusal on the page. ``submit`` takes the scans of the signed result
  table and per-flat table (R-RES-2); the publicity form shows from the guidance, or without it
  from the last day that keeps the publicity on time (R-RES-3), and guidance given after the
  publicity started is marked so.
- ``version`` /console/meetings/<id>/result/v<n>/: one frozen version, with its per-flat table.

``result_table(content)`` turns a frozen ``Result.content`` into rows for the templates; the public
page (views/public.py) uses it too.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from ownervote.core.errors import ServiceError
from ownervote.core.files import Upload
from ownervote.core.views import attempt, console_view
from ownervote.meetings import audiences

from .. import panels, permissions, texts
from ..access import Need, access_result, access_version
from ..forms import CorrectionForm, GenerateForm, GuidanceForm, PublicityForm, SubmitForm
from ..models import ResultGuidance, ResultPublicity
from ..services import corrections, generation, results

FLATS_PAGE = 200


# --- the frozen content as table rows --------------------------------------------------------


def _share(s: dict, of: str) -> dict:
    """One share of ``tally.to_json``: area, owners and their percentages ``of`` "participating" or
    "total"."""
    return {
        "area": s["area"],
        "owners": s["owners"],
        "area_pct": texts.pct(s[f"area_of_{of}"]) if f"area_of_{of}" in s else "",
        "owners_pct": texts.pct(s[f"owners_of_{of}"]) if f"owners_of_{of}" in s else "",
    }


def result_table(content: dict) -> dict:
    """Participation and one row per item: the answers (questions) or the ranking (elections) with
    area, owners and their shares of the participants, the outcome in a word and in a sentence."""
    result = content["result"]
    names = texts.candidate_names(content)
    by_id = {r["item"]: r for r in result["items"]}
    items = []
    for item in content["items"]:
        r = by_id.get(item["id"])
        if r is None:
            continue
        row = {
            "id": item["id"],
            "position": item["position"],
            "title": item["title"],
            "kind": item["kind"],
            "category": item["category"],
            "threshold": texts.threshold_label(item["threshold"]),
            "quorum": r["quorum"]["area"] and r["quorum"]["owners"],
            "participating": _share(r["participating"], "total"),
            "short": texts.short_outcome(item, r),
            "sentence": texts.item_outcome(content, item, r),
            "passed": bool(r["passed"] or r.get("elected")),
            "followed": r.get("followed") or "",
            "nonvoters": {"area": r["nonvoters"]["area"], "owners": r["nonvoters"]["owners"]},
            "decided_by": texts.decided_by(result, r),
        }
        if item["kind"] == "election":
            row["seats"] = item["seats"]
            row["candidates"] = [
                {
                    "id": c["candidate"],
                    "rank": c["rank"],
                    "name": names.get(c["candidate"], str(c["candidate"])),
                    "elected": c["elected"],
                    "tied": c["tied"],
                    "majority": c["majority"],
                    **_share(c, "participating"),
                }
                for c in sorted(r["candidates"], key=lambda c: (c["rank"], c["candidate"]))
            ]
        else:
            row["answers"] = [
                {"answer": a, "label": texts.answer_label(a), **_share(r["answers"][a], "participating")}
                for a in ("yes", "no", "abstain")
            ]
        items.append(row)
    p = result["participating"]
    return {
        "totals": result["totals"],
        "participating": _share(p, "total"),
        "flats_voted": result["flats_voted"],
        "quorum": result["quorum"]["area"] and result["quorum"]["owners"],
        "follow_majority": result["follow_majority"],
        "with_nonvoters": texts.with_nonvoters(result),  # 随多数: participation both ways
        "items": items,
        "outcome": texts.outcome_lines(content),
    }


def flat_rows(content: dict) -> list[dict]:
    """The per-flat table with each answer in words (an election's chosen candidates by name)."""
    names = {str(k): v for k, v in texts.candidate_names(content).items()}
    kinds = [i["kind"] for i in content["items"]]
    out = []
    for f in content.get("flats", []):
        answers = []
        for kind, value in zip(kinds, f["answers"], strict=False):
            if not f["channel"]:
                answers.append("—")  # did not vote
            elif kind == "election":
                answers.append(texts.election_answer(value, names))
            else:
                answers.append(texts.answer_label(value))
        served = texts.service_label(f.get("served_by", ""), f.get("served_at", ""))
        out.append({**f, "answer_words": answers, "served": served if "served_by" in f else ""})
    return out


# --- the page ---------------------------------------------------------------------------------


def _publicity_of(result):
    return ResultPublicity.objects.filter(result=result).first() if result is not None else None


def _page_context(request, meeting, **forms) -> dict:
    user = request.user
    can_manage = permissions.can_manage_result(user, meeting)
    can_guide = permissions.can_guide_result(user, meeting)
    current = results.current(meeting)
    versions = list(results.versions(meeting))
    publicised = set(ResultPublicity.objects.filter(meeting=meeting).values_list("result_id", flat=True))
    for v in versions:
        v.publicised = v.pk in publicised
        v.corrects = corrections.corrects(v)
    correction = corrections.open_correction(meeting)
    publicity = _publicity_of(current)
    guidance = list(
        ResultGuidance.objects.filter(result__meeting=meeting)
        .select_related("organisation", "result")
        .order_by("created_at", "id")
    )
    guided = current is not None and any(g.result_id == current.pk for g in guidance)
    window_open = current is not None and results.guidance_open(current)
    publicities = list(ResultPublicity.objects.filter(meeting=meeting))
    published = {p.result_id: p.published_at for p in publicities}
    for g in guidance:  # R-RES-3: guidance given once the publicity started is shown with it
        g.after_publicity = g.result_id in published and g.created_at >= published[g.result_id]
    today = results.today()
    due_by = results.publicity_due_by(current) if current else None
    publicity_form = forms.get("publicity_form") or PublicityForm.starting(today)
    return {
        "meeting": meeting,
        "estate": meeting.estate,
        "can_manage": can_manage,
        "can_guide": can_guide,
        "read_only": not can_manage and not can_guide,
        "can_close": can_manage and results.can_close_now(meeting),
        # R-SEC-6: once publicised, a new version only completes an open correction
        "can_generate": can_manage
        and meeting.status == meeting.Status.CLOSED
        and (not publicised or correction is not None),
        "correction": correction,
        "can_correct": can_manage and bool(publicised) and correction is None,
        "correction_form": forms.get("correction_form") or CorrectionForm(),
        "current": current,
        "table": result_table(current.content) if current else None,
        "versions": versions,
        "guidance": guidance,
        "guided": guided,
        "guidance_open": window_open,
        "can_submit": can_manage and current is not None and current.submitted_at is None,
        "can_give_guidance": can_guide and current is not None and current.submitted_at and window_open,
        "publicity": publicity,
        # R-DATA-1: a publicised version (from its first day) exports for filing
        "filing_ready": any(p.starts_on <= today for p in publicities),
        # lines the apps above results add (panels.py): R-TRUST-2's objection counts
        "panel_lines": panels.lines_for(meeting, panels.CONSOLE) if publicised else [],
        "can_publicise": can_manage
        and current is not None
        and current.submitted_at is not None
        and publicity is None
        and results.may_publicise(current, guided=guided, on=today),
        "publicity_due_by": due_by,
        "publicise_from": results.publicise_from(current) if current else None,
        "late": due_by is not None and today > due_by,
        "show_late_reason": (due_by is not None and today > due_by)
        or bool(publicity_form.is_bound and publicity_form.data.get("late_reason"))
        or "late_reason" in publicity_form.errors,
        "today": today,
        "generate_form": forms.get("generate_form") or GenerateForm(),
        "guidance_form": forms.get("guidance_form") or GuidanceForm(),
        "submit_form": forms.get("submit_form") or SubmitForm(),
        "publicity_form": publicity_form,
        **_job_context(meeting, current, can_manage=can_manage),
    }


def _render(request, meeting, *, status: int = 200, **forms):
    return render(request, "results/console.html", _page_context(request, meeting, **forms), status=status)


@console_view
@never_cache
@require_GET
def result(request, meeting_id):
    meeting = access_result(request.user, meeting_id, need=Need.SEE)
    return _render(request, meeting)


def _service_error_into(form, exc: ServiceError) -> None:
    """A refusal onto the form: on the field ``details`` names, else above the form."""
    details = exc.details if isinstance(exc.details, dict) else {}
    field = next((k for k in details if k in form.fields), None)
    form.add_error(field, str(exc.message))


@console_view
@require_POST
def close_voting(request, meeting_id):
    closed = attempt(results.voting_close, actor=request.user, meeting_id=meeting_id)
    if closed.refused:
        messages.error(request, closed.error.message)
    else:
        messages.success(
            request, _("The voting is closed. Enter any paper ballots, then generate the result.")
        )
    return redirect("results:console", meeting_id=meeting_id)


def _form_action(
    request, meeting_id, form_class, form_key: str, act, done_message, *, need: Need = Need.MANAGE
):
    """Post ``form_class`` to a service: who may (``need``) is checked before the form is read; an
    invalid form or a refusal re-renders the page with the form's errors (and the refusal's status);
    success redirects to the page with ``done_message`` (a callable of the service's return value)."""
    meeting = access_result(request.user, meeting_id, need=need)
    form = form_class(request.POST, request.FILES)
    if not form.is_valid():
        return _render(request, meeting, status=422, **{form_key: form})
    done = attempt(act, meeting=meeting, data=form.cleaned_data)
    if done.refused:
        _service_error_into(form, done.error)
        return _render(request, meeting, status=done.error.status, **{form_key: form})
    messages.success(request, done_message(done.value))
    return redirect("results:console", meeting_id=meeting.pk)


@console_view
@require_POST
def generate(request, meeting_id):
    """Queue the generation (``generation``: the refusals at once, on the form); the page then shows
    the job's progress, and the second click gets the same job."""
    return _form_action(
        request,
        meeting_id,
        GenerateForm,
        "generate_form",
        lambda meeting, data: generation.result_generation_start(
            actor=request.user, meeting_id=meeting.pk, **data
        ),
        lambda job: _("The result is being generated; this page shows how far it got."),
    )


def _job_context(meeting, current, *, can_manage: bool) -> dict:
    """The latest generation job, when the page should show it: queued, running, failed (with the
    convener's retry), or done with the version that is still the current one."""
    job = generation.job_of(meeting)
    if job is None or (
        job.status == job.Status.DONE and (current is None or job.outcome.get("number") != current.number)
    ):
        job = None
    failed = job is not None and job.status == job.Status.FAILED
    return {"job": job, "job_poll": 2, "job_can_retry": failed and can_manage}


@console_view
@never_cache
@require_GET
def job(request, meeting_id):
    """The progress fragment htmx polls every 2 s while the generation is queued or running."""
    meeting = access_result(request.user, meeting_id, need=Need.SEE)
    context = _job_context(
        meeting, results.current(meeting), can_manage=permissions.can_manage_result(request.user, meeting)
    )
    return render(request, "results/_job.html", {"meeting": meeting, **context})


@console_view
@require_POST
def job_retry(request, meeting_id):
    """Resume the failed generation (``generation.result_generation_retry``); the page then shows
    its progress again, or the refusal."""
    meeting = access_result(request.user, meeting_id, need=Need.MANAGE)
    if generation.job_of(meeting) is None:  # a stale form: nothing was ever asked for
        return redirect("results:console", meeting_id=meeting.pk)
    retried = attempt(generation.result_generation_retry, actor=request.user, meeting_id=meeting.pk)
    if retried.refused:
        messages.error(request, retried.error.message)
    else:
        messages.success(request, _("The generation of the result was started again."))
    return redirect("results:console", meeting_id=meeting_id)


def _submitted_message(done) -> str:
    if audiences.supervised_by_district(done.meeting):  # R-ORG-3
        text = _(
            "Submitted to the district bureau, which supervises this meeting; it may give "
            "guidance until %(date)s."
        )
    else:
        text = _("Submitted to the street office; it may give guidance until %(date)s.")
    return text % {"date": done.guidance_ends_on.isoformat()}


def _scan(data: dict, field: str) -> Upload | None:
    f = data.get(field)
    return Upload.from_django(f) if f else None


@console_view
@require_POST
def submit(request, meeting_id):
    """The submission with the scans of the signed tables (R-RES-2): a refusal (a missing scan, not
    a PDF or photo, too large) is shown on its field and nothing is submitted."""
    return _form_action(
        request,
        meeting_id,
        SubmitForm,
        "submit_form",
        lambda meeting, data: results.result_submit(
            actor=request.user,
            meeting_id=meeting.pk,
            result_scan=_scan(data, "result_scan"),
            flats_scan=_scan(data, "flats_scan"),
        ),
        _submitted_message,
    )


@console_view
@require_POST
def correct(request, meeting_id):
    """Start a correction of the publicised result (R-SEC-6): a blank reason is refused on its
    field and nothing changes."""
    return _form_action(
        request,
        meeting_id,
        CorrectionForm,
        "correction_form",
        lambda meeting, data: corrections.correction_start(actor=request.user, meeting_id=meeting.pk, **data),
        lambda started: (
            _(
                "The correction of version %(n)s is open: enter the late paper ballots, then generate "
                "the new version. The street office has been told."
            )
            % {"n": started.corrects.number}
        ),
    )


@console_view
@require_POST
def guidance(request, meeting_id):
    return _form_action(
        request,
        meeting_id,
        GuidanceForm,
        "guidance_form",
        lambda meeting, data: results.guidance_give(actor=request.user, meeting_id=meeting.pk, **data),
        lambda _given: _("The guidance opinion was recorded; the convener has been told."),
        need=Need.GUIDE,
    )


@console_view
@require_POST
def publicise(request, meeting_id):
    return _form_action(
        request,
        meeting_id,
        PublicityForm,
        "publicity_form",
        lambda meeting, data: results.result_publicise(actor=request.user, meeting_id=meeting.pk, **data),
        lambda done: (
            _("The result is publicised from %(start)s to %(end)s; the owners are told.")
            % {"start": done.starts_on.isoformat(), "end": done.ends_on.isoformat()}
        ),
    )


@console_view
@never_cache
@require_GET
def version(request, meeting_id, number):
    found = access_version(request.user, meeting_id, number)
    meeting = found.meeting
    flats = Paginator(flat_rows(found.content), FLATS_PAGE).get_page(request.GET.get("page"))
    guidance = (
        ResultGuidance.objects.filter(result=found).select_related("organisation").order_by("created_at")
    )
    publicity = _publicity_of(found)
    return render(
        request,
        "results/version.html",
        {
            "meeting": meeting,
            "estate": meeting.estate,
            "v": found,
            "content": found.content,
            "table": result_table(found.content),
            "items": found.content["items"],
            "flats": flats,
            "scrutiny": found.content.get("scrutiny", []),
            "guidance": guidance,
            "publicity": publicity,
        },
    )
